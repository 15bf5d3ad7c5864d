/**
 * Integrator demo site ("Acme Marketplace"): the page embeds `<idc-verify-button>`; this backend exchanges the code
 * for a connect token (kept server-side in the session), mints a share token per recipient at the provider, collects
 * per-recipient consent through `<idc-share-button>` when the provider says sharing is not yet allowed, verifies the
 * consent JWT, and hands the share token to the recipient's backend.
 *
 * Routes: GET / · GET /callback · GET /share-callback · GET /kit/* (the built kit) ·
 * GET /api/session · POST /api/connect · POST /api/disconnect · POST /api/share · POST /api/share-link · POST /api/consent
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createGatewayClient, exchangeCode, isIdcServerError, refreshConnection, verifyConsentToken } from '../../src/server/index.js';
import { INTEGRATOR, RECIPIENTS, recipientById, type RecipientFixture } from '../shared/fixtures.js';
import {
  HttpError,
  Sessions,
  idcToHttp,
  fill,
  postJson,
  randomId,
  readJson,
  requireSameOrigin,
  sendError,
  sendHtml,
  sendJson,
  serveStatic,
  str,
  listen,
  type RunningSite,
} from '../shared/http.js';

export type { RunningSite } from '../shared/http.js';

export interface IntegratorOptions {
  /** Port to listen on; 0 picks a free one. Default 5173. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** This site's public origin (used for redirect URIs and the same-origin check). Default http://localhost:<port>. */
  origin?: string;
  /** The provider's issuer URL. Default http://localhost:4000. */
  providerIssuer?: string;
  /** The recipient site's origin (backend-to-backend hand-off). Default http://localhost:5174. */
  recipientOrigin?: string;
  /** Directory of the built kit (`npm run build`). Default <repo>/dist. */
  distDir?: string;
  log?: (line: string) => void;
  /**
   * A file where each visitor's connection (connect token + refresh token) is kept, so it survives a restart of this
   * site too (`npm start` uses .data/integrator-connections.json, mode 0600). Default: memory only.
   */
  connectionsFile?: string;
}


type ReuseMode = 'api' | 'sdk';

/** What the integrator keeps of a hand-off: that it happened and where the user continues — never a verdict. */
interface ShareResult {
  recipient: string;
  mode: ReuseMode;
  url: string;
}

/**
 * The user's lasting connection, kept on this server only: the connect token (an access token) and, since the page
 * asks for `offline_access`, the refresh token that renews it after it expires (and across provider restarts).
 */
interface Connection {
  accessToken: string;
  refreshToken?: string;
  sub: string;
  email?: string;
  /** epoch ms when the access token expires */
  expiresAt: number;
}

interface IntegratorSession {
  connect?: Connection;
  /** Per recipient: the `state` bound to a share-consent round trip, and the reuse mode the user picked. */
  pending: Map<string, { state: string; mode: ReuseMode; linkIssued: boolean }>;
  results: Map<string, ShareResult>;
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const PUBLIC_DIR = here('./public/');
const SHARED_PUBLIC_DIR = here('../shared/public/');
const DEFAULT_DIST = here('../../dist/');
const INDEX_TEMPLATE = readFileSync(here('./public/index.html'), 'utf8');
const CALLBACK_PAGE = readFileSync(here('./public/callback.html'), 'utf8');

export async function startIntegrator(options: IntegratorOptions = {}): Promise<RunningSite> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((line: string) => console.log(`[integrator] ${line}`));
  const issuer = (options.providerIssuer ?? 'http://localhost:4000').replace(/\/$/, '');
  const recipientOrigin = (options.recipientOrigin ?? 'http://localhost:5174').replace(/\/$/, '');
  const distDir = options.distDir ?? DEFAULT_DIST;
  const gateway = createGatewayClient({ issuer, clientId: INTEGRATOR.clientId, clientSecret: INTEGRATOR.clientSecret });
  const fresh = (): IntegratorSession => ({ pending: new Map(), results: new Map() });
  // a lasting connection lives as long as its refresh token may (14 days at the reference provider)
  const sessions = new Sessions<IntegratorSession>('idc_demo_integrator', fresh, 14 * 24 * 3600_000, options.connectionsFile ? {
    file: options.connectionsFile,
    save: (session) => ({ connect: session.connect ?? null }),
    load: (saved) => ({ ...fresh(), ...((saved as { connect?: Connection | null })?.connect ? { connect: (saved as { connect: Connection }).connect } : {}) }),
  } : undefined);

  let origin = options.origin?.replace(/\/$/, '') ?? '';
  const connectRedirectUri = () => `${origin}/callback`;
  const shareRedirectUri = () => `${origin}/share-callback`;

  /** A connection that can still be used: an unexpired connect token, or a refresh token to renew it. */
  function connected(session: IntegratorSession): Connection {
    const connect = session.connect;
    if (!connect || (connect.expiresAt <= Date.now() && !connect.refreshToken)) {
      session.connect = undefined;
      throw new HttpError(401, 'not_connected', 'Connect your ID account first.');
    }
    return connect;
  }

