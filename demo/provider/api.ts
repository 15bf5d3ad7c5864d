import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KitClient } from './clients.js';
import { basicCredentials, bearerToken, HttpError, readJsonObject, sendJson, sendJsonError } from '../shared/http.js';
import type { Handler, Kit } from './kit.js';
import { parseSelections } from './reuse.js';
import { SHARE_TOKEN_DEFAULT_TTL, SHARE_TOKEN_MAX_TTL, type ConnectContext } from './shares.js';

type Body = Record<string, unknown>;

function invalidToken(description: string): HttpError {
  return new HttpError(401, 'invalid_token', description, {
    'WWW-Authenticate': `Bearer error="invalid_token", error_description="${description}"`,
  });
}

/** The user disconnected the integrator (or the grant ended): the connection is over, not merely a bad token. */
function connectionRevoked(): HttpError {
  return new HttpError(401, 'connection_revoked', 'the user has revoked this connection; connect again', {
    'WWW-Authenticate': 'Bearer error="invalid_token", error_description="connection revoked"',
  });
}

/**
 * The connect token: an access token this provider issued to an integrator through the code exchange, still
 * valid, carrying `share`, whose grant still stands. Checked with oidc-provider's own AccessToken model.
 */
async function connectContext(kit: Kit, req: IncomingMessage): Promise<ConnectContext> {
  const value = bearerToken(req);
  if (!value) {
    throw new HttpError(401, 'invalid_token', 'send the connect token as Authorization: Bearer', {
      'WWW-Authenticate': 'Bearer',
    });
  }
  const token = await kit.provider.AccessToken.find(value);
  if (!token && (await kit.connections.revokedToken(value))) throw connectionRevoked();
  if (!token || token.isExpired || !token.accountId || !token.grantId) throw invalidToken('connect token is not valid');
  if (token.jkt || token['x5t#S256'] || token.aud !== undefined) throw invalidToken('connect token is not valid here');
  if (!token.scopes.has('share')) {
    throw new HttpError(403, 'insufficient_scope', 'the connect token does not carry the share scope', {
      'WWW-Authenticate': 'Bearer error="insufficient_scope", scope="share"',
    });
  }
  const integrator = kit.clients.get(token.clientId!);
  if (integrator?.role !== 'integrator') throw invalidToken('connect token was not issued to an integrator');
  const ctx = { accountId: token.accountId, integratorId: integrator.clientId, grantId: token.grantId };
  if (!(await grantActive(kit.provider, ctx))) throw connectionRevoked();
  return ctx;
}

/** The integrator's connect grant still exists (not revoked by sign-out or revocation) and is its own. */
export async function grantActive(provider: Kit['provider'], ctx: ConnectContext): Promise<boolean> {
  const grant = await provider.Grant.find(ctx.grantId);
  return !!grant && !grant.isExpired && grant.clientId === ctx.integratorId && grant.accountId === ctx.accountId;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A client of this role (any integrator or recipient when omitted) authenticated with HTTP Basic `client_id:secret`. */
function basicClient(kit: Kit, req: IncomingMessage, role?: 'integrator' | 'recipient'): KitClient {
  const creds = basicCredentials(req);
  const found = creds ? kit.clients.get(creds.id) : undefined;
  const client = found && (role ? found.role === role : found.role !== 'internal') ? found : undefined;
  if (!creds || !client?.clientSecret || !sameSecret(creds.secret, client.clientSecret)) {
    throw new HttpError(401, 'invalid_client', `authenticate as ${role ? `a ${role}` : 'a'} client with HTTP Basic`, {
      'WWW-Authenticate': 'Basic realm="idconnect", charset="UTF-8"',
    });
  }
  return client;
}

const recipientClient = (kit: Kit, req: IncomingMessage) => basicClient(kit, req, 'recipient');

/** `ttlInSecs`: an integer or a decimal string (`1800` or `"1800"`), 1–86400; default 1800. */
export function parseTtl(value: unknown): number {
  if (value === undefined) return SHARE_TOKEN_DEFAULT_TTL;
  const ttl = typeof value === 'string' && /^[0-9]{1,6}$/.test(value) ? Number(value) : value;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1 || ttl > SHARE_TOKEN_MAX_TTL) {
    throw new HttpError(400, 'invalid_request', `ttlInSecs must be an integer (or a decimal string) from 1 to ${SHARE_TOKEN_MAX_TTL}`);
  }
  return ttl;
}

