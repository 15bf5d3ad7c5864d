/// <reference types="vite/client" />
// The framework examples' own files, read at build time (Vite `?raw`), for stories/framework-usage.mdx: the page
// shows what the examples in examples/ run (README.md "Use it"), never a copy that could drift. A file that does not
// exist (yet) is listed as missing instead of failing the build. Which files: stories/framework-snippet-list.ts.
import { frameworkFiles, supportFiles, type SnippetFile } from './framework-snippet-list.js';

export interface FrameworkSnippet extends SnippetFile {
  /** The file's text, or undefined when it is missing. */
  code: string | undefined;
}

// Every candidate file (Vite needs literal patterns); one entry per file that exists.
const files = import.meta.glob<string>(
  [
    '../examples/*/src/App.{tsx,vue,svelte}',
    '../examples/angular/src/app/app.component.ts',
    '../examples/vue/vite.config.ts',
    '../examples/shared/api.ts',
  ],
  { query: '?raw', import: 'default', eager: true },
);

const withCode = (file: SnippetFile): FrameworkSnippet => ({ ...file, code: files[`../${file.path}`] });

/** The five framework examples' components, in the order of the page. */
export const frameworkSnippets: FrameworkSnippet[] = frameworkFiles.map(withCode);

/** Supporting files the components above rely on. */
export const supportSnippets: FrameworkSnippet[] = supportFiles.map(withCode);

/** Paths the page wanted to show but could not find. */
export const missingSnippets: string[] = [...frameworkSnippets, ...supportSnippets]
  .filter((s) => s.code === undefined)
  .map((s) => s.path);
