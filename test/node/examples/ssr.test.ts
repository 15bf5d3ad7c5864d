/**
 * The React 19 and Vue examples render on a server as written: each example's server build of its App (`vite build
 * --ssr`, examples/<name>/dist-ssr/App.js, made by the example's `npm run build`) is imported in plain Node with the
 * example's own React or Vue and the kit installed from the packed tarball, and rendered to a string with
 * `react-dom/server` / `vue/server-renderer`. Importing it imports the kit's define entries, so this also proves they
 * load on a server without a DOM. The HTML must hold both elements with their attributes.
 *
 * Skipped, saying why, when the examples are not installed (`npm run examples:install`).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';

const EXAMPLES = join(import.meta.dirname, '../../../examples');
const CONFIG = {
  issuer: 'http://localhost:4000',
  clientId: 'example-client',
  recipientName: 'Example Recipient',
  redirectUri: 'http://127.0.0.1:5555/callback.html',
};

/** The example's folder, or a reason to skip when it is not installed. */
function example(name: string): { dir: string; skip: string | false } {
  const dir = join(EXAMPLES, name);
  const installed = existsSync(join(dir, 'node_modules'));
  return { dir, skip: installed ? false : `examples/${name} is not installed: run \`npm run examples:install\`` };
}

/** Imports a module as the example resolves it (its own node_modules). */
async function fromExample<T>(dir: string, specifier: string): Promise<T> {
  const require = createRequire(join(dir, 'package.json'));
  return (await import(pathToFileURL(require.resolve(specifier)).href)) as T;
}

/** The App of the example's server build. */
async function serverApp<T>(dir: string): Promise<T> {
  const file = join(dir, 'dist-ssr', 'App.js');
  assert.ok(existsSync(file), `${file} is missing: the example's \`npm run build\` makes it`);
  return (await import(pathToFileURL(file).href)) as T;
}

/** The opening tag of `tag` in `html`, which must be there exactly once. */
function openingTag(html: string, tag: string): string {
  const tags = html.match(new RegExp(`<${tag}(?:\\s[^>]*)?>`, 'g')) ?? [];
  assert.equal(tags.length, 1, `one <${tag}> in ${html}`);
  return tags[0]!;
}

function assertElements(html: string): void {
  const verify = openingTag(html, 'idc-verify-button');
  assert.match(verify, /\sauthority="http:\/\/localhost:4000"/);
  assert.match(verify, /\sclient-id="example-client"/);
  assert.match(verify, /\sredirect-uri="http:\/\/127\.0\.0\.1:5555\/callback\.html"/);
  const share = openingTag(html, 'idc-share-button');
  assert.match(share, /\srecipient-name="Example Recipient"/);
  // A function property is the browser's business: it is never serialized.
  assert.doesNotMatch(share, /share-?link/i);
  assert.match(html, /<p role="status" id="connection"[^>]*>Not verified yet\.<\/p>/);
}

describe('framework examples render on a server', () => {
  const react = example('react-19');
  it('React 19: react-dom/server renderToString of examples/react-19/src/App.tsx', { skip: react.skip }, async () => {
    type ReactModule = typeof import('react');
    const { createElement } = await fromExample<ReactModule>(react.dir, 'react');
    const { renderToString } = await fromExample<{ renderToString(node: unknown): string }>(react.dir, 'react-dom/server');
    const { App } = await serverApp<{ App: (props: { config: typeof CONFIG }) => unknown }>(react.dir);
    assertElements(renderToString(createElement(App as never, { config: CONFIG })));
  });

  const vue = example('vue');
  it('Vue 3: vue/server-renderer renderToString of examples/vue/src/App.vue', { skip: vue.skip }, async () => {
    const { createSSRApp } = await fromExample<{ createSSRApp(root: unknown, props: object): unknown }>(vue.dir, 'vue');
    const { renderToString } = await fromExample<{ renderToString(app: unknown): Promise<string> }>(vue.dir, 'vue/server-renderer');
    const { default: App } = await serverApp<{ default: unknown }>(vue.dir);
    assertElements(await renderToString(createSSRApp(App, { config: CONFIG })));
  });
});
