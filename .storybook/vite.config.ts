// Vite settings for Storybook only (the root vite.config.ts is the library build).
// Lit's decorators are the legacy (experimentalDecorators) kind: say so explicitly rather than rely on tsconfig
// discovery, because standard decorators would be left untransformed and break the built Storybook.
import { defineConfig } from 'vite';

export default defineConfig({
  oxc: { decorator: { legacy: true } },
});
