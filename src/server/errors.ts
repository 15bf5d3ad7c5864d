/**
 * The one error class of `idconnect-kit/server` and its single table of codes.
 *
 * Backends compare `err.code`, never `err.message`. Messages are English for developers and logs and are built by
 * this module only: they never contain an authorization code, a code verifier, a client secret or a token
 * (docs/security.md §25). The `cause` of an error is a sanitised copy (name, code and message of the library error, no
 * response bodies, no claims), so even `util.inspect(err, { depth: null })` prints nothing secret.
 */

export const SERVER_ERROR_CODES = {
  /** The options passed to the helper are missing, of the wrong type, or not allowed (e.g. a plain-http issuer). */
  invalid_request: { retryable: false, message: 'The helper was called with invalid options.' },
  /** The issuer's discovery document could not be fetched or is invalid. */
  discovery_failed: { retryable: true, message: 'The identity provider\'s metadata could not be loaded.' },
  /** The `iss` the caller received in the authorization response is not the configured issuer. */
  issuer_mismatch: { retryable: false, message: 'The authorization response came from an unexpected issuer.' },
  /** This process has already exchanged (or tried to exchange) this authorization code. Nothing was sent. */
  code_reused: { retryable: false, message: 'This authorization code has already been used.' },
  /** The token endpoint refused the code: used, expired, wrong code verifier or wrong redirect URI. */
  invalid_grant: { retryable: false, message: 'The authorization code was refused by the identity provider.' },
  /** The token endpoint or the Gateway API refused the client credentials (at the token endpoint: `invalid_client`,
   * or `unauthorized_client` answered with 401 or 403; `oauthError` keeps the provider's own). */
  invalid_client: { retryable: false, message: 'The identity provider refused the client credentials.' },
  /** The token request failed for another reason (network, provider error, malformed response). Not retried. */
  exchange_failed: { retryable: false, message: 'The authorization code could not be exchanged.' },
  /** The provider answered `invalid_grant` to a refresh, or `connection_revoked` to a Gateway API call with the
   * connect token: the user disconnected, the grant was revoked, or the refresh token expired or was already used.
   * The connection is over: connect again (a new authorization). */
  connection_revoked: { retryable: false, message: 'The connection was revoked or has expired; connect again.' },
  /** The refresh request failed for another reason (network, timeout, provider error, malformed response). The
   * refresh token was not refused, so the same call may succeed later (unlike a code, it can be sent again). */
  refresh_failed: { retryable: true, message: 'The connection could not be refreshed.' },
  /** The token endpoint answered, but the response or its ID token failed validation (signature, iss, aud, exp,
   * nonce, missing ID token, a refreshed ID token for another `expectedSubject`, …). */
  invalid_id_token: { retryable: false, message: 'The identity provider returned an invalid token response.' },
  /** The consent token is malformed, too large, has a forbidden header, a bad signature or invalid claims. */
  invalid_token: { retryable: false, message: 'The consent token is invalid.' },
  /** The consent token's `exp` is in the past (beyond the clock tolerance). */
  token_expired: { retryable: false, message: 'The consent token has expired.' },
  /** The consent token's `state` is not the state bound to this session. */
  state_mismatch: { retryable: false, message: 'The consent token does not belong to this session.' },
  /** The consent token's `forClientId` is not the expected recipient. */
  recipient_mismatch: { retryable: false, message: 'The consent token is for a different recipient.' },
  /** The consent token's `jti` has been accepted before. */
  token_replayed: { retryable: false, message: 'The consent token has already been used.' },
  /** The provider's JSON Web Key Set could not be fetched; the token was not accepted (fail closed). */
  jwks_unavailable: { retryable: true, message: 'The identity provider\'s signing keys could not be loaded.' },
  /** The replay store threw; the token was not accepted (fail closed). */
  replay_check_failed: { retryable: true, message: 'The consent token could not be checked for reuse.' },
  /** The Gateway API answered with an error (its own code in `providerCode`, the HTTP status in `status`) or with an
   * answer that cannot be read (no `providerCode` then). Retryable when the status is 429 or 5xx. */
  gateway_error: { retryable: false, message: 'The identity provider refused the Gateway API request.' },
  /** The Gateway API could not be reached or did not answer within the timeout. Nothing is known about the
   * outcome: a call that spends something (a share token) may have spent it. */
  gateway_unreachable: { retryable: true, message: 'The identity provider\'s Gateway API could not be reached.' },
  /** A webhook's `Idc-Signature` is missing, malformed, or not the HMAC of its body with the webhook secret. */
  invalid_signature: { retryable: false, message: 'The webhook signature is missing or not valid.' },
  /** A correctly signed webhook has no `Idc-Delivery` id, is not JSON, or is not an event of a known shape. */
  invalid_webhook: { retryable: false, message: 'The webhook is not a valid event.' },
} as const satisfies Record<string, { retryable: boolean; message: string }>;

export type ServerErrorCode = keyof typeof SERVER_ERROR_CODES;

