// A look at a built Storybook in Chromium (not a step of `npm test`; run it after a build):
//   npx storybook build --quiet --output-dir /tmp/sb && npx tsx .storybook/check-build.ts /tmp/sb
// Every element's docs page renders, with a row per attribute and event of custom-elements.json; the framework usage
// page shows the examples' files; events reach the Actions panel under their own names; no console errors.
// Browser: CHROME_PATH (default /usr/bin/chromium), never a downloaded one.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import process from 'node:process';
import { chromium, type Page } from 'playwright';
import { manifestElements, type Manifest } from './manifest-arg-types.js';
import { frameworkFiles, supportFiles } from '../stories/framework-snippet-list.js';

const dir = process.argv[2] ?? '/tmp/sb-h3';
const root = join(import.meta.dirname, '..');
const manifest = JSON.parse(readFileSync(join(root, 'custom-elements.json'), 'utf8')) as Manifest;
const types: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

const server = createServer((req, res) => {
  let path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  if (path.endsWith('/')) path += 'index.html';
  try {
    const body = readFileSync(join(dir, path));
    res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const browser = await chromium.launch({ executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium' });
const failures: string[] = [];
const check = (ok: boolean, what: string): void => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

/**
 * Requests that fail by design: the browser's own favicon request (a static build has none), and the buttons' warm-up
 * of `authority`, http://localhost:4000, where no provider runs while Storybook is browsed.
 */
const expectedFailure = (url: string): boolean =>
  url.endsWith('/favicon.ico') || url.startsWith('http://localhost:4000/');

/** A fresh page that records console errors and uncaught exceptions (of its frames too). */
async function open(url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !expectedFailure(m.location().url)) errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  return { page, errors };
}

const docsIds: Record<string, string> = {
  'idc-verify-button': 'integrator-verify-button--docs',
  'idc-share-button': 'integrator-share-button--docs',
  'idc-consent-screen': 'provider-consent-screen--docs',
  'idc-reuse-selection': 'provider-reuse-selection--docs',
};

try {
  for (const [tag, element] of manifestElements(manifest)) {
    const id = docsIds[tag];
    check(id !== undefined, `${tag}: a docs page is known to this check`);
    if (!id) continue;
    const started = Date.now();
    const { page, errors } = await open(`${base}/iframe.html?id=${id}&viewMode=docs`);
    const table = page.locator('.docblock-argstable').first();
    await table.waitFor({ timeout: 30_000 });
    await page.waitForTimeout(500);
    const text = await table.innerText();
    const missing = [
      ...(element.attributes ?? []).map((a) => a.name),
      ...(element.events ?? []).map((e) => e.name),
    ].filter((name) => !text.includes(name));
    check(missing.length === 0, `${tag}: docs table names every attribute and event${missing.length ? ` (missing ${missing})` : ''}`);
    const rendered = await page.locator(`.docs-story ${tag}`).count();
    check(rendered > 0, `${tag}: the docs page renders live examples (${rendered})`);
    check(errors.length === 0, `${tag}: no console errors${errors.length ? `: ${errors.join(' | ')}` : ''}`);
    console.log(`     ${tag} docs page ready in ${Date.now() - started} ms`);
    await page.close();
  }

  {
    const { page, errors } = await open(`${base}/iframe.html?id=guides-framework-usage--docs&viewMode=docs`);
    await page.getByRole('heading', { name: 'Framework usage', level: 1 }).waitFor({ timeout: 30_000 });
    for (const { framework, path } of [...frameworkFiles, ...supportFiles]) {
      let expected: string | undefined;
      try {
        expected = readFileSync(join(root, path), 'utf8');
      } catch {
        expected = undefined;
      }
      const section = page.locator('section', { has: page.getByRole('heading', { name: framework, exact: true }) });
      // What the section must show: the file's first substantial line, or the note that the file is missing.
      const wanted = expected === undefined ? 'not in this build' : expected.split('\n').find((l) => l.trim().length > 20)!.trim();
      // The highlighter loads lazily: wait for the code.
      let shown = '';
      for (let i = 0; i < 50 && !shown.includes(wanted); i++) {
        shown = await section.innerText();
        if (!shown.includes(wanted)) await page.waitForTimeout(200);
      }
      check(shown.includes(wanted), `framework usage: ${framework} ${expected === undefined ? 'reported missing' : 'shown'} (${path})`);
    }
    check(await page.getByRole('heading', { name: 'Plain HTML: one script tag' }).isVisible(), 'framework usage: script tag section');
    check(errors.length === 0, `framework usage: no console errors${errors.length ? `: ${errors.join(' | ')}` : ''}`);
    await page.close();
  }

  // Events in the Actions panel (the manager UI around the story).
  const actions: [string, string, (page: Page) => Promise<void>, string[]][] = [
    ['integrator-verify-button--error-shown', 'idc-verify-button', async () => {}, ['idc-error', 'invalid_config']],
    ['integrator-share-button--error-shown', 'idc-share-button', async () => {}, ['idc-error', 'invalid_config']],
    [
      'provider-consent-screen--share',
      'idc-consent-screen',
      async (page) => page.frameLocator('#storybook-preview-iframe').getByRole('button', { name: 'Decline' }).click(),
      ['idc-consent-decision', 'deny'],
    ],
    [
      'provider-reuse-selection--all-reusable',
      'idc-reuse-selection',
      async (page) => page.frameLocator('#storybook-preview-iframe').getByRole('button', { name: 'Share selected' }).click(),
      ['idc-reuse-select', 'selections'],
    ],
  ];
  for (const [id, tag, act, expected] of actions) {
    const { page, errors } = await open(`${base}/?path=/story/${id}`);
    await page.frameLocator('#storybook-preview-iframe').locator(tag).first().waitFor({ timeout: 30_000 });
    await page.getByRole('tab', { name: /Actions/ }).click();
    await act(page);
    const panel = page.locator('#storybook-panel-root');
    let seen = '';
    for (let i = 0; i < 50 && !expected.every((e) => seen.includes(e)); i++) {
      await page.waitForTimeout(200);
      seen = await panel.innerText();
    }
    check(expected.every((e) => seen.includes(e)), `${tag}: Actions panel shows ${expected.join(' + ')}`);
    check(errors.length === 0, `${tag} story: no console errors${errors.length ? `: ${errors.join(' | ')}` : ''}`);
    await page.close();
  }

  // Every story, axe (WCAG 2.1 A and AA) on the story root, as the a11y addon's panel would show it.
  const axeSource = readFileSync(join(root, 'node_modules/axe-core/axe.min.js'), 'utf8');
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { entries: Record<string, { type: string }> };
  const storyIds = Object.entries(index.entries).filter(([, e]) => e.type === 'story').map(([id]) => id);
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  for (const id of storyIds) {
    await page.goto(`${base}/iframe.html?id=${id}&viewMode=story`);
    await page.locator('#storybook-root > *').first().waitFor({ timeout: 30_000 });
    await page.addScriptTag({ content: axeSource });
    // The a11y addon runs its own axe on the story first; wait for it to finish rather than race it.
    const violations = await page.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<{ violations: { id: string }[] }> } }).axe;
      for (let attempt = 0; ; attempt++) {
        try {
          const result = await axe.run('#storybook-root', { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
          return result.violations.map((v) => v.id);
        } catch (err) {
          if (attempt > 50 || !/already running/.test(String(err))) throw err;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    });
    check(violations.length === 0, `${id}: axe${violations.length ? ` (${violations.join(', ')})` : ''}`);
  }
  check(errors.length === 0, `stories: no uncaught errors${errors.length ? `: ${errors.join(' | ')}` : ''}`);
  await page.close();
} finally {
  await browser.close();
  server.close();
}
console.log(failures.length ? `${failures.length} check(s) failed` : 'all checks passed');
process.exitCode = failures.length ? 1 : 0;
