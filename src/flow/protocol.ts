/**
 * The OpenID Connect protocol step, behind a small interface of our own. oidc-client-ts's `OidcClient` builds the
 * authorization request (PKCE S256, state, nonce) and keeps the transaction in its state store; reading the
 * response with `readSigninResponseState(url, true)` makes the state single-use. It exchanges nothing: the kit never
 * exchanges codes, the host backend does.
 *
 * oidc-client-ts is loaded with a dynamic `import()`, so the button paints without it; `preloadProtocol()` warms it.
 *
 * State: oidc-client-ts's state id is a UUIDv4 (122 random bits). We append 128 more random bits as its `url_state`
 * (sent as `<id>;<extra>`, stored with the transaction, compared on return), so the state carries ≥ 128 bits
 * (security item 12). The nonce is 128 random bits of our own.
 */
import type { OidcClient, SigninState } from 'oidc-client-ts';
import { IdcError } from './errors.js';
import { randomToken } from './encoding.js';
import { VERIFY_STORE_PREFIX, stateId } from './messages.js';
import type { ProviderMetadata } from './metadata.js';
import type { FlowMode } from './types.js';

type Library = typeof import('./oidc.js');

let library: Promise<Library> | undefined;

/** The lazily loaded oidc-client-ts module (one request, shared; retried after a failure). */
export function loadProtocolLibrary(): Promise<Library> {
  library ??= import('./oidc.js').catch((cause: unknown) => {
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
