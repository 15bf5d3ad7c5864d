/**
 * The synchronous step of a return to this page (docs/security.md §9), small enough for the button's first-paint
 * path: may the address bar hold a response at all, is it ours, and then clean the address bar with
 * `history.replaceState` — before anything is awaited, so a reload cannot resubmit it and the code does not stay in
 * the URL while the lazy half loads. `resumeVerify` starts with `takeVerifyReturn`; `resumeShareConsent` cleans the
 * same way.
 */
import { VERIFY_STORE_PREFIX, stateId } from '../../callback/keys.js';

/** Response parameters a callback URL may carry; all are removed from the address bar on return. */
export const CALLBACK_PARAMS = ['code', 'state', 'iss', 'error', 'error_description', 'error_uri', 'token', 'session_state'];

/** Our state: oidc-client-ts's 32-hex id, `;`, 128 random bits base64url (see protocol.ts). */
const KIT_STATE = /^[0-9a-f]{32};[A-Za-z0-9_-]{22}$/;

/**
 * Whether the address bar may carry a callback response (`code`, `token`, `error`, `state`). Cheap and deliberately
 * loose — the resume functions check for real — so a page without one never loads the lazy half of the flow.
 */
export function callbackInUrl(): boolean {
  return /[?&#](?:state|code|token|error)=/.test(location.search + location.hash);
}

/** Removes the response parameters from the address bar (synchronous, keeps other parameters and the hash; never throws). */
export function cleanAddressBar(): void {
  const url = new URL(location.href);
  const before = url.search;
  for (const key of CALLBACK_PARAMS) url.searchParams.delete(key);
  try {
    if (url.search !== before) history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  } catch {
    // A document that may not rewrite its URL (an opaque origin): the response is still single use.
  }
}

/** What oidc-client-ts stored for a verify transaction (the parts the return leg reads before taking it). */
export interface StoredVerify {
  client_id?: string;
  authority?: string;
  redirect_uri?: string;
  data?: { mode?: string };
}

function peekVerifyTransaction(state: string): StoredVerify | null {
  try {
    // JSON of anything but an object (or null) has no client_id: a mismatch, so the URL is left alone.
    return JSON.parse(sessionStorage.getItem(VERIFY_STORE_PREFIX + stateId(state)) || 'null') as StoredVerify | null;
  } catch {
    return null;
  }
}

/**
 * When the address bar carries a verify response (code/error + our state) that is not another client's (or
 * authority's) stored transaction, cleans the address bar and returns the response and the transaction it peeked
 * at, for `finishVerifyResume` in the lazy half. Null when the URL holds nothing for this client: another element's
 * transaction, or another library's response, stays where it is.
 */
export function takeVerifyReturn(match: { clientId: string; authority?: string }): VerifyReturn | null {
  const search = location.search;
  const params = new URLSearchParams(search);
  const state = params.get('state');
  if (!state || params.has('token') || !(params.has('code') || params.has('error'))) return null;
  if (!KIT_STATE.test(state)) return null;
  const stored = peekVerifyTransaction(state);
  if (stored && (stored.client_id !== match.clientId || (match.authority && stored.authority !== match.authority))) {
    return null;
  }
  cleanAddressBar();
  return { search, stored };
}

export interface VerifyReturn {
  search: string;
  stored: StoredVerify | null;
}
