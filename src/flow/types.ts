/** Public types of the flow module (the flow ⇄ element interface). */

export type FlowMode = 'popup' | 'redirect';
export type FallbackDetail = { from: 'popup'; to: 'redirect'; reason: string };

export interface VerifyOptions {
  /** Issuer URL; metadata from `/.well-known/openid-configuration`. https, or http on localhost/127.0.0.1. */
  authority: string;
  clientId: string;
  /** Default: `location.origin + location.pathname`. Must be on this page's origin. */
  redirectUri?: string;
  /** Default `'openid share'`; `openid` is always included; `offline_access` implies `prompt=consent`. */
  scope?: string;
  /** Default `'popup'`. */
  mode?: FlowMode;
  /** Default `'none'`. */
  fallback?: 'redirect' | 'none';
  loginHint?: string;
  /** BCP 47 tag(s), sent as `ui_locales`. */
  uiLocales?: string;
  /** Seconds, default 600. */
  timeout?: number;
  /** Abort ⇒ `FlowCancelled('aborted')`, everything released. */
  signal?: AbortSignal;
  /** Called right before a popup→redirect fallback navigation; return false to stop it. */
  onFallback?: (detail: FallbackDetail) => boolean;
}

export interface VerifyResult {
  code: string;
  codeVerifier: string;
  state: string;
  redirectUri: string;
  clientId: string;
  issuer: string;
  mode: FlowMode;
  /** The `nonce` sent in the request: give it to the backend so it can check the ID token (`expectedNonce`). */
  nonce: string;
}

export interface FlowHandle<T> {
  /** Resolves with the result; rejects with `IdcError` or `FlowCancelled`. */
  readonly result: Promise<T>;
  /** Brings the open popup to the front (a second click while pending). */
  focus(): void;
  /** Same as aborting: `FlowCancelled('aborted')`, popup closed, listeners/timers released. */
  cancel(): void;
}

/** What a function `shareLink` is called with: the state the consent token must carry (send it to the provider). */
export interface ShareLinkContext {
  /** The expected `state`: the host's, or one the kit generated (128 random bits, base64url) when none was given. */
  state: string;
}

export interface ShareConsentOptions {
  /**
   * The provider's share-consent link, or a function that fetches it, called after the popup opened synchronously
   * with `{ state }`: the state the backend must send to the provider (`POST /api/share-link`). A string link needs
   * `state` (the one the backend bound to that link); without it the flow is `invalid_config`.
   */
  shareLink: string | ((context: ShareLinkContext) => Promise<string>);
  /** Where the provider sends the browser back (`?token=<JWT>`, the state inside the token); default: the page URL. */
  redirectUri?: string;
  /**
   * Expected `state` (the token's `state` claim): 1–512 printable ASCII characters (RFC 6749 VSCHAR); a mismatch
   * is `state_mismatch`. Optional only with a function `shareLink`: the kit then generates one and passes it to
   * `shareLink({ state })`.
   */
  state?: string;
  mode?: FlowMode;
  fallback?: 'redirect' | 'none';
  timeout?: number;
  signal?: AbortSignal;
  onFallback?: (detail: FallbackDetail) => boolean;
}

export interface ShareConsentResult {
  token: string;
  /** The token's `state` claim (read unverified), equal to the expected state. */
  state: string;
  /** Read from the UNVERIFIED JWT payload: a UI hint; the backend must verify the token. */
  sharingAllowed: boolean;
}
