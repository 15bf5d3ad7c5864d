// Measures the provider side of the ownership check (docs/security.md §42) on this machine, with the real models
// (@vladmandic/human on TensorFlow.js WebAssembly, in the provider's worker thread) and the test faces of
// test/fixtures/faces: model bytes and load time, decision time per capture and per frame, the face-match scores of
// same and different persons, and the false-accept / false-reject counts of match thresholds on that set.
// A measurement, not a test: nothing here fails on a slow machine.
//
//   node --import tsx bench/liveness.mjs            (a table on stdout; --json for the raw numbers)
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { decideCapture, DEFAULT_THRESHOLDS } from '../demo/provider/liveness/decide.ts';
import { LivenessEngine } from '../demo/provider/liveness/engine.ts';
import { FRAME_LIMITS } from '../demo/provider/liveness/service.ts';

const FIXTURES = new URL('../test/fixtures/faces/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('manifest.json', FIXTURES), 'utf8'));
const read = (name) => new Uint8Array(readFileSync(new URL(name, FIXTURES)));
const framesOf = (s) => s.frames.map((f, i) => ({ t: s.t[i], bytes: read(f) }));
const documents = { a: { type: 'image/jpeg', bytes: read('doc-a.jpg') }, b: { type: 'image/jpeg', bytes: read('doc-b.jpg') } };
/** whose face each sequence shows (test/fixtures/faces/README.md) */
const PERSON = { 'a-lr': 'a', 'a-rl': 'a', 'a-lrl': 'a', 'a-static': 'a', 'b-lrl': 'b' };
const CHALLENGE = { 'a-rl': ['turn-right', 'turn-left'] };

const engine = new LivenessEngine();
const cold = performance.now();
const info = await engine.info();
const coldMs = performance.now() - cold;

const captures = [];
const pairs = []; // { same, similarity, frontal }
for (const s of manifest.sequences) {
  for (const doc of ['a', 'b']) {
    // the decision as the provider makes it (the embedding of the best frame only) …
    const started = performance.now();
    const decided = await engine.analyze(framesOf(s), documents[doc], FRAME_LIMITS);
    const wallMs = performance.now() - started;
    // … and once more with every frame's embedding, for the score distribution
    const analysis = await engine.analyze(framesOf(s), documents[doc], FRAME_LIMITS, { describeAll: true });
    const decision = decideCapture(analysis.frames, CHALLENGE[s.name] ?? ['turn-left', 'turn-right'], DEFAULT_THRESHOLDS);
    captures.push({
      sequence: s.name,
      document: doc,
      frames: s.frames.length,
      analysed: decided.timings.framesAnalysed,
      wallMs,
      perFrameMs: decided.timings.totalMs / decided.timings.framesAnalysed,
      decision: decision.status === 'passed' ? 'passed' : decision.reason,
      bestSimilarity: decision.scores.similarity,
      antispoof: decision.scores.antispoof,
      liveness: decision.scores.liveness,
    });
    if (PERSON[s.name]) {
      for (const [i, f] of analysis.frames.entries()) {
        if (f.face?.similarity === undefined) continue;
        pairs.push({ same: PERSON[s.name] === doc, similarity: f.face.similarity, best: i === decision.scores.bestFrame });
      }
    }
  }
}
await engine.close();

const fmt = (n, d = 0) => (n === undefined ? '—' : n.toFixed(d));
const stats = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  return { n: v.length, min: v[0], median: v[v.length >> 1], max: v[v.length - 1] };
};
const sweep = (set) =>
  [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65].map((t) => ({
    threshold: t,
    falseAccepts: set.filter((p) => !p.same && p.similarity >= t).length,
    falseRejects: set.filter((p) => p.same && p.similarity < t).length,
    different: set.filter((p) => !p.same).length,
    same: set.filter((p) => p.same).length,
  }));

const result = {
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  models: { backend: info.backend, bytes: info.modelBytes, totalBytes: Object.values(info.modelBytes).reduce((a, b) => a + b, 0), loadMs: info.loadMs, coldStartMs: coldMs },
  captures,
  similarity: {
    sameAllFrames: stats(pairs.filter((p) => p.same).map((p) => p.similarity)),
    differentAllFrames: stats(pairs.filter((p) => !p.same).map((p) => p.similarity)),
    sameBestFrame: stats(pairs.filter((p) => p.same && p.best).map((p) => p.similarity)),
    differentBestFrame: stats(pairs.filter((p) => !p.same && p.best).map((p) => p.similarity)),
  },
  thresholdsAllFrames: sweep(pairs),
  thresholdsBestFrame: sweep(pairs.filter((p) => p.best)),
};

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(result, null, 2));
} else {
  console.log(`models (${result.models.backend}): ${Object.entries(info.modelBytes).map(([k, v]) => `${k} ${fmt(v / 1024)} kB`).join(', ')}; total ${fmt(result.models.totalBytes / 1e6, 2)} MB`);
  console.log(`load: ${fmt(info.loadMs)} ms in the worker; ${fmt(coldMs)} ms from first request (worker start + load)`);
  console.log('\n| capture | document | frames (analysed) | wall ms | ms / frame | decision | best-frame similarity | anti-spoof | liveness |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const c of captures) {
    console.log(`| ${c.sequence} | doc-${c.document} | ${c.frames} (${c.analysed}) | ${fmt(c.wallMs)} | ${fmt(c.perFrameMs)} | ${c.decision} | ${fmt(c.bestSimilarity, 2)} | ${fmt(c.antispoof, 2)} | ${fmt(c.liveness, 2)} |`);
  }
  const s = result.similarity;
  console.log('\nsimilarity (min / median / max, n):');
  for (const [k, v] of Object.entries(s)) console.log(`  ${k}: ${fmt(v.min, 2)} / ${fmt(v.median, 2)} / ${fmt(v.max, 2)} (n=${v.n})`);
  for (const [label, rows] of [['every frame', result.thresholdsAllFrames], ['best frame (the decision)', result.thresholdsBestFrame]]) {
    console.log(`\nthreshold → false accepts / false rejects, ${label}:`);
    for (const r of rows) console.log(`  ${r.threshold.toFixed(2)}: FA ${r.falseAccepts}/${r.different}, FR ${r.falseRejects}/${r.same}`);
  }
}
