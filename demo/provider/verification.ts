/**
 * Identity verification of an account: the user submits an identity document (fields + a front image), a review
 * runs rules on it and decides within seconds, and an approved review makes the account verified (only verified
 * accounts reach the connect consent, docs/security.md §37).
 *
 * A review is a list of checks, each `passed` or `failed` with a reason. The ownership check (a selfie judged by the
 * provider and matched against the document photo, docs/security.md §42) adds `liveness` and `face_match`, and the
 * capture's decision and scores are kept with the review (`ownership`).
 * The rules' outcome is computed at submission and becomes the decision once `decideAt` has passed (read lazily, so
 * a restart loses no review). Under `npm start` a tester can decide instead (`POST /dev/reviews`).
 */
import { randomBytes } from 'node:crypto';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { documentStatus, type Accounts, type VerifiedDocument } from './accounts.js';
import { withStoreLock, type KitStore } from './store.js';
import type { SanitizedImage } from './uploads.js';

export const IDENTITY_DOCUMENT_TYPES = ['passport', 'id_card', 'driving_license'] as const;
export type IdentityDocumentType = (typeof IDENTITY_DOCUMENT_TYPES)[number];

export interface DocumentFields {
  documentType: IdentityDocumentType;
  /** ISO 3166-1 alpha-2, upper case */
  country: string;
  number: string;
  issuedAt: string;
  expiresAt: string;
}

/** Field → message key of what is wrong with it (`fieldRequired`, …). */
export type FieldErrors = Partial<Record<keyof DocumentFields | 'front', FieldProblem>>;
export type FieldProblem = 'fieldRequired' | 'fieldCountry' | 'fieldNumber' | 'fieldDate' | 'fieldDateOrder' | 'fieldType';

export type RejectReason =
  | 'document_expired'
  | 'issued_in_future'
  | 'image_unreadable'
  // the ownership check (liveness/decide.ts)
  | 'no_face'
  | 'multiple_faces'
  | 'low_quality'
  | 'challenge_not_met'
  | 'spoof_suspected'
  | 'face_mismatch';

export interface ReviewCheck {
  type: 'document_image' | 'document_validity' | 'liveness' | 'face_match';
  result: 'passed' | 'failed';
  reason?: RejectReason;
}

/** The capture that proved ownership for a review: its checks, and the decision's scores as stored. */
export interface OwnershipEvidence {
  session: string;
  liveness: { result: 'passed' | 'failed'; reason?: RejectReason };
  faceMatch: { result: 'passed' | 'failed' | 'not_run'; reason?: 'face_mismatch' };
  decidedAt: number;
  scores: Record<string, unknown>;
  thresholds: Record<string, number>;
}

export interface Review {
  id: string;
  accountId: string;
  documentId: string;
  status: 'pending' | 'approved' | 'rejected';
  checks: ReviewCheck[];
  /** the first failed check's reason, or a tester's text */
  reason?: string;
  submittedAt: number;
  /** the ownership check's capture (absent where the provider runs without it, a test-only setting) */
  ownership?: OwnershipEvidence;
  /** epoch ms when the rules' outcome takes effect */
  decideAt: number;
  decidedAt?: number;
  decidedBy?: 'rules' | 'tester';
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

function isDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** A two-letter code that names a real region (Intl knows every ISO 3166-1 alpha-2 code). */
export function isCountryCode(value: string): boolean {
  return /^[A-Z]{2}$/.test(value) && regionNames.of(value) !== undefined;
}

/** Checks the submitted fields; every problem is named per field so the form can say it next to the field. */
export function readDocumentFields(get: (name: string) => string | undefined): { fields?: DocumentFields; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const value = (name: keyof DocumentFields) => get(name)?.trim() ?? '';
  const documentType = value('documentType');
  const country = value('country').toUpperCase();
  const number = value('number').toUpperCase();
  const issuedAt = value('issuedAt');
  const expiresAt = value('expiresAt');
  if (!documentType) errors.documentType = 'fieldRequired';
  else if (!(IDENTITY_DOCUMENT_TYPES as readonly string[]).includes(documentType)) errors.documentType = 'fieldType';
  if (!country) errors.country = 'fieldRequired';
  else if (!isCountryCode(country)) errors.country = 'fieldCountry';
  if (!number) errors.number = 'fieldRequired';
  else if (!/^[A-Z0-9<-]{5,20}$/.test(number)) errors.number = 'fieldNumber';
  for (const [name, v] of [['issuedAt', issuedAt], ['expiresAt', expiresAt]] as const) {
    if (!v) errors[name] = 'fieldRequired';
    else if (!isDate(v)) errors[name] = 'fieldDate';
  }
  if (!errors.issuedAt && !errors.expiresAt && expiresAt <= issuedAt) errors.expiresAt = 'fieldDateOrder';
  if (Object.keys(errors).length) return { errors };
  return { fields: { documentType: documentType as IdentityDocumentType, country, number, issuedAt, expiresAt }, errors };
}

/** Standard deviation of the grey levels: a blank or nearly uniform picture shows no document. */
export function contrastOf(image: SanitizedImage): number {
  const { data } = image.type === 'image/png' ? PNG.sync.read(image.bytes) : jpeg.decode(image.bytes, { useTArray: true });
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  // every 7th pixel is plenty for a statistic and keeps a large photo cheap
  for (let i = 0; i < data.length; i += 4 * 7) {
    const grey = 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
    sum += grey;
    sumSq += grey * grey;
    n++;
  }
  const mean = sum / n;
  return Math.sqrt(Math.max(0, sumSq / n - mean * mean));
}

/** The review's rules, in order. */
export function runChecks(fields: DocumentFields, image: SanitizedImage, today: string): ReviewCheck[] {
  const readable = contrastOf(image) >= 8;
  const validity: ReviewCheck =
    fields.issuedAt > today
      ? { type: 'document_validity', result: 'failed', reason: 'issued_in_future' }
      : fields.expiresAt <= today
        ? { type: 'document_validity', result: 'failed', reason: 'document_expired' }
        : { type: 'document_validity', result: 'passed' };
  return [
    readable ? { type: 'document_image', result: 'passed' } : { type: 'document_image', result: 'failed', reason: 'image_unreadable' },
    validity,
  ];
}

const today = () => new Date().toISOString().slice(0, 10);

export class Verification {
  readonly #store: KitStore;
  readonly #accounts: Accounts;
  readonly #delayMs: number;

