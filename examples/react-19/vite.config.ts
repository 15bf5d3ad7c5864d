import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `vite build` → dist/ (served by examples/shared/server.mjs); `vite build --ssr src/App.tsx` → dist-ssr/ (the
// server render test, test/node/examples/ssr.test.ts), which imports React and the kit from node_modules.
export default defineConfig({
  plugins: [react()],
});
