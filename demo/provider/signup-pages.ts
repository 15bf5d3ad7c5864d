/**
 * Sign-up and e-mail-code sign-in, inside a sign-in (an oidc-provider interaction, which its cookie binds to the
 * browser): the login page links to **Create an account** and has **Email me a code**; both continue on the
 * confirm page (6-digit code, **Confirm**, **Send a new code**). A confirmed sign-up creates the account and signs
 * it in; a confirmed e-mail code signs the account in. Every answer reads the same whether the address has an
 * account or not (docs/security.md §36).
 */
import type { ServerResponse } from 'node:http';
import { hashPassword, isEmailAddress } from './accounts.js';
import { confirmBody, signupBody, type ConfirmView, type SignupView } from './account-views.js';
import { formField, readForm, redirect } from '../shared/http.js';
import type { Messages } from './i18n.js';
import { interactionFor, renderLogin, renderThrottled } from './interactions.js';
import { clientAddress, htmlRoute, originOf, sendMessagePage, type Handler, type Kit } from './kit.js';
import { newNonce, page, sendHtml } from './views.js';

type Details = Awaited<ReturnType<typeof interactionFor>>['details'];

const MIN_PASSWORD = 10;
const MAX_PASSWORD = 1024;

function send(kit: Kit, res: ServerResponse, details: Details, m: Messages, status: number, title: string, body: string): void {
  const nonce = newNonce();
  sendHtml(res, status, page({ m, title, nonce, body }), nonce, {
    formActions: originOf(details.params['redirect_uri']),
    coop: kit.coop,
  });
}

function renderSignup(kit: Kit, res: ServerResponse, details: Details, m: Messages, status = 200, view: Partial<SignupView> = {}) {
  const body = signupBody(m, {
    action: `/interaction/${details.uid}/signup`,
    loginUrl: `/interaction/${details.uid}/login`,
    csrf: kit.csrf.token('signup', details.uid),
    ...view,
  });
  send(kit, res, details, m, status, m.t('signupTitle'), body);
}

async function renderConfirm(
  kit: Kit,
  res: ServerResponse,
  details: Details,
  m: Messages,
  status = 200,
  view: Partial<ConfirmView> = {},
) {
  const pending = await kit.emailCodes.pending(details.uid);
  // no code step running (expired, used up): back to the login page, which offers both ways again
  if (!pending) return redirect(res, `/interaction/${details.uid}/login`);
  const body = confirmBody(m, {
    action: `/interaction/${details.uid}/confirm`,
    resendAction: `/interaction/${details.uid}/confirm/resend`,
    csrf: kit.csrf.token('confirm', details.uid),
    email: pending.email,
    ...view,
  });
  send(kit, res, details, m, status, m.t('confirmTitle'), body);
}

/** GET /interaction/:uid/signup */
const showSignup: Handler = async (kit, req, res, [uid]) => {
  const { details, m } = await interactionFor(kit, req, res, uid!);
  renderSignup(kit, res, details, m);
};

/** POST /interaction/:uid/signup — `email`, `password` (≥ 10 characters) → a code to the address, then confirm. */
const submitSignup: Handler = async (kit, req, res, [uid]) => {
  const { details, m } = await interactionFor(kit, req, res, uid!);
  const form = await readForm(req);
  const email = formField(form, 'email')?.trim() ?? '';
  const password = formField(form, 'password') ?? '';
  if (!kit.csrf.verify(formField(form, 'csrf'), 'signup', details.uid)) {
    return renderSignup(kit, res, details, m, 403, { email, errors: { form: m.t('errorForm') } });
  }
  const errors: SignupView['errors'] = {};
  if (!isEmailAddress(email)) errors.email = m.t('errorEmail');
  if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) errors.password = m.t('errorPasswordShort');
  if (errors.email || errors.password) return renderSignup(kit, res, details, m, 400, { email: email.slice(0, 254), errors });
  // a sign-up counts as an attempt of the address (and of the typed e-mail), before any password hash is spent
  const attempt = await kit.throttle.reserve(email, clientAddress(kit, req));
  if (!attempt.ok) {
    const minutes = String(Math.max(1, Math.ceil((attempt.until - Date.now()) / 60_000)));
    return renderSignup(kit, res, details, m, 429, { email, errors: { form: m.t('throttledText', { minutes }) } });
  }
  // hashed whether or not the address is taken, so both take the same time
  const passwordHash = await hashPassword(password);
  const accountExists = (await kit.accounts.findByEmail(email)) !== undefined;
  const started = await startCode(kit, details.uid, { purpose: 'signup', email, passwordHash, accountExists, m });
  if (started !== 'ok') return renderSignup(kit, res, details, m, started.status, { email, errors: { form: started.error } });
  redirect(res, `/interaction/${details.uid}/confirm`);
};

async function startCode(
  kit: Kit,
  flow: string,
  request: Parameters<Kit['emailCodes']['start']>[1],
): Promise<'ok' | { status: number; error: string }> {
  const { m } = request;
  try {
    const result = await kit.emailCodes.start(flow, request);
    if (result.ok) return 'ok';
    return { status: 429, error: m.t('errorRateLimited', { seconds: String(result.retryAfterSecs) }) };
  } catch (err) {
    console.error('[provider] mail not sent:', (err as Error)?.message);
    await kit.emailCodes.forget(flow);
    return { status: 503, error: m.t('errorMailFailed') };
  }
}

