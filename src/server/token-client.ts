/**
 * What the token endpoint helpers (`exchangeCode()`, `refreshConnection()`) share: the checks of the confidential
 * client options, the openid-client `Configuration` for the provider (client authentication, timeout, loopback http,
 * ID token signature checks with the per-issuer JWKS cache), and the mapping of token endpoint failures to codes.
 *
 * Client authentication is strict in what it checks and liberal in what it sends. `client_secret_basic` puts the id
 * and the secret in HTTP Basic after the form-urlencoding of RFC 6749 §2.3.1, but encodes only what must be encoded:
 * the unreserved characters (ALPHA / DIGIT / "-" / "." / "_" / "~") go out as they are, so a provider that decodes
 * and one that does not both read such an id or secret unchanged. (openid-client's own `ClientSecretBasic` sends
 * "-" as `%2D`; providers that skip the decoding refuse that, or echo the encoded id in the ID token's `aud`.)
 * Every other character is form-urlencoded, as the RFC says: space as `+`, the rest as `%XX` of its UTF-8 bytes.
 * The Gateway API client sends the same header ({@link basicAuthorization}).
 */
import * as client from 'openid-client';
import { DEFAULT_TIMEOUT_SECS, getIssuerJwksCache, parseServerUrl, setIssuerJwksCache } from './discovery.js';
import type { FetchLike } from './discovery.js';
import { IdcServerError } from './errors.js';
import type { ServerErrorCode } from './errors.js';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post';

/** The options every token endpoint helper accepts. */
export interface TokenClientOptions {
  /** The issuer your backend is configured with (not a value sent by the browser). https, or http on localhost. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /**
   * Token endpoint client authentication. Default: `client_secret_basic` unless the provider's metadata lists only
   * `client_secret_post`. `client_secret_basic` sends id and secret in HTTP Basic, form-urlencoded only where they
   * hold characters outside ALPHA / DIGIT / `-._~` (RFC 6749 §2.3.1); `client_secret_post` sends them in the body.
   */
  clientAuthMethod?: ClientAuthMethod;
  /** Replaces `fetch` for the token request, and for discovery and the JWKS when they are not cached yet. */
  fetch?: FetchLike;
  /** Seconds before a request to the provider is abandoned. Default 10. */
  timeout?: number;
}

/** {@link TokenClientOptions} after {@link checkClientOptions}. */
export interface CheckedClientOptions {
  issuerUrl: URL;
  insecure: boolean;
  clientId: string;
  clientSecret: string;
  clientAuthMethod: ClientAuthMethod | undefined;
  fetch: FetchLike | undefined;
  timeout: number;
}

/** RFC 3986 unreserved characters: `application/x-www-form-urlencoded` decoding leaves them unchanged. */
const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * One half of HTTP Basic client credentials (RFC 6749 §2.3.1, Appendix B): every character outside the unreserved
 * set is form-urlencoded (space as `+`, the rest as `%XX` of its UTF-8 bytes); unreserved characters stay as they
 * are, so an id or secret made only of them is sent unchanged. The value must be well-formed UTF-16
 * ({@link checkClientOptions} makes sure).
 */
