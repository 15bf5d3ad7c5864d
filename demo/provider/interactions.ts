import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InteractionResults } from 'oidc-provider';
import { INTERNAL_CLIENT_ID } from './clients.js';
import { formField, HttpError, readForm, redirect } from '../shared/http.js';
import type { Messages } from './i18n.js';
import { clientAddress, htmlRoute, originOf, requestMessages, screenParty, sendMessagePage, type Handler, type Kit } from './kit.js';
import { consentPage, loginBody, newNonce, page, sendHtml } from './views.js';

type Interaction = Awaited<ReturnType<Kit['provider']['interactionDetails']>>;

const SCOPE_ITEMS = { email: 'itemEmail', share: 'itemShare', offline_access: 'itemOffline' } as const;

/** The connect consent declined: oidc-provider sends `error=access_denied` to the client's redirect URI. */
const DENIED: InteractionResults = { error: 'access_denied', error_description: 'End-User denied the authorization request' };

export async function interactionFor(kit: Kit, req: IncomingMessage, res: ServerResponse, uid: string) {
  const details = await kit.provider.interactionDetails(req, res);
  if (details.uid !== uid) throw Object.assign(new Error('interaction mismatch'), { name: 'SessionNotFound' });
  return { details, m: requestMessages(req, details.params['ui_locales']) };
}

function formActions(details: Interaction): string[] {
  // after the decision the browser is redirected (303) on to the client, and CSP form-action covers redirects
  return originOf(details.params['redirect_uri']);
}

export function renderLogin(
  kit: Kit,
  res: ServerResponse,
  details: Interaction,
  m: Messages,
  status = 200,
  state: { email?: string; error?: string } = {},
  headers: Record<string, string> = {},
): void {
  const clientId = String(details.params['client_id']);
  const client = kit.clients.get(clientId);
  const intro = clientId === INTERNAL_CLIENT_ID ? m.t('loginIntroShare') : m.t('loginIntro', { client: client?.name ?? clientId });
  const nonce = newNonce();
  const body = loginBody(m, {
    action: `/interaction/${details.uid}/login`,
    codeAction: `/interaction/${details.uid}/email-code`,
    signupUrl: `/interaction/${details.uid}/signup`,
    csrf: kit.csrf.token('login', details.uid),
    intro,
    email: state.email,
    error: state.error,
    showDemoHint: kit.showDemoHint,
  });
  sendHtml(
    res,
    status,
    page({ m, title: m.t('loginTitle'), nonce, body }),
    nonce,
    { formActions: formActions(details), coop: kit.coop },
    headers,
  );
}

/** The login page again with 429 and when to try again (`Retry-After`). */
export function renderThrottled(kit: Kit, res: ServerResponse, details: Interaction, m: Messages, email: string, until: number): void {
  const seconds = Math.max(1, Math.ceil((until - Date.now()) / 1000));
  const minutes = String(Math.ceil(seconds / 60));
  renderLogin(kit, res, details, m, 429, { email, error: m.t('throttledText', { minutes }) }, { 'Retry-After': String(seconds) });
}

/** The request asks for `share` (an integrator's connection), which only a verified account may grant (§37). */
function asksForShare(details: Interaction): boolean {
  return String(details.params['scope'] ?? '').split(' ').includes('share');
}

async function grantConsent(kit: Kit, details: Interaction): Promise<InteractionResults> {
  const accountId = details.session?.accountId;
  const clientId = String(details.params['client_id']);
  if (!accountId) throw new HttpError(400, 'login_required', 'no signed-in account');
  if (asksForShare(details) && !(await kit.verification.isVerified(accountId))) {
    throw new HttpError(403, 'not_verified', 'a grant with share needs a verified account');
  }
  const existing = details.grantId ? await kit.provider.Grant.find(details.grantId) : undefined;
  const grant = existing ?? new kit.provider.Grant({ accountId, clientId });
  const missing = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  if (kit.clients.get(clientId)?.role === 'integrator') {
    await kit.connections.record(accountId, clientId, grantId, String(details.params['scope'] ?? '').split(' '));
  }
  return { consent: { grantId } };
}

async function renderConsent(kit: Kit, req: IncomingMessage, res: ServerResponse, details: Interaction, m: Messages) {
  const clientId = String(details.params['client_id']);
  if (clientId === INTERNAL_CLIENT_ID) {
    // the provider's own pages: first party, nothing to ask
    await kit.provider.interactionFinished(req, res, await grantConsent(kit, details), { mergeWithLastSubmission: true });
    return;
  }
  const account = details.session?.accountId ? await kit.accounts.findById(details.session.accountId) : undefined;
  if (!account) throw Object.assign(new Error('no account'), { name: 'SessionNotFound' });
  const scopes = String(details.params['scope'] ?? '').split(' ');
  const dataItems = Object.entries(SCOPE_ITEMS)
    .filter(([scope]) => scopes.includes(scope))
    .map(([scope, key]) => ({ id: scope, label: m.t(key) }));
  const nonce = newNonce();
  const html = consentPage(m, nonce, m.t('connectTitle'), {
    kind: 'connect',
    action: `/interaction/${details.uid}/consent`,
    csrf: kit.csrf.token('consent', details.uid, account.id),
    switchUrl: `/interaction/${details.uid}/login`,
    screen: {
      integrator: screenParty(kit.clients.get(clientId), clientId),
      dataItems,
      account: { email: account.email },
    },
  });
  sendHtml(res, 200, html, nonce, { formActions: formActions(details), coop: kit.coop });
}

