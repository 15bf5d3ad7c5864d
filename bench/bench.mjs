// `npm run bench`: bundle sizes and in-page timings of the verify button, beside two baselines, printed as tables
// (nothing is written to the repository; a temporary directory holds the baseline's bundle and is removed).
//
// 1. Sizes (gzip -9 and brotli) of every ESM entry with its static imports, the lazy part, and both IIFE files
//    (scripts/size.mjs — the same numbers the CI budgets check).
// 2. In headless Debian Chromium, for the one-file IIFE and for the ESM define module (its page maps the module's bare
//    imports, Lit and oidc-client-ts, to node_modules with an import map), over BENCH_RUNS fresh browser contexts
//    (cold cache each):
//    - script start → button rendered: from an inline script just before the kit's <script> tag to the element's
//      first completed render (`updateComplete`), and to the next animation frame (the first frame showing it).
// 3. Click → popup at the authorize URL, for four pages in the same run, against the same local oidc-provider, the
//    same client (id, redirect URI, scope `openid share` — the button's default), and the same browser:
//    - "bare window.open": a plain <button> whose click handler calls `window.open(authorizeUrl)` with an authorize
//      URL the bench computed beforehand (PKCE challenge, state and nonce included). No library, no work in the click:
//      the physical floor of click → popup request.
//    - "oidc-client-ts UserManager.signinPopup": a plain <button> calling `userManager.signinPopup()` (oidc-client-ts
//      from node_modules, bundled by the bench with esbuild into a temporary directory and served as one ES module).
//      The page warms the metadata the way the kit does: `metadataService.getMetadata()` on pointerenter, focus and
//      idle. signinPopup opens a blank window inside the click, builds the request (PKCE, state store) and then
//      navigates that window — the same shape as the kit.
//    - the kit, IIFE and ESM: `<idc-verify-button>`, which preloads the provider metadata and the protocol chunk on
//      idle, hover or focus.
//    Each sample, per page: a fresh context loads the page, waits for it to be ready, hovers the button (every page;
//    the kit and UserManager warm on it), waits until the metadata document was fetched (kit, UserManager) and the
//    network is idle, then clicks for real (Playwright's `page.click`: a trusted mouse press/release through CDP
//    input, so the page has user activation exactly as with a person's click). The number is
//        start of the popup's request to the authorization endpoint (the browser's network start time, CDP
//        requestWillBeSent wallTime)  −  the click event's timestamp (performance.timeOrigin + event.timeStamp,
//        read by a capturing listener on the page).
//    Both are wall-clock times on the same machine; the click's timestamp is the input event's creation time, so the
//    number includes the page's click handler, everything the library awaits before navigating the window, the
//    window's creation and the start of its navigation — not the provider's answer, not the popup's paint.
//    The pages are sampled interleaved (one sample of each per round, the order rotated every round) so a slow
//    spell on a shared machine falls on all of them alike. Median and p90 (nearest rank) are printed, and the
//    ratios of the kit to the floor and to UserManager, and of UserManager to the floor.
//    Popup blocking stays ON: Playwright passes --disable-popup-blocking by default, the bench removes it
//    (ignoreDefaultArgs), and checks first that a window.open without a gesture is blocked.
// 4. What each page loaded for the click: every script file the page fetched (the popup's aside), gzip -9 each,
//    summed file by file as a browser gets them; the bare page loads none (its few lines of inline script aside).
//
// Env: BENCH_RUNS (default 15), BENCH_NO_BUILD=1 (measure the existing dist/), IDC_DIST_DIR (measure a build elsewhere;
// implies no build), CHROME_PATH (default /usr/bin/chromium), BENCH_TIMEOUT_S (whole run; default 120 + 40 per run).
// Loopback only: the pages, the provider and the browser talk over 127.0.0.1/localhost.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test'; // playwright-core's launcher, Debian Chromium via executablePath
import { importMap } from '../scripts/import-map.mjs';
import { budgetResults, formatTable, measureSizes } from '../scripts/size.mjs';
import { CHROMIUM_ARGS } from '../test/e2e/support/browser.ts';
import { startBenchProvider } from './provider.mjs';

process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';
const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const DIST = process.env.IDC_DIST_DIR ? resolve(process.env.IDC_DIST_DIR) : join(ROOT, 'dist');
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS || 15));
const TIMEOUT_S = Number(process.env.BENCH_TIMEOUT_S || 120 + 40 * RUNS);
const CHROME = process.env.CHROME_PATH || '/usr/bin/chromium';
const CLIENT_ID = 'bench-client';
const SCOPE = 'openid share'; // the verify button's default scope; the baselines ask for the same

