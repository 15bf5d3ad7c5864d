/**
 * The return leg of a redirect flow (item 9): the address bar is cleaned with `history.replaceState` before the
 * first await, so a reload cannot resubmit; the state is single-use; a response without a matching transaction is
 * `state_not_found` (not `state_mismatch`). When the page is our popup (the element runs on the callback page), the
 * response is relayed to the opener instead.
 *
 * This file is the synchronous half: is the response ours, clean the address bar. resume-run.ts, loaded lazily,
 * takes the transaction and checks the response.
 */
import { toIdcError, type IdcError } from './errors.js';
import { loadRun } from './load-run.js';
import { VERIFY_STORE_PREFIX, stateId } from './messages.js';
import type { VerifyResult } from './types.js';

/** Response parameters a callback URL may carry; all are removed from the address bar on return. */
export const CALLBACK_PARAMS = ['code', 'state', 'iss', 'error', 'error_description', 'error_uri', 'token', 'session_state'];

/** Our state: oidc-client-ts's 32-hex id, `;`, 128 random bits base64url (see protocol.ts). */
const KIT_STATE = /^[0-9a-f]{32};[A-Za-z0-9_-]{22}$/;

/** Removes the response parameters from the address bar (synchronous, keeps other parameters and the hash). */
export function cleanAddressBar(): void {
  const url = new URL(location.href);
  const before = url.search;
  for (const key of CALLBACK_PARAMS) url.searchParams.delete(key);
  if (url.search !== before) history.replaceState(history.state, '', url.pathname + url.search + url.hash);
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
    const raw = window.sessionStorage.getItem(VERIFY_STORE_PREFIX + stateId(state));
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    return parsed && typeof parsed === 'object' ? (parsed as StoredVerify) : null;
  } catch {
    return null;
  }
}

/** Any error of the return leg as an `IdcError`. */
export function asResumeError(err: unknown): IdcError {
  return toIdcError(err, 'invalid_response');
}

/**
 * On page load: when the address bar carries a response (code/error + state) for a stored redirect transaction of
 * this client (and authority, if given), cleans the address bar at once and resolves with the result or rejects with
 * an `IdcError`. Null when the URL holds nothing for this client. Safe to call from several elements.
 */
export function resumeVerify(match: { clientId: string; authority?: string }): Promise<VerifyResult | null> {
  try {
    const search = location.search;
    const params = new URLSearchParams(search);
    const state = params.get('state');
    if (!state || params.has('token') || !(params.has('code') || params.has('error'))) return Promise.resolve(null);
    // Another library's response on this page is none of our business.
    if (!KIT_STATE.test(state)) return Promise.resolve(null);
    const stored = peekVerifyTransaction(state);
    if (stored && (stored.client_id !== match.clientId || (match.authority && stored.authority !== match.authority))) {
      return Promise.resolve(null); // another element's transaction: leave the URL to it
    }
    cleanAddressBar();
    return loadRun().then((run) => run.finishVerifyResume(search, stored)).catch((err: unknown) => {
      throw asResumeError(err);
    });
  } catch (err) {
    return Promise.reject(asResumeError(err));
  }
}
