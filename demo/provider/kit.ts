import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { Accounts } from './accounts.js';
import type { ClientDirectory, KitClient } from './clients.js';
import type { Csrf } from './csrf.js';
import { HttpError } from '../shared/http.js';
import { messages, pickLocale, type MessageKey, type Messages } from './i18n.js';
import type { Connections } from './connections.js';
import type { EmailCodes } from './email-codes.js';
import type { ShareService } from './shares.js';
import type { KitStore } from './store.js';
import type { LivenessService } from './liveness/service.js';
import type { Partnerships } from './partnerships.js';
import type { Sandbox } from './sandbox.js';
import type { LoginThrottle } from './throttle.js';
import type { Webhooks } from './webhooks.js';
import type { Verification } from './verification.js';
import { messageBody, newNonce, page, sendHtml, type MessageView } from './views.js';

/** What the provider's own routes share. */
export interface Kit {
  provider: Provider;
  issuer: string;
  accounts: Accounts;
  clients: ClientDirectory;
  shares: ShareService;
  csrf: Csrf;
  coop: boolean;
  uiBundlePath: string;
  /** the selfie element's bundle (default dist/idconnect-kit-liveness.js) */
  livenessBundlePath?: string;
  showDemoHint: boolean;
  /** the provider runs behind a reverse proxy that appends the client's address to `X-Forwarded-For` */
  trustProxy: boolean;
  store: KitStore;
  emailCodes: EmailCodes;
  throttle: LoginThrottle;
  verification: Verification;
  connections: Connections;
  partnerships: Partnerships;
  webhooks: Webhooks;
  /** the ownership check (selfie: liveness and face match, docs/security.md §42) */
  liveness: LivenessService;
  /** the sandbox accounts' scripted outcomes; only in the demo configuration (`dev`) */
  sandbox?: Sandbox;
}

export type Handler = (kit: Kit, req: IncomingMessage, res: ServerResponse, params: string[], url: URL) => Promise<void>;

export function requestMessages(req: IncomingMessage, uiLocales?: unknown): Messages {
  return messages(pickLocale(uiLocales, req.headers['accept-language']));
}

/**
 * The address a request came from, for per-address limits: the socket's peer, or behind a trusted proxy the
 * last `X-Forwarded-For` entry (the one the proxy appended; entries before it are the client's own claims).
 */
export function clientAddress(kit: Pick<Kit, 'trustProxy'>, req: IncomingMessage): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (!kit.trustProxy) return peer;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
  return hops.map((h) => h.trim()).filter(Boolean).pop() ?? peer;
}

/** The signed-in account at the provider (oidc-provider's session cookie), read without changing anything. */
export async function currentSession(kit: Kit, req: IncomingMessage, res: ServerResponse) {
  const getSession = kit.provider.Session.get as unknown as (ctx: {
    req: IncomingMessage;
    res: ServerResponse;
  }) => ReturnType<typeof kit.provider.Session.get>;
  const session = await getSession.call(kit.provider.Session, { req, res });
  const account = session.accountId ? await kit.accounts.findById(session.accountId) : undefined;
  return { uid: session.uid, account };
}

/** A full-page message (expired link, wrong account, …) with the security headers of every screen. */
export function sendMessagePage(
  kit: Kit,
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  key: MessageKey,
  options: { m?: Messages; link?: MessageView['link']; title?: MessageKey } = {},
): void {
  const m = options.m ?? requestMessages(req);
  const title = m.t(options.title ?? 'errorTitle');
  const nonce = newNonce();
  const body = messageBody({ title, text: m.t(key), link: options.link });
  sendHtml(res, status, page({ m, title, nonce, body }), nonce, { coop: kit.coop });
}

/** Status and message key for an error met while serving an HTML screen. */
export function pageError(err: unknown): { status: number; key: MessageKey } {
  if (err instanceof HttpError) return { status: err.status, key: err.status === 403 ? 'errorForm' : 'errorGeneric' };
  const name = (err as { name?: string } | null)?.name;
  if (name === 'SessionNotFound') return { status: 400, key: 'requestExpired' };
  return { status: 500, key: 'errorGeneric' };
}

/** Client details for `<idc-consent-screen>`: names as text, logos only over https. */
export function screenParty(client: KitClient | undefined, fallbackId: string) {
  const https = (u: string | undefined) => (u && /^https:\/\//i.test(u) ? u : undefined);
  const http = (u: string | undefined) => (u && /^https?:\/\//i.test(u) ? u : undefined);
  return {
    name: client?.name ?? fallbackId,
    clientId: client?.clientId ?? fallbackId,
    logoUrl: https(client?.logoUri),
    url: http(client?.clientUri),
    privacyPolicyUrl: http(client?.policyUri),
  };
}

export function originOf(uri: unknown): string[] {
  if (typeof uri !== 'string') return [];
  try {
    const { origin } = new URL(uri);
    return origin === 'null' ? [] : [origin];
  } catch {
    return [];
  }
}

/** Wraps an HTML route: failures become a page with a clear message, never a stack trace. */
export function htmlRoute(handler: Handler): Handler {
  return async (kit, req, res, params, url) => {
    try {
      await handler(kit, req, res, params, url);
    } catch (err) {
      const { status, key } = pageError(err);
      if (status >= 500) console.error('[provider] page failed:', (err as Error)?.name, (err as Error)?.message);
      if (!res.headersSent) sendMessagePage(kit, req, res, status, key);
    }
  };
}
