/**
 * The provider's ownership check (docs/security.md §42): capture sessions, the decision on an uploaded capture, and
 * where a decision counts — the verification of a new account (against the document photo just submitted, held as
 * a draft until the review) and the reuse step of a level that takes a `selfie` (against the account's verified
 * document photo, bound to one share token).
 *
 * A capture session is bound to one account and one random challenge, has a 128-bit id (which also serves as the
 * upload's CSRF secret), lives 10 minutes and is spent by one atomic `take`, so of two uploads at most one is judged.
 * Captures per account are limited per hour. Every record lives in the KitStore (`review` namespace, prefixed keys),
 * so several provider instances on one database share them.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { IDENTITY_DOCUMENT_TYPES, type DocumentFields } from '../verification.js';
import { documentStatus, type Accounts } from '../accounts.js';
import { withStoreLock, type KitStore } from '../store.js';
import type { SanitizedImage } from '../uploads.js';
import { decideCapture, DEFAULT_THRESHOLDS, type LivenessDecision, type LivenessReason, type LivenessThresholds } from './decide.js';
import { AnalysisError, LivenessEngine, type Analysis } from './engine.js';
import { isChallenge, type ChallengeStep } from './motion.js';

export interface LivenessOptions extends Partial<LivenessThresholds> {
  /** captures one account may upload in an hour (each costs seconds of inference); default 10 */
  attemptsPerHour?: number;
  /** seconds a capture session lives; default 600 */
  sessionTtl?: number;
  /** Test-only. The challenge of every session instead of a random order (a looping fake camera cannot follow one). */
  challenge?: ChallengeStep[];
  /**
   * Test-only. `false`: the verification of a new account skips the selfie step (for tests about other parts of
   * the journey); the review then has no `liveness`/`face_match` checks. Default true.
   */
  verification?: boolean;
}

export type CapturePurpose = 'verify' | 'reuse';

export interface CaptureSession {
  id: string;
  accountId: string;
  purpose: CapturePurpose;
  challenge: ChallengeStep[];
  createdAt: number;
  /** epoch ms */
  expiresAt: number;
  /** verify: the draft whose photo the face is matched against */
  draftId?: string;
  /** reuse: the ownership request (one share token) this capture answers */
  ownershipId?: string;
}

/** What a decided capture leaves behind: the decision, its scores, and what it was for. */
export interface CaptureResult {
  session: string;
  accountId: string;
  purpose: CapturePurpose;
  draftId?: string;
  ownershipId?: string;
  documentId?: string;
  challenge: ChallengeStep[];
  status: 'passed' | 'failed';
  reason?: LivenessReason;
  liveness: LivenessDecision['liveness'];
  faceMatch: LivenessDecision['faceMatch'];
  scores: LivenessDecision['scores'] & { framesSent: number; referenceFaces: number; analysisMs: number };
  thresholds: LivenessThresholds;
  decidedAt: number;
  /** verify: spent by the submission it allowed */
  used?: boolean;
}

/** A document photo and its fields, submitted and waiting for the selfie before the review opens. */
export interface VerifyDraft {
  id: string;
  fields: DocumentFields;
  image: { type: SanitizedImage['type']; width: number; height: number; data: string };
  createdAt: number;
}

/** The reuse step's request for a selfie: one share token's account, for one recipient. */
export interface OwnershipRequest {
  id: string;
  accountId: string;
  tokenKey: string;
  recipientId: string;
  /** epoch seconds, the share token's expiry */
  expiresAt: number;
}

/** A capture's upload as the route read it: frames in the order sent, with their time offsets. */
export interface CaptureUpload {
  frames: { t: number; bytes: Uint8Array }[];
}