export interface IdcServerErrorOptions {
  message?: string;
  cause?: unknown;
  oauthError?: string;
  oauthErrorDescription?: string;
  /** The provider's own error code (Gateway API `code` or `error`). Kept only when it is a plain identifier. */
  providerCode?: string;
  /** The provider's error text (Gateway API `message` or `error_description`). */
  providerMessage?: string;
  /** The HTTP status of the provider's answer. */
  status?: number;
  /** Overrides the code's default {@link SERVER_ERROR_CODES} `retryable` (a 503 `gateway_error` is retryable). */
  retryable?: boolean;
  /** Strings that must never appear in the message or cause (codes, verifiers, secrets, tokens). */
  secrets?: readonly (string | undefined)[];
}

/**
 * Error thrown by every helper of `idconnect-kit/server`.
 *
 * Codes (stable): `invalid_request`, `discovery_failed`, `issuer_mismatch`, `code_reused`, `invalid_grant`,
 * `invalid_client`, `exchange_failed`, `connection_revoked`, `refresh_failed`, `invalid_id_token`, `invalid_token`,
 * `token_expired`, `state_mismatch`, `recipient_mismatch`, `token_replayed`, `jwks_unavailable`,
 * `replay_check_failed`, `gateway_error`, `gateway_unreachable`, `invalid_signature`, `invalid_webhook` — see
 * {@link SERVER_ERROR_CODES}.
 */
export class IdcServerError extends Error {
  override readonly name = 'IdcServerError';
  readonly code: ServerErrorCode;
  /** Whether the same call may succeed later (a network fault), not whether the kit retries: it never does. */
  readonly retryable: boolean;
  /** The OAuth `error` of a token endpoint response, when there was one. */
  readonly oauthError?: string;
  /** The OAuth `error_description`, control characters stripped, capped, secrets removed. */
  readonly oauthErrorDescription?: string;
  /** The provider's own code of a Gateway API error (e.g. `partnership_inactive`), when it sent a readable one. */
  readonly providerCode?: string;
  /** The provider's error text of a Gateway API error: control characters stripped, capped, secrets removed. */
  readonly providerMessage?: string;
  /**
   * The HTTP status of the Gateway API answer, when there was one. Web frameworks (Express, Koa, Fastify) answer an
   * unhandled error with its `status`: catch Gateway API errors and choose your own answer to your user.
   */
  readonly status?: number;

  constructor(code: ServerErrorCode, options: IdcServerErrorOptions = {}) {
    const secrets = options.secrets ?? [];
    const message = redact(options.message ?? SERVER_ERROR_CODES[code].message, secrets);
    super(message, options.cause === undefined ? undefined : { cause: sanitizeCause(options.cause, secrets) });
    this.code = code;
    this.retryable = options.retryable ?? SERVER_ERROR_CODES[code].retryable;
    if (options.oauthError !== undefined) this.oauthError = capText(redact(options.oauthError, secrets), 64);
    if (options.oauthErrorDescription !== undefined) {
      this.oauthErrorDescription = capText(redact(options.oauthErrorDescription, secrets), 300);
    }
    if (options.providerCode !== undefined && isProviderCode(options.providerCode)) {
      const providerCode = redact(options.providerCode, secrets);
      if (providerCode === options.providerCode) this.providerCode = providerCode;
    }
    if (options.providerMessage !== undefined) this.providerMessage = capText(redact(options.providerMessage, secrets), 300);
    if (options.status !== undefined) this.status = options.status;
  }

  /** Plain data for a JSON response or a log line: no stack, no cause. */
  toJSON(): {
    name: string;
    code: ServerErrorCode;
    message: string;
    retryable: boolean;
    oauthError?: string;
    providerCode?: string;
    status?: number;
  } {
    const json: ReturnType<IdcServerError['toJSON']> = {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
    };
    if (this.oauthError !== undefined) json.oauthError = this.oauthError;
    if (this.providerCode !== undefined) json.providerCode = this.providerCode;
    if (this.status !== undefined) json.status = this.status;
    return json;
  }
}

/** What a provider's error code must look like to be kept: an identifier, nothing that could carry a value. */
const PROVIDER_CODE = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/;

/** Whether a provider's error code is a plain identifier (and so may be kept on an error and put in a message). */
export function isProviderCode(value: string): boolean {
  return PROVIDER_CODE.test(value);
}

export function isIdcServerError(err: unknown): err is IdcServerError {
  return err instanceof IdcServerError;
}

/** Replaces every occurrence of a secret (of 8+ characters, also URL-encoded) with `[redacted]`. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = String(text);
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < 8) continue;
    const forms = new Set([secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)]);
    for (const form of forms) out = out.split(form).join('[redacted]');
  }
  return out;
}

/**
 * Library errors can carry response bodies (with tokens), ID token claims or the request. Keep only what helps a
 * developer: the error's name, its library code and its message (redacted).
 */
function sanitizeCause(cause: unknown, secrets: readonly (string | undefined)[]): Error {
  if (cause instanceof Error) {
    const copy = new Error(redact(cause.message, secrets));
    copy.name = cause.name;
    const libCode = (cause as { code?: unknown }).code;
    if (typeof libCode === 'string') Object.defineProperty(copy, 'code', { value: libCode, enumerable: true });
    copy.stack = typeof cause.stack === 'string' ? redact(cause.stack, secrets) : `${copy.name}: ${copy.message}`;
    return copy;
  }
  return new Error(redact(String(cause), secrets));
}

function capText(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
