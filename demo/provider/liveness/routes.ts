/**
 * The ownership check's routes (docs/security.md §42): the capture upload of the element's protocol, the
 * provider-hosted selfie page of the reuse step, and the page both journeys render around `<idc-liveness-check>`.
 * The verification journey's own steps (document → selfie → Submit for review) are in verify-pages.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../../shared/http.js';
import type { MessageKey, Messages } from '../i18n.js';
import { currentSession, htmlRoute, requestMessages, sendMessagePage, type Handler, type Kit } from '../kit.js';
import type { OwnershipCheck } from '../shares.js';
import { startSignIn } from '../signin.js';
import { escapeHtml, htmlSecurityHeaders, newNonce, page, sendHtml } from '../views.js';
import { readCaptureForm } from './capture-form.js';
import type { LivenessReason } from './decide.js';
import { CaptureError, type CaptureSession, type LivenessService } from './service.js';

/** Where the element and its guidance models are served (assets.ts). */
export const LIVENESS_SCRIPT_PATH = '/assets/idconnect-kit-liveness.js';
export const LIVENESS_MODEL_BASE = '/assets/liveness/';

export const uploadUrl = (sessionId: string) => `/liveness/${sessionId}/capture`;

const REASON_TEXT: Record<LivenessReason, MessageKey> = {
  no_face: 'livenessNoFace',
  multiple_faces: 'livenessMultipleFaces',
  challenge_not_met: 'livenessChallenge',
  spoof_suspected: 'livenessSpoof',
  low_quality: 'livenessLowQuality',
  face_mismatch: 'livenessFaceMismatch',
};

const REFUSAL_TEXT: Record<CaptureError['code'], MessageKey> = {
  invalid_capture: 'livenessInvalid',
  session_expired: 'livenessExpired',
  too_many_attempts: 'livenessTooMany',
  unavailable: 'livenessUnavailable',
};

/**
 * Headers of a page hosting the element: the provider's strict CSP plus `'wasm-unsafe-eval'` (the guidance models
 * run on WebAssembly in the page), and the camera allowed for this origin only. Only these pages get either.
 */
export function selfieHeaders(nonce: string, coop: boolean): Record<string, string> {
  const headers = htmlSecurityHeaders(nonce, { coop });
  headers['Content-Security-Policy'] = headers['Content-Security-Policy']!.replace(/script-src ([^;]*)/, "script-src $1 'wasm-unsafe-eval'");
  headers['Permissions-Policy'] = 'camera=(self), microphone=()';
  return headers;
}

export interface SelfieView {
  title: string;
  intro: string;
  session: CaptureSession;
  /** shown (in a live region) once the provider has passed a capture */
  doneText: string;
  /** verify: the form the script arms with the passed session; its button is **Submit for review** */
  form?: { action: string; csrf: string; submitLabel: string };
  /** reuse: a link shown once passed */
  back?: { href: string; label: string };
  /** where **Cancel** in the element leads */
  cancelHref: string;
  cancelLabel: string;
}

/**
 * The element, its protocol attributes, and a nonce'd script that waits for `idc-liveness-complete`. The page
 * trusts nothing from the event but the session id, which the server checks again (its stored decision).
 * The element's own heading is the page's one `h1`: the page adds no heading of its own (`view.title` is the
 * document title, and the `h1` only without scripts, when the element cannot render), only its intro before it.
 */
export function selfieBody(m: Messages, view: SelfieView): string {
  const { session } = view;
  return `<noscript><h1>${escapeHtml(view.title)}</h1></noscript>
<p class="intro">${escapeHtml(view.intro)}</p>
<idc-liveness-check session="${escapeHtml(session.id)}" challenge="${escapeHtml(session.challenge.join(' '))}" upload-url="${escapeHtml(uploadUrl(session.id))}" model-base="${LIVENESS_MODEL_BASE}"></idc-liveness-check>
<noscript><p class="alert">${escapeHtml(m.t('needsScript'))}</p></noscript>
<p class="status" id="selfie-status" role="status" aria-live="polite" hidden>${escapeHtml(view.doneText)}</p>
${
  view.form
    ? `<div id="selfie-submit" hidden><form class="login" id="selfie-form" method="post" action="${escapeHtml(view.form.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(view.form.csrf)}">
<input type="hidden" name="session" value="">
<button type="submit" disabled>${escapeHtml(view.form.submitLabel)}</button>
</form></div>`
    : ''
}
${view.back ? `<p id="selfie-back" hidden><a class="button" href="${escapeHtml(view.back.href)}">${escapeHtml(view.back.label)}</a></p>` : ''}
<p><a id="selfie-cancel" href="${escapeHtml(view.cancelHref)}">${escapeHtml(view.cancelLabel)}</a></p>`;
}

