/**
 * The ownership check's camera and upload, without Lit: open the user-facing camera, grab JPEG frames, send the burst
 * to the provider and read its answer (the contract's `<idc-liveness-check>` protocol). The provider decides on the
 * frames alone (docs/security.md §42): nothing the page concludes is sent.
 */
import type { LivenessReason } from '../../i18n/tables/liveness-check.js';

/** The `idc-error` codes of the ownership check (contract: "Error codes"). */
export type LivenessErrorCode = 'camera_denied' | 'camera_unavailable' | 'liveness_failed' | 'face_mismatch' | 'network' | 'invalid_config';

/** The challenge steps the element can guide, in the provider's words. */
export const STEPS = ['turn-left', 'turn-right'] as const;
export type ChallengeStep = (typeof STEPS)[number];

/** A retry the provider offers with a 422: a new session with a new challenge (a capture is single-use). */
export interface LivenessRetry {
  session: string;
  challenge: string[];
  uploadUrl: string;
}

/** The detail of the element's `idc-error`. */
export interface IdcLivenessErrorDetail {
  code: LivenessErrorCode;
  message: string;
  retryable: boolean;
  reason?: LivenessReason;
}

export interface Failure {
  code: LivenessErrorCode;
  reason: LivenessReason;
  message: string;
  retryable: boolean;
  retry?: LivenessRetry;
}

/** English developer messages (the element shows the localized `r_<reason>` text). */
const MESSAGES: Record<LivenessErrorCode, string> = {
  camera_denied: 'Camera access was denied.',
  camera_unavailable: 'No usable camera.',
  liveness_failed: 'The ownership check did not pass.',
  face_mismatch: 'The face does not match the document photo.',
  network: 'The capture could not be uploaded.',
  invalid_config: 'The element is not configured correctly.',
};

export function failure(code: LivenessErrorCode, reason: LivenessReason, extra: Partial<Failure> = {}): Failure {
  const retryable = code === 'camera_denied' || code === 'camera_unavailable' || code === 'network' || reason === 'timeout';
  return { code, reason, message: MESSAGES[code], retryable, ...extra };
}

/** Limits of one capture (the contract): 8–16 frames, ≤ 640 px wide, JPEG quality ~0.85, each ≤ 400 kB. */
export const MIN_FRAMES = 8;
export const MAX_FRAMES = 16;
export const MAX_WIDTH = 640;
const JPEG_QUALITY = 0.85;
const MAX_FRAME_BYTES = 400_000;

export type GetCamera = (constraints: MediaStreamConstraints) => Promise<MediaStream>;

export const CONSTRAINTS: MediaStreamConstraints = {
  audio: false,
  video: { facingMode: 'user', width: { ideal: 640 }, height: { ideal: 480 } },
};

/** The browser's camera, or `camera_unavailable` when this browser (or an insecure page) has none. */
export const browserCamera: GetCamera = (constraints) => {
  const devices = globalThis.navigator?.mediaDevices;
  if (typeof devices?.getUserMedia !== 'function') {
    return Promise.reject(new DOMException('navigator.mediaDevices is missing', 'NotFoundError'));
  }
  return devices.getUserMedia(constraints);
};

/** A getUserMedia rejection as the contract's code: denied by the user or the page's policy, or no usable camera. */
export function cameraFailure(err: unknown): Failure {
  const name = (err as { name?: unknown } | null)?.name;
  return name === 'NotAllowedError' || name === 'SecurityError'
    ? failure('camera_denied', 'camera_denied')
    : failure('camera_unavailable', 'camera_unavailable');
}

export function stopStream(stream: MediaStream | undefined): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

/** Draws the current video frame (not mirrored) into `canvas`, at most `width` px wide; false before the first frame. */
export function drawFrame(video: HTMLVideoElement, canvas: HTMLCanvasElement, width = MAX_WIDTH): boolean {
  const { videoWidth: w, videoHeight: h } = video;
  if (!w || !h) return false;
  const scale = Math.min(1, width / w);
  canvas.width = Math.round(w * scale);
  canvas.height = Math.round(h * scale);
  canvas.getContext('2d')!.drawImage(video, 0, 0, canvas.width, canvas.height);
  return true;
}

/**
 * The video's frame as it is now, on a canvas of its own (≤ 640 px wide); undefined before the first frame. Only a
 * copy: the JPEG encoding (tens of ms on the main thread in some browsers) waits for `encodeFrame` after the burst.
 */
export function snapshot(video: HTMLVideoElement): HTMLCanvasElement | undefined {
  const canvas = document.createElement('canvas');
  return drawFrame(video, canvas) ? canvas : undefined;
}

