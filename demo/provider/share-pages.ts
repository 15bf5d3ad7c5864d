import type { IncomingMessage, ServerResponse } from 'node:http';
import { formField, readForm, redirect } from '../shared/http.js';
import type { Messages } from './i18n.js';
import {
  currentSession,
  htmlRoute,
  originOf,
  requestMessages,
  screenParty,
  sendMessagePage,
  type Handler,
  type Kit,
} from './kit.js';
import type { LinkLookup } from './shares.js';
import { startSignIn } from './signin.js';
import { consentPage, escapeHtml, messageBody, newNonce, page, sendHtml } from './views.js';

/** The OAuth-style error (RFC 6749 §4.1.2.1) an expired link's return sends to the integrator's redirect URI. */
export const LINK_EXPIRED_ERROR = 'link_expired';

/**
 * An expired link, opened by the account it was made for: the 410 page also offers the way back to the integrator —
 * its registered `redirectUri` with `error=link_expired` and the link's `state` — so the site's waiting flow ends
 * with a coded error instead of a window left open (the kit: `idc-error` `provider_error`, `oauthError:
 * 'link_expired'`). A sandbox account's page follows that link by itself (sandbox.ts).
 */
function expiredWithReturn(kit: Kit, res: ServerResponse, found: Extract<LinkLookup, { status: 'expired' }>, m: Messages): void {
  const { link } = found;
  const back = new URL(link.redirectUri);
  back.searchParams.set('error', LINK_EXPIRED_ERROR);
  back.searchParams.set('error_description', 'The sharing link has expired.');
  back.searchParams.set('state', link.state);
  const client = kit.clients.get(link.integratorId)?.name ?? link.integratorId;
  const nonce = newNonce();
  const title = m.t('errorTitle');
  const body = `${messageBody({ title, text: m.t('linkExpired') })}
<p><a class="button" id="idc-return" href="${escapeHtml(back.href)}">${escapeHtml(m.t('backToSite', { client }))}</a></p>`;
  const scripts = kit.sandbox?.returnScript(link.accountId, nonce) ?? '';
  sendHtml(res, 410, page({ m, title, nonce, body, scripts, layout: link.displayMode }), nonce, { coop: kit.coop });
}

/** The page for a link that cannot be decided on any more (or never could). */
function linkProblem(kit: Kit, req: IncomingMessage, res: ServerResponse, found: LinkLookup, m: Messages): void {
  if (found.status === 'used') return sendMessagePage(kit, req, res, 410, 'linkUsed', { m });
  if (found.status === 'expired') return sendMessagePage(kit, req, res, 410, 'linkExpired', { m });
  return sendMessagePage(kit, req, res, 404, 'linkInvalid', { m });
}

/** What the screen lists: the requirements of the recipient's consent level — exactly what a consent covers. */
function shareItems(kit: Kit, recipientId: string, m: Messages) {
  const recipient = kit.clients.recipient(recipientId);
  const level = recipient ? kit.shares.consentLevel(recipient).requirements : [];
  return level.map((req) => ({
    id: req.id,
    label: req.accepts.includes('proof_of_address')
      ? m.t('itemAddress')
      : req.accepts.includes('passport')
        ? m.t('itemIdentity')
        : (req.label ?? req.id),
  }));
}

/**
 * A sandbox account's share consent (demo configuration only, sandbox.ts): decided as its script says through the
 * share service, as a person's decision is (the same signed token and redirect), or a page that closes its window.
 */
async function sandboxShare(kit: Kit, res: ServerResponse, id: string, accountId: string, m: Messages): Promise<boolean> {
  const script = kit.sandbox?.scriptFor(accountId);
  if (!script || script.share === 'expired') return false;
  await kit.sandbox!.delay(accountId);
  if (script.share === 'close') {
    kit.sandbox!.sendClosingPage(res, m, kit.coop);
    return true;
  }
  const location = await kit.shares.decide(id, accountId, script.share);
  if (!location) return false;
  redirect(res, location);
  return true;
}

/** GET /share/:id — the per-recipient consent screen; signs the user in first when needed. */
const show: Handler = async (kit, req, res, [id]) => {
  const m = requestMessages(req);
  const found = await kit.shares.lookupLink(id!);
  if (found.status === 'expired') {
    const viewer = await currentSession(kit, req, res);
    if (viewer.account?.id === found.link.accountId) return expiredWithReturn(kit, res, found, m);
  }
  if (found.status !== 'pending') return linkProblem(kit, req, res, found, m);
  const { link } = found;
  const session = await currentSession(kit, req, res);
  if (!session.account) return redirect(res, `/share/${id}/login`);
  if (session.account.id !== link.accountId) {
    return sendMessagePage(kit, req, res, 403, 'wrongAccount', {
      m,
      link: { href: `/share/${id}/login?switch=1`, label: m.t('switchAccount') },
    });
  }
  if (await sandboxShare(kit, res, id!, session.account.id, m)) return;
  const nonce = newNonce();
  const html = consentPage(m, nonce, m.t('shareTitle'), {
    kind: 'share',
    action: `/share/${id}`,
    csrf: kit.csrf.token('share', id!, session.uid, session.account.id),
    switchUrl: `/share/${id}/login?switch=1`,
    screen: {
      integrator: screenParty(kit.clients.get(link.integratorId), link.integratorId),
      recipient: screenParty(kit.clients.get(link.recipientId), link.recipientId),
      dataItems: shareItems(kit, link.recipientId, m),
      account: { email: session.account.email },
    },
  }, link.displayMode);
  sendHtml(res, 200, html, nonce, { formActions: originOf(link.redirectUri), coop: kit.coop });
};

/** POST /share/:id — the decision; 303 to `redirectUri?token=<consent JWT>` (the state is in the JWT), the same one if repeated. */
const decide: Handler = async (kit, req, res, [id]) => {
  const m = requestMessages(req);
  const form = await readForm(req);
  const session = await currentSession(kit, req, res);
  if (!session.account || !kit.csrf.verify(formField(form, 'csrf'), 'share', id!, session.uid, session.account.id)) {
    return sendMessagePage(kit, req, res, 403, 'errorForm', { m });
  }
  const decision = formField(form, 'decision');
  if (decision !== 'allow' && decision !== 'deny') return sendMessagePage(kit, req, res, 400, 'errorGeneric', { m });
  const location = await kit.shares.decide(id!, session.account.id, decision);
  if (location) return redirect(res, location);
  const found = await kit.shares.lookupLink(id!);
  if (found.status === 'pending') return sendMessagePage(kit, req, res, 403, 'wrongAccount', { m });
  return linkProblem(kit, req, res, found, m);
};

/** GET /share/:id/login — sign in (`?switch=1`: as someone else), then back to the link. */
const login: Handler = async (kit, req, res, [id], url) => {
  const found = await kit.shares.lookupLink(id!);
  if (found.status !== 'pending') return linkProblem(kit, req, res, found, requestMessages(req));
  await startSignIn(kit, res, `/share/${id}`, { forceLogin: url.searchParams.get('switch') === '1' });
};

const LINK = '([A-Za-z0-9_-]{1,128})';

export const sharePageRoutes: [string, RegExp, Handler][] = [
  ['GET', new RegExp(`^/share/${LINK}$`), htmlRoute(show)],
  ['POST', new RegExp(`^/share/${LINK}$`), htmlRoute(decide)],
  ['GET', new RegExp(`^/share/${LINK}/login$`), htmlRoute(login)],
];
