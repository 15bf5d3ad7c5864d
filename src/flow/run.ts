/**
 * The lazy half of the flow, loaded by load-run.ts (ES modules) or load-run.iife.ts (the script-tag build's sibling
 * file). Everything after the synchronous start: option checks in full, metadata, PKCE through oidc-client-ts, the
 * popup session, response checks, share consent, the redirect return, and what the elements report: the coded
 * errors and their localized texts.
 */
import { adoptLaunch } from './handle.js';
import type { Launch } from './launch.js';
import { runShare } from './share-run.js';
import type { FlowHandle, ShareConsentOptions, ShareConsentResult, VerifyOptions, VerifyResult } from './types.js';
import { runVerify } from './verify-run.js';

export { preload, runVerify } from './verify-run.js';
export { runShare } from './share-run.js';
export { finishShareResume, finishVerifyResume } from './resume-run.js';
export { errorTable } from '../i18n/tables/errors.js';
export { failureOf } from './errors.js';

/** The element's side of `startVerify`: the element ran `launchVerify()` inside the click, this runs the rest. */
export function continueVerify(launched: Launch, options: VerifyOptions): FlowHandle<VerifyResult> {
  const flow = adoptLaunch<VerifyResult>(launched, options.signal);
  runVerify(flow, options, launched);
  return flow;
}

/** The element's side of `startShareConsent`: the element ran `launchShare()` inside the click. */
export function continueShare(launched: Launch, options: ShareConsentOptions): FlowHandle<ShareConsentResult> {
  const flow = adoptLaunch<ShareConsentResult>(launched, options.signal);
  runShare(flow, options, launched);
  return flow;
}
