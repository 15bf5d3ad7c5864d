// `npm run bench:liveness-browser` (node --import tsx bench/liveness-browser.mjs): what the ownership check
// `<idc-liveness-check>` costs in headless Debian Chromium with the fake camera (a face video made from
// test/fixtures/faces by test/e2e/support-liveness/y4m.ts). A benchmark, not a test: it prints numbers, checks nothing but its own preconditions, writes nothing to the repository.
//
// A local server (127.0.0.1, free port) serves a page like the provider's selfie page: dist/idconnect-kit-liveness.js
// as an ES module, `model-base="/assets/liveness/"` with @vladmandic/human's dist/human.esm.js and models/ from
// node_modules (as the provider serves them), and an upload route that answers `{ status: 'passed' }` (the provider's
// decision is measured elsewhere). Per run (BENCH_RUNS, default 3), a fresh browser with a cold cache:
//   - model bytes: every request under /assets/liveness/ with its size on the wire (bytes the server sent) and its
//     time relative to the Start click; and that nothing of it was requested before Start;
//   - Start → first guidance frame: the element's performance marks `idc-liveness-start` → `idc-liveness-first-guidance`
//     (the first detection result that picks a guidance text), with `idc-liveness-model-ready` in between;
//   - per-frame guidance cost: the element's `idc-liveness-detect` measures (detection + mesh on a 320 px frame);
//   - the element's own files: dist/idconnect-kit-liveness.js and the ESM define graph, gzip -9.
// Needs `npm run build` first. BENCH_VIDEO picks the face sequence (default a-lrl).
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright';
import { CHROMIUM_ARGS } from '../test/e2e/support/browser.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = process.env.IDC_DIST_DIR || join(root, 'dist');
const human = join(root, 'node_modules/@vladmandic/human');
const RUNS = Number(process.env.BENCH_RUNS) || 3;
const kitFile = join(dist, 'idconnect-kit-liveness.js');
if (!existsSync(kitFile)) throw new Error(`${kitFile} is missing: run \`npm run build\` first`);