function stringField(body: Body, name: string, { required = true, max = 512 } = {}): string | undefined {
  const value = body[name];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    throw new HttpError(400, 'invalid_request', `${name} must be a non-empty string`);
  }
  if (value.length > max) throw new HttpError(400, 'invalid_request', `${name} is longer than ${max} characters`);
  return value;
}

/** POST /api/share-token — `{ forClientId, ttlInSecs? }` → `{ token, forClientId, sharingAllowed, expiresIn }` */
const shareToken: Handler = async (kit, req, res) => {
  const ctx = await connectContext(kit, req);
  const body = await readJsonObject(req);
  const forClientId = stringField(body, 'forClientId', { max: 128 })!;
  const ttl = parseTtl(body['ttlInSecs']);
  const recipient = kit.shares.recipientFor(forClientId);
  const { token, sharingAllowed } = await kit.shares.mintShareToken(ctx, recipient, ttl);
  sendJson(res, 200, { token, forClientId, sharingAllowed, expiresIn: ttl });
};

/** POST /api/share-link — `{ redirectUri, forClientId, displayMode, state }` → `{ link, expiresIn }` */
const shareLink: Handler = async (kit, req, res) => {
  const ctx = await connectContext(kit, req);
  const body = await readJsonObject(req);
  const redirectUri = stringField(body, 'redirectUri', { max: 2048 })!;
  const forClientId = stringField(body, 'forClientId', { max: 128 })!;
  const state = stringField(body, 'state', { max: 512 })!;
  const displayMode = body['displayMode'] === undefined ? 'page' : body['displayMode'];
  if (displayMode !== 'page' && displayMode !== 'popup') {
    throw new HttpError(400, 'invalid_request', "displayMode must be 'page' or 'popup'");
  }
  const recipient = kit.shares.recipientFor(forClientId);
  const { id, expiresIn } = await kit.shares.createShareLink(ctx, recipient, { redirectUri, state, displayMode });
  sendJson(res, 200, { link: `${kit.issuer}/share/${id}`, expiresIn });
};

/** POST /api/consents/revoke — `{ forClientId }` → `{ forClientId, revoked }`; unused share tokens stop working. */
const revokeConsent: Handler = async (kit, req, res) => {
  const ctx = await connectContext(kit, req);
  const body = await readJsonObject(req);
  const recipient = kit.shares.recipientFor(stringField(body, 'forClientId', { max: 128 })!);
  const revoked = await kit.shares.revokeConsent(ctx, recipient.clientId);
  sendJson(res, 200, { forClientId: recipient.clientId, revoked });
};

/**
 * The request's fields from the JSON body, or — as the product documents call it — from the query string
 * (`?shareToken=…&levelName=…&userId=…`, with an empty body). Not both.
 */
async function bodyOrQuery(req: IncomingMessage, url: URL): Promise<Body> {
  const fromQuery = ['shareToken', 'levelName', 'userId'].some((name) => url.searchParams.has(name));
  if (!fromQuery) return readJsonObject(req);
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > 0 || req.headers['transfer-encoding']) {
    req.resume();
    throw new HttpError(400, 'invalid_request', 'send the fields either as query parameters or as a JSON body, not both');
  }
  const body: Body = {};
  for (const name of ['shareToken', 'levelName', 'userId']) {
    const values = url.searchParams.getAll(name);
    if (values.length > 1) throw new HttpError(400, 'invalid_request', `${name} appears more than once`);
    if (values.length === 1) body[name] = values[0];
  }
  return body;
}

