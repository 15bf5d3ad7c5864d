/**
 * Builds (contract "Package"), one config, three modes:
 *
 * - `vite build` — the ESM entry points: `dist/index.js`, `dist/define.js` and one
 *   `dist/components/<name>/define.js` per element, shared code in `dist/chunks/` (Lit in its own chunk). Lit and
 *   oidc-client-ts are bundled (production builds, minified) so `dist/` also works straight from a CDN; the protocol
 *   library stays behind the flow's dynamic import as its own lazy chunk, off the button's first-paint path.
 * - `vite build --mode iife` — `dist/idconnect-kit.iife.js`: integrator elements + `window.IdConnect`, the one file a
 *   host page adds. The lazy half of the flow is not in it: src/flow/load-run.iife.ts (in place of load-run.ts)
 *   imports it on demand from the sibling file below, located from the script's own URL.
 * - `vite build --mode iife-flow` — `dist/idconnect-kit-flow.js`: that sibling, one self-contained ES module
 *   (src/flow/run.ts with oidc-client-ts inlined). The modules the page must hold once (the error classes, the page
 *   state) are not bundled again: the script hands its own copies over (scripts/vite-plugin-host-modules.ts).
 * - `vite build --mode iife-provider-ui` — `dist/idconnect-kit-provider-ui.iife.js`: the provider-side screens.
 * - `vite build --mode callback` — `dist/callback.js`, the callback page's relay (`idconnect-kit/callback`), one
 *   self-contained ES module that shares no chunk with the rest.
 *
 * `npm run build` runs them all (scripts/build-iife.mjs runs the script-tag modes), then the declarations.
 */
import { resolve } from 'node:path';
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import { hoistTransitiveImports } from './scripts/vite-plugin-hoist-imports.js';
import { HOST_ENTRY, hostModules } from './scripts/vite-plugin-host-modules.js';
import { minifyLitLiterals } from './scripts/vite-plugin-minify-literals.js';

const root = import.meta.dirname;
const src = (path: string): string => resolve(root, 'src', path);

const COMPONENTS = ['verify-button', 'share-button', 'consent-screen', 'reuse-selection'];

const ESM_ENTRIES: Record<string, string> = {
  index: src('index.ts'),
  define: src('define.ts'),
  ...Object.fromEntries(COMPONENTS.map((c) => [`components/${c}/define`, src(`components/${c}/define.ts`)])),
};

const IIFE_BUILDS: Record<string, { entry: string; file: string; plugins?: Plugin[] }> = {
  iife: { entry: src('iife.ts'), file: 'idconnect-kit.iife.js', plugins: [swapModule(src('flow/load-run.ts'), src('flow/load-run.iife.ts'))] },
  'iife-provider-ui': { entry: src('provider-ui.ts'), file: 'idconnect-kit-provider-ui.iife.js' },
};

/** Every import that resolves to `from` gets `to` instead (the script-tag build's loader of the lazy flow). */
function swapModule(from: string, to: string): Plugin {
  return {
    name: 'idc:swap-module',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!importer || importer === to) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved?.id === from ? to : null;
    },
  };
}

/**
 * Settings every build shares: modern target, production Lit, minified (Lit's css/html template text too),
 * sourcemaps, no public dir.
 */
function shared(build: NonNullable<UserConfig['build']>, plugins: Plugin[] = []): UserConfig {
  return {
    root,
    publicDir: false,
    plugins: [minifyLitLiterals(), ...plugins],
    // Lit's package exports pick its production build for `vite build`; nothing may ask for the dev build.
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: { target: 'es2022', minify: true, sourcemap: true, reportCompressedSize: false, outDir: 'dist', ...build },
  };
}

export default defineConfig(({ mode }) => {
  const iife = IIFE_BUILDS[mode];
  if (iife) {
    return shared(
      {
        emptyOutDir: false,
        lib: { entry: iife.entry, formats: ['iife'], name: 'IdConnectBundle', fileName: () => iife.file },
        // One file: any dynamic import of a bundled module is inlined too.
        rolldownOptions: { output: { codeSplitting: false } },
      },
      iife.plugins,
    );
  }
  if (mode === 'callback') {
    // The callback page's relay: one self-contained file, so that page makes one request and shares no chunk.
    return shared({
      emptyOutDir: false,
      lib: { entry: src('callback.ts'), formats: ['es'], fileName: () => 'callback.js' },
      rolldownOptions: { output: { codeSplitting: false, minify: true } },
    });
  }
  if (mode === 'iife-flow') {
    return shared(
      {
        emptyOutDir: false,
        lib: { entry: HOST_ENTRY, formats: ['es'], fileName: () => 'idconnect-kit-flow.js' },
        rolldownOptions: { output: { codeSplitting: false, minify: true } },
      },
      [hostModules(src('flow/run.ts'), { errors: src('flow/errors.ts'), leaving: src('flow/leaving.ts') })],
    );
  }
  return shared({
    emptyOutDir: true,
    lib: { entry: ESM_ENTRIES, formats: ['es'], fileName: (_format, name) => `${name}.js` },
    rolldownOptions: {
      output: {
        // No content hash in chunk names: a bundler renames them anyway, a CDN serves dist/ under the version's path
        // (as the script-tag build's sibling file), and the names stay readable. Self-hosted: one folder per version.
        chunkFileNames: 'chunks/[name].js',
        // Vite's library mode leaves whitespace in ES output; these files ship to browsers as they are, so minify.
        minify: true,
        // Lit is shared by every element, in two chunks cached once: its reactive base (all elements; the buttons need
        // only this) and lit-html + LitElement (the consent screen and reuse selection). oidc-client-ts is only reached
        // through the flow's dynamic import, so it lands in that lazy chunk by itself.
        codeSplitting: {
          groups: [
            { name: 'reactive-element', test: /node_modules[\\/]@lit[\\/]reactive-element[\\/]/, priority: 2 },
            { name: 'lit', test: /node_modules[\\/](lit|lit-html|lit-element)[\\/]/, priority: 1 },
          ],
        },
      },
    },
  }, [hoistTransitiveImports()]);
});
