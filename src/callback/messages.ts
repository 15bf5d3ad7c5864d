/**
 * The one message shape between the callback page (`idconnect-kit/callback`) and the flow waiting in the opener
 * (src/flow/lazy/popup-session.ts), and the sessionStorage key of share-consent redirect transactions. No imports: the
 * relay bundles this file and must stay tiny. The popup's window name and the verify key are in keys.ts.
 *
 * Transport (docs/security.md §4 and §5): `window.opener.postMessage(msg, location.origin)` — never `"*"` — and a
 * BroadcastChannel named from the unguessable `state` for when Cross-Origin-Opener-Policy severed the opener.
 * The flow answers on that channel with an ack so the callback knows it may close its window.
 */

export const CALLBACK_TYPE = 'idconnect-kit:callback';
export const ACK_TYPE = 'idconnect-kit:ack';

/**
 * Prefix of the BroadcastChannel a flow listens on: `idconnect-kit:` + state. Every flow has a state it expects
 * (a share flow started without one gets a generated one), so there is no channel for "any state".
 */
export const CHANNEL_PREFIX = 'idconnect-kit:';

/** sessionStorage prefix of share-consent redirect transactions (key = prefix + expected state). */
export const SHARE_STORE_PREFIX = 'idconnect-kit-share.';

/** Longest `params` string accepted from a callback message (a code response is far smaller). */
export const MAX_PARAMS_LENGTH = 16_384;

export interface CallbackMessage {
  type: typeof CALLBACK_TYPE;
  v: 1;
  /**
   * The state the response answers, repeated so a listener can filter without parsing: its `state` parameter, else
   * (a share-consent response, `?token=<JWT>`) the unverified `state` claim of the token — `responseState()`.
   */
  state: string;
  /** The callback URL's query string (`?code=…&state=…&iss=…`, `?token=…`), as received. */
  params: string;
}

export interface AckMessage {
  type: typeof ACK_TYPE;
  state: string;
}

