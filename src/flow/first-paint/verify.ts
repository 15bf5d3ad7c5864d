/**
 * The verify flow's public functions — what a host page calls and what `<idc-verify-button>` calls: OIDC
 * authorization code + PKCE in a popup or a full-page redirect, handing back the code (the kit never exchanges it).
 *
 * - `startVerify` runs inside the click: the quick option check and `launch()` (the blank popup opens before the
 *   first await, docs/security.md §1), then hands over to the lazy half (lazy/verify.ts: option checks in full,
 *   metadata, PKCE, the popup session).
 * - `resumeVerify` runs on page load: is the response in the address bar ours — then clean the address bar before
 *   anything is awaited (§9, first-paint/address-bar.ts); the lazy half takes the transaction and checks the response.
 */
import type { FlowHandle, VerifyOptions, VerifyResult } from '../types.js';
import { takeVerifyReturn } from './address-bar.js';
import { loadLazy, startFlow } from './hand-over.js';
import { REFUSED, hasSubtleCrypto, launch, launchOptionsOk } from './launch.js';

/** The quick check of verify options (no window opens without it): the shared one, an authority and a client id. */
export function canStartVerify(options: VerifyOptions): boolean {
  return launchOptionsOk(options) && !!options.authority && !!options.clientId;
}

/**
 * MUST be called synchronously inside the click handler: the popup (about:blank) opens before the first await. The
 * handle is a `StartedFlow` (first-paint/hand-over.ts), which the buttons read the popup from.
 */
export function startVerify(options: VerifyOptions): FlowHandle<VerifyResult> {
  // PKCE needs Web Crypto (docs/security.md §15): without it nothing opens, the lazy half says crypto_unavailable.
  const launched = canStartVerify(options) ? launch(options, hasSubtleCrypto() || 'crypto') : REFUSED;
  return startFlow(launched, options?.signal, (lazy) => lazy.continueVerify(launched, options));
}

/**
 * On page load: when the address bar carries a response (code/error + state) for a stored redirect transaction of
 * this client (and authority, if given), cleans the address bar at once and resolves with the result or rejects with
 * an `IdcError`. Null when the URL holds nothing for this client. Safe to call from several elements. When the page
 * is our popup (the element runs on the callback page), the response is relayed to the opener instead.
 */
export function resumeVerify(match: { clientId: string; authority?: string }): Promise<VerifyResult | null> {
  const taken = takeVerifyReturn(match);
  return taken ? loadLazy().then((lazy) => lazy.finishVerifyResume(taken)) : Promise.resolve(null);
}

/**
 * Warms the lazily loaded flow (and oidc-client-ts) and, given an authority, the provider metadata. Never throws.
 * The verify button calls it on hover, focus and idle.
 */
export function preloadProtocol(authority?: string): void {
  loadLazy().then(
    (lazy) => lazy.preload(authority),
    () => {},
  );
}
