// The framework examples' files that stories/framework-usage.mdx shows (read by stories/framework-snippets.ts) and
// .storybook/check-build.ts looks for on the built page. No Vite here: Node reads it too.

export interface SnippetFile {
  /** Heading on the page. */
  framework: string;
  /** Path inside the repository. */
  path: string;
  /** Language for the highlighter (`tsx`, `typescript`, `html`). */
  language: string;
  /** One line on the framework's way with custom elements. */
  note: string;
}

const snippet = (framework: string, path: string, language: string, note: string): SnippetFile => ({
  framework,
  path,
  language,
  note,
});

/** The five framework examples' components, in the order of the page. */
export const frameworkFiles: SnippetFile[] = [
  snippet(
    'React 19',
    'examples/react-19/src/App.tsx',
    'tsx',
    'React 19 sets properties (a `shareLink` function) as properties and listens to custom events through `on` + the event name (`onidc-success`).',
  ),
  snippet(
    'React 18',
    'examples/react-18/src/App.tsx',
    'tsx',
    'React 18 passes everything as attributes and does not listen to custom events: use the wrappers of `idconnect-kit/react` (`onIdcSuccess`, …).',
  ),
  snippet(
    'Vue 3',
    'examples/vue/src/App.vue',
    'html',
    'Vue listens with `@idc-success`; the compiler must be told that `idc-*` tags are custom elements (the example\'s `vite.config.ts`, below).',
  ),
  snippet(
    'Angular',
    'examples/angular/src/app/app.component.ts',
    'typescript',
    'Angular needs `CUSTOM_ELEMENTS_SCHEMA` on the component; `(idc-success)` binds the event, `[shareLink]` the property.',
  ),
  snippet(
    'Svelte 5',
    'examples/svelte/src/App.svelte',
    'html',
    'Svelte 5 sets properties when the element has them and binds events with `onidc-success`.',
  ),
];

/** Supporting files the components above rely on. */
export const supportFiles: SnippetFile[] = [
  snippet(
    'Vue 3: compiler options',
    'examples/vue/vite.config.ts',
    'typescript',
    'Tags starting with `idc-` are left to the browser.',
  ),
  snippet(
    'Backend calls shared by every example',
    'examples/shared/api.ts',
    'typescript',
    'The `idc-success` detail goes to the backend at once; `shareLink` is a function that asks the backend for a link bound to `state`.',
  ),
];