/** A coded refusal of an upload (the protocol's 400/404/410/429 answers). */
export class CaptureError extends Error {
  constructor(
    readonly status: 400 | 404 | 410 | 429 | 503,
    readonly code: 'invalid_capture' | 'session_expired' | 'too_many_attempts' | 'unavailable',
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** Frames are JPEGs of at most this size (the element sends ≤ 640 px wide). */
export const FRAME_LIMITS = { maxWidth: 1280, maxHeight: 1280 };

const SESSION_ID = /^[A-Za-z0-9_-]{22}$/;
const DRAFT_TTL = 3600;
const RESULT_TTL = 86_400;
/** a spent or expired session's id is remembered this long, so a late upload reads "expired" */
const TOMBSTONE = 3600;
/** an open session is handed out again only with this long to live (a check takes up to about half a minute) */
const REUSE_MIN_LEFT_MS = 120_000;

const key = {
  session: (id: string) => `capture:${id}`,
  result: (id: string) => `capture-result:${id}`,
  attempts: (accountId: string) => `capture-attempts:${accountId}`,
  /** the open session of one (account, purpose, draft or ownership request) */
  open: (accountId: string, purpose: CapturePurpose, bindingId: string) => `capture-open:${accountId}:${purpose}:${bindingId}`,
  draft: (accountId: string) => `verify-draft:${accountId}`,
  ownership: (id: string) => `ownership:${id}`,
  ownershipByToken: (tokenKey: string) => `ownership-token:${tokenKey}`,
  ownershipResult: (tokenKey: string) => `ownership-result:${tokenKey}`,
};

export function newSessionId(): string {
  return randomBytes(16).toString('base64url'); // 128 bits
}

export class LivenessService {
  readonly #store: KitStore;
  readonly #accounts: Accounts;
  readonly #engine: LivenessEngine;
  readonly thresholds: LivenessThresholds;
  readonly #attemptsPerHour: number;
  readonly #sessionTtl: number;
  readonly #challenge: ChallengeStep[] | undefined;
  /** the verification journey runs the selfie step */
  readonly inVerification: boolean;

  constructor(deps: { store: KitStore; accounts: Accounts; options?: LivenessOptions; engine?: LivenessEngine }) {
    const options = deps.options ?? {};
    this.#store = deps.store;
    this.#accounts = deps.accounts;
    this.#engine = deps.engine ?? new LivenessEngine();
    const thresholds = { ...DEFAULT_THRESHOLDS };
    for (const name of Object.keys(DEFAULT_THRESHOLDS) as (keyof LivenessThresholds)[]) {
      const value = options[name];
      if (value === undefined) continue;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new TypeError(`liveness.${name} must be a number ≥ 0`);
      thresholds[name] = value;
    }
    this.thresholds = thresholds;
    this.#attemptsPerHour = options.attemptsPerHour ?? 10;
    this.#sessionTtl = options.sessionTtl ?? 600;
    if (!Number.isInteger(this.#attemptsPerHour) || this.#attemptsPerHour < 1) throw new TypeError('liveness.attemptsPerHour must be a whole number ≥ 1');
    if (!Number.isInteger(this.#sessionTtl) || this.#sessionTtl < 30) throw new TypeError('liveness.sessionTtl must be a whole number of seconds ≥ 30');
    if (options.challenge !== undefined && !isChallenge(options.challenge)) throw new TypeError('liveness.challenge must list turn-left / turn-right steps');
    this.#challenge = options.challenge;
    this.inVerification = options.verification ?? true;
  }

  get engine(): LivenessEngine {
    return this.#engine;
  }

  // ---- sessions --------------------------------------------------------------------------------------------------

  /**
   * The account's capture session for this purpose and binding (the draft, or the ownership request): its open one
   * (unspent, with at least {@link REUSE_MIN_LEFT_MS} to live) when there is one, else a new one (its challenge random
   * unless configured). So reloading the selfie page stores no new session; one (account, purpose, binding) has at
   * most one open session, and a spent, expired or nearly expired one is replaced (docs/security.md §42).
   */
  async createSession(accountId: string, purpose: CapturePurpose, binding: { draftId?: string; ownershipId?: string }, now = Date.now()): Promise<CaptureSession> {
    const openKey = key.open(accountId, purpose, binding.draftId ?? binding.ownershipId ?? '');
    return withStoreLock(this.#store, 'review', openKey, async () => {
      const openId = await this.#store.get<string>('review', openKey);
      const open = openId ? await this.#store.get<CaptureSession>('review', key.session(openId)) : undefined;
      if (
        open &&
        open.accountId === accountId &&
        open.purpose === purpose &&
        open.draftId === binding.draftId &&
        open.ownershipId === binding.ownershipId &&
        open.expiresAt - now >= Math.min(REUSE_MIN_LEFT_MS, (this.#sessionTtl * 1000) / 2)
      ) {
        return open;
      }
      const session = await this.#newSession(accountId, purpose, binding, now);
      await this.#store.set('review', openKey, session.id, this.#sessionTtl);
      return session;
    });
  }

  async #newSession(accountId: string, purpose: CapturePurpose, binding: { draftId?: string; ownershipId?: string }, now: number): Promise<CaptureSession> {
    const session: CaptureSession = {
      id: newSessionId(),
      accountId,
      purpose,
      challenge: this.#challenge ? [...this.#challenge] : randomInt(2) === 0 ? ['turn-left', 'turn-right'] : ['turn-right', 'turn-left'],
      createdAt: now,
      expiresAt: now + this.#sessionTtl * 1000,
      ...binding,
    };
    await this.#store.set('review', key.session(session.id), session, this.#sessionTtl + TOMBSTONE);
    return session;
  }

  /**
   * The live session `id` of `accountId`, without spending it; a {@link CaptureError} otherwise (404 unknown or
   * another account's, 410 expired). An id of the wrong shape is unknown.
   */
  async openSession(id: string, accountId: string | undefined, now = Date.now()): Promise<CaptureSession> {
    const session = SESSION_ID.test(id) ? await this.#store.get<CaptureSession>('review', key.session(id)) : undefined;
    if (!session || !accountId || session.accountId !== accountId) throw new CaptureError(404, 'session_expired', 'no such capture session for this account');
    if (session.expiresAt <= now) throw new CaptureError(410, 'session_expired', 'the capture session has expired');
    return session;
  }

  /** Counts a capture against the account's hourly allowance; false (nothing counted) when it is used up. */
  async countAttempt(accountId: string, now = Date.now()): Promise<boolean> {
    return withStoreLock(this.#store, 'review', key.attempts(accountId), async () => {
      const hourAgo = now - 3_600_000;
      const times = ((await this.#store.get<number[]>('review', key.attempts(accountId))) ?? []).filter((t) => t > hourAgo);
      if (times.length >= this.#attemptsPerHour) return false;
      await this.#store.set('review', key.attempts(accountId), [...times, now], 3600);
      return true;
    });
  }

  /** Whether the account may still capture this hour (nothing counted). */
  async attemptsLeft(accountId: string, now = Date.now()): Promise<number> {
    const times = ((await this.#store.get<number[]>('review', key.attempts(accountId))) ?? []).filter((t) => t > now - 3_600_000);
    return Math.max(0, this.#attemptsPerHour - times.length);
  }

  /**
   * Judges an upload for a session opened with {@link openSession}; the route has checked the frames' headers
   * ({@link checkFrames}) so a malformed upload never gets here. Counts the attempt, spends the session (one atomic
   * take: of two uploads of one session only one is judged, the other gets 410), runs the models, decides, and
   * stores the decision with its scores.
   */
  async judge(session: CaptureSession, upload: CaptureUpload): Promise<CaptureResult> {
    if (this.#engine.full) throw new CaptureError(503, 'unavailable', 'the check is busy; try again in a moment');
    if (!(await this.countAttempt(session.accountId))) throw new CaptureError(429, 'too_many_attempts', 'too many captures this hour');
    const taken = await this.#store.take<CaptureSession>('review', key.session(session.id));
    if (!taken || taken.expiresAt <= Date.now()) throw new CaptureError(410, 'session_expired', 'the capture session was already used or has expired');
    await this.#store.set('review', key.session(session.id), { ...session, expiresAt: 0 }, TOMBSTONE);
    const reference = await this.#reference(session);
    let analysis: Analysis;
    try {
      analysis = await this.#engine.analyze(upload.frames, reference?.image, FRAME_LIMITS);
    } catch (err) {
      if (err instanceof AnalysisError && err.code === 'invalid_capture') {
        throw new CaptureError(400, 'invalid_capture', `frame ${(err.index ?? 0) + 1}: ${err.detail ?? 'unreadable'}`);
      }
      if (err instanceof AnalysisError && err.code === 'busy') throw new CaptureError(503, 'unavailable', 'the check is busy; try again in a moment');
      // the provider failed, not the capture: the session is live again, so the page may send it once more
      await this.#store.set('review', key.session(session.id), session, Math.max(1, Math.ceil((session.expiresAt - Date.now()) / 1000)) + TOMBSTONE);
      throw err;
    }
    const decision = decideCapture(analysis.frames, session.challenge, this.thresholds);
    const result: CaptureResult = {
      session: session.id,
      accountId: session.accountId,
      purpose: session.purpose,
      ...(session.draftId ? { draftId: session.draftId } : {}),
      ...(session.ownershipId ? { ownershipId: session.ownershipId } : {}),
      ...(reference?.documentId ? { documentId: reference.documentId } : {}),
      challenge: session.challenge,
      status: decision.status,
      ...(decision.reason ? { reason: decision.reason } : {}),
      liveness: decision.liveness,
      faceMatch: decision.faceMatch,
      scores: {
        ...decision.scores,
        framesSent: upload.frames.length,
        referenceFaces: analysis.referenceFaces,
        analysisMs: Math.round(analysis.timings.totalMs),
      },
      thresholds: { ...this.thresholds },
      decidedAt: Date.now(),
    };
    await this.#store.set('review', key.result(session.id), result, RESULT_TTL);
    if (session.ownershipId) {
      const request = await this.#store.get<OwnershipRequest>('review', key.ownership(session.ownershipId));
      // a failure never overwrites a pass already earned for this token
      const earlier = request && (await this.ownershipResult(request.tokenKey));
      if (request && earlier?.status !== 'passed') {
        await this.#store.set('review', key.ownershipResult(request.tokenKey), result, Math.max(1, request.expiresAt - Math.floor(Date.now() / 1000)));
      }
    }
    return result;
  }

  /** The photo the face is matched against: the draft's (verify) or the newest verified identity document's (reuse). */
  async #reference(session: CaptureSession): Promise<{ image: { type: string; bytes: Uint8Array }; documentId?: string } | undefined> {
    if (session.purpose === 'verify') {
      const draft = await this.draft(session.accountId);
      if (!draft || draft.id !== session.draftId) return undefined;
      return { image: { type: draft.image.type, bytes: Buffer.from(draft.image.data, 'base64') } };
    }
    const photo = await this.documentPhoto(session.accountId);
    return photo && { image: { type: photo.type, bytes: photo.bytes }, documentId: photo.documentId };
  }

  /** The newest verified, unexpired identity document of the account that has a stored photo. */
  async documentPhoto(accountId: string): Promise<{ documentId: string; type: string; bytes: Buffer } | undefined> {
    const docs = (await this.#accounts.documents(accountId))
      .filter((d) => (IDENTITY_DOCUMENT_TYPES as readonly string[]).includes(d.type) && documentStatus(d) === 'verified')
      .sort((a, b) => (b.issuedAt ?? '').localeCompare(a.issuedAt ?? ''));
    for (const doc of docs) {
      const image = await this.#store.get<{ accountId: string; type: string; data: string }>('document-image', doc.id);
      if (image && image.accountId === accountId) return { documentId: doc.id, type: image.type, bytes: Buffer.from(image.data, 'base64') };
    }
    return undefined;
  }

  async result(sessionId: string): Promise<CaptureResult | undefined> {
    return SESSION_ID.test(sessionId) ? this.#store.get<CaptureResult>('review', key.result(sessionId)) : undefined;
  }

  // ---- verification: the draft between the document form and the review ------------------------------------------

  async saveDraft(accountId: string, fields: DocumentFields, image: SanitizedImage, now = Date.now()): Promise<VerifyDraft> {
    const draft: VerifyDraft = {
      id: `draft-${randomBytes(12).toString('base64url')}`,
      fields,
      image: { type: image.type, width: image.width, height: image.height, data: image.bytes.toString('base64') },
      createdAt: now,
    };
    await this.#store.set('review', key.draft(accountId), draft, DRAFT_TTL);
    return draft;
  }

  async draft(accountId: string): Promise<VerifyDraft | undefined> {
    return this.#store.get<VerifyDraft>('review', key.draft(accountId));
  }

  /**
   * Spends a passed verify capture of this account and its draft, for one review: undefined when the capture is
   * unknown, another account's, failed, already used, or for another draft.
   */
  async useForReview(accountId: string, sessionId: string): Promise<{ draft: VerifyDraft; result: CaptureResult } | undefined> {
    return withStoreLock(this.#store, 'review', key.draft(accountId), async () => {
      const result = await this.result(sessionId);
      const draft = await this.draft(accountId);
      if (!result || !draft || result.accountId !== accountId || result.purpose !== 'verify' || result.status !== 'passed' || result.used) return undefined;
      if (result.draftId !== draft.id) return undefined;
      await this.#store.set('review', key.result(sessionId), { ...result, used: true }, RESULT_TTL);
      await this.#store.delete('review', key.draft(accountId));
      return { draft, result };
    });
  }

  // ---- reuse: one share token's selfie ---------------------------------------------------------------------------

  /** The ownership request of a share token (created on first ask, the same one after). */
  async ownershipFor(tokenKey: string, accountId: string, recipientId: string, expiresAt: number): Promise<OwnershipRequest> {
    return withStoreLock(this.#store, 'review', key.ownershipByToken(tokenKey), async () => {
      const existing = await this.#store.get<string>('review', key.ownershipByToken(tokenKey));
      const found = existing ? await this.#store.get<OwnershipRequest>('review', key.ownership(existing)) : undefined;
      if (found) return found;
      const request: OwnershipRequest = { id: newSessionId(), accountId, tokenKey, recipientId, expiresAt };
      const ttl = Math.max(1, expiresAt - Math.floor(Date.now() / 1000));
      await this.#store.set('review', key.ownership(request.id), request, ttl);
      await this.#store.set('review', key.ownershipByToken(tokenKey), request.id, ttl);
      return request;
    });
  }

  async ownershipRequest(id: string): Promise<OwnershipRequest | undefined> {
    if (!SESSION_ID.test(id)) return undefined;
    const request = await this.#store.get<OwnershipRequest>('review', key.ownership(id));
    return request && request.expiresAt > Math.floor(Date.now() / 1000) ? request : undefined;
  }

  /** The latest decision for a share token's selfie (a pass is kept once earned). */
  async ownershipResult(tokenKey: string): Promise<CaptureResult | undefined> {
    return this.#store.get<CaptureResult>('review', key.ownershipResult(tokenKey));
  }

  async close(): Promise<void> {
    await this.#engine.close();
  }
}
