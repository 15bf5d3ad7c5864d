/**
 * The OpenID Connect protocol, in three parts:
 *
 * - Provider metadata (OpenID Connect Discovery), fetched once per authority and cached for a while, so the warm-up
 *   on hover/focus (`preloadProtocol()`) makes the click fast. A failed fetch is not cached.
 * - The authorization request and its response, behind a small interface of our own (`Protocol`). oidc-client-ts's
 *   `OidcClient` builds the request (PKCE S256, state, nonce) and keeps the transaction in its state store; reading
 *   the response with `readSigninResponseState(url, true)` makes the state single-use. It exchanges nothing: the kit
 *   never exchanges codes, the host backend does. oidc-client-ts is loaded with a dynamic `import()` of its own
 *   (oidc-client.ts, a chunk of its own), so even the lazy half loads without it until a request is built.
 * - Randomness: base64url of the platform CSPRNG. oidc-client-ts's state id is a UUIDv4 (122 random bits); we append
 *   128 more random bits as its `url_state` (sent as `<id>;<extra>`, stored with the transaction, compared on return),
 *   so the state carries ≥ 128 bits (docs/security.md §12). The nonce is 128 random bits of our own.
 */
import type { OidcClient, SigninState } from 'oidc-client-ts';
import { VERIFY_STORE_PREFIX, stateId } from '../../callback/keys.js';
import { IdcError } from '../errors.js';
import { isSecureWebUrl } from '../first-paint/safe-url.js';
import type { FlowMode } from '../types.js';

/*
 * Provider metadata
 */

export interface ProviderMetadata {
  issuer: string;
  authorization_endpoint: string;
  /** RFC 9207: when true, a response without `iss` is refused. */
  authorization_response_iss_parameter_supported?: boolean;
  code_challenge_methods_supported?: string[];
  [key: string]: unknown;
}

const TTL_MS = 10 * 60 * 1000;
const FETCH_TIMEOUT_MS = 10_000;
const cache = new Map<string, { at: number; value: Promise<ProviderMetadata> }>();

export function getMetadata(authority: string): Promise<ProviderMetadata> {
  const hit = cache.get(authority);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
  const value = fetchMetadata(authority);
  const entry = { at: Date.now(), value };
  cache.set(authority, entry);
  value.catch(() => {
    if (cache.get(authority) === entry) cache.delete(authority);
  });
  return value;
}

/** @internal for tests: forget every cached document. */
export function clearMetadataCache(): void {
  cache.clear();
}

/** @internal for tests: use `metadata` (checked like a fetched document) for `authority` without a request. */
export function primeMetadata(authority: string, metadata: unknown): void {
  cache.set(authority, { at: Date.now(), value: Promise.resolve().then(() => checkMetadata(metadata, authority)) });
}

