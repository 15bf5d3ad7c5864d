/**
 * The names a flow leaves in the browser for the callback page (and its own return) to find: the prefix of the
 * popup's `window.name` and the sessionStorage key of verify transactions — the few the verify button's first-paint
 * path needs, so they are a module of their own. The message format, and the share-consent key only share code
 * reads, are in messages.ts.
 */

/** Prefix of the popup's `window.name` — a hint for the callback that it runs in our popup. */
export const POPUP_NAME_PREFIX = 'idconnect-kit-';

/** sessionStorage prefix of verify transactions (oidc-client-ts state store; key = prefix + state id). */
export const VERIFY_STORE_PREFIX = 'idconnect-kit.';

/** The oidc-client-ts state id is the part of our state before `;` (the rest is extra entropy, see protocol.ts). */
export function stateId(state: string): string {
  return state.split(';')[0]!;
}
