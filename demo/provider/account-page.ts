/**
 * `/account` — what the user allowed, and the way to take it back as easily as it was given (one button each):
 * **Connected services** (Disconnect revokes the integrator's grant), **Sharing permissions** (Withdraw ends a
 * per-recipient consent and kills the share tokens minted before it, docs/security.md §39), **Documents**.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { documentStatus, type AccountRecord } from './accounts.js';
import { accountBody, DOCUMENT_LABELS, type AccountView } from './account-views.js';
import { formField, readForm, redirect } from '../shared/http.js';
import type { MessageKey, Messages } from './i18n.js';
import { currentSession, htmlRoute, requestMessages, sendMessagePage, type Handler, type Kit } from './kit.js';
import { startSignIn } from './signin.js';
import { newNonce, page, sendHtml } from './views.js';

const SCOPE_LABELS: Record<string, MessageKey> = { email: 'itemEmail', share: 'itemShare', offline_access: 'itemOffline' };
const STATUS_LABELS: Record<string, MessageKey> = {
  verified: 'statusVerified',
  pending: 'statusPending',
  rejected: 'statusRejected',
  expired: 'statusExpired',
};

function formatDate(m: Messages, epochSecs: number): string {
  return new Intl.DateTimeFormat(m.locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(epochSecs * 1000));
}

function countryName(m: Messages, code: string | undefined): string {
  if (!code) return '';
  return new Intl.DisplayNames([m.locale], { type: 'region', fallback: 'code' }).of(code) ?? code;
}

const nameOf = (kit: Kit, clientId: string) => kit.clients.get(clientId)?.name ?? clientId;

async function view(kit: Kit, m: Messages, account: AccountRecord, csrf: string, notice?: string): Promise<AccountView> {
  await kit.verification.current(account.id); // a review that came due is decided before the page reads the account
  const fresh = (await kit.accounts.findById(account.id)) ?? account;
  const connections = await kit.connections.list(account.id);
  const consents = await kit.shares.consentsOf(account.id);
  const documents = await kit.accounts.documents(account.id);
  return {
    email: fresh.email,
    verified: fresh.verified,
    verifyUrl: '/verify?return=%2Faccount',
    signOutUrl: '/session/end',
    csrf,
    ...(notice ? { notice } : {}),
    connections: connections.map((c) => ({
      clientId: c.integratorId,
      name: nameOf(kit, c.integratorId),
      since: formatDate(m, c.since),
      may: c.scopes.filter((s) => SCOPE_LABELS[s]).map((s) => m.t(SCOPE_LABELS[s]!)),
    })),
    permissions: consents.map((c) => ({
      integratorId: c.integratorId,
      integrator: nameOf(kit, c.integratorId),
      recipientId: c.recipientId,
      recipient: nameOf(kit, c.recipientId),
      since: formatDate(m, c.grantedAt),
    })),
    documents: documents.map((d) => ({
      type: d.label ?? (DOCUMENT_LABELS[d.type] ? m.t(DOCUMENT_LABELS[d.type]!) : d.type),
      country: countryName(m, d.country),
      status: m.t(STATUS_LABELS[documentStatus(d)] ?? 'statusPending'),
      expiry: d.expiresAt ?? m.t('noExpiry'),
    })),
  };
}

/** The notice after a Disconnect or Withdraw (post/redirect/get): only known client ids, so the text is ours. */
function noticeOf(kit: Kit, m: Messages, url: URL): string | undefined {
  const q = url.searchParams;
  const known = (id: string | null) => (id && kit.clients.get(id) ? nameOf(kit, id) : undefined);
  if (q.get('done') === 'disconnected') {
    const client = known(q.get('client'));
    return client ? m.t('disconnected', { client }) : undefined;
  }
  if (q.get('done') === 'withdrawn') {
    const recipient = known(q.get('recipient'));
    const integrator = known(q.get('integrator'));
    return recipient && integrator ? m.t('withdrawn', { recipient, integrator }) : undefined;
  }
  return undefined;
}

/** GET /account — signs the user in first when needed. */
const show: Handler = async (kit, req, res, _params, url) => {
  const session = await currentSession(kit, req, res);
  if (!session.account) return startSignIn(kit, res, '/account');
  const m = requestMessages(req);
  const csrf = kit.csrf.token('account', session.uid, session.account.id);
  const nonce = newNonce();
  const body = accountBody(m, await view(kit, m, session.account, csrf, noticeOf(kit, m, url)));
  sendHtml(res, 200, page({ m, title: m.t('accountTitle'), nonce, body }), nonce, { coop: kit.coop });
};

/** A POST of the account page: signed in, CSRF bound to this session and account. */
async function accountForm(kit: Kit, req: IncomingMessage, res: ServerResponse) {
  const form = await readForm(req);
  const session = await currentSession(kit, req, res);
  if (!session.account || !kit.csrf.verify(formField(form, 'csrf'), 'account', session.uid, session.account.id)) {
    sendMessagePage(kit, req, res, 403, 'errorForm');
    return undefined;
  }
  return { form, account: session.account };
}

/** POST /account/disconnect — `client`: revokes that integrator's grant. */
const disconnect: Handler = async (kit, req, res) => {
  const posted = await accountForm(kit, req, res);
  if (!posted) return;
  const client = formField(posted.form, 'client') ?? '';
  await kit.connections.disconnect(posted.account.id, client);
  redirect(res, `/account?${new URLSearchParams({ done: 'disconnected', client })}`);
};

/** POST /account/withdraw — `integrator`, `recipient`: ends that consent. */
const withdraw: Handler = async (kit, req, res) => {
  const posted = await accountForm(kit, req, res);
  if (!posted) return;
  const integrator = formField(posted.form, 'integrator') ?? '';
  const recipient = formField(posted.form, 'recipient') ?? '';
  if (kit.clients.get(integrator)?.role === 'integrator' && kit.clients.recipient(recipient)) {
    await kit.shares.withdraw(posted.account.id, integrator, recipient);
  }
  redirect(res, `/account?${new URLSearchParams({ done: 'withdrawn', integrator, recipient })}`);
};

export const accountRoutes: [string, RegExp, Handler][] = [
  ['GET', /^\/account$/, htmlRoute(show)],
  ['POST', /^\/account\/disconnect$/, htmlRoute(disconnect)],
  ['POST', /^\/account\/withdraw$/, htmlRoute(withdraw)],
];
