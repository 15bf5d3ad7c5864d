/**
 * "Verify your identity" and "Review in progress" (the verification gate, docs/security.md §37 and §43): reached
 * from a sign-in whose request asks for `share` while the account is not verified, or from the account page.
 * `?return=` is where the user goes once verified: the interaction (the connect consent then appears) or /account.
 *
 * The ownership check (docs/security.md §42) is the step between the document and the review: the document form
 * keeps its fields and photo as a draft, `/verify/selfie` hosts `<idc-liveness-check>` (the provider judges the
 * capture against the draft's photo), and its **Submit for review** opens the review only with a passed capture of
 * this account and draft. (A provider started with the test-only `liveness: { verification: false }` skips it.)
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { reviewBody, REVIEW_SCRIPT, verifyBody, type VerifyFieldName, type VerifyView } from './account-views.js';
import { formField, HttpError, readForm, redirect, sendJson } from '../shared/http.js';
import type { MessageKey, Messages } from './i18n.js';
import { currentSession, htmlRoute, requestMessages, sendMessagePage, type Handler, type Kit } from './kit.js';
import { startSignIn } from './signin.js';
import { readMultipartForm, sanitizeImage, type SanitizedImage } from './uploads.js';
import { readDocumentFields, type OwnershipEvidence, type Review } from './verification.js';
import { sendSelfiePage } from './liveness/routes.js';
import { newNonce, page, sendHtml } from './views.js';

const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

/** Where to go once verified: an interaction of this provider, or the account page (the default). */
function returnPath(url: URL): string {
  const value = url.searchParams.get('return') ?? '';
  return /^\/interaction\/[\w-]{1,128}$/.test(value) ? value : '/account';
}

const withReturn = (path: string, back: string) => `${path}?return=${encodeURIComponent(back)}`;

/** The signed-in account, or a sign-in that comes back to this very page. */
async function signedIn(kit: Kit, req: IncomingMessage, res: ServerResponse, url: URL) {
  const session = await currentSession(kit, req, res);
  if (session.account) return { uid: session.uid, account: session.account };
  await startSignIn(kit, res, `${url.pathname}${url.search}`);
  return undefined;
}

async function clientName(kit: Kit, back: string): Promise<string | undefined> {
  const uid = /^\/interaction\/([\w-]+)$/.exec(back)?.[1];
  const interaction = uid ? await kit.provider.Interaction.find(uid) : undefined;
  const clientId = interaction?.params['client_id'];
  return typeof clientId === 'string' ? (kit.clients.get(clientId)?.name ?? clientId) : undefined;
}

async function renderForm(kit: Kit, res: ServerResponse, m: Messages, back: string, csrf: string, status = 200, view: Partial<VerifyView> = {}) {
  const client = await clientName(kit, back);
  const nonce = newNonce();
  const body = verifyBody(m, {
    action: withReturn('/verify', back),
    csrf,
    intro: client ? m.t('verifyIntro', { client }) : m.t('verifyIntroAccount'),
    ...view,
  });
  sendHtml(res, status, page({ m, title: m.t('verifyTitle'), nonce, body }), nonce, { coop: kit.coop });
}

/** GET /verify — the form (or on to the review / the return path when there is nothing to do). */
const showVerify: Handler = async (kit, req, res, _params, url) => {
  const back = returnPath(url);
  const who = await signedIn(kit, req, res, url);
  if (!who) return;
  if (who.account.verified) return redirect(res, back);
  const review = await kit.verification.current(who.account.id);
  if (review?.status === 'pending') return redirect(res, withReturn('/verify/review', back));
  await renderForm(kit, res, requestMessages(req), back, kit.csrf.token('verify', who.uid, who.account.id));
};

const IMAGE_PROBLEMS: Record<string, MessageKey> = {
  unsupported_image: 'imageUnsupported',
  unreadable_image: 'imageUnreadable',
  image_too_large: 'imageTooLarge',
  payload_too_large: 'imageTooLarge',
  image_too_small: 'imageTooSmall',
};

