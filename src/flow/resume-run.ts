/**
 * The lazy half of the return leg (redirect.ts and share.ts cleaned the address bar already): take the stored
 * transaction (single use) and check the response — or, on a page that is our popup, relay it to the opener.
 */
import { relayCallback } from '../callback.js';
import { IdcError, toIdcError } from './errors.js';
import { POPUP_NAME_PREFIX } from './messages.js';
import { createProtocol } from './protocol.js';
import type { VerifyReturn } from './address-bar.js';
import { usableSessionStorage } from './redirect-env.js';
import { completeVerify } from './response.js';
import { completeShare } from './share-run.js';
import type { ShareConsentResult, VerifyResult } from './types.js';

/**
 * Relays a response found on a page that is (probably) our popup. Null when a waiting flow took it or this is our
 * named popup window (which then closes); otherwise nobody waits for it: `state_not_found`.
 */
export async function relayOrNotFound(search: string): Promise<null> {
  const acked = await relayCallback(search);
  if (acked || window.name.startsWith(POPUP_NAME_PREFIX)) return null;
  throw new IdcError('state_not_found');
}

/**
 * `resumeVerify` after `takeVerifyReturn` cleaned the address bar; `stored` is the transaction it peeked at. Rejects
 * with an `IdcError` (anything unexpected is `invalid_response`).
 */
export function finishVerifyResume(taken: VerifyReturn): Promise<VerifyResult | null> {
  return verifyReturn(taken).catch((err: unknown) => {
    throw toIdcError(err, 'invalid_response');
  });
}

async function verifyReturn({ search, stored }: VerifyReturn): Promise<VerifyResult | null> {
  if (!stored || stored.data?.mode !== 'redirect' || !usableSessionStorage()) return relayOrNotFound(search);
  const params = new URLSearchParams(search);
  const protocol = await createProtocol({
    authority: String(stored.authority),
    clientId: String(stored.client_id),
    redirectUri: String(stored.redirect_uri),
    storage: window.sessionStorage,
    maxAgeSeconds: 900,
  });
  const taken = await protocol.take(params);
  if (taken.status === 'not_found') throw new IdcError('state_not_found');
  if (taken.status === 'mismatch') throw new IdcError('state_mismatch');
  return completeVerify(params, taken.transaction, 'redirect');
}

/** `resumeShareConsent` after the address bar was cleaned and the record taken (`hasRecord`). */
export async function finishShareResume(
  search: string,
  hasRecord: boolean,
  expected: string | undefined,
): Promise<ShareConsentResult | null> {
  if (!hasRecord) return relayOrNotFound(search);
  try {
    return completeShare(new URLSearchParams(search), expected);
  } catch (err) {
    throw err instanceof IdcError ? err : new IdcError('invalid_response', { cause: err });
  }
}
