/**
 * `exchangeCode()`: the integrator backend turns the `code` + `codeVerifier` from `idc-success` into tokens, with
 * openid-client 6 doing discovery, PKCE, client authentication and ID token validation (security item 25).
 *
 * How the openid-client checks are satisfied server-side: `authorizationCodeGrant()` wants the callback URL the
 * browser landed on. The backend only has the code, so the helper rebuilds it as `redirectUri?code=…&iss=…`:
 * - `iss` (RFC 9207) is the issuer from the discovered metadata. The browser kit already compared the `iss` it
 *   received with its authority (security item 10); a backend that has the raw `iss` can pass it as `options.iss`
 *   and it is compared here too (`issuer_mismatch`), before anything is sent.
 * - `state` is not part of the URL and not expected: it was checked in the browser, where it was created.
 * - the redirect URI must not carry a query: openid-client sends `redirect_uri` without one.
 * The ID token is required, its claims (iss, aud, exp, iat, azp, nonce) are validated, and its signature is checked
 * against the provider's JWKS (openid-client's non-repudiation checks; the JWKS is cached per issuer).
 *
 * Nonce: when the caller passes the request's nonce (`nonce` or `expectedNonce`), the ID token must carry exactly it.
 * When it passes none, the ID token's `nonce` is not compared: the fetch wrapper reads the `nonce` claim of the token
 * response's `id_token` and hands it to openid-client as the expected value, so openid-client's other checks
 * (signature, iss, aud, exp, iat, azp) all still run. This is safe because the code is bound to its transaction by PKCE
 * (RFC 9700 §2.1.1): only the holder of the verifier can redeem it, so the nonce adds no protection there.
 */
import { createHash } from 'node:crypto';
import * as client from 'openid-client';
import { discover, parseServerUrl, getIssuerJwksCache, setIssuerJwksCache, DEFAULT_TIMEOUT_SECS } from './discovery.js';
import type { FetchLike } from './discovery.js';
import { IdcServerError } from './errors.js';
import type { ServerErrorCode } from './errors.js';

export type { FetchLike } from './discovery.js';

export interface ExchangeCodeOptions {
  /** The issuer your backend is configured with (not a value sent by the browser). https, or http on localhost. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** `idc-success` detail `code`. Exchanged at most once per process (`code_reused` after that). */
  code: string;
  /** `idc-success` detail `codeVerifier` (RFC 7636: 43–128 unreserved characters). */
  codeVerifier: string;
  /** The redirect URI of the authorization request (`idc-success` detail `redirectUri`). No query, no fragment. */
  redirectUri: string;
  /**
   * The `nonce` sent in the authorization request (`idc-success` detail `nonce`). Recommended: when given, the ID
   * token must carry exactly this nonce (`invalid_id_token` otherwise). When neither `nonce` nor `expectedNonce` is
   * given, the ID token's nonce is not compared — PKCE already binds the code to the transaction (RFC 9700 §2.1.1).
   */
  nonce?: string;
  /** Same as `nonce` (the older name). Both given and different ⇒ `invalid_request`. */
  expectedNonce?: string;
  /** The raw `iss` authorization response parameter, when the backend has it. Must equal the issuer. */
  iss?: string;
  /** Token endpoint client authentication. Default: `client_secret_basic` when the provider supports it. */
  clientAuthMethod?: 'client_secret_basic' | 'client_secret_post';
  /** Replaces `fetch` for the token request, and for discovery and the JWKS when they are not cached yet. */
  fetch?: FetchLike;
  /** Seconds before a request to the provider is abandoned. Default 10. */
  timeout?: number;
}

export interface ExchangeCodeResult {
  accessToken: string;
  refreshToken?: string;
  /** Validated ID token claims (`sub`, `iss`, `aud`, `exp`, `iat`, …, plus e.g. `email`). */
  idTokenClaims: client.IDToken;
  /** Granted scope (space separated); the requested scope when the provider does not return one. */
  scope: string;
  /** Seconds until the access token expires, when the provider says. */
  expiresIn: number | undefined;
}

/** Codes this process has sent (or is sending) to a token endpoint, as SHA-256 hashes, until they expire. */
const usedCodes = new Map<string, number>();
const USED_CODE_TTL_MS = 10 * 60 * 1000;
let nextSweep = 0;

function markCodeUsed(issuer: string, clientId: string, code: string): boolean {
  const now = Date.now();
  if (now >= nextSweep) {
    nextSweep = now + 30_000;
    for (const [key, until] of usedCodes) if (until <= now) usedCodes.delete(key);
  }
  const key = createHash('sha256').update(`${issuer}\0${clientId}\0${code}`).digest('base64url');
  const until = usedCodes.get(key);
  if (until !== undefined && until > now) return false;
  usedCodes.set(key, now + USED_CODE_TTL_MS);
  return true;
}

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

function requireString(value: unknown, name: string, max = 4096): string {
  if (typeof value !== 'string' || value === '' || value.length > max) {
    throw new IdcServerError('invalid_request', { message: `"${name}" must be a non-empty string.` });
  }
  return value;
}