/** POST /verify — multipart: the document fields and `front`; → the review page. Bad input changes nothing. */
const submitVerify: Handler = async (kit, req, res, _params, url) => {
  const m = requestMessages(req);
  const back = returnPath(url);
  const session = await currentSession(kit, req, res);
  if (!session.account) {
    req.resume();
    return startSignIn(kit, res, withReturn('/verify', back));
  }
  const account = session.account;
  const csrf = kit.csrf.token('verify', session.uid, account.id);
  // one review at a time, and a few a day: each submission stores an image and costs a decode
  if ((await kit.verification.current(account.id))?.status === 'pending') {
    req.resume();
    return redirect(res, withReturn('/verify/review', back));
  }
  if (!(await kit.verification.countSubmission(account.id))) {
    req.resume();
    return renderForm(kit, res, m, back, csrf, 429, { formError: m.t('verifyTooMany') });
  }
  let form;
  try {
    form = await readMultipartForm(req, { maxFileBytes: MAX_IMAGE_BYTES, fileFields: ['front'] });
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    const key = IMAGE_PROBLEMS[err.code];
    const status = err.status;
    if (key) return renderForm(kit, res, m, back, csrf, status, { errors: { front: m.t(key) }, formError: m.t('formHasErrors') });
    return renderForm(kit, res, m, back, csrf, status, { formError: m.t('errorGeneric') });
  }
  const one = (name: string) => {
    const all = form.fields.getAll(name);
    return all.length === 1 ? all[0] : undefined;
  };
  if (!kit.csrf.verify(one('csrf'), 'verify', session.uid, account.id)) {
    return renderForm(kit, res, m, back, csrf, 403, { formError: m.t('errorForm') });
  }
  if (account.verified) return redirect(res, back);
  const values: Partial<Record<VerifyFieldName, string>> = {};
  for (const name of ['documentType', 'country', 'number', 'issuedAt', 'expiresAt'] as const) values[name] = (one(name) ?? '').slice(0, 64);
  const { fields, errors: problems } = readDocumentFields(one);
  const errors: Partial<Record<VerifyFieldName, string>> = {};
  for (const [name, key] of Object.entries(problems)) errors[name as VerifyFieldName] = m.t(key);
  const front = form.files.get('front');
  let image;
  if (!front || front.bytes.length === 0) errors.front = m.t('fieldRequired');
  else {
    try {
      image = sanitizeImage(front.bytes, { maxPixels: 16e6 }); // a document photo needs no more; decoding is synchronous
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      errors.front = m.t(IMAGE_PROBLEMS[err.code] ?? 'imageUnreadable');
    }
  }
  if (!fields || !image || Object.keys(errors).length) {
    return renderForm(kit, res, m, back, csrf, 400, { values, errors, formError: m.t('formHasErrors') });
  }
  if (!kit.liveness.inVerification) {
    await kit.verification.submit(account.id, fields, image);
    return redirect(res, withReturn('/verify/review', back));
  }
  await kit.liveness.saveDraft(account.id, fields, image);
  redirect(res, withReturn('/verify/selfie', back));
};

/** GET /verify/selfie — the ownership check of the document just submitted (its draft), with **Submit for review**. */
const showSelfie: Handler = async (kit, req, res, _params, url) => {
  const back = returnPath(url);
  const who = await signedIn(kit, req, res, url);
  if (!who) return;
  if (who.account.verified) return redirect(res, back);
  if ((await kit.verification.current(who.account.id))?.status === 'pending') return redirect(res, withReturn('/verify/review', back));
  const draft = kit.liveness.inVerification ? await kit.liveness.draft(who.account.id) : undefined;
  if (!draft) return redirect(res, withReturn('/verify', back));
  const m = requestMessages(req);
  if ((await kit.liveness.attemptsLeft(who.account.id)) <= 0) {
    return sendMessagePage(kit, req, res, 429, 'selfieTooMany', { m, title: 'selfieTitle', link: { href: withReturn('/verify', back), label: m.t('selfieStartOver') } });
  }
  const session = await kit.liveness.createSession(who.account.id, 'verify', { draftId: draft.id });
  sendSelfiePage(kit, res, m, {
    title: m.t('selfieTitle'),
    intro: m.t('selfieIntro'),
    session,
    doneText: m.t('selfieDone'),
    form: { action: withReturn('/verify/selfie', back), csrf: kit.csrf.token('verify-selfie', who.uid, who.account.id), submitLabel: m.t('submitReview') },
    cancelHref: withReturn('/verify', back),
    cancelLabel: m.t('selfieStartOver'),
  });
};

/**
 * POST /verify/selfie — **Submit for review**: `csrf` and the `session` of a capture the provider passed for this
 * account's draft (its stored decision, never the page's word); the draft becomes the review, with the capture's
 * checks and scores. Anything else goes back to the selfie page.
 */
