/**
 * The names the synchronous steps need (launch.ts, address-bar.ts), in a module of their own so the button's
 * first-paint path carries these few and not the whole message vocabulary; messages.ts re-exports them.
 */

/** Prefix of the popup's `window.name` — a hint for the callback that it runs in our popup. */
export const POPUP_NAME_PREFIX = 'idconnect-kit-';

/** sessionStorage prefix of verify transactions (oidc-client-ts state store; key = prefix + state id). */
export const VERIFY_STORE_PREFIX = 'idconnect-kit.';

/** The oidc-client-ts state id is the part of our state before `;` (the rest is extra entropy, see protocol.ts). */
export function stateId(state: string): string {
  return state.split(';')[0]!;
}
