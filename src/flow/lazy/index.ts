/**
 * The lazy half of the flow: everything after the synchronous start, loaded on demand by first-paint/hand-over.ts —
 * the only module outside lazy/ that may import it (`idc/lazy-boundary` in eslint.config.js). Its exports are the one
 * interface the first-paint half sees (type `Lazy`):
 *
 * - after a click: `continueVerify` / `continueShare` take the launch over (option checks in full, metadata, PKCE,
 *   the popup session or the redirect departure) and return the flow's handle;
 * - after a redirect's return: `finishVerifyResume` / `finishShareResume` take the stored transaction and check the
 *   response (or relay it to the opener when this page is our popup);
 * - for the elements: `failureOf` and the localized error texts, `preload` / `preloadShare` for the warm-up.
 *
 * The verify path never loads share code: the share flow's own part (lazy/share.ts) is a chunk of its own, imported
 * here when a share flow needs it.
 */
import { IdcError, toIdcError } from '../errors.js';
import type { Launch } from '../first-paint/launch.js';
import type { ShareConsentOptions, ShareConsentResult } from '../types.js';
import { adoptLaunch, type Flow } from './flow.js';

export { errorTable } from '../../i18n/tables/errors.js';
export { failureOf } from '../errors.js';
export { continueVerify, finishVerifyResume, preload } from './verify.js';

type Share = typeof import('./share.js');

let share: Promise<Share> | undefined;

/** The share flow's part of the lazy half (one request, shared; retried after a failure). */
function loadShare(): Promise<Share> {
  return (share ??= import('./share.js').catch((cause: unknown) => {
    share = undefined;
    throw new IdcError('network', { message: 'Could not load the sign-in code.', cause });
  }));
}

/** Warms the share flow's part (the share button's hover, focus and idle). */
export function preloadShare(): void {
  loadShare().catch(() => {});
}

/** `startShareConsent` after its launch: the flow's handle (it owns the popup from now on), run by lazy/share.ts. */
export function continueShare(launched: Launch, options: ShareConsentOptions): Flow<ShareConsentResult> {
  const flow = adoptLaunch<ShareConsentResult>(launched, options?.signal);
  loadShare().then(
    (s) => s.runShare(flow, options, launched),
    (err: unknown) => flow.fail(err),
  );
  return flow;
}

/** `resumeShareConsent` after the address bar was cleaned and the record taken (`hasRecord`). */
export function finishShareResume(
  search: string,
  hasRecord: boolean,
  expected: string | undefined,
): Promise<ShareConsentResult | null> {
  return loadShare().then((s) => s.finishShareResume(search, hasRecord, expected));
}

/** A return leg that failed before it reached this half (cleaning the address bar threw): the coded error. */
export function resumeFailed(err: unknown): never {
  throw toIdcError(err, 'invalid_response');
}