const submitSelfie: Handler = async (kit, req, res, _params, url) => {
  const back = returnPath(url);
  const session = await currentSession(kit, req, res);
  if (!session.account) {
    req.resume();
    return startSignIn(kit, res, withReturn('/verify/selfie', back));
  }
  const account = session.account;
  const form = await readForm(req);
  if (!kit.csrf.verify(formField(form, 'csrf'), 'verify-selfie', session.uid, account.id)) {
    return sendMessagePage(kit, req, res, 403, 'errorForm', { link: { href: withReturn('/verify/selfie', back), label: requestMessages(req).t('tryAgain') } });
  }
  if (account.verified) return redirect(res, back);
  if ((await kit.verification.current(account.id))?.status === 'pending') return redirect(res, withReturn('/verify/review', back));
  const used = await kit.liveness.useForReview(account.id, formField(form, 'session') ?? '');
  if (!used) {
    const m = requestMessages(req);
    return sendMessagePage(kit, req, res, 400, 'selfieRequired', { m, title: 'selfieTitle', link: { href: withReturn('/verify/selfie', back), label: m.t('tryAgain') } });
  }
  const { draft, result } = used;
  const image: SanitizedImage = { type: draft.image.type, width: draft.image.width, height: draft.image.height, bytes: Buffer.from(draft.image.data, 'base64') };
  const ownership: OwnershipEvidence = {
    session: result.session,
    liveness: result.liveness,
    faceMatch: result.faceMatch,
    decidedAt: result.decidedAt,
    scores: result.scores as unknown as Record<string, unknown>,
    thresholds: { ...result.thresholds },
  };
  await kit.verification.submit(account.id, draft.fields, image, Date.now(), ownership);
  redirect(res, withReturn('/verify/review', back));
};

const REASONS: Record<string, MessageKey> = {
  document_expired: 'rejectDocumentExpired',
  issued_in_future: 'rejectIssuedInFuture',
  image_unreadable: 'rejectImageUnreadable',
  no_face: 'rejectLiveness',
  multiple_faces: 'rejectLiveness',
  low_quality: 'rejectLiveness',
  challenge_not_met: 'rejectLiveness',
  spoof_suspected: 'rejectLiveness',
  face_mismatch: 'rejectFaceMismatch',
};

function reasonText(m: Messages, review: Review): string {
  const key = review.reason ? REASONS[review.reason] : undefined;
  if (key) return m.t(key);
  // a tester's free-text reason under `npm start` is shown after the generic sentence
  return review.reason && review.decidedBy === 'tester' && review.reason !== 'rejected_by_reviewer'
    ? `${m.t('rejectOther')} (${review.reason.slice(0, 200)})`
    : m.t('rejectOther');
}

/** GET /verify/review — pending: polls and moves on by itself; approved: on to the return path; rejected: why + Try again. */
const showReview: Handler = async (kit, req, res, _params, url) => {
  const back = returnPath(url);
  const who = await signedIn(kit, req, res, url);
  if (!who) return;
  const review = await kit.verification.current(who.account.id);
  if (review?.status === 'approved' || (await kit.accounts.findById(who.account.id))?.verified) return redirect(res, back);
  if (!review) return redirect(res, withReturn('/verify', back));
  const m = requestMessages(req);
  const nonce = newNonce();
  const pending = review.status === 'pending';
  const body = reviewBody(m, {
    state: pending ? 'pending' : 'rejected',
    ...(pending ? {} : { reason: reasonText(m, review) }),
    next: withReturn('/verify', back),
    statusUrl: '/verify/status',
    selfUrl: withReturn('/verify/review', back),
  });
  const scripts = pending ? `<script nonce="${nonce}">${REVIEW_SCRIPT}</script>` : (kit.sandbox?.rejectionScript(who.account.id, nonce) ?? '');
  const title = m.t(pending ? 'reviewTitle' : 'reviewRejectedTitle');
  sendHtml(res, 200, page({ m, title, nonce, body, scripts }), nonce, { coop: kit.coop });
};

/** GET /verify/status — `{ status }` of the signed-in account's latest review (what the review page polls). */
const reviewStatus: Handler = async (kit, req, res) => {
  const session = await currentSession(kit, req, res);
  if (!session.account) return sendJson(res, 401, { error: 'login_required', error_description: 'sign in first' });
  const review = await kit.verification.current(session.account.id);
  sendJson(res, 200, { status: review?.status ?? 'none' });
};

export const verifyRoutes: [string, RegExp, Handler][] = [
  ['GET', /^\/verify$/, htmlRoute(showVerify)],
  ['POST', /^\/verify$/, htmlRoute(submitVerify)],
  ['GET', /^\/verify\/selfie$/, htmlRoute(showSelfie)],
  ['POST', /^\/verify\/selfie$/, htmlRoute(submitSelfie)],
  ['GET', /^\/verify\/review$/, htmlRoute(showReview)],
  ['GET', /^\/verify\/status$/, htmlRoute(reviewStatus)],
];
