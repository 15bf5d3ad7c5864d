/**
 * The ownership check's rules as pure functions (docs/security.md §42): the challenge motion over yaw sequences,
 * the decision's order of reasons over per-frame analyses, and the capture's bounds checked from headers alone.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { checkFrames, CAPTURE_LIMITS } from '../../../demo/provider/liveness/capture-form.js';
import { decideCapture, DEFAULT_THRESHOLDS, pickBestFrame, type FrameAnalysis } from '../../../demo/provider/liveness/decide.js';
import { challengeMet, median, randomChallenge, type ChallengeStep } from '../../../demo/provider/liveness/motion.js';
import { CaptureError } from '../../../demo/provider/liveness/service.js';

/** yaw samples 300 ms apart */
const seq = (...yaws: number[]) => yaws.map((yaw, i) => ({ t: i * 300, yaw }));
const LR: ChallengeStep[] = ['turn-left', 'turn-right'];
const RL: ChallengeStep[] = ['turn-right', 'turn-left'];

describe('the challenge motion (yaw over time)', () => {
  it('meets turn-left then turn-right: below neutral − T and back, then above neutral + T and back', () => {
    const r = challengeMet(seq(0, 0, -0.1, -0.3, -0.3, -0.1, 0, 0.1, 0.3, 0.3, 0.1, 0), LR);
    assert.equal(r.met, true);
    assert.equal(r.neutral, 0);
    assert.deepEqual(r.steps.map((s) => [s.step, s.returned]), [['turn-left', true], ['turn-right', true]]);
    assert.equal(r.steps[0]!.peak, 0.3);
  });

  it('needs the steps in the session\u2019s order', () => {
    const leftThenRight = seq(0, 0, -0.3, -0.3, 0, 0, 0.3, 0.3, 0, 0);
    assert.equal(challengeMet(leftThenRight, LR).met, true);
    assert.equal(challengeMet(leftThenRight, RL).met, false, 'right first is not seen: the right turn comes after the left');
    // left, right, left meets either order
    const lrl = seq(0, -0.3, 0, 0.3, 0, -0.3, 0);
    assert.equal(challengeMet(lrl, LR).met, true);
    assert.equal(challengeMet(lrl, RL).met, true);
  });

  it('measures turns from the capture\u2019s median, not from zero (a head that starts a little turned)', () => {
    const turned = seq(-0.13, -0.13, -0.45, -0.45, -0.13, -0.13, 0.23, 0.23, -0.13, -0.13);
    const r = challengeMet(turned, LR);
    assert.equal(r.neutral, -0.13);
    assert.equal(r.met, true);
    // the same sequence against zero would see a "left" turn everywhere and never a return
  });

  it('is not met by a still face, small jitter, a turn without its return, or one side only', () => {
    assert.equal(challengeMet(seq(0.01, -0.01, 0.02, 0, -0.02, 0.01, 0, 0), LR).met, false, 'still');
    assert.equal(challengeMet(seq(0, -0.1, 0.1, -0.12, 0.12, 0, 0.1, -0.1), LR).met, false, 'jitter under the threshold');
    assert.equal(challengeMet(seq(0, 0, 0, -0.3, -0.3, -0.3), ['turn-left']).met, false, 'turned and never back');
    assert.equal(challengeMet(seq(0, -0.3, 0, -0.3, 0, 0), LR).met, false, 'left twice, never right');
    assert.equal(challengeMet([], LR).met, false, 'no frames');
    assert.equal(challengeMet(seq(0, -0.3, 0), []).met, false, 'an empty challenge is never met');
  });

  it('takes the frames in time order, whatever order they come in, and ignores a frame without a yaw', () => {
    const shuffled = [
      { t: 900, yaw: 0 },
      { t: 0, yaw: 0 },
      { t: 600, yaw: 0.3 },
      { t: 300, yaw: -0.3 },
      { t: 1200, yaw: Number.NaN },
      { t: 1500, yaw: 0 },
    ];
    assert.equal(challengeMet(shuffled, LR).met, true);
    assert.equal(challengeMet(shuffled, RL).met, false);
  });

  it('follows the configured threshold', () => {
    const small = seq(0, -0.1, 0, 0.1, 0);
    assert.equal(challengeMet(small, LR).met, false);
    assert.equal(challengeMet(small, LR, { threshold: 0.08 }).met, true);
  });

  it('draws one turn each way, in either order', () => {
    assert.deepEqual(randomChallenge(() => 0.1), LR);
    assert.deepEqual(randomChallenge(() => 0.9), RL);
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 2, 3]), 2.5);
  });
});

