/**
 * Per-recipient share consent: opens the provider's short-lived share link (from the host backend) in the same
 * popup session as verify, or the same tab, and brings back the consent JWT from `redirectUri?token=<JWT>`.
 * The provider adds only `token`: the state travels in the token (claim `state`), read — like `sharingAllowed`, a UI
 * hint — from the UNVERIFIED payload to route the result; the backend verifies the token. Every share flow expects a
 * state: the host's `state`, or one the kit generates and hands to a function `shareLink({ state })`.
 *
 * This file is the synchronous half (inside the click, and on return); share-run.ts is the lazy one.
 */
import { IdcError, toIdcError } from './errors.js';
import { startFlow } from './handle.js';
import { REFUSED, launch, type Launch } from './launch.js';
import { launchOptionsOk } from './launch-check.js';
import { loadRun } from './load-run.js';
import { cleanAddressBar } from './address-bar.js';
import { removeShareRecords, shareRecordKeys, takeShareRecord } from './share-records.js';
import type { FlowHandle, ShareConsentOptions, ShareConsentResult } from './types.js';
import { isSecureWebUrl } from './url.js';

/**
 * The share link as an absolute URL we may open: https, or http on localhost/127.0.0.1 only. `javascript:`,
 * `data:`, relative and malformed links are `invalid_share_link` (item 17).
 */
export function validateShareLink(link: unknown): string {
  if (typeof link !== 'string' || !link || link.length > 4096) {
    throw new IdcError('invalid_share_link', { message: 'The share link must be a URL string.' });
  }
  let url: URL;
  try {
    url = new URL(link); // no base: a relative link is refused
  } catch {
    throw new IdcError('invalid_share_link', { message: 'The share link is not an absolute URL.' });
  }
  if (!isSecureWebUrl(url)) throw new IdcError('invalid_share_link');
  return url.href;
}

/** MUST be called synchronously inside the click handler: the popup opens before the first await. */
export function startShareConsent(options: ShareConsentOptions): FlowHandle<ShareConsentResult> {
  const launched = launchOptionsOk(options) ? launchShare(options) : REFUSED;
  return startFlow<ShareConsentResult>(launched, options?.signal, (run, flow) => run.runShare(flow, options, launched));
}

/**
 * The synchronous step of a share flow: a link given as a string is checked before anything opens — it must be safe,
 * and come with the `state` the backend bound to it — then `launch()`.
 */
export function launchShare(options: ShareConsentOptions): Launch {
  let ready: true | 'config' = true;
  const link = options?.shareLink;
  if (typeof link !== 'function') {
    try {
      validateShareLink(link); // a string is checked before anything opens
      if (!options.state) ready = 'config';
    } catch {
      ready = 'config';
    }
  }
  // Before the popup opens: its copy of sessionStorage must not hold a stale redirect record.
  return launch(options, ready, removeShareRecords);
}

/** Public API: `startShareConsent(options).result`. Call it inside a user gesture. */
export function requestShareConsent(options: ShareConsentOptions): Promise<ShareConsentResult> {
  return startShareConsent(options).result;
}

/**
 * On page load: when the address bar carries a share-consent response (`token`, the state in it; or an `error`) for
 * a stored redirect transaction, cleans the address bar at once and resolves with the result (or rejects:
 * `state_not_found`, `state_mismatch`, `invalid_response`, `access_denied`, …). The expected state is `match.state`,
 * else the one the transaction stored. Null when the URL holds no share response.
 */
export function resumeShareConsent(match: { state?: string } = {}): Promise<ShareConsentResult | null> {
  try {
    const search = location.search;
    const params = new URLSearchParams(search);
    const isResponse = params.has('token') || (params.has('error') && shareRecordKeys().length > 0);
    if (!isResponse) return Promise.resolve(null);
    cleanAddressBar();
    const record = takeShareRecord();
    const expected = match.state ?? record?.state ?? undefined;
    return loadRun()
      .then((run) => run.finishShareResume(search, record !== null, expected))
      .catch((err: unknown) => {
        throw toIdcError(err, 'invalid_response');
      });
  } catch (err) {
    return Promise.reject(toIdcError(err, 'invalid_response'));
  }
}
