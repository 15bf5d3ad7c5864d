/**
 * Builds (contract "Package"): one config, one ES build and the one-file builds of `ONE_FILE_BUILDS`. `vite build` is
 * the ES build; scripts/build-iife.mjs runs every one-file build as `vite build --mode <name>`; `npm run build` runs
 * them all, then the declarations.
 *
 * - `esm` (the default mode) — the package's ES modules, library-grade (README "Using the ES modules"):
 *   `dist/index.js`, `dist/define.js`, one `dist/components/<name>/define.js` per element and the other `ESM_ENTRIES`
 *   (`dist/react.js`); shared code in `dist/chunks/`, and the lazy half of the flow behind its dynamic import:
 *   `chunks/flow-lazy.js`, the share flow's own part `chunks/flow-lazy-share.js`, and `chunks/oidc-client-ts.js`
 *   (the import of the protocol library) — off the buttons' first-paint path. Dependencies are not bundled: every
 *   package named in package.json `dependencies`/`peerDependencies` (and what those depend on) stays a bare import
 *   (`lit`, `@lit/reactive-element`, `oidc-client-ts`, `react`, `@lit/react`), so an app shares one Lit with the kit
 *   and its bundler picks each package's build (Lit's production build in the browser, its DOM-shimmed build on a
 *   server). In a browser without a bundler, an import map resolves them. scripts/size.mjs measures first paint
 *   bundled with them.
 * - The one-file builds bundle everything (Lit's production build, oidc-client-ts inlined), one file each:
 *   - `iife` — `dist/idconnect-kit.iife.js`: integrator elements + `window.IdConnect`, the one file a host page
 *     adds. Built with `__IDC_SCRIPT_TAG__`, so its loader (src/flow/first-paint/hand-over.ts) imports the lazy half
 *     from the file below, next to the script, instead of bundling it.
 *   - `iife-flow` — `dist/idconnect-kit-flow.js`: that file, the lazy half of the flow (src/flow/lazy/index.ts) as
 *     one self-contained ES module. It bundles src/flow/errors.ts again; the error classes recognise each other's
 *     instances by a registered symbol (`Symbol.for`), and the page state it marks comes with the launch
 *     (src/flow/first-paint/launch.ts), so nothing is handed over between the two files.
 *   - `iife-provider-ui` — `dist/idconnect-kit-provider-ui.iife.js`: the provider-side screens.
 *   - `callback` — `dist/callback.js`, the callback page's relay (`idconnect-kit/callback`), one self-contained ES
 *     module that shares no chunk with the rest.
 *   - `liveness` — `dist/idconnect-kit-liveness.js`: `<idc-liveness-check>` as one self-contained ES module.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import { hoistTransitiveImports } from './scripts/vite-plugin-hoist-imports.js';
import { minifyLitLiterals } from './scripts/vite-plugin-minify-literals.js';

const root = import.meta.dirname;
const src = (path: string): string => resolve(root, 'src', path);

const COMPONENTS = ['verify-button', 'share-button', 'consent-screen', 'reuse-selection', 'liveness-check'];

/** The package's ES entry points, by their name in dist/. */
const ESM_ENTRIES: Record<string, string> = {
  index: src('index.ts'),
  define: src('define.ts'),
  ...Object.fromEntries(COMPONENTS.map((c) => [`components/${c}/define`, src(`components/${c}/define.ts`)])),
  react: src('react.ts'), // `idconnect-kit/react`: the @lit/react wrappers (react and @lit/react stay external)
  'react/liveness-check': src('react-liveness-check.ts'), // `idconnect-kit/react/liveness-check`: the provider's one
};

/** The modules reached only through a dynamic `import()`, by the name of their chunk in dist/chunks/. */
const LAZY_CHUNKS: Record<string, string> = {
  'flow-lazy': src('flow/lazy/index.ts'),
  'flow-lazy-share': src('flow/lazy/share.ts'),
  'oidc-client-ts': src('flow/lazy/oidc-client.ts'),
};
const lazyChunkName = new Map(Object.entries(LAZY_CHUNKS).map(([name, id]) => [id, name]));

/**
 * What the ES build imports instead of bundling (README "Using the ES modules"): every package named in package.json
 * `dependencies` or `peerDependencies`, and the packages those depend on in turn (lit → lit-html, lit-element,
 * @lit/reactive-element; oidc-client-ts → jwt-decode), under any subpath. A rule, not a list: a dependency added to
 * package.json is external from the next build on. The one-file builds bundle everything.
 */
const declaredDeps = (dir: string): string[] => {
  try {
    const pkg = JSON.parse(readFileSync(resolve(dir, 'package.json'), 'utf8')) as Partial<Record<string, Record<string, string>>>;
    return Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies });
  } catch {
    return []; // a peer dependency the host did not install
  }
};
const EXTERNAL_PACKAGES = new Set(
  declaredDeps(root).flatMap((name) => [name, ...declaredDeps(resolve(root, 'node_modules', name))]),
);
/** Whether `id` is a bare import (`lit`, `lit/decorators.js`, `@lit/reactive-element/css-tag.js`) of such a package. */
const isDependency = (id: string): boolean => {
  const name = /^(?:@[\w.-]+\/)?[\w.-]+/.exec(id)?.[0];
  return name !== undefined && !id.startsWith('.') && EXTERNAL_PACKAGES.has(name);
};

/** The one-file builds, by mode: entry, output file and format. scripts/build-iife.mjs runs each of them. */
export const ONE_FILE_BUILDS: Record<string, { entry: string; file: string; format: 'iife' | 'es'; scriptTag?: boolean }> = {
  iife: { entry: src('iife.ts'), file: 'idconnect-kit.iife.js', format: 'iife', scriptTag: true },
  'iife-flow': { entry: LAZY_CHUNKS['flow-lazy']!, file: 'idconnect-kit-flow.js', format: 'es' },
  'iife-provider-ui': { entry: src('provider-ui.ts'), file: 'idconnect-kit-provider-ui.iife.js', format: 'iife' },
  callback: { entry: src('callback.ts'), file: 'callback.js', format: 'es' },
  liveness: { entry: src('components/liveness-check/define.ts'), file: 'idconnect-kit-liveness.js', format: 'es' },
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
        external: isDependency,
        output: {
          // No content hash in chunk names: a bundler renames them anyway, a CDN serves dist/ under the version's path
          // (as the script-tag build's sibling file), and the names stay readable. Self-hosted: one folder per version.
          chunkFileNames: (chunk) => `chunks/${(chunk.facadeModuleId && lazyChunkName.get(chunk.facadeModuleId)) || chunk.name}.js`,
          // Vite's library mode leaves whitespace in ES output; these files ship to browsers as they are, so minify.
          minify: true,
        },
      },
    },
    [hoistTransitiveImports()],
  );
});
