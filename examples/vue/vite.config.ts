import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

// `<idc-*>` tags are custom elements, not Vue components: Vue leaves them to the browser (and renders them as plain
// tags on the server). `vite build --ssr src/App.vue` → dist-ssr/ for the server render test.
export default defineConfig({
  plugins: [vue({ template: { compilerOptions: { isCustomElement: (tag) => tag.startsWith('idc-') } } })],
});