/** POST /interaction/:uid/email-code — the login form's **Email me a code**: a sign-in code to the address. */
const submitEmailCode: Handler = async (kit, req, res, [uid]) => {
  const { details, m } = await interactionFor(kit, req, res, uid!);
  const form = await readForm(req);
  const email = formField(form, 'email')?.trim() ?? '';
  if (!kit.csrf.verify(formField(form, 'csrf'), 'login', details.uid)) {
    return renderLogin(kit, res, details, m, 403, { email, error: m.t('errorForm') });
  }
  if (!isEmailAddress(email)) return renderLogin(kit, res, details, m, 400, { email: email.slice(0, 254), error: m.t('errorEmail') });
  const attempt = await kit.throttle.reserve(email, clientAddress(kit, req));
  if (!attempt.ok) return renderThrottled(kit, res, details, m, email, attempt.until);
  const accountExists = (await kit.accounts.findByEmail(email)) !== undefined;
  const started = await startCode(kit, details.uid, { purpose: 'login', email, accountExists, m });
  if (started !== 'ok') return renderLogin(kit, res, details, m, started.status, { email, error: started.error });
  redirect(res, `/interaction/${details.uid}/confirm`);
};

/** GET /interaction/:uid/confirm */
const showConfirm: Handler = async (kit, req, res, [uid]) => {
  const { details, m } = await interactionFor(kit, req, res, uid!);
  await renderConfirm(kit, res, details, m);
};

/** POST /interaction/:uid/confirm — the code; right → signed in (a new account is created first). */
const submitConfirm: Handler = async (kit, req, res, [uid]) => {
  const { details, m } = await interactionFor(kit, req, res, uid!);
  const form = await readForm(req);
  if (!kit.csrf.verify(formField(form, 'csrf'), 'confirm', details.uid)) {
    return renderConfirm(kit, res, details, m, 403, { error: m.t('errorForm') });
  }
  const code = (formField(form, 'code') ?? '').replace(/\s+/g, '');
  if (!/^\d{6}$/.test(code)) return renderConfirm(kit, res, details, m, 400, { error: m.t('codeFormat') });
  const result = await kit.emailCodes.check(details.uid, code);
  if (result.status === 'wrong') return renderConfirm(kit, res, details, m, 400, { error: m.t('codeWrong') });
  if (result.status !== 'ok') {
    // the code step is over: the login page offers a new code or a new sign-up
    return renderLogin(kit, res, details, m, 400, { error: m.t(result.status === 'expired' ? 'codeExpired' : 'codeExhausted') });
  }
  let accountId: string | undefined;
  if (result.purpose === 'signup') {
    accountId = (await kit.accounts.create(result.email, result.passwordHash!))?.id;
  } else {
    accountId = (await kit.accounts.findByEmail(result.email))?.id;
  }
  if (!accountId) return renderLogin(kit, res, details, m, 409, { email: result.email, error: m.t('signupFailed') });
  await kit.provider.interactionFinished(
    req,
    res,
    { login: { accountId, amr: result.purpose === 'signup' ? ['pwd', 'otp'] : ['otp'] } },
    { mergeWithLastSubmission: false },
  );
};

/** POST /interaction/:uid/confirm/resend — **Send a new code** (rate-limited per address). */
const resend: Handler = async (kit, req, res, [uid]) => {
  const { details, m } = await interactionFor(kit, req, res, uid!);
  const form = await readForm(req);
  if (!kit.csrf.verify(formField(form, 'csrf'), 'confirm', details.uid)) {
    return renderConfirm(kit, res, details, m, 403, { error: m.t('errorForm') });
  }
  let result;
  try {
    result = await kit.emailCodes.resend(details.uid, m, async (email) => (await kit.accounts.findByEmail(email)) !== undefined);
  } catch (err) {
    console.error('[provider] mail not sent:', (err as Error)?.message);
    return sendMessagePage(kit, req, res, 503, 'errorMailFailed', { m });
  }
  if (!result) return redirect(res, `/interaction/${details.uid}/login`);
  if (!result.ok) {
    return renderConfirm(kit, res, details, m, 429, {
      error: m.t('errorRateLimited', { seconds: String(result.retryAfterSecs) }),
    });
  }
  await renderConfirm(kit, res, details, m, 200, { notice: m.t('codeSent') });
};

const UID = '([\\w-]+)';

export const signupRoutes: [string, RegExp, Handler][] = [
  ['GET', new RegExp(`^/interaction/${UID}/signup$`), htmlRoute(showSignup)],
  ['POST', new RegExp(`^/interaction/${UID}/signup$`), htmlRoute(submitSignup)],
  ['POST', new RegExp(`^/interaction/${UID}/email-code$`), htmlRoute(submitEmailCode)],
  ['GET', new RegExp(`^/interaction/${UID}/confirm$`), htmlRoute(showConfirm)],
  ['POST', new RegExp(`^/interaction/${UID}/confirm$`), htmlRoute(submitConfirm)],
  ['POST', new RegExp(`^/interaction/${UID}/confirm/resend$`), htmlRoute(resend)],
];
