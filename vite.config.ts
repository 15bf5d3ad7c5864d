/**
 * Builds (contract "Package"): one config, five named builds. `vite build` is the first; scripts/build-iife.mjs runs
 * the other four as `vite build --mode <name>`; `npm run build` runs them all, then the declarations.
 *
 * - `esm` (the default mode) — the package's ES modules: `dist/index.js`, `dist/define.js` and one
 *   `dist/components/<name>/define.js` per element; shared code in `dist/chunks/` (Lit in its own chunks), and the
 *   lazy half of the flow behind its dynamic import: `chunks/flow-lazy.js`, the share flow's own part
 *   `chunks/flow-lazy-share.js`, and oidc-client-ts in `chunks/oidc-client-ts.js` — off the buttons' first-paint path.
 *   Lit and oidc-client-ts are bundled (production builds, minified) so `dist/` also works straight from a CDN.
 * - `iife` — `dist/idconnect-kit.iife.js`: integrator elements + `window.IdConnect`, the one file a host page adds.
 *   Built with `__IDC_SCRIPT_TAG__`, so its loader (src/flow/first-paint/hand-over.ts) imports the lazy half from
 *   the file below, next to the script, instead of bundling it.
 * - `iife-flow` — `dist/idconnect-kit-flow.js`: that file, the lazy half of the flow (src/flow/lazy/index.ts) as one
 *   self-contained ES module with oidc-client-ts inlined. It bundles src/flow/errors.ts again; the error classes
 *   recognise each other's instances by a registered symbol (`Symbol.for`), and the page state it marks comes with
 *   the launch (src/flow/first-paint/launch.ts), so nothing is handed over between the two files.
 * - `iife-provider-ui` — `dist/idconnect-kit-provider-ui.iife.js`: the provider-side screens.
 * - `callback` — `dist/callback.js`, the callback page's relay (`idconnect-kit/callback`), one self-contained ES
 *   module that shares no chunk with the rest.
 */
import { resolve } from 'node:path';
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import { hoistTransitiveImports } from './scripts/vite-plugin-hoist-imports.js';
import { minifyLitLiterals } from './scripts/vite-plugin-minify-literals.js';

const root = import.meta.dirname;
const src = (path: string): string => resolve(root, 'src', path);

const COMPONENTS = ['verify-button', 'share-button', 'consent-screen', 'reuse-selection'];

/** The package's ES entry points, by their name in dist/. */
const ESM_ENTRIES: Record<string, string> = {
  index: src('index.ts'),
  define: src('define.ts'),
  ...Object.fromEntries(COMPONENTS.map((c) => [`components/${c}/define`, src(`components/${c}/define.ts`)])),
};

/** The modules reached only through a dynamic `import()`, by the name of their chunk in dist/chunks/. */
const LAZY_CHUNKS: Record<string, string> = {
  'flow-lazy': src('flow/lazy/index.ts'),
  'flow-lazy-share': src('flow/lazy/share.ts'),
  'oidc-client-ts': src('flow/lazy/oidc-client.ts'),
};
const lazyChunkName = new Map(Object.entries(LAZY_CHUNKS).map(([name, id]) => [id, name]));

/** The one-file builds, by mode: entry, output file and format. */
const ONE_FILE_BUILDS: Record<string, { entry: string; file: string; format: 'iife' | 'es'; scriptTag?: boolean }> = {
  iife: { entry: src('iife.ts'), file: 'idconnect-kit.iife.js', format: 'iife', scriptTag: true },
  'iife-flow': { entry: LAZY_CHUNKS['flow-lazy']!, file: 'idconnect-kit-flow.js', format: 'es' },
  'iife-provider-ui': { entry: src('provider-ui.ts'), file: 'idconnect-kit-provider-ui.iife.js', format: 'iife' },
  callback: { entry: src('callback.ts'), file: 'callback.js', format: 'es' },
};

/**
 * Settings every build shares: modern target, production Lit, minified (Lit's css/html template text too),
 * sourcemaps, no public dir. `scriptTag` tells the flow's loader it is in the script-tag build.
 */
function shared(build: NonNullable<UserConfig['build']>, plugins: Plugin[] = [], scriptTag = false): UserConfig {
  return {
    root,
    publicDir: false,
    plugins: [minifyLitLiterals(), ...plugins],
    define: {
      // Lit's package exports pick its production build for `vite build`; nothing may ask for the dev build.
      'process.env.NODE_ENV': JSON.stringify('production'),
      __IDC_SCRIPT_TAG__: JSON.stringify(scriptTag),
    },
    build: { target: 'es2022', minify: true, sourcemap: true, reportCompressedSize: false, outDir: 'dist', ...build },
  };
}

export default defineConfig(({ mode }) => {
  const one = ONE_FILE_BUILDS[mode];
  if (one) {
    return shared(
      {
        emptyOutDir: false,
        lib: { entry: one.entry, formats: [one.format], name: 'IdConnectBundle', fileName: () => one.file },
        // One file: any dynamic import of a bundled module is inlined too. (Vite leaves ES output unminified in
        // library mode; these files ship to browsers as they are.)
        rolldownOptions: { output: { codeSplitting: false, minify: true } },
      },
      [],
      one.scriptTag,
    );
  }
  return shared(
    {
      emptyOutDir: true,
      lib: { entry: ESM_ENTRIES, formats: ['es'], fileName: (_format, name) => `${name}.js` },
      rolldownOptions: {
        output: {
          // No content hash in chunk names: a bundler renames them anyway, a CDN serves dist/ under the version's path
          // (as the script-tag build's sibling file), and the names stay readable. Self-hosted: one folder per version.
          chunkFileNames: (chunk) => `chunks/${(chunk.facadeModuleId && lazyChunkName.get(chunk.facadeModuleId)) || chunk.name}.js`,
          // Vite's library mode leaves whitespace in ES output; these files ship to browsers as they are, so minify.
          minify: true,
          // Lit is shared by every element, in two chunks cached once: its reactive base (all elements; the buttons need
          // only this) and lit-html + LitElement (the consent screen and reuse selection).
          codeSplitting: {
            groups: [
              { name: 'reactive-element', test: /node_modules[\\/]@lit[\\/]reactive-element[\\/]/, priority: 2 },
              { name: 'lit', test: /node_modules[\\/](lit|lit-html|lit-element)[\\/]/, priority: 1 },
            ],
          },
        },
      },
    },
    [hoistTransitiveImports()],
  );
});