/** A frame with one face, frontal and clear unless told otherwise. */
function frame(t: number, yaw: number, extra: Partial<NonNullable<FrameAnalysis['face']>> = {}): FrameAnalysis {
  return { t, faces: 1, face: { score: 0.98, size: 240, yaw, pitch: 0, real: 0.8, live: 0.9, ...extra } };
}

/** A passing capture: left, back, right, back; the frontal frame at t=0 carries the similarity. */
function passing(similarity = 0.7): FrameAnalysis[] {
  return [0, -0.3, 0, 0.3, 0].map((yaw, i) => frame(i * 300, yaw, i === 0 ? { similarity } : {}));
}

describe('the decision on a capture', () => {
  const T = DEFAULT_THRESHOLDS;

  it('passes one live face that turned as asked and matches the document, and keeps the scores', () => {
    const d = decideCapture(passing(), LR, T);
    assert.equal(d.status, 'passed');
    assert.deepEqual(d.liveness, { result: 'passed' });
    assert.deepEqual(d.faceMatch, { result: 'passed' });
    assert.equal(d.scores.similarity, 0.7);
    assert.equal(d.scores.bestFrame, 0);
    assert.equal(d.scores.antispoof, 0.8);
    assert.equal(d.scores.motion?.met, true);
  });

  it('answers multiple_faces, then no_face, before anything else', () => {
    const frames = passing();
    assert.equal(decideCapture([...frames, { t: 2000, faces: 2 }], LR, T).reason, 'multiple_faces');
    assert.equal(decideCapture([...frames, { t: 2000, faces: 0 }], LR, T).reason, 'no_face');
    assert.equal(decideCapture([{ t: 0, faces: 0 }, { t: 300, faces: 3 }], LR, T).reason, 'multiple_faces');
    assert.equal(decideCapture([], LR, T).reason, 'no_face');
  });

  it('answers low_quality for a small or unsure face on the best frame', () => {
    const small = passing().map((f) => ({ ...f, face: { ...f.face!, size: 50 } }));
    assert.equal(decideCapture(small, LR, T).reason, 'low_quality');
    const unsure = passing().map((f) => ({ ...f, face: { ...f.face!, score: 0.3 } }));
    assert.equal(decideCapture(unsure, LR, T).reason, 'low_quality');
  });

  it('answers challenge_not_met for a still face (a held-up photo), or turns in the wrong order', () => {
    const still = [0, 0.01, 0, -0.01, 0].map((yaw, i) => frame(i * 300, yaw, i === 0 ? { similarity: 0.9 } : {}));
    const d = decideCapture(still, LR, T);
    assert.equal(d.reason, 'challenge_not_met');
    assert.deepEqual(d.liveness, { result: 'failed', reason: 'challenge_not_met' });
    assert.deepEqual(d.faceMatch, { result: 'not_run' });
    assert.equal(decideCapture(passing(), RL, T).reason, 'challenge_not_met');
  });

  it('answers spoof_suspected when the median anti-spoof or liveness score is under its threshold', () => {
    const printed = passing().map((f) => ({ ...f, face: { ...f.face!, real: 0.2 } }));
    assert.equal(decideCapture(printed, LR, T).reason, 'spoof_suspected');
    const screen = passing().map((f) => ({ ...f, face: { ...f.face!, live: 0.1 } }));
    assert.equal(decideCapture(screen, LR, T).reason, 'spoof_suspected');
    // one bad frame does not decide it: the median does
    const oneBad = passing().map((f, i) => (i === 2 ? { ...f, face: { ...f.face!, real: 0.1 } } : f));
    assert.equal(decideCapture(oneBad, LR, T).status, 'passed');
    assert.equal(decideCapture(passing(), LR, { ...T, antispoof: 0.9 }).reason, 'spoof_suspected', 'the threshold is configuration');
  });

  it('answers face_mismatch under the match threshold, or when the document showed no face', () => {
    const d = decideCapture(passing(0.3), LR, T);
    assert.equal(d.reason, 'face_mismatch');
    assert.deepEqual(d.liveness, { result: 'passed' });
    assert.deepEqual(d.faceMatch, { result: 'failed', reason: 'face_mismatch' });
    const noReference = passing().map((f) => ({ ...f, face: { ...f.face!, similarity: undefined } }));
    assert.equal(decideCapture(noReference, LR, T).reason, 'face_mismatch');
    assert.equal(decideCapture(passing(0.3), LR, { ...T, match: 0.25 }).status, 'passed');
  });

  it('picks the most frontal frame as the best one, the clearest among equals', () => {
    const frames = [frame(0, -0.3), frame(300, 0.02, { score: 0.7 }), frame(600, 0.3), frame(900, 0.02, { score: 0.95 }), frame(1200, -0.2)];
    assert.equal(pickBestFrame(frames), 3);
    assert.equal(pickBestFrame([{ t: 0, faces: 0 }]), -1);
  });
});