function basicCredential(value: string): string {
  let out = '';
  for (const char of value) {
    if (UNRESERVED.test(char)) out += char;
    else if (char === ' ') out += '+';
    else for (const byte of Buffer.from(char, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The `Authorization` header value of `client_secret_basic` for this id and secret (see {@link basicCredential}). */
export function basicAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${basicCredential(clientId)}:${basicCredential(clientSecret)}`).toString('base64')}`;
}

/** openid-client's client authentication hook for `client_secret_basic`, with the kit's encoding. */
function clientSecretBasic(clientId: string, clientSecret: string): client.ClientAuth {
  const authorization = basicAuthorization(clientId, clientSecret);
  return (_as, _client, _body, headers) => {
    headers.set('authorization', authorization);
  };
}

/** A lone UTF-16 surrogate: a string that has no UTF-8 form, so it cannot be sent. */
const LONE_SURROGATE = /\p{Cs}/u;

export function requireString(value: unknown, name: string, max = 4096): string {
  if (typeof value !== 'string' || value === '' || value.length > max) {
    throw new IdcServerError('invalid_request', { message: `"${name}" must be a non-empty string.` });
  }
  return value;
}

/** Checks the shared options (`helper` names the function in the message). Throws `invalid_request`. */
export function checkClientOptions(options: TokenClientOptions, helper: string): CheckedClientOptions {
  if (typeof options !== 'object' || options === null) {
    throw new IdcServerError('invalid_request', { message: `${helper}() needs an options object.` });
  }
  const { url: issuerUrl, insecure } = parseServerUrl(options.issuer, 'issuer');
  const clientId = requireString(options.clientId, 'clientId', 512);
  const clientSecret = requireString(options.clientSecret, 'clientSecret');
  for (const [name, value] of [['clientId', clientId], ['clientSecret', clientSecret]] as const) {
    if (LONE_SURROGATE.test(value)) {
      throw new IdcServerError('invalid_request', { message: `"${name}" is not well-formed Unicode (a lone surrogate).` });
    }
  }
  if (options.clientAuthMethod !== undefined && !['client_secret_basic', 'client_secret_post'].includes(options.clientAuthMethod)) {
    throw new IdcServerError('invalid_request', { message: '"clientAuthMethod" must be client_secret_basic or client_secret_post.' });
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new IdcServerError('invalid_request', { message: '"fetch" must be a function.' });
  }
  const timeout = options.timeout ?? DEFAULT_TIMEOUT_SECS;
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || !(timeout > 0)) {
    throw new IdcServerError('invalid_request', { message: '"timeout" must be a positive number of seconds.' });
  }
  return { issuerUrl, insecure, clientId, clientSecret, clientAuthMethod: options.clientAuthMethod, fetch: options.fetch, timeout };
}

export interface TokenClient {
  config: client.Configuration;
  /** True once the token endpoint has answered 2xx: a failure after that is a validation failure, not a refusal. */
  readonly answered: boolean;
  /** The `Authorization` credentials sent (client_secret_basic encodes the secret): scrubbed from errors too. */
  readonly sentCredentials: readonly string[];
  /** Keeps the JWKS openid-client loaded for the next call against this issuer. */
  saveJwksCache(): void;
}

/**
 * The openid-client configuration for one token request. `onTokenResponse` sees every 2xx answer of the token
 * endpoint before openid-client reads it (read a `clone()` only). Throws `discovery_failed` without a token endpoint.
 */
export function tokenClient(
  metadata: client.ServerMetadata,
  options: CheckedClientOptions,
  onTokenResponse?: (response: Response) => Promise<void>,
): TokenClient {
  const tokenEndpoint = metadata.token_endpoint;
  if (!tokenEndpoint) {
    throw new IdcServerError('discovery_failed', { message: 'The provider metadata has no token_endpoint.' });
  }
  const { clientSecret, issuerUrl } = options;
  const method = options.clientAuthMethod ?? pickAuthMethod(metadata);
  const config = new client.Configuration(
    metadata,
    options.clientId,
    { client_secret: clientSecret, token_endpoint_auth_method: method },
    method === 'client_secret_post' ? client.ClientSecretPost(clientSecret) : clientSecretBasic(options.clientId, clientSecret),
  );
  config.timeout = options.timeout;
  if (options.insecure) client.allowInsecureRequests(config);
  client.enableNonRepudiationChecks(config);
  const jwksCache = getIssuerJwksCache(issuerUrl);
  if (jwksCache) client.setJwksCache(config, jwksCache);

  const baseFetch: FetchLike = options.fetch ?? ((url, init) => fetch(url, init as RequestInit));
  const state = { answered: false };
  const sentCredentials: string[] = [];
  config[client.customFetch] = async (url, init) => {
    const authorization = (init.headers as Record<string, string> | undefined)?.authorization;
    if (typeof authorization === 'string') sentCredentials.push(authorization.replace(/^\S+\s+/, ''));
    const response = await baseFetch(url, init);
    if (url === tokenEndpoint && response.ok) {
      state.answered = true;
      await onTokenResponse?.(response);
    }
    return response;
  };
  return {
    config,
    get answered() {
      return state.answered;
    },
    sentCredentials,
    saveJwksCache: () => setIssuerJwksCache(issuerUrl, client.getJwksCache(config)),
  };
}

function pickAuthMethod(metadata: client.ServerMetadata): ClientAuthMethod {
  const supported = metadata.token_endpoint_auth_methods_supported;
  if (!Array.isArray(supported) || supported.includes('client_secret_basic')) return 'client_secret_basic';
  return supported.includes('client_secret_post') ? 'client_secret_post' : 'client_secret_basic';
}

export interface TokenErrorCodes {
  /** Codes for the OAuth `error` of a refusal (e.g. `invalid_grant`); any other refusal gets `failed`. */
  refusals: Readonly<Partial<Record<string, ServerErrorCode>>>;
  /** The request failed without a refusal (network, timeout, provider error). */
  failed: ServerErrorCode;
  /** The token endpoint answered 2xx and the response then failed validation. */
  invalid: ServerErrorCode;
}

/** Maps an openid-client failure of a token request to an {@link IdcServerError}, scrubbed of `secrets`. */
export function tokenEndpointError(
  err: unknown,
  token: TokenClient,
  codes: TokenErrorCodes,
  callerSecrets: readonly (string | undefined)[],
): IdcServerError {
  if (err instanceof IdcServerError) return err;
  const secrets = [...callerSecrets, ...token.sentCredentials];
  if (err instanceof client.ResponseBodyError) {
    const error = refusedClient(err.status, err.error) ? 'invalid_client' : err.error;
    const refusal = Object.hasOwn(codes.refusals, error) ? codes.refusals[error] : undefined;
    return new IdcServerError(refusal ?? codes.failed, {
      message: `The token endpoint answered ${err.status} ${String(err.error).slice(0, 64)}.`.replace(/[^\x20-\x7e]/g, ''),
      oauthError: err.error,
      ...(err.error_description !== undefined ? { oauthErrorDescription: err.error_description } : {}),
      cause: err,
      secrets,
    });
  }
  if (err instanceof client.WWWAuthenticateChallengeError) {
    const challenged = err.status === 401 || err.cause.some((c) => refusedClient(err.status, c.parameters.error));
    return new IdcServerError(challenged ? 'invalid_client' : codes.failed, {
      message: `The token endpoint answered ${err.status} with an authentication challenge.`,
      cause: err,
      secrets,
    });
  }
  if (token.answered) {
    return new IdcServerError(codes.invalid, {
      message: 'The token response or its ID token failed validation.',
      cause: err,
      secrets,
    });
  }
  return new IdcServerError(codes.failed, { message: 'The token request failed.', cause: err, secrets });
}

/**
 * Whether a token endpoint error refuses the client's credentials: `invalid_client`, or `unauthorized_client` with
 * 401 or 403, which some providers answer for credentials they do not accept. A 400 `unauthorized_client` keeps its
 * RFC 6749 §5.2 meaning (the client may not use this grant type) and is not a credentials refusal.
 */
function refusedClient(status: number, error: string | undefined): boolean {
  return error === 'invalid_client' || (error === 'unauthorized_client' && (status === 401 || status === 403));
}

/** The ID token claims of a token response (undefined when it has none); an unreadable one is `invalid_id_token`. */
export function idTokenClaimsOf(
  tokens: { claims(): client.IDToken | undefined },
  secrets: readonly (string | undefined)[],
): client.IDToken | undefined {
  try {
    return tokens.claims();
  } catch (err) {
    throw new IdcServerError('invalid_id_token', { message: 'The ID token could not be read.', cause: err, secrets });
  }
}