const SELFIE_SCRIPT = `(function () {
  var check = document.querySelector('idc-liveness-check');
  var status = document.getElementById('selfie-status');
  var form = document.getElementById('selfie-form');
  var back = document.getElementById('selfie-back');
  check.addEventListener('idc-liveness-complete', function (event) {
    var session = event.detail && typeof event.detail.session === 'string' ? event.detail.session : '';
    status.hidden = false;
    if (form) {
      document.getElementById('selfie-submit').hidden = false;
      form.elements.session.value = session;
      var button = form.querySelector('button');
      button.disabled = false;
      button.focus();
    }
    if (back) back.hidden = false;
  });
  check.addEventListener('idc-cancel', function () {
    window.location.assign(document.getElementById('selfie-cancel').href);
  });
})();`;

export function sendSelfiePage(kit: Kit, res: ServerResponse, m: Messages, view: SelfieView, status = 200): void {
  const nonce = newNonce();
  const scripts = `<script type="module" nonce="${nonce}" src="${LIVENESS_SCRIPT_PATH}"></script>
<script nonce="${nonce}">${SELFIE_SCRIPT}</script>`;
  const html = page({ m, title: view.title, nonce, body: selfieBody(m, view), scripts });
  sendHtml(res, status, html, nonce, { coop: kit.coop }, selfieHeaders(nonce, kit.coop));
}

// ---------------------------------------------------------------------------------------------------------------
// POST /liveness/:session/capture

function refusal(res: ServerResponse, m: Messages, err: CaptureError, req: IncomingMessage): void {
  const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
  if (!req.complete) {
    // refused before the body was read: say so, and let the rest drain unread
    headers['Connection'] = 'close';
    req.resume();
  }
  if (err.status === 429) headers['Retry-After'] = '3600';
  if (err.status === 503) headers['Retry-After'] = '5';
  sendJson(res, err.status, { code: err.code, reason: err.code, message: m.t(REFUSAL_TEXT[err.code]), detail: err.detail }, headers);
}

/** A new session for the same purpose, when the account may still try: the protocol's `retry`. */
async function retryFor(liveness: LivenessService, failed: CaptureSession) {
  if ((await liveness.attemptsLeft(failed.accountId)) <= 0) return undefined;
  const next = await liveness.createSession(failed.accountId, failed.purpose, {
    ...(failed.draftId ? { draftId: failed.draftId } : {}),
    ...(failed.ownershipId ? { ownershipId: failed.ownershipId } : {}),
  });
  return { session: next.id, challenge: next.challenge, uploadUrl: uploadUrl(next.id) };
}

/**
 * The capture upload: the session must be the signed-in account's, live and unspent; the frames are read under
 * the protocol's limits and checked before the session is spent; the provider's models decide (never the page).
 * Answers: 200 passed · 422 liveness_failed / face_mismatch with a reason and a fresh `retry` session · 400
 * invalid_capture · 404/410 session_expired · 429 too_many_attempts.
 */
const capture: Handler = async (kit, req, res, [id]) => {
  const m = requestMessages(req);
  try {
    // the session id in the path is the CSRF secret; a browser's cross-site post also names its origin
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== new URL(kit.issuer).origin) throw new CaptureError(404, 'session_expired', 'cross-origin upload');
    const { account } = await currentSession(kit, req, res);
    const session = await kit.liveness.openSession(id!, account?.id);
    if ((await kit.liveness.attemptsLeft(session.accountId)) <= 0) throw new CaptureError(429, 'too_many_attempts', 'too many captures this hour');
    const upload = await readCaptureForm(req);
    const result = await kit.liveness.judge(session, upload);
    if (result.status === 'passed') return sendJson(res, 200, { status: 'passed', session: session.id }, { 'Cache-Control': 'no-store' });
    const reason = result.reason!;
    const retry = await retryFor(kit.liveness, session);
    sendJson(
      res,
      422,
      {
        code: reason === 'face_mismatch' ? 'face_mismatch' : 'liveness_failed',
        reason,
        message: m.t(REASON_TEXT[reason]),
        ...(retry ? { retry } : {}),
      },
      { 'Cache-Control': 'no-store' },
    );
  } catch (err) {
    if (!(err instanceof CaptureError)) throw err;
    refusal(res, m, err, req);
  }
};