function jpegOf(width: number, height: number): Buffer {
  return Buffer.from(jpeg.encode({ width, height, data: Buffer.alloc(width * height * 4, 128) }, 80).data);
}

describe('the capture\u2019s bounds, from the headers alone', () => {
  const ok = jpegOf(320, 240);
  const refuses = (files: Buffer[], times: string[], detail: RegExp) =>
    assert.throws(
      () => checkFrames(files, times),
      (err: unknown) => err instanceof CaptureError && err.status === 400 && err.code === 'invalid_capture' && detail.test(err.detail),
    );

  it('accepts JPEG frames with one whole-millisecond time each, in order', () => {
    const upload = checkFrames([ok, ok, ok], ['0', '300', '600']);
    assert.deepEqual(upload.frames.map((f) => f.t), [0, 300, 600]);
  });

  it('refuses too few or too many frames, and times that do not fit', () => {
    refuses([ok, ok], ['0', '1'], /at least 3/);
    refuses(Array(CAPTURE_LIMITS.maxFrames + 1).fill(ok), Array(CAPTURE_LIMITS.maxFrames + 1).fill('0'), /at most 16/);
    refuses([ok, ok, ok], ['0', '300'], /one "t" per frame/);
    refuses([ok, ok, ok], ['0', '600', '300'], /in order/);
    refuses([ok, ok, ok], ['0', '1.5', '3'], /whole milliseconds/);
    refuses([ok, ok, ok], ['0', '-1', '3'], /whole milliseconds/);
    refuses([ok, ok, ok], ['0', '1', '999999'], /whole milliseconds/);
  });

  it('types a frame by its bytes: PNG, text or a truncated header is refused; so is a frame out of bounds', () => {
    const png = PNG.sync.write(new PNG({ width: 100, height: 100 }));
    refuses([ok, png, ok], ['0', '1', '2'], /frame 2 is not a JPEG/);
    refuses([ok, ok, Buffer.from('<svg onload=alert(1)>')], ['0', '1', '2'], /frame 3 is not a JPEG/);
    refuses([ok, ok.subarray(0, 10), ok], ['0', '1', '2'], /frame 2 is not a JPEG/);
    refuses([ok, ok, jpegOf(1400, 100)], ['0', '1', '2'], /frame 3 is 1400 x 100/);
    refuses([ok, jpegOf(40, 40), ok], ['0', '1', '2'], /frame 2 is 40 x 40/);
  });
});
