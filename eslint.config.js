// ESLint flat config: typescript-eslint for every TS file, the Lit and web-component rules for the elements,
// Node globals for scripts, config files, the demo's servers and the Node tests.
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
