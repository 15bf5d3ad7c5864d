/**
 * The challenge motion of the ownership check (docs/security.md §42), as a pure function over the head's yaw in
 * time order, so it can be tested on sequences alone.
 *
 * Yaw is the face mesh's rotation about the vertical axis, in radians, as the face-analysis library reports it for
 * the unmirrored camera picture: it falls (goes negative) when the person turns to their own left — the face then
 * points to the picture's right — and rises when they turn to their own right.
 *
 * The rule: the neutral yaw is the median of the capture (people rarely face the lens at exactly 0); each step of the
 * challenge, in order, needs a frame whose yaw is beyond `threshold` from neutral on its side, then a later frame back
 * within `threshold × back` of neutral. The next step is looked for after that return. A capture without such
 * excursions — a photo held up, a still video — does not meet the challenge.
 */

export const CHALLENGE_STEPS = ['turn-left', 'turn-right'] as const;
export type ChallengeStep = (typeof CHALLENGE_STEPS)[number];

/** The direction of a step on the yaw axis. */
export const STEP_SIGN: Record<ChallengeStep, -1 | 1> = { 'turn-left': -1, 'turn-right': 1 };

export interface YawSample {
  /** ms since capture start */
  t: number;
  /** radians */
  yaw: number;
}

export interface MotionOptions {
  /** radians beyond neutral a turn must reach; default 0.15 (about 9°) */
  threshold?: number;
  /** the return counts when within `threshold × back` of neutral; default 0.5 */
  back?: number;
}

export interface MotionResult {
  met: boolean;
  /** the median yaw of the capture */
  neutral: number;
  /** per step: the largest excursion reached on its side (radians from neutral), and whether it came back */
  steps: { step: ChallengeStep; peak: number; returned: boolean }[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function challengeMet(samples: readonly YawSample[], challenge: readonly ChallengeStep[], options: MotionOptions = {}): MotionResult {
  const threshold = options.threshold ?? 0.15;
  const back = threshold * (options.back ?? 0.5);
  const ordered = samples.filter((s) => Number.isFinite(s.yaw) && Number.isFinite(s.t)).sort((a, b) => a.t - b.t);
  const neutral = median(ordered.map((s) => s.yaw));
  const steps: MotionResult['steps'] = [];
  let from = 0;
  let met = challenge.length > 0 && ordered.length > 0;
  for (const step of challenge) {
    const sign = STEP_SIGN[step];
    let peak = 0;
    let reached = -1;
    let returned = -1;
    for (let i = from; i < ordered.length; i++) {
      const excursion = sign * (ordered[i]!.yaw - neutral);
      if (reached < 0) {
        peak = Math.max(peak, excursion);
        if (excursion >= threshold) reached = i;
      } else {
        peak = Math.max(peak, excursion);
        if (excursion <= back) {
          returned = i;
          break;
        }
      }
    }
    steps.push({ step, peak: Math.round(peak * 1000) / 1000, returned: returned >= 0 });
    if (returned < 0) {
      met = false;
      from = ordered.length;
    } else from = returned;
  }
  return { met, neutral: Math.round(neutral * 1000) / 1000, steps };
}

/** Two steps, each of `turn-left` / `turn-right`, in random order (one of each). */
export function randomChallenge(random: () => number = Math.random): ChallengeStep[] {
  return random() < 0.5 ? ['turn-left', 'turn-right'] : ['turn-right', 'turn-left'];
}

export function isChallenge(value: unknown): value is ChallengeStep[] {
  return Array.isArray(value) && value.length > 0 && value.length <= 4 && value.every((s) => (CHALLENGE_STEPS as readonly unknown[]).includes(s));
}
