// Smoke test of the built files in Debian Chromium (after `npm run build`): each script-tag bundle and ESM entry
// loads without errors, registers exactly its elements, renders them, and the IIFE sets `window.IdConnect`. The ES
// modules import Lit and oidc-client-ts by bare name: every page gets an import map to node_modules
// (scripts/import-map.mjs, as README "Using the ES modules" shows), and the server serves exactly those files.
// Prints one line per check and writes {passed, failed, skipped} to .test-results/dist.json for scripts/test.mjs.
import { createServer } from 'node:http';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { importMap } from './import-map.mjs';

process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';
const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const DIST = join(ROOT, 'dist');
const TAGS = ['idc-verify-button', 'idc-share-button', 'idc-consent-screen', 'idc-reuse-selection'];

/** `idconnect-kit/define/<name>` → the built file, from package.json `exports` (checked to exist below). */
const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
const ONE_ELEMENT = TAGS.map((tag) => {
  const entry = pkg.exports[`./define/${tag.slice(4)}`];
  return { tag, spec: `idconnect-kit/define/${tag.slice(4)}`, file: entry?.default?.replace(/^\.\//, '/') };
});

/** The ESM entries' dependencies: their import map, and the node_modules files it maps to (the only ones served). */
const ESM_FILES = ['index.js', 'define.js', ...ONE_ELEMENT.filter((e) => e.file).map((e) => e.file.slice('/dist/'.length))];
const deps = importMap(ESM_FILES.filter((f) => existsSync(join(DIST, f))).map((f) => join(DIST, f)));
const IMPORT_MAP = `<script type="importmap">${JSON.stringify(deps.importMap)}</script>`;

const pages = {
  '/iife.html': '<script src="/dist/idconnect-kit.iife.js"></script><script src="/dist/idconnect-kit.iife.js"></script>',
  '/provider-ui.html': '<script src="/dist/idconnect-kit-provider-ui.iife.js"></script>',
  '/define.html': '<script type="module">import "/dist/define.js"; import "/dist/define.js"; window.__loaded = true;</script>',
  '/index.html': '<script type="module">import * as kit from "/dist/index.js"; window.__kit = Object.keys(kit); window.__loaded = true;</script>',
  '/callback.html': '<script type="module">import * as cb from "/dist/callback.js"; window.__kit = Object.keys(cb); window.__loaded = true;</script>',
  ...Object.fromEntries(
    ONE_ELEMENT.filter((e) => e.file).map((e) => [`/one-${e.tag}.html`, `<script type="module">import "${e.file}"; window.__loaded = true;</script>`]),
  ),
};

const server = createServer(async (req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  if (pages[path]) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>dist smoke</title>${IMPORT_MAP}</head><body>${pages[path]}</body></html>`);
    return;
  }
  const file = normalize(join(ROOT, path));
  if (!(path.startsWith('/dist/') && file.startsWith(DIST)) && !deps.files.has(file)) return void res.writeHead(404).end();
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': extname(file) === '.js' ? 'text/javascript' : 'application/json' });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});

const counts = { passed: 0, failed: 0, skipped: 0 };
function check(name, ok, detail = '') {
  if (ok) counts.passed += 1;
  else counts.failed += 1;
  console.log(`${ok ? '  ✔' : '  ✖'} ${name}${ok || !detail ? '' : ` — ${detail}`}`);
}

/** Renders each tag and reports which produced a shadow root with content. */
const renderAll = async () => {
  const rendered = [];
  for (const tag of ['idc-verify-button', 'idc-share-button', 'idc-consent-screen', 'idc-reuse-selection']) {
    if (!customElements.get(tag)) continue;
    const el = document.createElement(tag);
    document.body.append(el);
    await el.updateComplete;
    if (el.shadowRoot && el.shadowRoot.childElementCount > 0) rendered.push(tag);
  }
  return rendered;
};

/** Opens a page; returns its errors and what it registered, after `act(page)` and then `extra` ran in it. */
async function visit(path, extra = () => null, act = async () => {}) {
  const context = await browser.newContext();
  await context.addInitScript({ content: `window.__renderAll = ${renderAll.toString()};` });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`HTTP ${r.status()} ${r.url()}`);
  });
  page.on('console', (m) => {
    if (/dev mode/i.test(m.text()) || (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))) errors.push(m.text());
  });
  try {
    await page.goto(`${origin}${path}`);
    await page.waitForFunction(() => document.readyState === 'complete' && (window.__loaded || !document.querySelector('script[type=module]')));
    const defined = await page.evaluate((tags) => tags.filter((t) => customElements.get(t)), TAGS);
    await act(page);
    const result = await page.evaluate(extra);
    return { errors, defined, result };
  } finally {
    await context.close();
  }
}

try {
  console.log('dist/idconnect-kit.iife.js (loaded twice)');
  {
    const { errors, defined, result } = await visit('/iife.html', async () => {
      const api = window.IdConnect;
      const fns = ['verify', 'requestShareConsent', 'handleCallback', 'createButton'].filter((k) => typeof api?.[k] === 'function');
      const err = api?.IdcError ? new api.IdcError('timeout') : undefined;
      const rendered = await window.__renderAll();
      // The lazy half of the flow: a sibling file the script imports from next to itself.
      api.preloadProtocol?.();
      const scripts = () => performance.getEntriesByType('resource').map((e) => e.name.split('/').pop());
      for (let t = 0; t < 5000 && !scripts().includes('idconnect-kit-flow.js'); t += 50) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
      return { fns, errCode: err?.code, frozen: Object.isFrozen(api), rendered, loaded: scripts() };
    }).catch((e) => ({ errors: [e.message], defined: [], result: {} }));
    check('no errors, no Lit dev mode', errors.length === 0, errors.join('; '));
    check('registers <idc-verify-button> and <idc-share-button> only', defined.join() === 'idc-verify-button,idc-share-button', defined.join());
    check('window.IdConnect has verify, requestShareConsent, handleCallback, createButton', result.fns?.length === 4, result.fns?.join());
    check('window.IdConnect.IdcError makes coded errors', result.errCode === 'timeout');
    check('both elements render', result.rendered?.length === 2, result.rendered?.join());
    const sibling = existsSync(join(DIST, 'idconnect-kit-flow.js'));
    check(
      sibling ? 'preloadProtocol() loads dist/idconnect-kit-flow.js without errors' : 'preloadProtocol() needs no other file',
      sibling ? result.loaded?.includes('idconnect-kit-flow.js') : !result.loaded?.some((f) => f !== 'idconnect-kit.iife.js' && f.endsWith('.js')),
      result.loaded?.join(', '),
    );
  }

  console.log('dist/idconnect-kit-provider-ui.iife.js');
  {
    const { errors, defined, result } = await visit('/provider-ui.html', () => window.__renderAll());
    check('no errors, no Lit dev mode', errors.length === 0, errors.join('; '));
    check('registers <idc-consent-screen> and <idc-reuse-selection> only', defined.join() === 'idc-consent-screen,idc-reuse-selection', defined.join());
    check('both elements render', result?.length === 2, result?.join());
  }

  console.log('dist/define.js (imported twice)');
  {
    const { errors, defined, result } = await visit('/define.html', async () => ({
      rendered: await window.__renderAll(),
      loaded: performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname),
    }));
    check('no errors', errors.length === 0, errors.join('; '));
    check('registers all four elements', defined.length === 4, defined.join());
    check('all four render', result?.rendered?.length === 4, result?.rendered?.join());
    // Lit's production build, from node_modules through the import map (dist/ holds no copy of it).
    const lit = ['/node_modules/@lit/reactive-element/reactive-element.js', '/node_modules/lit-html/lit-html.js'];
    check('loads Lit from node_modules through the import map', lit.every((f) => result?.loaded?.includes(f)), result?.loaded?.join(', '));
  }

  console.log('dist/index.js');
  {
    const { errors, defined, result } = await visit('/index.html', () => window.__kit);
    check('no errors', errors.length === 0, errors.join('; '));
    check('has no side effects: registers no element', defined.length === 0, defined.join());
    const want = ['verify', 'requestShareConsent', 'handleCallback', 'createButton', 'IdcError', 'IdcVerifyButton', 'IdcShareButton', 'IdcConsentScreen', 'IdcReuseSelection'];
    const missing = want.filter((k) => !result?.includes(k));
    check('exports the contract names', missing.length === 0, `missing ${missing.join(', ')}`);
  }

  for (const { tag, spec, file } of ONE_ELEMENT) {
    console.log(`${spec} (${file ?? 'missing from package.json exports'})`);
    check('is a package export of a built file', Boolean(file) && existsSync(join(ROOT, file)), String(file));
    if (!file) continue;
    const { errors, defined, result } = await visit(`/one-${tag}.html`, () => window.__renderAll());
    check(`no errors; registers <${tag}> only, and it renders`, errors.length === 0 && defined.join() === tag && result?.join() === tag, [...errors, defined.join(), result?.join()].join('; '));
  }
  {
    // The built button's click path end to end: the blank popup, the lazy chunk from dist/chunks, the metadata fetch
    // (to a closed port), and the coded error back on the element.
    let popupOpened = false;
    const { errors, result } = await visit('/one-idc-verify-button.html', () => window.__outcome, async (page) => {
      await page.evaluate(() => {
        const el = document.createElement('idc-verify-button');
        el.setAttribute('authority', 'http://127.0.0.1:9');
        el.setAttribute('client-id', 'smoke');
        el.addEventListener('idc-error', (e) => (window.__outcome = e.detail.code));
        document.body.append(el);
      });
      const popup = page.waitForEvent('popup', { timeout: 5000 }).then(() => true, () => false);
      await page.locator('idc-verify-button button').click();
      popupOpened = await popup;
      await page.waitForFunction(() => window.__outcome, null, { timeout: 10_000 }).catch(() => {});
    });
    check('a click on the built verify button opens the popup and ends in discovery_failed', errors.length === 0 && result === 'discovery_failed' && popupOpened, [...errors, result, `popup ${popupOpened}`].join('; '));
  }

  console.log('dist/callback.js');
  {
    const { errors, defined, result } = await visit('/callback.html', () => window.__kit);
    check('no errors and no elements', errors.length === 0 && defined.length === 0, [...errors, ...defined].join('; '));
    check('exports handleCallback', result?.includes('handleCallback'), result?.join());
  }
} catch (err) {
  check('smoke test ran', false, err.message);
} finally {
  await browser.close();
  server.close();
}

mkdirSync(join(ROOT, '.test-results'), { recursive: true });
writeFileSync(join(ROOT, '.test-results/dist.json'), JSON.stringify(counts));
console.log(`${counts.passed} passed, ${counts.failed} failed`);
process.exitCode = counts.failed ? 1 : 0;