async function fetchMetadata(authority: string): Promise<ProviderMetadata> {
  const url = `${authority.replace(/\/$/, '')}/.well-known/openid-configuration`;
  let response: Response;
  try {
    response = await fetch(url, {
      credentials: 'omit',
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch (cause) {
    throw new IdcError('discovery_failed', { message: `Could not fetch the provider metadata from ${url}.`, cause });
  }
  if (!response.ok) {
    throw new IdcError('discovery_failed', { message: `The provider metadata at ${url} answered HTTP ${response.status}.` });
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (cause) {
    throw new IdcError('discovery_failed', { message: `The provider metadata at ${url} is not JSON.`, cause });
  }
  return checkMetadata(body, authority);
}

/** Checks the fields the flow relies on; the issuer must be the authority (a trailing slash aside). */
export function checkMetadata(body: unknown, authority: string): ProviderMetadata {
  const fail = (what: string) => new IdcError('discovery_failed', { message: `The provider metadata ${what}.` });
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw fail('is not a JSON object');
  const meta = body as ProviderMetadata;
  if (typeof meta.issuer !== 'string') throw fail('has no issuer');
  if (meta.issuer.replace(/\/$/, '') !== authority.replace(/\/$/, '')) {
    throw fail(`names the issuer ${JSON.stringify(meta.issuer)}, not ${JSON.stringify(authority)}`);
  }
  let endpoint: URL;
  try {
    endpoint = new URL(String(meta.authorization_endpoint));
  } catch {
    throw fail('has no valid authorization_endpoint');
  }
  // The popup navigates to this URL: never javascript:, data: or plain http off localhost.
  if (!isSecureWebUrl(endpoint)) throw fail('has an authorization_endpoint that is not https');
  const methods = meta.code_challenge_methods_supported;
  if (Array.isArray(methods) && !methods.includes('S256')) throw fail('does not list PKCE S256');
  return meta;
}

/*
 * Randomness (RFC 4648 §5 base64url, no padding)
 */

export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** `bytes` random bytes from the platform CSPRNG, base64url-encoded (16 bytes = 128 bits = 22 characters). */
export function randomToken(bytes = 16): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/*
 * The authorization request and its response, through oidc-client-ts
 */

type Library = typeof import('./oidc-client.js');

let library: Promise<Library> | undefined;

/** The lazily loaded oidc-client-ts module (one request, shared; retried after a failure). */
export function loadProtocolLibrary(): Promise<Library> {
  library ??= import('./oidc-client.js').catch((cause: unknown) => {
    library = undefined;
    throw new IdcError('network', { message: 'Could not load the sign-in code.', cause });
  });
  return library;
}

/** What we keep with each transaction besides what oidc-client-ts keeps. */
export interface TransactionData {
  kind: 'verify';
  mode: FlowMode;
  /** The issuer the request went to: the `iss` of the response must equal it (RFC 9207). */
  issuer: string;
  /** Metadata said `authorization_response_iss_parameter_supported`: a response without `iss` is refused. */
  issRequired: boolean;
}

export interface Transaction {
  state: string;
  codeVerifier: string;
  nonce: string;
  redirectUri: string;
  clientId: string;
  authority: string;
  data: TransactionData;
}

export type TakeResult =
  | { status: 'found'; transaction: Transaction }
  | { status: 'not_found' }
  /** A stored transaction under this id, but the rest of the state differs: consumed and refused. */
  | { status: 'mismatch' };

export interface AuthorizationRequest {
  /** The provider URL the window navigates to. */
  url: string;
  /** The full `state` parameter sent. */
  state: string;
}

export interface BeginArgs {
  scope: string;
  mode: FlowMode;
  prompt?: string;
  loginHint?: string;
  uiLocales?: string;
}

export interface Protocol {
  /** Builds the authorization request and stores the transaction. */
  begin(args: BeginArgs): Promise<AuthorizationRequest>;
  /** Finds and removes (single use) the transaction a response belongs to. */
  take(params: URLSearchParams): Promise<TakeResult>;
  /** Removes a transaction that will not be completed. Never throws. */
  discard(state: string): Promise<void>;
}

export interface ProtocolConfig {
  authority: string;
  clientId: string;
  redirectUri: string;
  /** sessionStorage (redirect mode, popup mode when it works) or in-memory (popup mode when storage throws). */
  storage: Storage | 'memory';
  /** How long an abandoned transaction survives before the next request clears it. */
  maxAgeSeconds: number;
  /** Needed to begin a request; not needed to take a response. */
  metadata?: ProviderMetadata;
}

export async function createProtocol(config: ProtocolConfig): Promise<Protocol> {
  const lib = await loadProtocolLibrary();
  const store = config.storage === 'memory' ? new lib.InMemoryWebStorage() : config.storage;
  const client: OidcClient = new lib.OidcClient({
    authority: config.authority,
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    response_type: 'code',
    response_mode: 'query',
    loadUserInfo: false,
    staleStateAgeInSeconds: Math.max(900, Math.ceil(config.maxAgeSeconds)),
    stateStore: new lib.WebStorageStateStore({ prefix: VERIFY_STORE_PREFIX, store }),
    ...(config.metadata ? { metadata: config.metadata } : {}),
  });
  return new OidcProtocol(client, config);
}

class OidcProtocol implements Protocol {
  constructor(
    private readonly client: OidcClient,
    private readonly config: ProtocolConfig,
  ) {}

  async begin(args: BeginArgs): Promise<AuthorizationRequest> {
    const metadata = this.config.metadata;
    if (!metadata) throw new IdcError('discovery_failed', { message: 'No provider metadata to build a request.' });
    const data: TransactionData = {
      kind: 'verify',
      mode: args.mode,
      issuer: metadata.issuer,
      issRequired: metadata.authorization_response_iss_parameter_supported === true,
    };
    const extra = randomToken(16);
    let request;
    try {
      request = await this.client.createSigninRequest({
        state: data,
        url_state: extra,
        nonce: randomToken(16),
        scope: args.scope,
        redirect_uri: this.config.redirectUri,
        ...(args.prompt ? { prompt: args.prompt } : {}),
        ...(args.loginHint ? { login_hint: args.loginHint } : {}),
        ...(args.uiLocales ? { ui_locales: args.uiLocales } : {}),
      });
    } catch (cause) {
      if (cause instanceof IdcError) throw cause;
      // The only failures left are the state store (quota, disabled storage) and Web Crypto.
      throw new IdcError('storage_unavailable', { message: 'Could not store the sign-in transaction.', cause });
    }
    return { url: request.url, state: `${request.state.id};${extra}` };
  }

  async take(params: URLSearchParams): Promise<TakeResult> {
    const state = params.get('state');
    if (!state) return { status: 'not_found' };
    const url = new URL(this.config.redirectUri);
    url.search = params.toString();
    url.hash = '';
    let stored: SigninState;
    let urlState: string | undefined;
    try {
      const read = await this.client.readSigninResponseState(url.href, true);
      stored = read.state;
      urlState = read.response.url_state;
    } catch {
      return { status: 'not_found' };
    }
    const data = stored.data as TransactionData | undefined;
    if (
      !stored.url_state ||
      urlState !== stored.url_state ||
      stored.client_id !== this.config.clientId ||
      stored.authority !== this.config.authority ||
      !stored.code_verifier ||
      !stored.nonce ||
      data?.kind !== 'verify'
    ) {
      return { status: 'mismatch' };
    }
    return {
      status: 'found',
      transaction: {
        state,
        codeVerifier: stored.code_verifier,
        nonce: stored.nonce,
        redirectUri: stored.redirect_uri,
        clientId: stored.client_id,
        authority: stored.authority,
        data,
      },
    };
  }

  async discard(state: string): Promise<void> {
    try {
      await this.client.settings.stateStore.remove(stateId(state));
    } catch {
      // Storage gone: nothing left to remove.
    }
  }
}
