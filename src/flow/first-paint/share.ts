/**
 * The share-consent flow's public functions — what a host page calls and what `<idc-share-button>` calls: opens the
 * provider's short-lived per-recipient share link (from the host backend) in a popup, or the same tab, and brings
 * back the consent JWT from `redirectUri?token=<JWT>`. The provider adds only `token`: the state travels in the token
 * (claim `state`), read — like `sharingAllowed`, a UI hint — from the UNVERIFIED payload to route the result; the
 * backend verifies the token. Every share flow expects a state: the host's `state`, or one the kit generates and
 * hands to a function `shareLink({ state })`.
 *
 * The same two steps as verify.ts: inside the click (`startShareConsent`) and on page load (`resumeShareConsent`);
 * the rest is the lazy half, lazy/share.ts.
 */
import type { FlowHandle, ShareConsentOptions, ShareConsentResult } from '../types.js';
import { cleanAddressBar } from './address-bar.js';
import { loadLazy, startFlow } from './hand-over.js';
import { REFUSED, launch, launchOptionsOk, type Launch } from './launch.js';
import { validateShareLink } from './safe-url.js';
import { removeShareRecords, shareRecordKeys, takeShareRecord } from './share-records.js';

/**
 * The quick check of share options (no window opens without it): the shared one, and a link — a function, or a
 * string with the `state` the backend bound to it.
 */
export function canStartShare(options: ShareConsentOptions): boolean {
  const link = options?.shareLink;
  return launchOptionsOk(options) && (typeof link === 'function' || (typeof link === 'string' && !!link && !!options.state));
}

/** MUST be called synchronously inside the click handler: the popup opens before the first await. */
export function startShareConsent(options: ShareConsentOptions): FlowHandle<ShareConsentResult> {
  const launched = canStartShare(options) ? launchShare(options) : REFUSED;
  return startFlow(launched, options?.signal, (lazy) => lazy.continueShare(launched, options));
}

/**
 * The synchronous step of a share flow: a link given as a string is checked before anything opens (it must be safe),
 * then `launch()`.
 */
function launchShare(options: ShareConsentOptions): Launch {
  let ready: true | 'config' = true;
  const link = options.shareLink;
  if (typeof link !== 'function') {
    try {
      validateShareLink(link); // a string is checked before anything opens
    } catch {
      ready = 'config';
    }
  }
  // Before the popup opens: its copy of sessionStorage must not hold a stale redirect record.
  return launch(options, ready, removeShareRecords);
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
    return loadLazy().then((lazy) => lazy.finishShareResume(search, record !== null, expected));
  } catch (err) {
    return loadLazy().then((lazy) => lazy.resumeFailed(err));
  }
}