/** A snapshot as one JPEG frame, re-encoded smaller when it passes the per-frame cap. */
export async function encodeFrame(canvas: HTMLCanvasElement): Promise<Blob | undefined> {
  let quality = JPEG_QUALITY;
  for (;;) {
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
    if (!blob) return undefined;
    if (blob.size <= MAX_FRAME_BYTES || quality < 0.5) return blob;
    quality -= 0.15;
  }
}

/** Mean luma (0–255) of the video, from a tiny copy: the "more light" hint. */
export function brightness(video: HTMLVideoElement, canvas: HTMLCanvasElement): number | undefined {
  if (!drawFrame(video, canvas, 32)) return undefined;
  const { data } = canvas.getContext('2d', { willReadFrequently: true })!.getImageData(0, 0, canvas.width, canvas.height);
  let sum = 0;
  for (let i = 0; i < data.length; i += 4) sum += 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
  return sum / (data.length / 4);
}

export interface Frame {
  blob: Blob;
  /** ms since the capture started */
  t: number;
}

export type UploadResult = { passed: true; session: string } | { passed: false; failure: Failure };

const REASONS: readonly LivenessReason[] = [
  'no_face',
  'multiple_faces',
  'challenge_not_met',
  'spoof_suspected',
  'face_mismatch',
  'low_quality',
];

function asRetry(value: unknown): LivenessRetry | undefined {
  const r = value as Partial<LivenessRetry> | null | undefined;
  if (!r || typeof r.session !== 'string' || !r.session || typeof r.uploadUrl !== 'string') return undefined;
  if (!Array.isArray(r.challenge) || !r.challenge.every((s) => typeof s === 'string')) return undefined;
  return { session: r.session, challenge: r.challenge, uploadUrl: r.uploadUrl };
}

/** Length-capped text without control or bidi-override characters (a provider message is shown to developers only). */
function cap(text: unknown, fallback: string): string {
  if (typeof text !== 'string' || !text) return fallback;
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '');
  return clean.length > 300 ? `${clean.slice(0, 299)}…` : clean;
}

/** The provider's answer to an upload, as the contract maps it. */
export function readAnswer(status: number, body: Record<string, unknown>, session: string): UploadResult {
  if (status === 200 && body.status === 'passed') {
    return { passed: true, session: typeof body.session === 'string' && body.session ? body.session : session };
  }
  if (status === 422) {
    const code = body.code === 'face_mismatch' ? 'face_mismatch' : 'liveness_failed';
    const reason = REASONS.find((r) => r === body.reason) ?? (code === 'face_mismatch' ? 'face_mismatch' : 'other');
    const retry = asRetry(body.retry);
    const f = failure(code, reason, { message: cap(body.message, MESSAGES[code]), retryable: !!retry });
    return { passed: false, failure: retry ? { ...f, retry } : f };
  }
  if (status >= 500) return { passed: false, failure: failure('network', 'network') };
  const reason: LivenessReason =
    status === 400 ? 'invalid_capture' : status === 404 || status === 410 ? 'session_expired' : status === 429 ? 'too_many_attempts' : 'other';
  return { passed: false, failure: failure('liveness_failed', reason, { message: cap(body.message, MESSAGES.liveness_failed), retryable: false }) };
}

/**
 * `POST uploadUrl`, same-origin with the page's cookies, `multipart/form-data` with the repeated fields `frame`
 * (image/jpeg) and `t` (integer ms since the capture started), in the frames' order.
 */
export async function upload(url: string, session: string, frames: Frame[]): Promise<UploadResult> {
  const form = new FormData();
  frames.forEach(({ blob, t }, i) => {
    form.append('frame', blob, `frame-${i}.jpg`);
    form.append('t', String(Math.round(t)));
  });
  let response: Response;
  let body: Record<string, unknown> = {};
  try {
    response = await fetch(url, { method: 'POST', body: form, credentials: 'same-origin', headers: { accept: 'application/json' } });
    const parsed: unknown = await response.json().catch(() => ({}));
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    return { passed: false, failure: failure('network', 'network') };
  }
  return readAnswer(response.status, body, session);
}

/** `url` resolved against the page when it is on the page's own origin, else undefined (frames never leave it). */
export function sameOrigin(url: string | undefined): string | undefined {
  if (typeof url !== 'string' || !url) return undefined;
  try {
    const u = new URL(url, location.href);
    return u.origin === location.origin ? u.href : undefined;
  } catch {
    return undefined;
  }
}
