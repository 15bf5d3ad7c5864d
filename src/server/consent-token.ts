/**
 * `verifyConsentToken()`: the integrator backend checks the provider-signed share-consent JWT that
 * `<idc-share-button>` brought back (docs/security.md §19–24), with jose.
 *
 * Order of checks: shape, size and header first, with no network at all (a token cannot make the backend fetch
 * anything); then the signature against the provider's JWKS; then the claims; then, last, the replay store, so a
 * token that fails any check does not burn its `jti`.
 */
import { timingSafeEqual } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import type { JWTPayload, ProtectedHeaderParameters } from 'jose';
import { discover, parseServerUrl } from './discovery.js';
import { IdcServerError } from './errors.js';
import { remoteKeys } from './jwks.js';
import { MemoryReplayStore } from './replay-store.js';
import type { ReplayStore } from './replay-store.js';

/**
 * Default header `typ` of a consent token (compared case-insensitively, `application/` prefix optional, RFC 8725
 * §3.11). A provider that signs consent tokens with another `typ` is configured with the `typ` option.
 */
export const CONSENT_TOKEN_TYPE = 'share-consent+jwt';
/** Longest accepted token, in characters. */
export const MAX_CONSENT_TOKEN_LENGTH = 8192;

const ASYMMETRIC_ALGORITHMS = new Set([
  'ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA', 'Ed25519',
]);
/** Header parameters that would make a verifier fetch or trust key material chosen by the token. */
const FORBIDDEN_HEADERS = ['jku', 'x5u', 'jwk', 'x5c', 'crit', 'b64'] as const;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** A `typ` option: a media type name (RFC 6838 §4.2 restricted-name), optionally `type/subtype`. */
const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}(?:\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126})?$/;

const defaultReplayStore = new MemoryReplayStore();

export interface VerifyConsentTokenOptions {
  /** The provider's issuer; the token's `iss` must equal it exactly. */
  issuer: string;
  /** Your (the integrator's) client id; the token's `aud` must contain it. */
  audience: string;
  /** The state your backend bound to the user's session when it asked for the share link. */
  expectedState: string;
  /** When given, the token's `forClientId` (the recipient) must equal it. */
  forClientId?: string;
  /** The provider's JWKS URL. Default: `jwks_uri` of the issuer's discovery document (cached). */
  jwksUri?: string;
  /** Seconds of clock skew allowed for `exp`, `nbf` and `iat`. Default 30, at most 300. */
  clockTolerance?: number;
  /** Where accepted `jti`s are remembered. Default: one in-memory store for the process. */
  replayStore?: ReplayStore;
  /** Accepted signature algorithms, asymmetric only. Default `['ES256']`. */
  algorithms?: string[];
  /** Longest accepted token lifetime (`exp − iat`) in seconds. Default 300. */
  maxLifetime?: number;
  /** Seconds after a JWKS fetch during which an unknown `kid` does not refetch. Default 30. */
  jwksCooldown?: number;
  /** Seconds before the JWKS (or discovery) request is abandoned. Default 5. */
  timeout?: number;
  /**
   * The header `typ` the provider puts on consent tokens; the token's `typ` must equal it (case-insensitive,
   * `application/` prefix optional). Default `share-consent+jwt`. Only for a provider that uses another value: a
   * generic `typ` such as `JWT` lets other JWTs of the same issuer reach the claim checks, which then are the only
   * thing that tells them apart (keep `algorithms` as narrow as the provider allows).
   */
  typ?: string;
}

export interface ConsentTokenResult {
  sharingAllowed: boolean;
  /** The provider's subject (user) identifier. */
  sub: string;
  /** The recipient the consent is about. */
  forClientId: string;
  state: string;
  jti: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

function invalid(message: string, cause?: unknown): IdcServerError {
  return new IdcServerError('invalid_token', cause === undefined ? { message } : { message, cause });
}

function badOption(message: string): IdcServerError {
  return new IdcServerError('invalid_request', { message });
}

function nonEmpty(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '' || value.length > 2048) {
    throw badOption(`"${name}" must be a non-empty string.`);
  }
  return value;
}

function seconds(value: unknown, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max) {
    throw badOption(`"${name}" must be a number of seconds between 0 and ${max}.`);
  }
  return value;
}

function normalizeTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The `typ` option, checked and normalised. Throws `invalid_request`. */
function expectedTyp(value: unknown): string {
  if (value === undefined) return CONSENT_TOKEN_TYPE;
  if (typeof value !== 'string' || !MEDIA_TYPE.test(value)) {
    throw badOption('"typ" must be a media type name such as "share-consent+jwt".');
  }
  return normalizeTyp(value);
}

/** Everything that can be decided from the token alone. Throws `invalid_token`; never touches the network. */
function precheck(token: unknown, algorithms: readonly string[], typ: string): ProtectedHeaderParameters {
  if (typeof token !== 'string' || token === '') throw invalid('The consent token must be a non-empty string.');
  if (token.length > MAX_CONSENT_TOKEN_LENGTH) {
    throw invalid(`The consent token is longer than ${MAX_CONSENT_TOKEN_LENGTH} characters.`);
  }
  if (!COMPACT_JWS.test(token)) throw invalid('The consent token is not a signed compact JWT.');
  let header: ProtectedHeaderParameters;
  let payload: JWTPayload;
  try {
    header = decodeProtectedHeader(token);
    payload = decodeJwt(token);
  } catch (err) {
    throw invalid('The consent token could not be decoded.', err);
  }
  for (const name of FORBIDDEN_HEADERS) {
    if (name in header) throw invalid(`The consent token header must not contain "${name}".`);
  }
  if (typeof header.alg !== 'string' || !algorithms.includes(header.alg)) {
    throw invalid('The consent token is signed with an algorithm that is not allowed.');
  }
  if (typeof header.typ !== 'string' || normalizeTyp(header.typ) !== typ) {
    throw invalid(`The consent token header "typ" must be "${typ}".`);
  }
  if (header.kid !== undefined && (typeof header.kid !== 'string' || header.kid.length > 256)) {
    throw invalid('The consent token header "kid" is invalid.');
  }
  if (typeof payload.exp !== 'number') throw invalid('The consent token has no "exp".');
  return header;
}

/**
 * Verifies a provider-signed consent JWT (`<idc-share-button>`'s `idc-consent` detail `token`) and accepts its `jti`
 * once.
 *
 * @throws {IdcServerError} with `code`:
 * - `invalid_request` — missing or invalid options (e.g. a symmetric algorithm, a plain-http non-localhost URL, an
 *   empty `typ`);
 * - `invalid_token` — not a string, longer than 8192 characters, malformed, `alg` not allowed (`none`, HS256, …),
 *   `typ` not `share-consent+jwt` (or `options.typ`), a `jku`/`x5u`/`jwk`/`x5c`/`crit`/`b64` header (all before
 *   any network request), no key for its `kid`, bad signature, wrong `iss` or `aud`, `nbf`/`iat` in the future,
 *   missing claims, lifetime above `maxLifetime`, `sharingAllowed` not a boolean;
 * - `token_expired` — `exp` passed (beyond `clockTolerance`);
 * - `state_mismatch` — `state` is not `expectedState`;
 * - `recipient_mismatch` — `forClientId` is not `options.forClientId`;
 * - `token_replayed` — this `jti` was accepted before;
 * - `jwks_unavailable` — the discovery document or the JWKS could not be loaded (fail closed);
 * - `replay_check_failed` — the replay store threw (fail closed).
 * Messages never contain the token.
 */
