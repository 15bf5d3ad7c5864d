// `npm run bench`: bundle sizes and in-page timings of the verify button, printed as tables (nothing is written).
//
// 1. Sizes (gzip -9 and brotli) of every ESM entry with its static imports, the lazy part, and both IIFE files
//    (scripts/size.mjs — the same numbers the CI budgets check).
// 2. In headless Debian Chromium, for the one-file IIFE and for the ESM define module, the median over BENCH_RUNS
//    fresh browser contexts (cold cache) of:
//    - script start → button rendered: from an inline script just before the kit's <script> tag to the element's
//      first completed render (`updateComplete`), and to the next animation frame (the first frame showing it);
//    - click → popup at the authorize URL, metadata warm: the element preloads the provider metadata and the
//      protocol chunk on idle/hover; the bench hovers, waits until the metadata was fetched and the network is idle,
//      then clicks for real; measured from the click event's timestamp to the start of the popup's request to the
//      authorization endpoint of a local oidc-provider.
//
// Env: BENCH_RUNS (default 15), BENCH_NO_BUILD=1 (measure the existing dist/), CHROME_PATH (default /usr/bin/chromium).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test'; // playwright-core's launcher, Debian Chromium via executablePath
import { budgetResults, formatTable, measureSizes } from '../scripts/size.mjs';
import { startBenchProvider } from './provider.mjs';

process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';
const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const DIST = join(ROOT, 'dist');
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS || 15));
const CHROME = process.env.CHROME_PATH || '/usr/bin/chromium';
const CLIENT_ID = 'bench-client';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

// ---------------------------------------------------------------------------------------------------------------
// Build and sizes

if (process.env.BENCH_NO_BUILD !== '1') {
  console.log('building (npm run build)…');
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) {
    console.error('bench: the build failed');
    process.exit(1);
  }
}
const sizeRows = measureSizes(DIST);
console.log('\nSizes (each file compressed on its own and summed; 1 kB = 1000 bytes)\n');
console.log(formatTable(sizeRows));
console.log('');
for (const b of budgetResults(sizeRows)) {
  console.log(`  ${b.ok ? 'ok  ' : 'OVER'} ${b.what}: ${(b.actual / 1000).toFixed(2)} kB gzip (budget ${(b.gzip / 1000).toFixed(2)} kB)`);
}

// ---------------------------------------------------------------------------------------------------------------
// Pages

const KIT = {
  IIFE: '<script src="/dist/idconnect-kit.iife.js"></script>',
  ESM: '<script type="module" src="/dist/components/verify-button/define.js"></script>',
};

function page(kitTag, issuer, origin) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>idconnect-kit bench</title>
<script>
  window.__t0 = performance.now();
  window.__bench = (async () => {
    await customElements.whenDefined('idc-verify-button');
    let el;
    while (!(el = document.querySelector('idc-verify-button'))) await new Promise((r) => setTimeout(r, 0));
    await el.updateComplete;
    const inDom = performance.now();
    await new Promise((r) => requestAnimationFrame(() => r()));
    const frame = performance.now();
    if (!el.shadowRoot || !el.shadowRoot.querySelector('button')) throw new Error('no <button> rendered');
    return { inDom: inDom - window.__t0, frame: frame - window.__t0 };
  })();
  document.addEventListener('click', (e) => { window.__clickEpoch = performance.timeOrigin + e.timeStamp; }, true);
</script>
${kitTag}
</head>
<body>
  <idc-verify-button authority="${issuer}" client-id="${CLIENT_ID}" redirect-uri="${origin}/callback.html"></idc-verify-button>
</body>
</html>`;
}

const TYPES = { '.js': 'text/javascript', '.map': 'application/json', '.html': 'text/html; charset=utf-8' };

async function startSite() {
  const pages = new Map();
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (pages.has(path)) {
      res.writeHead(200, { 'content-type': TYPES['.html'], 'cache-control': 'no-store' });
      res.end(pages.get(path)());
      return;
    }
    if (path === '/callback.html') {
      res.writeHead(200, { 'content-type': TYPES['.html'] });
      res.end('<!doctype html><title>callback</title><script type="module">import { handleCallback } from "/dist/callback.js"; handleCallback();</script>');
      return;
    }
    const file = normalize(join(ROOT, path));
    if (!path.startsWith('/dist/') || !file.startsWith(DIST)) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${server.address().port}`, pages, close: () => new Promise((r) => server.close(r)) };
}

// ---------------------------------------------------------------------------------------------------------------
// Measurements

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function renderRun(browser, url) {
  const context = await browser.newContext();
  try {
    const p = await context.newPage();
    await p.goto(url);
    return await p.evaluate(() => window.__bench);
  } finally {
    await context.close();
  }
}

