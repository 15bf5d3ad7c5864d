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

export interface ShareConsentOptions {
  /** The provider's share-consent link; a function is called after the popup opened synchronously. */
  shareLink: string | (() => Promise<string>);
  /** Where the provider sends the browser back (`?token=…&state=…`); default: the page URL. */
  redirectUri?: string;
  /** Expected `state`; a mismatch is `state_mismatch`. */
  state?: string;
  mode?: FlowMode;
  fallback?: 'redirect' | 'none';
  timeout?: number;
  signal?: AbortSignal;
  onFallback?: (detail: FallbackDetail) => boolean;
}

export interface ShareConsentResult {
  token: string;
  state: string;
  /** Read from the UNVERIFIED JWT payload: a UI hint; the backend must verify the token. */
  sharingAllowed: boolean;
}
