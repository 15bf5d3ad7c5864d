/**
 * Builds (contract "Package"), one config, three modes:
 *
 * - `vite build` — the ESM entry points: `dist/index.js`, `dist/define.js`, `dist/callback.js` and one
 *   `dist/components/<name>/define.js` per element, shared code in `dist/chunks/` (Lit in its own chunk). Lit and
 *   oidc-client-ts are bundled (production builds, minified) so `dist/` also works straight from a CDN; the protocol
 *   library stays behind the flow's dynamic import as its own lazy chunk, off the button's first-paint path.
 * - `vite build --mode iife` — `dist/idconnect-kit.iife.js`: integrator elements + `window.IdConnect`, one file.
 * - `vite build --mode iife-provider-ui` — `dist/idconnect-kit-provider-ui.iife.js`: the provider-side screens.
 *
 * `npm run build` runs all three (scripts/build-iife.mjs runs the two IIFE modes), then the declarations.
 */
import { resolve } from 'node:path';
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import { minifyLitLiterals } from './scripts/vite-plugin-minify-literals.js';

const root = import.meta.dirname;
const src = (path: string): string => resolve(root, 'src', path);

const COMPONENTS = ['verify-button', 'share-button', 'consent-screen', 'reuse-selection'];

const ESM_ENTRIES: Record<string, string> = {
  index: src('index.ts'),
  define: src('define.ts'),
  callback: src('callback.ts'),
  ...Object.fromEntries(COMPONENTS.map((c) => [`components/${c}/define`, src(`components/${c}/define.ts`)])),
};

const IIFE_BUILDS: Record<string, { entry: string; file: string }> = {
  iife: { entry: src('iife.ts'), file: 'idconnect-kit.iife.js' },
  'iife-provider-ui': { entry: src('provider-ui.ts'), file: 'idconnect-kit-provider-ui.iife.js' },
};

/** Settings every build shares: modern target, production Lit, minified (Lit's css/html template text too),
 * sourcemaps, no public dir. */
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

/**
 * Lets the browser fetch an entry's whole static chunk graph at once: each ESM entry also imports, at its end, every
 * chunk it needs transitively (rolldown does not hoist these yet). Without it, a page loading
 * `dist/components/verify-button/define.js` from a CDN walks a 4-deep import waterfall before the button can paint.
 * Imports placed after the existing ones change nothing in evaluation order (those modules are already evaluated
 * through the direct imports) and nothing in the source maps (only text is appended).
 */
function hoistTransitiveImports(): Plugin {
  return {
    name: 'idc:hoist-transitive-imports',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = new Map(
        Object.values(bundle)
          .filter((o) => o.type === 'chunk')
          .map((c) => [c.fileName, c] as const),
      );
      for (const chunk of chunks.values()) {
        if (!chunk.isEntry) continue;
        const seen = new Set<string>();
        const visit = (file: string) => {
          for (const dep of chunks.get(file)?.imports ?? []) {
            if (seen.has(dep)) continue;
            seen.add(dep);
            visit(dep);
          }
        };
        visit(chunk.fileName);
        const extra = [...seen].filter((f) => !chunk.imports.includes(f));
        if (!extra.length) continue;
        const dir = chunk.fileName.split('/').slice(0, -1);
        const rel = (f: string) => {
          const parts = f.split('/');
          let i = 0;
          while (i < dir.length && dir[i] === parts[i]) i++;
          const up = dir.length - i;
          return `${up ? '../'.repeat(up) : './'}${parts.slice(i).join('/')}`;
        };
        const lines = extra.map((f) => `import${JSON.stringify(rel(f))};`).join('');
        const mapComment = chunk.code.lastIndexOf('\n//# sourceMappingURL=');
        chunk.code =
          mapComment >= 0
            ? `${chunk.code.slice(0, mapComment)}\n${lines}${chunk.code.slice(mapComment)}`
            : `${chunk.code}\n${lines}\n`;
        chunk.imports.push(...extra);
      }
    },
  };
}

export default defineConfig(({ mode }) => {
  const iife = IIFE_BUILDS[mode];
  if (iife) {
    return shared({
      emptyOutDir: false,
      lib: { entry: iife.entry, formats: ['iife'], name: 'IdConnectBundle', fileName: () => iife.file },
      // One file: the protocol library's dynamic import is inlined too.
      rolldownOptions: { output: { codeSplitting: false } },
    });
  }
  return shared({
    emptyOutDir: true,
    lib: { entry: ESM_ENTRIES, formats: ['es'], fileName: (_format, name) => `${name}.js` },
    rolldownOptions: {
      output: {
        chunkFileNames: 'chunks/[name]-[hash].js',
        // Vite's library mode leaves whitespace in ES output; these files ship to browsers as they are, so minify.
        minify: true,
        // Lit is shared by every element: one chunk, cached once. oidc-client-ts is only reached through the flow's
        // dynamic import, so it lands in that lazy chunk by itself.
        codeSplitting: {
          groups: [{ name: 'lit', test: /node_modules[\\/](lit|lit-html|lit-element|@lit[\\/]reactive-element)[\\/]/ }],
        },
      },
    },
  }, [hoistTransitiveImports()]);
});
