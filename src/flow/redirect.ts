/**
 * The return leg of a redirect flow (item 9): the address bar is cleaned with `history.replaceState` before the
 * first await, so a reload cannot resubmit; the state is single-use; a response without a matching transaction is
 * `state_not_found` (not `state_mismatch`). When the page is our popup (the element runs on the callback page), the
 * response is relayed to the opener instead.
 *
 * This file is the synchronous half (address-bar.ts: is the response ours, clean the address bar); resume-run.ts,
 * loaded lazily, takes the transaction and checks the response.
 */
import { toIdcError, type IdcError } from './errors.js';
import { loadRun } from './load-run.js';
import { takeVerifyReturn } from './address-bar.js';
import type { VerifyResult } from './types.js';

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
    const taken = takeVerifyReturn(match);
    if (!taken) return Promise.resolve(null);
    return loadRun().then((run) => run.finishVerifyResume(taken)).catch((err: unknown) => {
      throw asResumeError(err);
    });
  } catch (err) {
    return Promise.reject(asResumeError(err));
  }
}
