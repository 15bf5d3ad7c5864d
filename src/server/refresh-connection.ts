/**
 * `refreshConnection()`: the integrator backend keeps a connection (granted with scope `offline_access`) alive past
 * its access token by sending the stored refresh token to the provider's token endpoint (openid-client 6
 * `refreshTokenGrant`; discovery, client authentication and ID token checks shared with `exchangeCode()`).
 *
 * Rotation: a provider may answer with a new refresh token (the old one is then spent) or without one (the old one
 * stays valid). The result always carries the one to store from now on, so a caller can simply save
 * `result.refreshToken`. Concurrent calls in this process with the same refresh token share one request, so a
 * rotating provider never sees the token twice from here (it would take that for theft and revoke the grant).
 *
 * A refreshed response may leave out the ID token (OIDC Core §12.2). When it has one, openid-client validates it
 * (signature against the cached JWKS, iss, aud, exp, iat, azp); its `sub` is compared with `expectedSubject` when given.
 */
import { createHash } from 'node:crypto';
import * as client from 'openid-client';
import { discover } from './discovery.js';
import { IdcServerError } from './errors.js';
import type { ExchangeCodeResult } from './exchange-code.js';
import { checkClientOptions, idTokenClaimsOf, requireString, tokenClient, tokenEndpointError } from './token-client.js';
import type { CheckedClientOptions, TokenClientOptions } from './token-client.js';

export interface RefreshConnectionOptions extends TokenClientOptions {
  /** The refresh token stored for this connection (from `exchangeCode()` or the last `refreshConnection()`). */
  refreshToken: string;
  /** The connection's `sub` (from the first ID token). A refreshed ID token for another subject ⇒ `invalid_id_token`. */
  expectedSubject?: string;
}

export interface RefreshConnectionResult extends Omit<ExchangeCodeResult, 'refreshToken' | 'idTokenClaims'> {
  /** The refresh token to store from now on: the rotated one, or the one passed in when the provider kept it. */
  refreshToken: string;
  /** Validated claims of the refreshed ID token; `undefined` when the provider sent none. */
  idTokenClaims: client.IDToken | undefined;
}

/** A refresh token the provider refused is `connection_revoked`; a malformed 2xx answer is `refresh_failed`. */
const REFRESH_REFUSALS = { invalid_grant: 'connection_revoked', invalid_client: 'invalid_client' } as const;

/** Refreshes in progress, keyed by a hash of the client and the refresh token. */
const inFlight = new Map<string, Promise<RefreshConnectionResult>>();

/**
 * Sends the refresh token to the token endpoint and returns fresh tokens; store `result.refreshToken`. Nothing is
 * retried. Concurrent calls with the same client and refresh token share one request (and the first call's `fetch`
 * and `timeout`); each checks its own `expectedSubject`. After an `invalid_id_token` the provider may already have
 * rotated the token: the connection is then usually lost (`connection_revoked` on the next call).
 *
 * @throws {IdcServerError} with `code`:
 * - `invalid_request` — missing/invalid options, or a plain-http issuer that is not localhost/127.0.0.1;
 * - `discovery_failed` — metadata unreachable or invalid (nothing was sent; retryable);
 * - `connection_revoked` — the provider answered `invalid_grant`: revoked, expired or already used; connect again;
 * - `invalid_client` — the provider refused the client credentials (`invalid_client`, or a 401/403 `unauthorized_client`);
 * - `refresh_failed` — network, timeout, another provider error or a malformed answer (retryable);
 * - `invalid_id_token` — the refreshed ID token failed validation, or its `sub` is not `expectedSubject`.
 * Messages never contain the refresh token, an access token or the client secret.
 */
export async function refreshConnection(options: RefreshConnectionOptions): Promise<RefreshConnectionResult> {
  const checked = checkClientOptions(options, 'refreshConnection');
  const refreshToken = requireString(options.refreshToken, 'refreshToken', 8192);
  const expectedSubject = options.expectedSubject;
  if (expectedSubject !== undefined) requireString(expectedSubject, 'expectedSubject', 512);

  const key = createHash('sha256')
    .update([checked.issuerUrl.href, checked.clientId, checked.clientSecret, checked.clientAuthMethod ?? '', refreshToken].join('\0'))
    .digest('base64url');
  let pending = inFlight.get(key);
  if (!pending) {
    pending = refresh(checked, refreshToken).finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  const result = await pending;
  if (expectedSubject !== undefined && result.idTokenClaims && result.idTokenClaims.sub !== expectedSubject) {
    throw new IdcServerError('invalid_id_token', { message: 'The refreshed ID token is for another subject than "expectedSubject".' });
  }
  return result;
}

async function refresh(checked: CheckedClientOptions, refreshToken: string): Promise<RefreshConnectionResult> {
  const { issuerUrl, insecure, timeout } = checked;
  const metadata = await discover(issuerUrl, insecure, { timeout, ...(checked.fetch ? { fetch: checked.fetch } : {}) });

  // The 2xx answer is read once before openid-client: its tokens join the strings scrubbed from errors, and whether
  // it is well-formed tells a malformed answer (`refresh_failed`) from one whose checks failed (`invalid_id_token`).
  const secrets: string[] = [refreshToken, checked.clientSecret];
  let wellFormed = false;
  const token = tokenClient(metadata, checked, async (response) => {
    const body = await jsonObject(response);
    for (const name of ['access_token', 'refresh_token', 'id_token']) {
      const value = body?.[name];
      if (typeof value === 'string') secrets.push(value);
    }
    wellFormed = typeof body?.access_token === 'string' && body.access_token !== '' && typeof body.token_type === 'string';
  });

  let tokens: Awaited<ReturnType<typeof client.refreshTokenGrant>>;
  try {
    tokens = await client.refreshTokenGrant(token.config, refreshToken);
  } catch (err) {
    const invalid = wellFormed ? 'invalid_id_token' : 'refresh_failed';
    throw tokenEndpointError(err, token, { refusals: REFRESH_REFUSALS, failed: 'refresh_failed', invalid }, secrets);
  } finally {
    token.saveJwksCache();
  }

  const idTokenClaims = idTokenClaimsOf(tokens, secrets);
  return {
    accessToken: tokens.access_token,
    refreshToken: typeof tokens.refresh_token === 'string' && tokens.refresh_token !== '' ? tokens.refresh_token : refreshToken,
    idTokenClaims,
    scope: typeof tokens.scope === 'string' ? tokens.scope : '',
    expiresIn: tokens.expiresIn(),
  };
}

/** The JSON object body of a response, read from a clone; `undefined` when it is not one. */
async function jsonObject(response: Response): Promise<Record<string, unknown> | undefined> {
  try {
    const body: unknown = await response.clone().json();
    return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