export async function verifyConsentToken(token: string, options: VerifyConsentTokenOptions): Promise<ConsentTokenResult> {
  if (typeof options !== 'object' || options === null) throw badOption('verifyConsentToken() needs an options object.');
  const { url: issuerUrl, insecure } = parseServerUrl(options.issuer, 'issuer');
  const issuer = options.issuer;
  const audience = nonEmpty(options.audience, 'audience');
  const expectedState = nonEmpty(options.expectedState, 'expectedState');
  if (options.forClientId !== undefined) nonEmpty(options.forClientId, 'forClientId');
  const jwks = options.jwksUri === undefined ? undefined : parseServerUrl(options.jwksUri, 'jwksUri').url;
  const clockTolerance = seconds(options.clockTolerance, 'clockTolerance', 30, 300);
  const maxLifetime = seconds(options.maxLifetime, 'maxLifetime', 300, 86_400);
  const cooldown = seconds(options.jwksCooldown, 'jwksCooldown', 30, 3600);
  const timeout = seconds(options.timeout, 'timeout', 5, 60);
  const algorithms = options.algorithms ?? ['ES256'];
  if (!Array.isArray(algorithms) || algorithms.length === 0 || !algorithms.every((a) => ASYMMETRIC_ALGORITHMS.has(a))) {
    throw badOption(`"algorithms" must list asymmetric JWS algorithms only (${[...ASYMMETRIC_ALGORITHMS].join(', ')}).`);
  }
  const typ = expectedTyp(options.typ);
  const replayStore = options.replayStore ?? defaultReplayStore;
  if (typeof replayStore?.consume !== 'function') throw badOption('"replayStore" must have a consume(jti, exp) method.');

  precheck(token, algorithms, typ);

  let jwksUri = jwks;
  if (!jwksUri) {
    let announced: string | undefined;
    try {
      announced = (await discover(issuerUrl, insecure, { timeout })).jwks_uri;
    } catch (err) {
      throw new IdcServerError('jwks_unavailable', {
        message: `The discovery document of ${issuerUrl.origin} could not be loaded.`,
        cause: err,
      });
    }
    if (!announced) throw new IdcServerError('jwks_unavailable', { message: 'The provider metadata has no jwks_uri.' });
    jwksUri = new URL(announced); // checked by discover(): https, or loopback http for a loopback issuer
  }

  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, remoteKeys(jwksUri, { cooldown, timeout }), {
      algorithms,
      issuer,
      audience,
      typ,
      clockTolerance,
      requiredClaims: ['iss', 'aud', 'exp', 'iat', 'sub', 'jti'],
    }));
  } catch (err) {
    if (err instanceof IdcServerError) throw err;
    if (err instanceof errors.JWTExpired) throw new IdcServerError('token_expired', { cause: err });
    if (err instanceof errors.JWTClaimValidationFailed) {
      throw invalid(`The consent token's "${err.claim}" claim is ${err.reason === 'missing' ? 'missing' : 'not valid'}.`, err);
    }
    if (err instanceof errors.JWKSNoMatchingKey) throw invalid('No key of the provider matches the consent token.', err);
    if (err instanceof errors.JWSSignatureVerificationFailed) throw invalid('The consent token signature is not valid.', err);
    throw invalid('The consent token could not be verified.', err);
  }

  const now = Math.floor(Date.now() / 1000);
  const { sub, jti, exp, iat } = payload as Required<Pick<JWTPayload, 'sub' | 'jti' | 'exp' | 'iat'>>;
  const { forClientId, sharingAllowed, state } = payload as Record<string, unknown>;
  if (iat > now + clockTolerance) throw invalid('The consent token\'s "iat" is in the future.');
  if (exp - iat > maxLifetime) throw invalid(`The consent token lives longer than ${maxLifetime} seconds.`);
  if (typeof sub !== 'string' || sub === '') throw invalid('The consent token\'s "sub" is not valid.');
  if (typeof jti !== 'string' || jti === '' || jti.length > 256) throw invalid('The consent token\'s "jti" is not valid.');
  if (typeof forClientId !== 'string' || forClientId === '') throw invalid('The consent token\'s "forClientId" is not valid.');
  if (typeof sharingAllowed !== 'boolean') throw invalid('The consent token\'s "sharingAllowed" is not a boolean.');
  if (typeof state !== 'string' || state === '') throw invalid('The consent token has no "state".');

  if (!sameString(state, expectedState)) throw new IdcServerError('state_mismatch');
  if (options.forClientId !== undefined && forClientId !== options.forClientId) {
    throw new IdcServerError('recipient_mismatch');
  }

  let fresh: boolean;
  try {
    fresh = await replayStore.consume(jti, exp);
  } catch (err) {
    throw new IdcServerError('replay_check_failed', { cause: err, secrets: [token] });
  }
  if (fresh !== true) throw new IdcServerError('token_replayed');

  return { sharingAllowed, sub, forClientId, state, jti, exp };
}
