import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { INTERNAL_CLIENT_ID } from './clients.js';
import { formField, readForm, redirect } from './http.js';
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
import { consentPage, newNonce, sendHtml } from './views.js';

const LOGIN_RETURN_TTL = 600;

/** The page for a link that cannot be decided on any more (or never could). */
function linkProblem(kit: Kit, req: IncomingMessage, res: ServerResponse, found: LinkLookup, m: Messages): void {
  if (found.status === 'used') return sendMessagePage(kit, req, res, 410, 'linkUsed', { m });
  if (found.status === 'expired') return sendMessagePage(kit, req, res, 410, 'linkExpired', { m });
  return sendMessagePage(kit, req, res, 404, 'linkInvalid', { m });
}

function shareItems(kit: Kit, recipientId: string, m: Messages) {
  const recipient = kit.clients.recipient(recipientId);
  const level = Object.values(recipient?.levels ?? {})[0] ?? [];
  return level.map((req) => ({
    id: req.id,
    label: req.accepts.includes('proof_of_address')
      ? m.t('itemAddress')
      : req.accepts.includes('passport')
        ? m.t('itemIdentity')
        : (req.label ?? req.id),
  }));
}

/** GET /share/:id — the per-recipient consent screen; signs the user in first when needed. */
const show: Handler = async (kit, req, res, [id]) => {
  const m = requestMessages(req);
  const found = await kit.shares.lookupLink(id!);
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
  });
  sendHtml(res, 200, html, nonce, { formActions: originOf(link.redirectUri), coop: kit.coop });
};

/** POST /share/:id — the decision; 303 to `redirectUri?token=<consent JWT>&state=…`, the same one if repeated. */
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

/**
 * GET /share/:id/login — signs the user in at the provider through its own first-party client
 * (`response_type=none`, a real authorization request), then comes back to the link. `?switch=1` forces a new login.
 */
const login: Handler = async (kit, req, res, [id], url) => {
  const found = await kit.shares.lookupLink(id!);
  if (found.status !== 'pending') return linkProblem(kit, req, res, found, requestMessages(req));
  const state = randomBytes(24).toString('base64url');
  await kit.shares.rememberLoginReturn(state, id!, LOGIN_RETURN_TTL);
  const auth = new URL('/auth', kit.issuer);
  auth.search = new URLSearchParams({
    client_id: INTERNAL_CLIENT_ID,
    response_type: 'none',
    scope: 'openid',
    redirect_uri: `${kit.issuer}/share-resume`,
    state,
    ...(url.searchParams.get('switch') === '1' ? { prompt: 'login' } : {}),
  }).toString();
  redirect(res, auth.href);
};

/** GET /share-resume — end of that sign-in: checks `iss` and the one-time state, then back to the link. */
const resume: Handler = async (kit, req, res, _params, url) => {
  const m = requestMessages(req);
  const q = url.searchParams;
  const linkId = await kit.shares.takeLoginReturn(q.get('state') ?? '');
  if (q.get('iss') !== kit.issuer || !linkId) return sendMessagePage(kit, req, res, 400, 'requestExpired', { m });
  if (q.has('error')) return sendMessagePage(kit, req, res, 400, 'errorGeneric', { m });
  redirect(res, `/share/${linkId}`);
};

const LINK = '([A-Za-z0-9_-]{1,128})';

export const sharePageRoutes: [string, RegExp, Handler][] = [
  ['GET', new RegExp(`^/share/${LINK}$`), htmlRoute(show)],
  ['POST', new RegExp(`^/share/${LINK}$`), htmlRoute(decide)],
  ['GET', new RegExp(`^/share/${LINK}/login$`), htmlRoute(login)],
  ['GET', /^\/share-resume$/, htmlRoute(resume)],
];