// The run stops by itself: a hung browser or provider ends it with an error instead of waiting forever.
setTimeout(() => {
  console.error(`bench: still running after ${TIMEOUT_S} s (BENCH_TIMEOUT_S); giving up`);
  process.exit(2);
}, TIMEOUT_S * 1000).unref();

// ---------------------------------------------------------------------------------------------------------------
// Build and sizes

if (process.env.BENCH_NO_BUILD !== '1' && !process.env.IDC_DIST_DIR) {
  console.log('building (npm run build)…');
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) {
    console.error('bench: the build failed');
    process.exit(1);
  }
}
const sizeRows = await measureSizes(DIST);
const distName = relative(ROOT, DIST).startsWith('..') ? DIST : relative(ROOT, DIST) || '.';
console.log(`\nSizes of ${distName} (each file compressed on its own and summed; 1 kB = 1000 bytes)\n`);
console.log(formatTable(sizeRows));
console.log('');
for (const b of budgetResults(sizeRows)) {
  console.log(`  ${b.ok ? 'ok  ' : 'OVER'} ${b.what}: ${(b.actual / 1000).toFixed(2)} kB gzip (budget ${(b.gzip / 1000).toFixed(2)} kB)`);
}

// oidc-client-ts for the UserManager page: the package's ES module build with its dependencies, one minified file.
const TMP = await mkdtemp(join(tmpdir(), 'idc-bench-'));
const UM_BUNDLE = join(TMP, 'oidc-client-ts.js');
{
  const { build } = await import('esbuild');
  await build({
    stdin: { contents: "export { UserManager } from 'oidc-client-ts';", resolveDir: ROOT, loader: 'js' },
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    minify: true,
    legalComments: 'none',
    outfile: UM_BUNDLE,
    logLevel: 'error',
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Pages

/** Runs first on every page: the click's timestamp, and a start time for the kit's render timings. */
const HEAD_SCRIPT = `<script>
  window.__t0 = performance.now();
  document.addEventListener('click', (e) => { window.__clickEpoch = performance.timeOrigin + e.timeStamp; }, true);
</script>`;

// The ES module imports Lit (and, lazily, oidc-client-ts) by bare name: the page maps those to node_modules.
const ESM_DEPS = importMap([join(DIST, 'components/verify-button/define.js')]);
const KIT = {
  IIFE: '<script src="/dist/idconnect-kit.iife.js"></script>',
  ESM: `<script type="importmap">${JSON.stringify(ESM_DEPS.importMap)}</script>
<script type="module" src="/dist/components/verify-button/define.js"></script>`,
};

function kitPage(kitTag, issuer, origin) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>idconnect-kit bench</title>
${HEAD_SCRIPT}
<script>
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
</script>
${kitTag}
</head>
<body>
  <idc-verify-button authority="${issuer}" client-id="${CLIENT_ID}" redirect-uri="${origin}/callback.html"></idc-verify-button>
</body>
</html>`;
}

/** Baseline A: the floor. The authorize URL is computed before the page loads; the click only opens it. */
function barePage(authorizeUrl) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>bare window.open bench</title>
${HEAD_SCRIPT}
<script>
  window.__bench = new Promise((r) => document.addEventListener('DOMContentLoaded', () => r({}), { once: true }));
  document.addEventListener('DOMContentLoaded', () => {
    const url = ${JSON.stringify(authorizeUrl)};
    document.getElementById('go').addEventListener('click', () => { window.open(url); });
  });
</script>
</head>
<body>
  <button id="go" type="button">Verify with ID</button>
</body>
</html>`;
}

/** Baseline B: oidc-client-ts's own popup sign-in, metadata warmed on hover/focus/idle like the kit's. */
function userManagerPage(issuer, origin) {
  const settings = {
    authority: issuer,
    client_id: CLIENT_ID,
    redirect_uri: `${origin}/callback.html`,
    popup_redirect_uri: `${origin}/callback.html`,
    response_type: 'code',
    response_mode: 'query',
    scope: SCOPE,
    loadUserInfo: false,
    automaticSilentRenew: false,
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>oidc-client-ts UserManager bench</title>
${HEAD_SCRIPT}
<script>window.__bench = new Promise((r) => { window.__ready = r; });</script>
<script type="module">
  import { UserManager } from '/bench/oidc-client-ts.js';
  const userManager = new UserManager(${JSON.stringify(settings)});
  let warming;
  const warm = () => {
    warming ??= userManager.metadataService.getMetadata().catch(() => { warming = undefined; });
  };
  const button = document.getElementById('go');
  button.addEventListener('pointerenter', warm);
  button.addEventListener('focus', warm);
  requestIdleCallback(warm, { timeout: 4000 });
  button.addEventListener('click', () => { userManager.signinPopup().catch(() => {}); });
  window.__ready({});
</script>
</head>
<body>
  <button id="go" type="button">Verify with ID</button>
</body>
</html>`;
}

/** Loaded without a user gesture: tells whether the browser blocks popups. */
const PROBE_PAGE = `<!doctype html><title>popup probe</title><script>
  let w = null;
  try { w = window.open('about:blank', '_blank'); } catch {}
  window.__probe = w ? 'opened' : 'blocked';
  if (w) w.close();
</script>`;

const TYPES = { '.js': 'text/javascript', '.map': 'application/json', '.html': 'text/html; charset=utf-8' };

/** Where a served path's bytes come from (for the sizes of what each page loaded); undefined when not a file. */
function fileOf(path) {
  if (path === '/bench/oidc-client-ts.js') return UM_BUNDLE;
  const dependency = join(ROOT, normalize(path));
  if (path.startsWith('/node_modules/') && ESM_DEPS.files.has(dependency)) return dependency;
  if (!path.startsWith('/dist/')) return undefined;
  const file = normalize(join(DIST, path.slice('/dist/'.length)));
  return file.startsWith(DIST + sep) ? file : undefined;
}

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
    const file = fileOf(path);
    if (!file) {
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

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => {
  const s = sorted(xs);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
/** Nearest-rank percentile: the smallest sample with at least p % of the samples at or below it. */
const percentile = (xs, p) => sorted(xs)[Math.max(0, Math.ceil((p / 100) * xs.length) - 1)];

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

/**
 * One click → popup sample of `variant` in a fresh context (see the header for what the number is). Also returns the
 * script files the page fetched, and whether the metadata document was fetched before the click.
 */
async function clickRun(browser, variant, site, provider) {
  const context = await browser.newContext();
  try {
    const p = await context.newPage();
    let metadataLoaded = false;
    const scripts = new Set();
    p.on('requestfinished', (r) => {
      if (r.url() === `${provider.issuer}/.well-known/openid-configuration`) metadataLoaded = true;
      if (r.resourceType() === 'script') scripts.add(new URL(r.url()).pathname);
    });
    await p.goto(`${site.origin}${variant.path}`);
    await p.evaluate(() => window.__bench);
    await p.hover(variant.target);
    if (variant.warm) for (let waited = 0; !metadataLoaded && waited < 5000; waited += 50) await p.waitForTimeout(50);
    await p.waitForLoadState('networkidle');
    const authRequest = context.waitForEvent('request', {
      predicate: (r) => r.url().startsWith(`${provider.authorizationEndpoint}?`),
      timeout: 10_000,
    });
    const popup = p.waitForEvent('popup', { timeout: 10_000 });
    const pageUrl = p.url();
    await p.click(variant.target);
    const request = await authRequest;
    const requestSeen = Date.now();
    await popup; // a new window opened by this page (a blocked popup never gets here)
    if (p.url() !== pageUrl) throw new Error('the page itself navigated away instead of opening a popup');
    await request.response().catch(() => undefined);
    const clickEpoch = await p.evaluate(() => window.__clickEpoch);
    if (typeof clickEpoch !== 'number') throw new Error('no click event seen on the page');
    const start = request.timing().startTime;
    // Without the browser's start time (never seen so far) the moment Node heard of the request stands in: later.
    const at = start > 0 ? start : requestSeen;
    return { ms: at - clickEpoch, warm: metadataLoaded, scripts, nodeTime: !(start > 0) };
  } finally {
    await context.close();
  }
}

/** Fails unless this browser blocks a popup opened without a user gesture. */
async function checkPopupBlocking(browser, url) {
  const context = await browser.newContext();
  try {
    const p = await context.newPage();
    await p.goto(url);
    const probe = await p.evaluate(() => window.__probe);
    if (probe !== 'blocked') throw new Error(`popup blocking is off in this browser (probe: ${probe}); the click timings would not be fair`);
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

/** The bare page's authorize URL: what a library would send (PKCE S256, state, nonce), computed once up front. */
function precomputedAuthorizeUrl(authorizationEndpoint, redirectUri) {
  const b64url = (buf) => buf.toString('base64url');
  const verifier = b64url(randomBytes(32));
  const url = new URL(authorizationEndpoint);
  url.search = new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: redirectUri,
    response_type: 'code',
    response_mode: 'query',
    scope: SCOPE,
    state: b64url(randomBytes(16)),
    nonce: b64url(randomBytes(16)),
    code_challenge: b64url(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
  }).toString();
  return url.href;
}

const site = await startSite();
const redirectUri = `${site.origin}/callback.html`;
const provider = await startOidcProvider(redirectUri);
console.log(`\nprovider: oidc-provider from ${provider.source} at ${provider.issuer}`);
for (const [name, tag] of Object.entries(KIT)) site.pages.set(`/${name.toLowerCase()}.html`, () => kitPage(tag, provider.issuer, site.origin));
const authorizeUrl = precomputedAuthorizeUrl(provider.authorizationEndpoint, redirectUri);
site.pages.set('/bare.html', () => barePage(authorizeUrl));
site.pages.set('/usermanager.html', () => userManagerPage(provider.issuer, site.origin));
site.pages.set('/probe.html', () => PROBE_PAGE);

const VARIANTS = [
  { key: 'bare', label: 'bare window.open', path: '/bare.html', target: '#go', warm: false },
  { key: 'um', label: 'oidc-client-ts UserManager.signinPopup', path: '/usermanager.html', target: '#go', warm: true },
  { key: 'IIFE', label: 'kit IIFE', path: '/iife.html', target: 'idc-verify-button', warm: true },
  { key: 'ESM', label: 'kit ESM', path: '/esm.html', target: 'idc-verify-button', warm: true },
];

// Same flags for every page: one browser, Playwright's default switches minus --disable-popup-blocking.
const browser = await chromium.launch({
  executablePath: CHROME,
  headless: true,
  args: CHROMIUM_ARGS,
  ignoreDefaultArgs: ['--disable-popup-blocking'],
});
const renderRows = [];
const clicks = new Map(VARIANTS.map((v) => [v.key, { xs: [], warm: 0, nodeTime: 0, scripts: new Set() }]));
let failures = 0;
try {
  await checkPopupBlocking(browser, `${site.origin}/probe.html`);

  for (const name of Object.keys(KIT)) {
    const url = `${site.origin}/${name.toLowerCase()}.html`;
    const inDom = [];
    const frame = [];
    await renderRun(browser, url); // one unmeasured run: Chromium's own first-launch work is not ours
    for (let i = 0; i < RUNS; i++) {
      const r = await renderRun(browser, url);
      inDom.push(r.inDom);
      frame.push(r.frame);
    }
    renderRows.push({ metric: 'script start → button rendered (updateComplete)', build: name, xs: inDom });
    renderRows.push({ metric: 'script start → first frame with the button', build: name, xs: frame });
  }

  // One unmeasured click sample of each page first, then RUNS rounds, the order rotated every round.
  for (const v of VARIANTS) await clickRun(browser, v, site, provider).catch(() => {});
  for (let i = 0; i < RUNS; i++) {
    for (let k = 0; k < VARIANTS.length; k++) {
      const v = VARIANTS[(i + k) % VARIANTS.length];
      try {
        const r = await clickRun(browser, v, site, provider);
        const c = clicks.get(v.key);
        c.xs.push(r.ms);
        if (r.warm) c.warm += 1;
        if (r.nodeTime) c.nodeTime += 1;
        r.scripts.forEach((s) => c.scripts.add(s));
      } catch (err) {
        failures += 1;
        console.error(`click run ${i + 1} (${v.label}) failed: ${err.message.split('\n')[0]}`);
      }
    }
  }
} catch (err) {
  console.error(`bench: ${err.message.split('\n')[0]}`);
  process.exitCode = 1;
} finally {
  await browser.close();
  await provider.close();
  await site.close();
}

// ---------------------------------------------------------------------------------------------------------------
// Report

/** A plain-text table; the columns in `left` are left-aligned, the others (numbers) right-aligned. */
function table(head, body, left = [0]) {
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const fmt = (cells) =>
    cells
      .map((c, i) => (left.includes(i) ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...body.map(fmt)].join('\n');
}
const ms = (x) => (x === undefined ? '-' : x.toFixed(1));
const stats = (xs) =>
  xs.length
    ? { median: median(xs), p90: percentile(xs, 90), min: Math.min(...xs), max: Math.max(...xs) }
    : { median: undefined, p90: undefined, min: undefined, max: undefined };

/** Prints the timing tables, the ratios and what each page loaded. */
function report() {
  if (renderRows.length) {
    console.log(`\nRender timings in headless Chromium (${CHROME}), ${RUNS} fresh contexts each\n`);
    console.log(
      table(
        ['metric', 'build', 'median ms', 'p90 ms', 'min ms', 'max ms', 'runs'],
        renderRows.map((r) => {
          const s = stats(r.xs);
          return [r.metric, r.build, ms(s.median), ms(s.p90), ms(s.min), ms(s.max), String(r.xs.length)];
        }),
        [0, 1],
      ),
    );
  }

  const clickStats = new Map(VARIANTS.map((v) => [v.key, stats(clicks.get(v.key).xs)]));
  console.log(`\nClick → popup request at the authorize URL (metadata warm), ${RUNS} rounds, pages interleaved\n`);
  console.log(
    table(
      ['page', 'median ms', 'p90 ms', 'min ms', 'max ms', 'runs', 'warm'],
      VARIANTS.map((v) => {
        const c = clicks.get(v.key);
        const s = clickStats.get(v.key);
        return [v.label, ms(s.median), ms(s.p90), ms(s.min), ms(s.max), String(c.xs.length), v.warm ? `${c.warm}/${c.xs.length}` : 'n/a'];
      }),
    ),
  );

  const nodeTimed = VARIANTS.filter((v) => clicks.get(v.key).nodeTime);
  for (const v of nodeTimed) {
    console.log(`  (${v.label}: ${clicks.get(v.key).nodeTime} sample(s) without the browser's request start time, timed in Node)`);
  }

  const ratio = (a, b, field) => {
    const x = clickStats.get(a)[field];
    const y = clickStats.get(b)[field];
    return x === undefined || y === undefined || y <= 0 ? '-' : `${(x / y).toFixed(2)}×`;
  };
  const PAIRS = [
    ['IIFE', 'bare', 'kit IIFE / bare window.open'],
    ['ESM', 'bare', 'kit ESM / bare window.open'],
    ['IIFE', 'um', 'kit IIFE / UserManager.signinPopup'],
    ['ESM', 'um', 'kit ESM / UserManager.signinPopup'],
    ['um', 'bare', 'UserManager.signinPopup / bare window.open'],
  ];
  console.log('');
  console.log(
    table(
      ['ratio', 'of medians', 'of p90s'],
      PAIRS.map(([a, b, label]) => [label, ratio(a, b, 'median'), ratio(a, b, 'p90')]),
    ),
  );

  /** gzip -9 of each file the page fetched, summed; kit files split into first paint and lazy by scripts/size.mjs. */
  const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
  const kB = (n) => (n / 1000).toFixed(2);
  const sizeRowOf = { IIFE: 'idconnect-kit.iife.js', ESM: 'components/verify-button/define.js' };
  console.log('\nScripts each page loaded by the click (gzip -9 per file, summed; the pages\' own inline lines aside)\n');
  const loaded = VARIANTS.map((v) => {
    const files = [...clicks.get(v.key).scripts].map((p) => [p, fileOf(p)]).filter(([, f]) => f && existsSync(f));
    const total = files.reduce((t, [, f]) => t + gz(f), 0);
    // A baseline page loads everything up front.
    let firstPaint = kB(total);
    let lazy = kB(0);
    const row = sizeRows.find((r) => r.file === sizeRowOf[v.key]);
    if (row) {
      const eager = new Set(row.eagerFiles.map((f) => join(DIST, f)));
      const fp = files.filter(([, f]) => eager.has(f)).reduce((t, [, f]) => t + gz(f), 0);
      firstPaint = kB(fp);
      lazy = kB(total - fp);
    }
    const which = files.map(([p]) => p.replace(/^\/(dist|bench)\//, '')).sort();
    return { label: v.label, cells: [v.label, String(files.length), kB(total), firstPaint, lazy], which };
  });
  console.log(table(['page', 'files', 'gzip kB', 'first paint kB', 'lazy kB'], loaded.map((l) => l.cells)));
  console.log('');
  for (const l of loaded) console.log(`  ${l.label}: ${l.which.join(', ') || 'no script file'}`);
}

try {
  report();
} finally {
  await rm(TMP, { recursive: true, force: true });
}
if (failures) {
  console.error(`\n${failures} click run(s) failed`);
  process.exitCode = 1;
}
