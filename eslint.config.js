// ESLint flat config: typescript-eslint for every TS file, the Lit and web-component rules for the elements,
// Node globals for scripts, config files, the demo's servers and the Node tests, and the kit's two layout rules
// (docs/architecture.md, "Rules"): `idc/lazy-boundary` and `idc/callback-leaf`.
import { dirname, relative, resolve } from 'node:path';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';

/** A focused test (`.only`) silently skips the rest of the suite in CI. */
const noOnly = ['describe', 'it', 'test', 'suite', 'context'].map((object) => ({
  object,
  property: 'only',
  message: 'Remove .only: it skips every other test in CI.',
}));

const ROOT = import.meta.dirname;
const LAZY = 'src/flow/lazy/';
/** The one module outside src/flow/lazy/ that may load it, and what it may load. */
const LOADER = 'src/flow/first-paint/hand-over.ts';
const LAZY_ENTRY = 'src/flow/lazy/index.ts';

/** The project-relative path an import of `source` from the file being linted points at (`.js` read as `.ts`). */
function target(context, source) {
  if (typeof source !== 'string' || !source.startsWith('.')) return undefined;
  return relative(ROOT, resolve(dirname(context.filename), source)).replace(/\.js$/, '.ts');
}

/** Calls `check(node, path, kind)` for every import that stays at run time: static, re-export and dynamic. */
function runtimeImports(context, check) {
  const at = (node, kind) => {
    const path = target(context, node.source?.value);
    if (path) check(node, path, kind);
  };
  return {
    ImportDeclaration: (node) => node.importKind !== 'type' && at(node, 'static'),
    ExportNamedDeclaration: (node) => node.source && node.exportKind !== 'type' && at(node, 'static'),
    ExportAllDeclaration: (node) => node.exportKind !== 'type' && at(node, 'static'),
    ImportExpression: (node) => at(node, 'dynamic'),
  };
}

/**
 * The kit's layout rules, as a local plugin:
 * - `lazy-boundary`: nothing outside src/flow/lazy/ imports it at run time — `import type` only — except the loader
 *   (first-paint/hand-over.ts), with a dynamic `import()` of lazy/index.ts, the one interface. So the buttons' first
 *   paint cannot grow the lazy half by accident; scripts/size.mjs measures what is left.
 * - `callback-leaf`: the callback relay (src/callback.ts, src/callback/) imports nothing outside src/callback/, so
 *   dist/callback.js stays a few hundred bytes and the flow depends on it, never the other way round.
 */
const idc = {
  rules: {
    'lazy-boundary': {
      meta: {
        type: 'problem',
        docs: { description: 'Only the loader may import the lazy half of the flow (src/flow/lazy/) at run time.' },
        schema: [],
        messages: {
          lazy:
            '{{path}} is in the lazy half of the flow: outside src/flow/lazy/ import it with `import type` only; ' +
            'code reaches it through loadLazy() (src/flow/first-paint/hand-over.ts). See docs/architecture.md.',
        },
      },
      create(context) {
        const self = relative(ROOT, context.filename);
        if (self.startsWith(LAZY) || !self.startsWith('src/')) return {};
        return runtimeImports(context, (node, path, kind) => {
          if (!path.startsWith(LAZY)) return;
          if (self === LOADER && kind === 'dynamic' && path === LAZY_ENTRY) return;
          context.report({ node, messageId: 'lazy', data: { path } });
        });
      },
    },
    'callback-leaf': {
      meta: {
        type: 'problem',
        docs: { description: 'The callback relay imports nothing outside src/callback/.' },
        schema: [],
        messages: {
          leaf: 'The callback relay must stay a leaf (dist/callback.js, a few hundred bytes): {{path}} is outside src/callback/.',
        },
      },
      create(context) {
        return runtimeImports(context, (node, path) => {
          if (!path.startsWith('src/callback/')) context.report({ node, messageId: 'leaf', data: { path } });
        });
      },
    },
  },
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'storybook-static/**',
      'coverage/**',
      'node_modules/**',
      '.test-results/**',
      'test-results/**',
      'playwright-report/**',
      'custom-elements.json',
      // The framework examples: each has its own dependencies (npm run examples:install) and its own checks (tsc,
      // vue-tsc, svelte-check, the Angular build); their installs and builds are never linted from here.
      'examples/*/node_modules/**',
      'examples/*/dist/**',
      'examples/*/dist-ssr/**',
      'examples/*/.angular/**',
      'examples/.pack/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'no-restricted-properties': ['error', ...noOnly],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // `typeof import('x')` types a lazily imported module without importing it: allowed.
      '@typescript-eslint/consistent-type-imports': ['error', { disallowTypeAnnotations: false }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  // The layout rules (docs/architecture.md).
  {
    files: ['src/**/*.ts'],
    plugins: { idc },
    rules: { 'idc/lazy-boundary': 'error' },
  },
  {
    files: ['src/callback.ts', 'src/callback/**/*.ts'],
    plugins: { idc },
    rules: { 'idc/callback-leaf': 'error' },
  },
  // Browser code: the kit, its stories and the browser tests.
  {
    files: ['src/**/*.ts', 'stories/**/*.ts', 'test/unit/**/*.ts', '.storybook/preview.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['src/**/*.ts', 'stories/**/*.ts', 'test/unit/**/*.ts'],
    ...lit.configs['flat/recommended'],
  },
  // Elements (shared/ holds abstract bases and helpers that are never registered themselves).
  {
    files: ['src/components/**/*.ts'],
    ignores: ['src/components/shared/**'],
    ...wc.configs['flat/best-practice'],
    settings: { wc: { elementBaseClasses: ['LitElement'] } },
    rules: {
      ...wc.configs['flat/best-practice'].rules,
      // Lit's base class always defines the lifecycle callbacks, so an unguarded super call is correct there.
      'wc/guard-super-call': 'off',
    },
  },
  // Node code: the server helpers, the demo, scripts, benchmarks, configs, Node and Playwright tests.
  {
    files: [
      'src/server/**/*.ts',
      'demo/**/*.{ts,js,mjs}',
      'scripts/**/*.{js,mjs,ts}',
      'bench/**/*.{js,mjs,ts}',
      'test/node/**/*.ts',
      'test/e2e/**/*.ts',
      'test/e2e-examples/**/*.ts',
      'examples/*.{js,mjs,ts}',
      'examples/shared/*.{mjs,mts}',
      '*.{js,mjs,cjs,ts}',
      '.storybook/main.ts',
    ],
    ignores: ['demo/**/{public,client,static,pages}/**'],
    languageOptions: { globals: { ...globals.node } },
  },
  // Tests: Chai's property assertions (`expect(x).to.be.true`) are expressions by design, and tests poke at
  // untyped internals of third-party servers.
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unused-expressions': 'off', '@typescript-eslint/no-explicit-any': 'off' },
  },
  // Scripts whose page.evaluate() callbacks run in the browser.
  {
    files: ['bench/**/*.{js,mjs,ts}', 'scripts/dist-smoke.mjs'],
    languageOptions: { globals: { ...globals.browser } },
  },
  // Pages the demo servers send to the browser.
  {
    files: ['demo/**/{public,client,static,pages}/**/*.{js,mjs,ts}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