/**
 * A sandbox account's connect step (demo configuration only, sandbox.ts): answered as its script says, through the
 * same calls a person's decision reaches (the grant, or `access_denied`), or a page that ends the flow by itself.
 * False for everyone else, and for the provider's own first-party sign-ins.
 */
async function sandboxConnect(kit: Kit, req: IncomingMessage, res: ServerResponse, details: Interaction, m: Messages): Promise<boolean> {
  const accountId = details.session?.accountId;
  const script = kit.sandbox?.scriptFor(accountId);
  if (!script || String(details.params['client_id']) === INTERNAL_CLIENT_ID) return false;
  await kit.sandbox!.delay(accountId);
  if (script.connect === 'rejected') {
    // the real rejection page (reason, Try again), which this account's script then closes
    redirect(res, `/verify/review?return=${encodeURIComponent(`/interaction/${details.uid}`)}`);
  } else if (script.connect === 'close') {
    kit.sandbox!.sendClosingPage(res, m, kit.coop);
  } else if (script.connect === 'deny') {
    await kit.provider.interactionFinished(req, res, DENIED, { mergeWithLastSubmission: false });
  } else {
    await kit.provider.interactionFinished(req, res, await grantConsent(kit, details), { mergeWithLastSubmission: true });
  }
  return true;
}

/** GET /interaction/:uid — the login form or the authorization screen, as oidc-provider's prompt asks. */
const show: Handler = async (kit, req, res, [uid]) => {
  const { details, m } = await interactionFor(kit, req, res, uid!);
  if (details.prompt.name === 'login') return renderLogin(kit, res, details, m);
  if (details.prompt.name === 'consent') {
    const accountId = details.session?.accountId;
    if (await sandboxConnect(kit, req, res, details, m)) return;
    if (accountId && asksForShare(details) && !(await kit.verification.isVerified(accountId))) {
      // a new or unverified account verifies first; the review page brings the user back here
      return redirect(res, `/verify?return=${encodeURIComponent(`/interaction/${details.uid}`)}`);
    }
    return renderConsent(kit, req, res, details, m);
  }
  throw new HttpError(400, 'invalid_request', `unsupported prompt ${details.prompt.name}`);
};

/** GET /interaction/:uid/login — the login form again ("Not you?" on the authorization screen). */
const showLogin: Handler = async (kit, req, res, [uid]) => {
  const { details, m } = await interactionFor(kit, req, res, uid!);
  renderLogin(kit, res, details, m);
};

/** POST /interaction/:uid/login — email + password; errors are shown on the form as text. */
const submitLogin: Handler = async (kit, req, res, [uid]) => {
  const { details, m } = await interactionFor(kit, req, res, uid!);
  const form = await readForm(req);
  const email = formField(form, 'email')?.trim() ?? '';
  const password = formField(form, 'password') ?? '';
  if (!kit.csrf.verify(formField(form, 'csrf'), 'login', details.uid)) {
    return renderLogin(kit, res, details, m, 403, { email, error: m.t('errorForm') });
  }
  if (!email || !password || email.length > 254 || password.length > 1024) {
    return renderLogin(kit, res, details, m, 400, { email: email.slice(0, 254), error: m.t('errorMissing') });
  }
  // counted before any password hash is computed, atomically, so concurrent guesses cannot pass the limit (§36)
  const address = clientAddress(kit, req);
  const attempt = await kit.throttle.reserve(email, address);
  if (!attempt.ok) return renderThrottled(kit, res, details, m, email, attempt.until);
  const account = await kit.accounts.authenticate(email, password);
  if (!account) return renderLogin(kit, res, details, m, 401, { email, error: m.t('errorCredentials') });
  await kit.throttle.release(email, address, attempt.stamp);
  await kit.sandbox?.signedIn(account.id, kit.shares);
  await kit.provider.interactionFinished(
    req,
    res,
    { login: { accountId: account.id, amr: ['pwd'] } },
    { mergeWithLastSubmission: false },
  );
};

/** POST /interaction/:uid/consent — the authorization screen's decision (CSRF-protected). */
const submitConsent: Handler = async (kit, req, res, [uid]) => {
  const { details, m } = await interactionFor(kit, req, res, uid!);
  const form = await readForm(req);
  const accountId = details.session?.accountId ?? '';
  if (details.prompt.name !== 'consent' || !kit.csrf.verify(formField(form, 'csrf'), 'consent', details.uid, accountId)) {
    return sendMessagePage(kit, req, res, 403, 'errorForm', { m });
  }
  const decision = formField(form, 'decision');
  if (decision === 'deny') {
    await kit.provider.interactionFinished(req, res, DENIED, { mergeWithLastSubmission: false });
    return;
  }
  if (decision !== 'allow') return sendMessagePage(kit, req, res, 400, 'errorGeneric', { m });
  await kit.provider.interactionFinished(req, res, await grantConsent(kit, details), { mergeWithLastSubmission: true });
};

export const interactionRoutes: [string, RegExp, Handler][] = [
  ['GET', /^\/interaction\/([\w-]+)$/, htmlRoute(show)],
  ['GET', /^\/interaction\/([\w-]+)\/login$/, htmlRoute(showLogin)],
  ['POST', /^\/interaction\/([\w-]+)\/login$/, htmlRoute(submitLogin)],
  ['POST', /^\/interaction\/([\w-]+)\/consent$/, htmlRoute(submitConsent)],
];