function parseRedirectUri(value: unknown): URL {
  const raw = requireString(value, 'redirectUri');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new IdcServerError('invalid_request', { message: '"redirectUri" is not a valid absolute URL.' });
  }
  if (url.search || url.hash || raw.includes('#')) {
    throw new IdcServerError('invalid_request', { message: '"redirectUri" must not contain a query or fragment.' });
  }
  return url;
}

/**
 * Exchanges an authorization code (with its PKCE verifier) at the provider's token endpoint and validates the
 * ID token. A code is sent at most once; nothing is retried.
 *
 * Only the options listed in {@link ExchangeCodeOptions} are read; any other key is ignored, so the `idc-success`
 * detail can be spread in. Put your own configuration last, so the browser's values never replace it:
 * `exchangeCode({ ...detail, issuer, clientId, clientSecret })` — `detail.issuer` and `detail.clientId` come from
 * the browser and must not choose the issuer or client. Passing the nonce (`detail.nonce`) is recommended: then it
 * is checked against the ID token; without it the ID token's nonce is not compared (PKCE binds the code).
 *
 * @throws {IdcServerError} with `code`:
 * - `invalid_request` — missing/invalid options, or a plain-http issuer that is not localhost/127.0.0.1;
 * - `discovery_failed` — metadata unreachable or invalid (nothing was sent; the same code may be tried again);
 * - `issuer_mismatch` — `options.iss` differs from the issuer;
 * - `code_reused` — this process already sent this code (nothing sent now);
 * - `invalid_grant` — the provider refused the code (used twice, expired, wrong verifier or redirect URI);
 * - `invalid_client` — the provider refused the client credentials;
 * - `exchange_failed` — the token request failed otherwise (network, provider error);
 * - `invalid_id_token` — the token response or its ID token failed validation.
 * Messages never contain the code, the verifier, the client secret or a token.
 */
export async function exchangeCode(options: ExchangeCodeOptions): Promise<ExchangeCodeResult> {
  if (typeof options !== 'object' || options === null) {
    throw new IdcServerError('invalid_request', { message: 'exchangeCode() needs an options object.' });
  }
  const { url: issuerUrl, insecure } = parseServerUrl(options.issuer, 'issuer');
  const clientId = requireString(options.clientId, 'clientId', 512);
  const clientSecret = requireString(options.clientSecret, 'clientSecret');
  const code = requireString(options.code, 'code');
  const codeVerifier = options.codeVerifier;
  if (typeof codeVerifier !== 'string' || !VERIFIER.test(codeVerifier)) {
    throw new IdcServerError('invalid_request', {
      message: '"codeVerifier" must be 43-128 characters of [A-Za-z0-9-._~] (RFC 7636).',
    });
  }
  const redirectUri = parseRedirectUri(options.redirectUri);
  if (options.nonce !== undefined) requireString(options.nonce, 'nonce', 512);
  if (options.expectedNonce !== undefined) requireString(options.expectedNonce, 'expectedNonce', 512);
  if (options.nonce !== undefined && options.expectedNonce !== undefined && options.nonce !== options.expectedNonce) {
    throw new IdcServerError('invalid_request', { message: '"nonce" and "expectedNonce" are both given and differ.' });
  }
  const expectedNonce = options.nonce ?? options.expectedNonce;
  if (options.iss !== undefined) requireString(options.iss, 'iss', 2048);
  if (options.clientAuthMethod !== undefined && !['client_secret_basic', 'client_secret_post'].includes(options.clientAuthMethod)) {
    throw new IdcServerError('invalid_request', { message: '"clientAuthMethod" must be client_secret_basic or client_secret_post.' });
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new IdcServerError('invalid_request', { message: '"fetch" must be a function.' });
  }
  const timeout = options.timeout ?? DEFAULT_TIMEOUT_SECS;
  if (typeof timeout !== 'number' || !(timeout > 0)) {
    throw new IdcServerError('invalid_request', { message: '"timeout" must be a positive number of seconds.' });
  }
  const secrets = [code, codeVerifier, clientSecret];
  const checks: client.AuthorizationCodeGrantChecks = { pkceCodeVerifier: codeVerifier, idTokenExpected: true };
  if (expectedNonce !== undefined) checks.expectedNonce = expectedNonce;

  const metadata = await discover(issuerUrl, insecure, { timeout, ...(options.fetch ? { fetch: options.fetch } : {}) });
  if (options.iss !== undefined && options.iss !== metadata.issuer) {
    throw new IdcServerError('issuer_mismatch', {
      message: 'The "iss" of the authorization response is not the configured issuer.',
    });
  }
  if (!metadata.token_endpoint) {
    throw new IdcServerError('discovery_failed', { message: 'The provider metadata has no token_endpoint.' });
  }

  const method = options.clientAuthMethod ?? pickAuthMethod(metadata);
  const config = new client.Configuration(
    metadata,
    clientId,
    { client_secret: clientSecret, token_endpoint_auth_method: method },
    method === 'client_secret_post' ? client.ClientSecretPost(clientSecret) : client.ClientSecretBasic(clientSecret),
  );
  config.timeout = timeout;
  if (insecure) client.allowInsecureRequests(config);
  client.enableNonRepudiationChecks(config);
  const jwksCache = getIssuerJwksCache(issuerUrl);
  if (jwksCache) client.setJwksCache(config, jwksCache);

  // Phase tracking: an error after the token endpoint answered 2xx is a validation failure, not a refusal.
  // Without a nonce from the caller, the ID token's own nonce claim becomes the expected value (see the module doc):
  // openid-client reads `checks.expectedNonce` only after the token response has arrived.
  const tokenEndpoint = metadata.token_endpoint;
  const baseFetch: FetchLike = options.fetch ?? ((url, init) => fetch(url, init as RequestInit));
  let tokenResponseOk = false;
  config[client.customFetch] = async (url, init) => {
    const response = await baseFetch(url, init);
    if (url === tokenEndpoint && response.ok) {
      tokenResponseOk = true;
      if (expectedNonce === undefined) {
        const nonce = await idTokenNonce(response);
        if (nonce === undefined) delete checks.expectedNonce;
        else checks.expectedNonce = nonce;
      }
    }
    return response;
  };

  const callbackUrl = new URL(redirectUri);
  callbackUrl.searchParams.set('code', code);
  callbackUrl.searchParams.set('iss', metadata.issuer);

  if (!markCodeUsed(metadata.issuer, clientId, code)) {
    throw new IdcServerError('code_reused', { message: 'This authorization code was already sent to the token endpoint.' });
  }

  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    tokens = await client.authorizationCodeGrant(config, callbackUrl, checks);
  } catch (err) {
    throw toExchangeError(err, tokenResponseOk, secrets);
  } finally {
    setIssuerJwksCache(issuerUrl, client.getJwksCache(config));
  }

  let idTokenClaims: client.IDToken | undefined;
  try {
    idTokenClaims = tokens.claims();
  } catch (err) {
    throw new IdcServerError('invalid_id_token', { message: 'The ID token could not be read.', cause: err, secrets });
  }
  if (!idTokenClaims) {
    throw new IdcServerError('invalid_id_token', { message: 'The token response has no ID token.' });
  }
  const result: ExchangeCodeResult = {
    accessToken: tokens.access_token,
    idTokenClaims,
    scope: typeof tokens.scope === 'string' ? tokens.scope : '',
    expiresIn: tokens.expiresIn(),
  };
  if (typeof tokens.refresh_token === 'string') result.refreshToken = tokens.refresh_token;
  return result;
}

