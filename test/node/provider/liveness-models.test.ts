/**
 * The decision on fixed frames with the real face models (docs/security.md §42): @vladmandic/human on the
 * WebAssembly backend, in the provider's worker thread, on the test faces of test/fixtures/faces (README there).
 * Nothing is mocked; each capture takes a few seconds on a small machine.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { decideCapture, DEFAULT_THRESHOLDS } from '../../../demo/provider/liveness/decide.js';
import { AnalysisError, LivenessEngine, type Analysis } from '../../../demo/provider/liveness/engine.js';
import { FRAME_LIMITS } from '../../../demo/provider/liveness/service.js';

const FIXTURES = new URL('../../fixtures/faces/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('manifest.json', FIXTURES), 'utf8')) as {
  sequences: { name: string; frames: string[]; t: number[] }[];
};
const frames = (name: string) => {
  const s = manifest.sequences.find((x) => x.name === name)!;
  return s.frames.map((f, i) => ({ t: s.t[i]!, bytes: new Uint8Array(readFileSync(new URL(f, FIXTURES))) }));
};
const documentA = { type: 'image/jpeg', bytes: new Uint8Array(readFileSync(new URL('doc-a.jpg', FIXTURES))) };
const documentB = { type: 'image/jpeg', bytes: new Uint8Array(readFileSync(new URL('doc-b.jpg', FIXTURES))) };

let engine: LivenessEngine;
before(() => {
  engine = new LivenessEngine();
});
after(() => engine.close());

const analyze = (name: string, reference = documentA): Promise<Analysis> => engine.analyze(frames(name), reference, FRAME_LIMITS);

describe('the decision with the real models on the test faces', () => {
  it('loads the five face models from the package files, on the WebAssembly backend', async () => {
    const info = await engine.info();
    assert.equal(info.backend, 'wasm');
    assert.deepEqual(Object.keys(info.modelBytes).sort(), ['antispoof', 'blazeface', 'facemesh', 'faceres', 'liveness']);
    assert.ok(info.modelBytes['faceres']! > 6_000_000, 'the description model is the big one');
  });

  it('passes person A turning left then right against A\u2019s document; the same frames fail the other order', async () => {
    const analysis = await analyze('a-lr');
    assert.equal(analysis.frames.length, 13);
    assert.ok(analysis.frames.every((f) => f.faces === 1), 'one face in every frame');
    const yaws = analysis.frames.map((f) => f.face!.yaw);
    assert.ok(Math.min(...yaws) < -0.35 && Math.max(...yaws) > 0.15, `the simulated turn moves the yaw: ${yaws.map((y) => y.toFixed(2))}`);
    const passed = decideCapture(analysis.frames, ['turn-left', 'turn-right'], DEFAULT_THRESHOLDS);
    assert.equal(passed.status, 'passed', JSON.stringify(passed));
    assert.ok(passed.scores.similarity! >= DEFAULT_THRESHOLDS.match, `similarity ${passed.scores.similarity}`);
    const wrongOrder = decideCapture(analysis.frames, ['turn-right', 'turn-left'], DEFAULT_THRESHOLDS);
    assert.equal(wrongOrder.reason, 'challenge_not_met');
    // the thresholds are configuration: a strict anti-spoof threshold turns the same capture into spoof_suspected
    assert.equal(decideCapture(analysis.frames, ['turn-left', 'turn-right'], { ...DEFAULT_THRESHOLDS, antispoof: 0.95 }).reason, 'spoof_suspected');
  });

  it('answers face_mismatch for person B against A\u2019s document, and for A against B\u2019s', async () => {
    const b = decideCapture((await analyze('b-lrl')).frames, ['turn-right', 'turn-left'], DEFAULT_THRESHOLDS);
    assert.equal(b.reason, 'face_mismatch', JSON.stringify(b.scores));
    assert.equal(b.liveness.result, 'passed', 'a live person, just not the document\u2019s');
    assert.ok(b.scores.similarity! < DEFAULT_THRESHOLDS.match);
    const aOnB = decideCapture((await analyze('a-lrl', documentB)).frames, ['turn-left', 'turn-right'], DEFAULT_THRESHOLDS);
    assert.equal(aOnB.reason, 'face_mismatch', JSON.stringify(aOnB.scores));
  });

  it('answers challenge_not_met for a static capture of the right person', async () => {
    const d = decideCapture((await analyze('a-static')).frames, ['turn-left', 'turn-right'], DEFAULT_THRESHOLDS);
    assert.equal(d.reason, 'challenge_not_met');
    assert.ok(d.scores.motion!.steps.every((s) => s.peak < DEFAULT_THRESHOLDS.yaw));
  });

  it('answers no_face for frames without a face and multiple_faces for two people', async () => {
    assert.equal(decideCapture((await analyze('noface')).frames, ['turn-left', 'turn-right'], DEFAULT_THRESHOLDS).reason, 'no_face');
    assert.equal(decideCapture((await analyze('two')).frames, ['turn-left', 'turn-right'], DEFAULT_THRESHOLDS).reason, 'multiple_faces');
  });

  it('refuses a frame that is no decodable JPEG with invalid_capture, naming the frame', async () => {
    const bad = frames('a-lr').slice(0, 4);
    bad[2] = { t: bad[2]!.t, bytes: bad[2]!.bytes.subarray(0, 600) };
    await assert.rejects(engine.analyze(bad, documentA, FRAME_LIMITS), (err: unknown) => err instanceof AnalysisError && err.code === 'invalid_capture' && err.index === 2);
  });
});