async function clickRun(browser, url, issuer, authorizationEndpoint) {
  const context = await browser.newContext();
  try {
    const p = await context.newPage();
    let metadataLoaded = false;
    p.on('requestfinished', (r) => {
      if (r.url() === `${issuer}/.well-known/openid-configuration`) metadataLoaded = true;
    });
    await p.goto(url);
    await p.evaluate(() => window.__bench);
    // Warm: the element preloads the metadata (and, for ESM, the protocol chunk) on idle, hover or focus.
    await p.hover('idc-verify-button');
    for (let waited = 0; !metadataLoaded && waited < 5000; waited += 50) await p.waitForTimeout(50);
    await p.waitForLoadState('networkidle');
    const authRequest = context.waitForEvent('request', {
      predicate: (r) => r.url().startsWith(`${authorizationEndpoint}?`),
      timeout: 10_000,
    });
    await p.click('idc-verify-button');
    const request = await authRequest;
    const requestSeen = Date.now();
    await request.response().catch(() => undefined);
    const clickEpoch = await p.evaluate(() => window.__clickEpoch);
    const start = request.timing().startTime;
    const at = start > 0 ? start : requestSeen;
    return { ms: at - clickEpoch, warm: metadataLoaded };
  } finally {
    await context.close();
  }
}

/**
 * The e2e tests' provider (test/e2e/support/provider.ts: oidc-provider with its own login pages, on another site
 * than the page) when it is there — `npm run bench` runs under tsx for it — else the minimal one in bench/.
 */
async function startOidcProvider(redirectUri) {
  const client = {
    client_id: CLIENT_ID,
    token_endpoint_auth_method: 'none',
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  };
  const shared = join(ROOT, 'test/e2e/support/provider.ts');
  let started;
  if (existsSync(shared) && process.execArgv.join(' ').includes('tsx')) {
    const { startProvider } = await import(shared);
    const p = await startProvider({ clients: [client] });
    started = { issuer: p.issuer, close: () => p.close(), source: 'test/e2e/support/provider.ts' };
  } else {
    const p = await startBenchProvider({ clientId: CLIENT_ID, redirectUris: [redirectUri] });
    started = { issuer: p.issuer, close: p.close, source: 'bench/provider.mjs' };
  }
  const meta = await (await fetch(`${started.issuer}/.well-known/openid-configuration`)).json();
  return { ...started, authorizationEndpoint: meta.authorization_endpoint };
}

const site = await startSite();
const provider = await startOidcProvider(`${site.origin}/callback.html`);
console.log(`\nprovider: oidc-provider from ${provider.source} at ${provider.issuer}`);
for (const [name, tag] of Object.entries(KIT)) site.pages.set(`/${name.toLowerCase()}.html`, () => page(tag, provider.issuer, site.origin));

const browser = await chromium.launch({ executablePath: CHROME, headless: true, args: CHROMIUM_ARGS });
const rows = [];
let failures = 0;
try {
  for (const name of Object.keys(KIT)) {
    const url = `${site.origin}/${name.toLowerCase()}.html`;
    const inDom = [];
    const frame = [];
    const click = [];
    let warm = 0;
    await renderRun(browser, url); // one unmeasured run: Chromium's own first-launch work is not ours
    for (let i = 0; i < RUNS; i++) {
      const r = await renderRun(browser, url);
      inDom.push(r.inDom);
      frame.push(r.frame);
    }
    for (let i = 0; i < RUNS; i++) {
      try {
        const r = await clickRun(browser, url, provider.issuer, provider.authorizationEndpoint);
        click.push(r.ms);
        if (r.warm) warm += 1;
      } catch (err) {
        failures += 1;
        console.error(`click run ${i + 1} (${name}) failed: ${err.message.split('\n')[0]}`);
      }
    }
    rows.push({ metric: 'script start → button rendered (updateComplete)', build: name, xs: inDom });
    rows.push({ metric: 'script start → first frame with the button', build: name, xs: frame });
    rows.push({
      metric: `click → popup at authorize URL (metadata warm in ${warm}/${click.length})`,
      build: name,
      xs: click,
    });
  }
} finally {
  await browser.close();
  await provider.close();
  await site.close();
}

const head = ['metric', 'build', 'median ms', 'min ms', 'max ms', 'runs'];
const body = rows.map((r) => [
  r.metric,
  r.build,
  r.xs.length ? median(r.xs).toFixed(1) : '-',
  r.xs.length ? Math.min(...r.xs).toFixed(1) : '-',
  r.xs.length ? Math.max(...r.xs).toFixed(1) : '-',
  String(r.xs.length),
]);
const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
const fmt = (cells) => cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
console.log(`\nTimings in headless Chromium (${CHROME}), median of ${RUNS} fresh contexts\n`);
console.log(fmt(head));
console.log(fmt(widths.map((w) => '-'.repeat(w))));
for (const b of body) console.log(fmt(b));
if (failures) {
  console.error(`\n${failures} click run(s) failed`);
  process.exitCode = 1;
}
