/**
 * The provider's decision on one capture (docs/security.md §42), as a pure function of what the face models saw in
 * each frame: exactly one face in every frame, faces large and clear enough, the challenge motion, the anti-spoof
 * and liveness scores, and the face match of the best frame against the document photo. Nothing the page reports
 * enters it. The thresholds come from the provider's configuration (`startProvider({ liveness })`).
 */
import { challengeMet, median, type ChallengeStep, type MotionResult } from './motion.js';

/** What the worker measured on one frame. */
export interface FrameAnalysis {
  /** ms since capture start, as sent */
  t: number;
  /** faces found */
  faces: number;
  /** the face, when there was exactly one */
  face?: {
    /** detector confidence 0…1 */
    score: number;
    /** box width in pixels */
    size: number;
    yaw: number;
    pitch: number;
    /** anti-spoof model: 0 (spoof) … 1 (real) */
    real: number;
    /** liveness model: 0 … 1 (live) */
    live: number;
    /** similarity 0…1 to the document photo's face (the library's match function); absent without a document face */
    similarity?: number;
  };
}

export interface LivenessThresholds {
  /** turn beyond neutral, radians; default 0.15 */
  yaw: number;
  /** median anti-spoof score at least; default 0.5 */
  antispoof: number;
  /** median liveness score at least; default 0.5 */
  liveness: number;
  /** face similarity of the best frame to the document photo at least; default 0.5 */
  match: number;
  /** smallest face box width in pixels on the best frame; default 80 */
  minFaceSize: number;
  /** smallest detector confidence on the best frame; default 0.5 */
  minFaceScore: number;
}

export const DEFAULT_THRESHOLDS: LivenessThresholds = {
  yaw: 0.15,
  antispoof: 0.5,
  liveness: 0.5,
  match: 0.5,
  minFaceSize: 80,
  minFaceScore: 0.5,
};

export type LivenessReason = 'no_face' | 'multiple_faces' | 'low_quality' | 'challenge_not_met' | 'spoof_suspected' | 'face_mismatch';

export interface LivenessScores {
  frames: number;
  /** frames with no face / with more than one */
  noFace: number;
  multipleFaces: number;
  motion?: MotionResult;
  /** medians over the frames with one face */
  antispoof?: number;
  liveness?: number;
  /** the best frame (most frontal, then clearest): its index, time, similarity to the document photo */
  bestFrame?: number;
  bestFrameT?: number;
  similarity?: number;
  faceSize?: number;
  faceScore?: number;
}

export interface LivenessDecision {
  /** passed: all checks; otherwise the first failing check's reason */
  status: 'passed' | 'failed';
  reason?: LivenessReason;
  /** the two checks as a review lists them */
  liveness: { result: 'passed' | 'failed'; reason?: LivenessReason };
  faceMatch: { result: 'passed' | 'failed' | 'not_run'; reason?: 'face_mismatch' };
  scores: LivenessScores;
}

/**
 * The index (in time order) of the frame whose face is matched against the document: the most frontal one (yaw
 * nearest the capture's median, small pitch), the clearest among equals. Frames without exactly one face are skipped.
 */
export function pickBestFrame(frames: readonly FrameAnalysis[]): number {
  const ordered = frames.map((f, index) => ({ ...f, index })).sort((a, b) => a.t - b.t);
  const neutral = median(ordered.filter((f) => f.face).map((f) => f.face!.yaw));
  let best = -1;
  let bestCost = Infinity;
  let bestScore = -1;
  for (const f of ordered) {
    if (!f.face) continue;
    const cost = Math.round((Math.abs(f.face.yaw - neutral) + Math.abs(f.face.pitch)) * 1000);
    if (cost < bestCost || (cost === bestCost && f.face.score > bestScore)) {
      best = f.index;
      bestCost = cost;
      bestScore = f.face.score;
    }
  }
  return best;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

export function decideCapture(frames: readonly FrameAnalysis[], challenge: readonly ChallengeStep[], thresholds: LivenessThresholds): LivenessDecision {
  const ordered = [...frames].sort((a, b) => a.t - b.t);
  const scores: LivenessScores = {
    frames: ordered.length,
    noFace: ordered.filter((f) => f.faces === 0).length,
    multipleFaces: ordered.filter((f) => f.faces > 1).length,
  };
  const fail = (reason: LivenessReason): LivenessDecision => ({
    status: 'failed',
    reason,
    liveness: reason === 'face_mismatch' ? { result: 'passed' } : { result: 'failed', reason },
    faceMatch: reason === 'face_mismatch' ? { result: 'failed', reason: 'face_mismatch' } : { result: 'not_run' },
    scores,
  });
  if (ordered.length === 0) return fail('no_face');
  if (scores.multipleFaces > 0) return fail('multiple_faces');
  if (scores.noFace > 0) return fail('no_face');

  const withFace = ordered.map((f, index) => ({ ...f.face!, t: f.t, index }));
  const motion = challengeMet(withFace.map((f) => ({ t: f.t, yaw: f.yaw })), challenge, { threshold: thresholds.yaw });
  scores.motion = motion;
  scores.antispoof = round(median(withFace.map((f) => f.real)));
  scores.liveness = round(median(withFace.map((f) => f.live)));
  const best = withFace[pickBestFrame(ordered)]!;
  scores.bestFrame = best.index;
  scores.bestFrameT = best.t;
  scores.faceSize = Math.round(best.size);
  scores.faceScore = round(best.score);
  if (best.similarity !== undefined) scores.similarity = round(best.similarity);

  if (best.size < thresholds.minFaceSize || best.score < thresholds.minFaceScore) return fail('low_quality');
  if (!motion.met) return fail('challenge_not_met');
  if (scores.antispoof < thresholds.antispoof || scores.liveness < thresholds.liveness) return fail('spoof_suspected');
  if (best.similarity === undefined || best.similarity < thresholds.match) return fail('face_mismatch');
  return { status: 'passed', liveness: { result: 'passed' }, faceMatch: { result: 'passed' }, scores };
}
