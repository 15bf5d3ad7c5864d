/**
 * `exchangeCode()`: the integrator backend turns the `code` + `codeVerifier` from `idc-success` into tokens, with
 * openid-client 6 doing discovery, PKCE, client authentication and ID token validation (docs/security.md §25).
 *
 * How the openid-client checks are satisfied server-side: `authorizationCodeGrant()` wants the callback URL the
 * browser landed on. The backend only has the code, so the helper rebuilds it as `redirectUri?code=…&iss=…`:
 * - `iss` (RFC 9207) is the issuer from the discovered metadata. The browser kit already compared the `iss` it
 *   received with its authority (docs/security.md §10); a backend that has the raw `iss` can pass it as `options.iss`
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
import { discover } from './discovery.js';
import { IdcServerError } from './errors.js';
import { checkClientOptions, idTokenClaimsOf, requireString, tokenClient, tokenEndpointError } from './token-client.js';
import type { TokenClientOptions } from './token-client.js';

export type { FetchLike } from './discovery.js';

export interface ExchangeCodeOptions extends TokenClientOptions {
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

/** A refused code is `invalid_grant`; a response that fails validation is `invalid_id_token`. */
const EXCHANGE_ERRORS = {
  refusals: { invalid_grant: 'invalid_grant', invalid_client: 'invalid_client' },
  failed: 'exchange_failed',
  invalid: 'invalid_id_token',
} as const;

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
 * - `invalid_client` — the provider refused the client credentials (`invalid_client`, or a 401/403 `unauthorized_client`);
 * - `exchange_failed` — the token request failed otherwise (network, provider error);
 * - `invalid_id_token` — the token response or its ID token failed validation.
 * Messages never contain the code, the verifier, the client secret or a token.
 */
export async function exchangeCode(options: ExchangeCodeOptions): Promise<ExchangeCodeResult> {
  const checked = checkClientOptions(options, 'exchangeCode');
  const { clientSecret } = checked;
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
  const secrets = [code, codeVerifier, clientSecret];
  const checks: client.AuthorizationCodeGrantChecks = { pkceCodeVerifier: codeVerifier, idTokenExpected: true };
  if (expectedNonce !== undefined) checks.expectedNonce = expectedNonce;

  const { issuerUrl, insecure, timeout } = checked;
  const metadata = await discover(issuerUrl, insecure, { timeout, ...(checked.fetch ? { fetch: checked.fetch } : {}) });
  if (options.iss !== undefined && options.iss !== metadata.issuer) {
    throw new IdcServerError('issuer_mismatch', {
      message: 'The "iss" of the authorization response is not the configured issuer.',
    });
  }

  // Without a nonce from the caller, the ID token's own nonce claim becomes the expected value (see the module doc):
  // openid-client reads `checks.expectedNonce` only after the token response has arrived.
  const token = tokenClient(metadata, checked, async (response) => {
    if (expectedNonce !== undefined) return;
    const nonce = await idTokenNonce(response);
    if (nonce === undefined) delete checks.expectedNonce;
    else checks.expectedNonce = nonce;
  });

  const callbackUrl = new URL(redirectUri);
  callbackUrl.searchParams.set('code', code);
  callbackUrl.searchParams.set('iss', metadata.issuer);

  if (!markCodeUsed(metadata.issuer, checked.clientId, code)) {
    throw new IdcServerError('code_reused', { message: 'This authorization code was already sent to the token endpoint.' });
  }

  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    tokens = await client.authorizationCodeGrant(token.config, callbackUrl, checks);
  } catch (err) {
    throw tokenEndpointError(err, token, EXCHANGE_ERRORS, secrets);
  } finally {
    token.saveJwksCache();
  }

  const idTokenClaims = idTokenClaimsOf(tokens, secrets);
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