const { writeY4m } = await import('../test/e2e/support-liveness/y4m.ts');
const video = writeY4m(process.env.BENCH_VIDEO || 'a-lrl', { seconds: 6 });

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Selfie</title>
<script type="module" src="/assets/idconnect-kit-liveness.js"></script></head><body>
<idc-liveness-check session="bench" challenge="turn-left turn-right" upload-url="/liveness/bench/capture"
  model-base="/assets/liveness/"></idc-liveness-check></body></html>`;

/** What the server sent, by path: bytes and the time (ms, server clock) the response ended. */
let sent = [];
const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const send = (status, type, body) => {
    res.writeHead(status, { 'content-type': type, 'content-length': body.length, 'cache-control': 'no-store' });
    res.end(body);
    sent.push({ path: url.pathname, bytes: body.length, at: Date.now() });
  };
  if (url.pathname === '/') return send(200, 'text/html; charset=utf-8', Buffer.from(PAGE));
  if (url.pathname === '/assets/idconnect-kit-liveness.js') return send(200, 'text/javascript', readFileSync(kitFile));
  if (url.pathname.startsWith('/liveness/') && req.method === 'POST') {
    req.resume();
    req.on('end', () => send(200, 'application/json', Buffer.from(JSON.stringify({ status: 'passed', session: 'bench' }))));
    return undefined;
  }
  const m = /^\/assets\/liveness\/(human\.esm\.js|models\/[\w-]+\.(?:json|bin))$/.exec(url.pathname);
  if (m) {
    const file = m[1] === 'human.esm.js' ? join(human, 'dist/human.esm.js') : join(human, m[1]);
    if (existsSync(file)) {
      const type = { '.js': 'text/javascript', '.json': 'application/json', '.bin': 'application/octet-stream' }[extname(file)];
      return send(200, type, readFileSync(file));
    }
  }
  return send(404, 'text/plain', Buffer.from('not found'));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;

const ARGS = [
  ...CHROMIUM_ARGS,
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  `--use-file-for-fake-video-capture=${video}`,
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(xs.length * 0.9) - 1)];
const kB = (n) => `${(n / 1000).toFixed(1)} kB`;

const results = [];
for (let run = 0; run < RUNS; run++) {
  sent = [];
  const browser = await chromium.launch({ executablePath: process.env.CHROME_PATH || '/usr/bin/chromium', args: ARGS });
  try {
    const page = await browser.newPage();
    await page.goto(origin);
    await page.locator('idc-liveness-check').getByRole('button', { name: 'Start' }).waitFor();
    await page.waitForTimeout(500); // idle: anything the page would fetch on its own has been fetched
    const before = sent.filter((s) => s.path.startsWith('/assets/liveness/')).length;
    const startAt = Date.now();
    await page.locator('idc-liveness-check').getByRole('button', { name: 'Start' }).click();
    const done = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const el = document.querySelector('idc-liveness-check');
          el.addEventListener('idc-liveness-complete', () => resolve('complete'), { once: true });
          el.addEventListener('idc-error', (e) => resolve(`error ${e.detail.code} ${e.detail.reason ?? ''}`), { once: true });
        }),
    );
    const marks = await page.evaluate(() => {
      const at = (name) => performance.getEntriesByName(name)[0]?.startTime;
      return {
        start: at('idc-liveness-start'),
        model: at('idc-liveness-model-ready'),
        first: at('idc-liveness-first-guidance'),
        detect: performance.getEntriesByName('idc-liveness-detect').map((e) => e.duration),
        backend: document.createElement('canvas').getContext('webgl2') ? 'webgl' : 'cpu',
      };
    });
    const model = sent.filter((s) => s.path.startsWith('/assets/liveness/'));
    // Steady per-frame cost: the element stops detecting once the face is placed (and skips detection during the
    // capture when it is slow), so after the check the page runs 8 more detections with the element's settings
    // (src/components/liveness-check/guide.ts: detector + mesh only, 320 px frames from the same camera).
    const steady = await page.evaluate(async () => {
      const { Human } = await import('/assets/liveness/human.esm.js');
      const off = { enabled: false };
      const lib = new Human({
        modelBasePath: new URL('/assets/liveness/models/', location.href).href,
        backend: document.createElement('canvas').getContext('webgl2') ? 'webgl' : 'cpu',
        debug: false, async: true, warmup: 'none', cacheSensitivity: 0,
        filter: off, gesture: off, body: off, hand: off, object: off, segmentation: off,
        face: {
          enabled: true, detector: { enabled: true, rotation: false, maxDetected: 3, minConfidence: 0.4, return: false },
          mesh: { enabled: true }, attention: off, iris: off, description: off, emotion: off, antispoof: off, liveness: off,
        },
      });
      await lib.load();
      const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
      const video = Object.assign(document.createElement('video'), { muted: true, srcObject: stream });
      await video.play();
      const canvas = Object.assign(document.createElement('canvas'), { width: 320, height: 240 });
      const out = [];
      for (let i = 0; i < 9; i++) {
        canvas.getContext('2d').drawImage(video, 0, 0, 320, 240);
        const t = performance.now();
        const { face } = await lib.detect(canvas);
        out.push({ ms: performance.now() - t, faces: face.length });
      }
      return out.slice(1); // the first is this library instance's own warm-up
    });
    results.push({
      done,
      before,
      modelBytes: model.reduce((n, s) => n + s.bytes, 0),
      files: model.map((s) => ({ path: s.path.replace('/assets/liveness/', ''), bytes: s.bytes, afterStartMs: s.at - startAt })),
      toModel: marks.model - marks.start,
      toFirst: marks.first - marks.start,
      detect: marks.detect,
      steady,
      backend: marks.backend,
    });
  } finally {
    await browser.close();
  }
}
server.close();

const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const graph = (entry, seen = new Set()) => {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  for (const m of readFileSync(entry, 'utf8').matchAll(/(?:\bfrom|\bimport)\s*\(?\s*["'](\.\.?\/[^"']+)["']/g)) {
    graph(resolve(dirname(entry), m[1]), seen);
  }
  return seen;
};
const esm = [...graph(join(dist, 'components/liveness-check/define.js'))];

console.log(`\n<idc-liveness-check> in headless Chromium, fake camera (${video.split('/').pop()}), ${RUNS} cold runs`);
console.log(`outcome per run: ${results.map((r) => r.done).join(', ')}; detection backend: ${results[0]?.backend}`);
console.log(`model requests before Start: ${results.map((r) => r.before).join(', ')} (must be 0)`);
const first = results[0];
console.log('model files of run 1 (bytes sent, ms after the Start click when the response ended):');
for (const f of first?.files ?? []) console.log(`  ${f.path.padEnd(24)} ${String(f.bytes).padStart(9)} B  +${f.afterStartMs} ms`);
console.log(`model bytes per run: ${results.map((r) => kB(r.modelBytes)).join(', ')}`);
console.log(`Start → model ready: median ${median(results.map((r) => r.toModel)).toFixed(0)} ms`);
console.log(`Start → first guidance frame: median ${median(results.map((r) => r.toFirst)).toFixed(0)} ms (${results.map((r) => r.toFirst.toFixed(0)).join(', ')})`);
const steady = results.flatMap((r) => r.steady.map((x) => x.ms));
console.log(`guidance frames in the element per run: ${results.map((r) => r.detect.length).join(', ')}; the first one (model warm-up included): median ${median(results.map((r) => r.detect[0])).toFixed(0)} ms`);
console.log(`guidance per frame, warm (detection + mesh, 320 px, ${results[0]?.steady[0]?.faces} face): median ${median(steady).toFixed(0)} ms, p90 ${p90(steady).toFixed(0)} ms over ${steady.length} frames`);
console.log(`element: dist/idconnect-kit-liveness.js ${kB(gz(kitFile))} gzip (one file, Lit inlined); ESM define graph ${esm.length} files ${kB(esm.reduce((n, f) => n + gz(f), 0))} gzip (Lit external)`);
if (process.env.BENCH_JSON) console.log(JSON.stringify(results));
