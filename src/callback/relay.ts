/**
 * The relay on the host's callback page (`idconnect-kit/callback`, entry src/callback.ts). No Lit, no
 * oidc-client-ts, nothing from src/flow; a few hundred bytes.
 *
 * - In our popup: posts `{ type, v, state, params }` to `window.opener` with target origin `location.origin` (never
 *   `"*"`), and on a BroadcastChannel named from the state for when Cross-Origin-Opener-Policy severed the opener;
 *   closes the window once the waiting flow acknowledges (or, in our named popup, after a short wait).
 * - The state it routes by: the `state` parameter, else — a share-consent return carries only `?token=<JWT>` — the
 *   token's `state` claim, read without verifying (the flow applies the same rule strictly, `responseState` in
 *   src/flow/lazy/jwt.ts; the backend verifies the token).
 * - In a redirect flow (this tab stored the transaction as `redirect`): does nothing, the element resumes on load.
 *
 * Resolves true when a waiting flow acknowledged the result.
 */
import { POPUP_NAME_PREFIX, VERIFY_STORE_PREFIX, stateId } from './keys.js';
import { ACK_TYPE, CALLBACK_TYPE, CHANNEL_PREFIX, SHARE_STORE_PREFIX, type CallbackMessage } from './messages.js';

/** How long the callback waits for the flow's ack before it gives up (and closes only a window that is ours). */
const ACK_WAIT_MS = 1500;

export function handleCallback(): Promise<boolean> {
  return relayCallback(location.search);
}

/** @internal The relay for a given query string (the flow's return leg calls it after cleaning the address bar). */
export function relayCallback(search: string): Promise<boolean> {
  const query = new URLSearchParams(search);
  const token = query.get('token');
  let state: unknown = query.get('state');
  try {
    // A share-consent return carries only `?token=<JWT>`: the state is its claim, read without verifying anything.
    // Latin-1 is enough: a state the flow accepts is printable ASCII (RFC 6749 VSCHAR), and the flow re-reads the
    // claim strictly (`responseState`), so a message routed by anything else is ignored there.
    state ??= JSON.parse(atob(token!.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))).state;
  } catch {
    // no state: nothing to relay
  }
  if (typeof state !== 'string' || !state || !(token || query.has('code') || query.has('error')) || isRedirect(state, token)) {
    return Promise.resolve(false);
  }
  const message: CallbackMessage = { type: CALLBACK_TYPE, v: 1, state, params: search };
  try {
    (window.opener as Window | null)?.postMessage(message, location.origin);
  } catch {
    // The opener is gone or on another origin: the channel below still carries the result.
  }
  return new Promise((resolve) => {
    const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL_PREFIX + state) : null;
    const finish = (acked: boolean): void => {
      clearTimeout(timer);
      channel?.close();
      if (acked || window.name.startsWith(POPUP_NAME_PREFIX)) {
        history.replaceState(history.state, '', location.pathname);
        window.close();
      }
      resolve(acked);
    };
    const timer = setTimeout(finish, ACK_WAIT_MS, false);
    if (channel) {
      channel.onmessage = (event: MessageEvent) => {
        if (event.data?.type === ACK_TYPE && event.data.state === state) finish(true);
      };
      channel.postMessage(message);
    }
  });
}

/** True when this tab stored the transaction for `state` as a redirect flow: the element on the page resumes it. */
function isRedirect(state: string, token: string | null): boolean {
  try {
    const key = token !== null ? SHARE_STORE_PREFIX + state : VERIFY_STORE_PREFIX + stateId(state);
    return JSON.parse(sessionStorage.getItem(key) || '{}').data?.mode === 'redirect';
  } catch {
    return false;
  }
}