  function recipientFrom(body: Record<string, unknown>): RecipientFixture {
    const recipient = recipientById(body.forClientId);
    if (!recipient) throw new HttpError(400, 'unknown_recipient', 'Pick one of the listed recipients.');
    return recipient;
  }

  function connectionLost(session: IntegratorSession): HttpError {
    session.connect = undefined;
    sessions.save();
    session.pending.clear();
    return new HttpError(401, 'connection_revoked', 'Your ID account connection was ended. Connect again to share.');
  }

  /** Renews the connect token with the refresh token (the provider may rotate it; the new one is kept). */
  async function refresh(session: IntegratorSession, connect: Connection): Promise<Connection> {
    if (!connect.refreshToken) throw connectionLost(session);
    try {
      const tokens = await refreshConnection({
        issuer,
        clientId: INTEGRATOR.clientId,
        clientSecret: INTEGRATOR.clientSecret,
        refreshToken: connect.refreshToken,
        expectedSubject: connect.sub,
      });
      const renewed: Connection = {
        ...connect,
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken,
        expiresAt: Date.now() + (tokens.expiresIn ?? 600) * 1000,
      };
      session.connect = renewed;
      sessions.save();
      log('renewed the connect token');
      return renewed;
    } catch (err) {
      if (isIdcServerError(err) && err.code === 'connection_revoked') throw connectionLost(session);
      throw err;
    }
  }

  /**
   * Calls the provider's Gateway API with the connect token, renewing it first when it has expired, and once more
   * when the provider refuses it as invalid. A revoked connection (the user pressed Disconnect in their ID account)
   * ends it.
   */
  async function withConnectToken<T>(session: IntegratorSession, call: (connectToken: string) => Promise<T>): Promise<T> {
    let connect = connected(session);
    if (connect.expiresAt - 30_000 <= Date.now() && connect.refreshToken) connect = await refresh(session, connect);
    for (let attempt = 0; ; attempt++) {
      try {
        return await call(connect.accessToken);
      } catch (err) {
        if (!isIdcServerError(err)) throw err;
        if (err.code === 'connection_revoked') throw connectionLost(session);
        if (err.status !== 401) throw err;
        if (attempt > 0 || !connect.refreshToken) throw connectionLost(session);
        connect = await refresh(session, connect);
      }
    }
  }

  /** Mints a share token for the recipient and hands it to the recipient's backend (never to the browser). */
  async function mintAndHandOff(session: IntegratorSession, recipient: RecipientFixture, mode: ReuseMode) {
    const minted = await withConnectToken(session, (connectToken) =>
      gateway.shareToken({ connectToken, forClientId: recipient.clientId, ttlInSecs: 600 }),
    );
    if (minted.sharingAllowed !== true) return { sharingAllowed: false as const };
    if (typeof minted.token !== 'string') throw new HttpError(502, 'upstream_invalid_response', 'No share token.');
    const received = await postJson(`${recipientOrigin}/api/receive-share`, {
      shareToken: minted.token,
      forClientId: recipient.clientId,
      donorClientId: INTEGRATOR.clientId,
      mode,
    });
    const url = typeof received.url === 'string' && received.url.startsWith(`${recipientOrigin}/`) ? received.url : `${recipientOrigin}/`;
    // The recipient may take the SDK-style flow although `api` was asked: a level that takes a selfie needs the user
    // on its reuse page (the provider's ownership check, docs/security.md §42).
    const used: ReuseMode = received.mode === 'sdk' ? 'sdk' : mode;
    const result: ShareResult = { recipient: recipient.clientId, mode: used, url };
    session.results.set(recipient.clientId, result);
    log(`shared with ${recipient.clientId} (${used})`);
    return { sharingAllowed: true as const, result };
  }

  function sessionView(session: IntegratorSession) {
    const connect = session.connect && (session.connect.expiresAt > Date.now() || session.connect.refreshToken) ? session.connect : undefined;
    return {
      connected: Boolean(connect),
      email: connect?.email ?? null,
      recipients: RECIPIENTS.map((r) => ({
        clientId: r.clientId,
        name: r.name,
        result: session.results.get(r.clientId) ?? null,
      })),
    };
  }