/** JSON failures for the upload route: a server fault is a 500 JSON, never a page or a stack trace. */
function jsonRoute(handler: Handler): Handler {
  return async (kit, req, res, params, url) => {
    try {
      await handler(kit, req, res, params, url);
    } catch (err) {
      console.error('[provider] liveness failed:', (err as Error)?.name, (err as Error)?.message);
      if (!req.complete) req.resume();
      if (!res.headersSent) sendJson(res, 500, { code: 'server_error', message: requestMessages(req).t('errorGeneric') });
    }
  };
}

// ---------------------------------------------------------------------------------------------------------------
// GET /selfie/:id — the reuse step's selfie, bound to one share token's account

const reuseSelfie: Handler = async (kit, req, res, [id], url) => {
  const m = requestMessages(req);
  const request = await kit.liveness.ownershipRequest(id!);
  if (!request) return sendMessagePage(kit, req, res, 404, 'livenessExpired', { m });
  const { account } = await currentSession(kit, req, res);
  if (!account) return startSignIn(kit, res, url.pathname);
  if (account.id !== request.accountId) return sendMessagePage(kit, req, res, 403, 'wrongAccount', { m });
  const recipient = kit.clients.get(request.recipientId);
  const client = recipient?.name ?? request.recipientId;
  const backHref = recipient?.clientUri && /^https?:\/\//i.test(recipient.clientUri) ? recipient.clientUri : undefined;
  const back = backHref ? { href: backHref, label: m.t('backToSite', { client }) } : undefined;
  const outcome = await kit.liveness.ownershipResult(request.tokenKey);
  if (outcome?.status === 'passed') {
    return sendMessagePage(kit, req, res, 200, 'selfieDoneReuse', { m, title: 'selfieTitle', ...(back ? { link: back } : {}) });
  }
  if ((await kit.liveness.attemptsLeft(account.id)) <= 0) return sendMessagePage(kit, req, res, 429, 'selfieTooMany', { m, title: 'selfieTitle' });
  if (!(await kit.liveness.documentPhoto(account.id))) return sendMessagePage(kit, req, res, 409, 'selfieNoPhoto', { m, title: 'selfieTitle' });
  const session = await kit.liveness.createSession(account.id, 'reuse', { ownershipId: request.id });
  sendSelfiePage(kit, res, m, {
    title: m.t('selfieTitle'),
    intro: m.t('selfieIntroReuse', { client }),
    session,
    doneText: m.t('selfieDoneReuse', { client }),
    ...(back ? { back } : {}),
    cancelHref: backHref ?? '/account',
    cancelLabel: back?.label ?? m.t('selfieStartOver'),
  });
};

/** The reuse step's side of the check, for the share service: the page's URL and the outcome per share token. */
export function ownershipCheck(issuer: string, liveness: LivenessService): OwnershipCheck {
  return {
    async request(tokenKey, token) {
      const request = await liveness.ownershipFor(tokenKey, token.accountId, token.recipientId, token.expiresAt);
      return { url: new URL(`/selfie/${request.id}`, issuer).href };
    },
    async outcome(tokenKey) {
      const result = await liveness.ownershipResult(tokenKey);
      return result && { status: result.status, liveness: result.liveness, faceMatch: result.faceMatch };
    },
  };
}

export const livenessRoutes: [string, RegExp, Handler][] = [
  ['POST', /^\/liveness\/([\w-]{1,64})\/capture$/, jsonRoute(capture)],
  ['GET', /^\/selfie\/([\w-]{1,64})$/, htmlRoute(reuseSelfie)],
];