  constructor(deps: { store: KitStore; accounts: Accounts; reviewDelayMs?: number }) {
    this.#store = deps.store;
    this.#accounts = deps.accounts;
    this.#delayMs = deps.reviewDelayMs ?? 2000;
  }

  /**
   * Verified now: a verified identity document that has not expired (§37). Read from the documents each time, so an
   * account whose only identity document expired since its review is not verified any more.
   */
  async isVerified(accountId: string): Promise<boolean> {
    await this.current(accountId); // a review that came due is decided first
    return hasValidIdentity(await this.#accounts.documents(accountId));
  }

  /** Submissions an account may make in a day: every one stores an image and costs a decode. */
  static readonly SUBMISSIONS_PER_DAY = 10;

  /** Counts a submission; false when the account used up its day's submissions (nothing counted then). */
  async countSubmission(accountId: string, now = Date.now()): Promise<boolean> {
    return withStoreLock(this.#store, 'review', `submits:${accountId}`, async () => {
      const dayAgo = now - 86_400_000;
      const times = ((await this.#store.get<number[]>('review', `submits:${accountId}`)) ?? []).filter((t) => t > dayAgo);
      if (times.length >= Verification.SUBMISSIONS_PER_DAY) return false;
      await this.#store.set('review', `submits:${accountId}`, [...times, now], 86_400);
      return true;
    });
  }

  /** Stores the document (pending) and its cleaned image, and opens a review of it. */
  async submit(accountId: string, fields: DocumentFields, image: SanitizedImage, now = Date.now(), ownership?: OwnershipEvidence): Promise<Review> {
    const documentId = `doc-${randomBytes(9).toString('base64url')}`;
    await this.#store.set('document-image', documentId, {
      accountId,
      type: image.type,
      width: image.width,
      height: image.height,
      data: image.bytes.toString('base64'),
    });
    await this.#accounts.putDocument(accountId, {
      id: documentId,
      type: fields.documentType,
      country: fields.country,
      issuedAt: fields.issuedAt,
      expiresAt: fields.expiresAt,
      status: 'pending',
    });
    const checks = runChecks(fields, image, today());
    if (ownership) {
      const { liveness, faceMatch } = ownership;
      checks.push(
        liveness.result === 'passed' ? { type: 'liveness', result: 'passed' } : { type: 'liveness', result: 'failed', reason: liveness.reason ?? 'challenge_not_met' },
        faceMatch.result === 'passed' ? { type: 'face_match', result: 'passed' } : { type: 'face_match', result: 'failed', reason: 'face_mismatch' },
      );
    }
    const review: Review = {
      id: `rev-${randomBytes(9).toString('base64url')}`,
      accountId,
      documentId,
      status: 'pending',
      checks,
      submittedAt: now,
      ...(ownership ? { ownership } : {}),
      decideAt: now + this.#delayMs,
    };
    await this.#store.set('review', accountId, review);
    return review;
  }

  /** The account's latest review, with the rules' decision applied once it is due. */
  async current(accountId: string, now = Date.now()): Promise<Review | undefined> {
    const review = await this.#store.get<Review>('review', accountId);
    if (!review || review.status !== 'pending' || review.decideAt > now) return review;
    const failed = review.checks.find((c) => c.result === 'failed');
    return this.#decide(review, failed ? 'rejected' : 'approved', failed?.reason, 'rules', now);
  }

  /** A tester's decision (`POST /dev/reviews`): applies to the latest review, whatever its state. */
  async decideByTester(accountId: string, decision: 'approved' | 'rejected', reason: string | undefined): Promise<Review | undefined> {
    const review = await this.#store.get<Review>('review', accountId);
    return review && this.#decide(review, decision, decision === 'rejected' ? (reason ?? 'rejected_by_reviewer') : undefined, 'tester');
  }

  async #decide(
    review: Review,
    decision: 'approved' | 'rejected',
    reason: string | undefined,
    by: 'rules' | 'tester',
    now = Date.now(),
  ): Promise<Review> {
    const decided: Review = { ...review, status: decision, decidedAt: now, decidedBy: by };
    if (reason) decided.reason = reason;
    else delete decided.reason;
    const docs = await this.#accounts.documents(review.accountId);
    const doc = docs.find((d) => d.id === review.documentId);
    if (doc) await this.#accounts.putDocument(review.accountId, { ...doc, status: decision === 'approved' ? 'verified' : 'rejected' });
    await this.#store.set('review', review.accountId, decided);
    await this.#accounts.setVerified(review.accountId, hasValidIdentity(await this.#accounts.documents(review.accountId)));
    return decided;
  }
}

/** Verified means: a verified identity document that has not expired. */
export function hasValidIdentity(docs: VerifiedDocument[]): boolean {
  return docs.some((d) => (IDENTITY_DOCUMENT_TYPES as readonly string[]).includes(d.type) && documentStatus(d) === 'verified');
}