/**
 * The `nonce` claim of the token response's `id_token`, read without verification (openid-client verifies the token
 * afterwards), from a clone so the response body stays unread. `undefined` when there is none or it cannot be read:
 * openid-client then expects no nonce, and a token that has one anyway (not a non-empty string) fails validation.
 */
async function idTokenNonce(response: Response): Promise<string | undefined> {
  try {
    const body: unknown = await response.clone().json();
    const idToken = (body as { id_token?: unknown } | null)?.id_token;
    if (typeof idToken !== 'string') return undefined;
    const payload: unknown = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8'));
    const nonce = (payload as { nonce?: unknown } | null)?.nonce;
    return typeof nonce === 'string' && nonce !== '' ? nonce : undefined;
  } catch {
    return undefined;
  }
}

function pickAuthMethod(metadata: client.ServerMetadata): 'client_secret_basic' | 'client_secret_post' {
  const supported = metadata.token_endpoint_auth_methods_supported;
  if (!Array.isArray(supported) || supported.includes('client_secret_basic')) return 'client_secret_basic';
  return supported.includes('client_secret_post') ? 'client_secret_post' : 'client_secret_basic';
}

function toExchangeError(err: unknown, tokenResponseOk: boolean, secrets: string[]): IdcServerError {
  if (err instanceof IdcServerError) return err;
  if (err instanceof client.ResponseBodyError) {
    const map: Record<string, ServerErrorCode> = { invalid_grant: 'invalid_grant', invalid_client: 'invalid_client' };
    const code = map[err.error] ?? 'exchange_failed';
    return new IdcServerError(code, {
      message: `The token endpoint answered ${err.status} ${String(err.error).slice(0, 64)}.`.replace(/[^\x20-\x7e]/g, ''),
      oauthError: err.error,
      ...(err.error_description !== undefined ? { oauthErrorDescription: err.error_description } : {}),
      cause: err,
      secrets,
    });
  }
  if (err instanceof client.WWWAuthenticateChallengeError) {
    return new IdcServerError(err.status === 401 ? 'invalid_client' : 'exchange_failed', {
      message: `The token endpoint answered ${err.status} with an authentication challenge.`,
      cause: err,
      secrets,
    });
  }
  if (tokenResponseOk) {
    return new IdcServerError('invalid_id_token', {
      message: 'The token response or its ID token failed validation.',
      cause: err,
      secrets,
    });
  }
  return new IdcServerError('exchange_failed', { message: 'The token request failed.', cause: err, secrets });
}