  async function api(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const session = sessions.get(req, res);
    if (req.method === 'GET' && path === '/api/session') return sendJson(res, 200, sessionView(session));
    if (req.method !== 'POST') throw new HttpError(405, 'method_not_allowed', 'Use POST.');
    requireSameOrigin(req, origin);
    const body = await readJson(req);

    switch (path) {
      case '/api/connect': {
        // The browser relays what <idc-verify-button> returned; only the code and verifier are taken from it —
        // issuer, client and redirect URI are this backend's own configuration.
        if (body.issuer !== undefined && body.issuer !== issuer && body.issuer !== `${issuer}/`) {
          throw new HttpError(400, 'issuer_mismatch', 'The code came from an unexpected issuer.');
        }
        const tokens = await exchangeCode({
          issuer,
          clientId: INTEGRATOR.clientId,
          clientSecret: INTEGRATOR.clientSecret,
          code: str(body, 'code'),
          codeVerifier: str(body, 'codeVerifier', 128),
          redirectUri: connectRedirectUri(),
          ...(typeof body.nonce === 'string' ? { expectedNonce: body.nonce } : {}),
        });
        const claims = tokens.idTokenClaims as Record<string, unknown>;
        session.connect = {
          accessToken: tokens.accessToken,
          ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
          sub: String(claims.sub),
          expiresAt: Date.now() + (tokens.expiresIn ?? 600) * 1000,
          ...(typeof claims.email === 'string' ? { email: claims.email } : {}),
        };
        session.pending.clear();
        session.results.clear();
        sessions.save();
        log('connected an ID account');
        return sendJson(res, 200, sessionView(session));
      }
      case '/api/disconnect': {
        sessions.destroy(req, res);
        return sendJson(res, 200, { connected: false });
      }
      case '/api/share': {
        const recipient = recipientFrom(body);
        const mode: ReuseMode = body.mode === 'sdk' ? 'sdk' : 'api';
        const outcome = await mintAndHandOff(session, recipient, mode);
        if (outcome.sharingAllowed) return sendJson(res, 200, { status: 'shared', result: outcome.result });
        // No consent for this recipient yet: bind a fresh state to the session for the consent round trip.
        const state = randomId();
        session.pending.set(recipient.clientId, { state, mode, linkIssued: false });
        return sendJson(res, 200, { status: 'consent_required', state, recipientName: recipient.name });
      }
      case '/api/share-link': {
        const recipient = recipientFrom(body);
        const pending = session.pending.get(recipient.clientId);
        if (!pending) throw new HttpError(409, 'no_consent_pending', 'Pick the recipient again.');
        const created = await withConnectToken(session, (connectToken) =>
          gateway.shareLink({
            connectToken,
            redirectUri: shareRedirectUri(),
            forClientId: recipient.clientId,
            displayMode: body.displayMode === 'page' ? 'page' : 'popup',
            state: pending.state,
          }),
        );
        if (typeof created.link !== 'string') throw new HttpError(502, 'upstream_invalid_response', 'No link.');
        pending.linkIssued = true;
        return sendJson(res, 200, { link: created.link, expiresIn: created.expiresIn ?? null });
      }
      case '/api/consent': {
        const recipient = recipientFrom(body);
        const pending = session.pending.get(recipient.clientId);
        if (!pending?.linkIssued) throw new HttpError(409, 'no_consent_pending', 'Pick the recipient again.');
        session.pending.delete(recipient.clientId); // the state is single-use, whatever the outcome
        const consent = await verifyConsentToken(str(body, 'token', 8192), {
          issuer,
          audience: INTEGRATOR.clientId,
          expectedState: pending.state,
          forClientId: recipient.clientId,
        });
        if (consent.sub !== connected(session).sub) {
          throw new HttpError(403, 'account_mismatch', 'The consent was given by a different ID account.');
        }
        if (!consent.sharingAllowed) {
          throw new HttpError(403, 'consent_declined', `You declined sharing with ${recipient.name}.`);
        }
        const outcome = await mintAndHandOff(session, recipient, pending.mode);
        if (!outcome.sharingAllowed) {
          throw new HttpError(409, 'consent_not_recorded', 'The provider has not recorded the consent.');
        }
        return sendJson(res, 200, { status: 'shared', result: outcome.result });
      }
      default:
        throw new HttpError(404, 'not_found', 'No such route.');
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path.startsWith('/api/')) return api(req, res, path);
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'method_not_allowed', 'Use GET.');
    if (path === '/') {
      const html = fill(INDEX_TEMPLATE, {
        issuer,
        clientId: INTEGRATOR.clientId,
        redirectUri: connectRedirectUri(),
        recipientOrigin,
      });
      return sendHtml(res, html, [issuer]);
    }
    if (path === '/callback' || path === '/share-callback') return sendHtml(res, CALLBACK_PAGE);
    if (path.startsWith('/kit/') && (await serveStatic(res, distDir, path.slice('/kit/'.length)))) return;
    if ((path === '/demo.css' || path === '/call.js') && (await serveStatic(res, SHARED_PUBLIC_DIR, path.slice(1)))) return;
    if (/^\/[\w-]+\.js$/.test(path) && (await serveStatic(res, PUBLIC_DIR, path.slice(1)))) return;
    if (path.startsWith('/kit/')) {
      throw new HttpError(404, 'kit_not_built', 'The kit is not built: run `npm run build` (npm start does it).');
    }
    throw new HttpError(404, 'not_found', 'No such page.');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      // The server helpers' errors carry a stable code and a message free of secrets: pass both on.
      if (isIdcServerError(err)) {
        log(`${err.providerCode ?? err.code}: ${err.message}`);
        err = idcToHttp(err);
      }
      sendError(res, err, log);
    });
  });
  const site = await listen(server, options.port ?? 5173, host, origin || undefined);
  origin ||= site.url; // the handlers read it: redirect URIs and the same-origin check
  return site;
}