/**
 * POST /api/reuse — `{ shareToken, levelName, userId?, selections? }` (or the first three as query parameters) →
 * `{ applicantId, externalUserId, levelName, status, review, checks, documents, missing }`
 */
const reuse: Handler = async (kit, req, res, _params, url) => {
  const recipient = recipientClient(kit, req);
  const body = await bodyOrQuery(req, url);
  const token = stringField(body, 'shareToken', { max: 1024 })!;
  const levelName = stringField(body, 'levelName', { max: 128 })!;
  const userId = stringField(body, 'userId', { required: false, max: 256 });
  const selections = parseSelections(body['selections']);
  sendJson(res, 200, await kit.shares.redeem(token, recipient, levelName, selections, userId));
};

/** POST /api/partnerships — the integrator adds a recipient: `{ recipientClientId }` → the partnership (pending). */
const createPartnership: Handler = async (kit, req, res) => {
  const integrator = basicClient(kit, req, 'integrator');
  const body = await readJsonObject(req);
  const recipientId = stringField(body, 'recipientClientId', { max: 128 })!;
  sendJson(res, 200, await kit.partnerships.create(integrator.clientId, recipientId));
};

/** POST /api/partnerships/:id/activate — the recipient accepts the integrator as a donor. */
const activatePartnership: Handler = async (kit, req, res, [id]) => {
  const recipient = recipientClient(kit, req);
  req.resume();
  sendJson(res, 200, await kit.partnerships.activate(id!, recipient.clientId));
};

/** GET /api/partnerships — the caller's partnerships, as integrator or recipient. */
const listPartnerships: Handler = async (kit, req, res) => {
  const client = basicClient(kit, req);
  sendJson(res, 200, { partnerships: await kit.partnerships.list(client.clientId) });
};

/** POST /api/reuse/documents — `{ shareToken, levelName? }` → documents + requirements; the token stays unused. */
const reuseDocuments: Handler = async (kit, req, res) => {
  const recipient = recipientClient(kit, req);
  const body = await readJsonObject(req);
  const token = stringField(body, 'shareToken')!;
  const levelName = stringField(body, 'levelName', { required: false, max: 128 });
  sendJson(res, 200, await kit.shares.peek(token, recipient, levelName));
};

/** Wraps an API route: every failure is a JSON `{ error, error_description }`, never a stack trace. */
function apiRoute(handler: Handler): Handler {
  return async (kit, req, res, params, url) => {
    try {
      await handler(kit, req, res, params, url);
    } catch (err) {
      if (!(err instanceof HttpError)) console.error('[provider] api failed:', (err as Error)?.name, (err as Error)?.message);
      const error = err instanceof HttpError ? err : new HttpError(500, 'server_error', 'the request could not be completed');
      if (!req.complete) {
        error.headers['Connection'] = 'close';
        req.resume();
      }
      if (!res.headersSent) sendJsonError(res, error);
    }
  };
}

export const apiRoutes: [string, RegExp, Handler][] = [
  ['POST', /^\/api\/share-token$/, apiRoute(shareToken)],
  ['POST', /^\/api\/share-link$/, apiRoute(shareLink)],
  ['POST', /^\/api\/consents\/revoke$/, apiRoute(revokeConsent)],
  ['POST', /^\/api\/reuse$/, apiRoute(reuse)],
  ['POST', /^\/api\/reuse\/documents$/, apiRoute(reuseDocuments)],
  ['POST', /^\/api\/partnerships$/, apiRoute(createPartnership)],
  ['GET', /^\/api\/partnerships$/, apiRoute(listPartnerships)],
  ['POST', /^\/api\/partnerships\/([\w-]{1,64})\/activate$/, apiRoute(activatePartnership)],
];

export function apiNotFound(res: ServerResponse, status: 404 | 405, allow?: string): void {
  sendJsonError(
    res,
    new HttpError(status, status === 404 ? 'not_found' : 'method_not_allowed', status === 404 ? 'no such route' : 'method not allowed', allow ? { Allow: allow } : {}),
  );
}
