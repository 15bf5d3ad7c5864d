/**
 * The flow module's public API: `startVerify`/`verify`/`resumeVerify`, `startShareConsent`/`requestShareConsent`/
 * `resumeShareConsent`, the callback relay, the errors and the types. No Lit and no DOM of any component: the
 * elements call these same functions, and so can a host page directly. The flow never dispatches DOM events.
 *
 * Two halves, two folders (docs/architecture.md): first-paint/ runs synchronously — inside the click the checks that
 * decide whether anything may open, the blank popup and the handle; on return the cleaning of the address bar — and
 * stays small, because it is on the buttons' first-paint path; lazy/ is everything else, loaded on demand through
 * first-paint/hand-over.ts, so a button paints without it.
 */
import type { ShareConsentOptions, ShareConsentResult, VerifyOptions, VerifyResult } from './types.js';
import { startShareConsent } from './first-paint/share.js';
import { startVerify } from './first-paint/verify.js';

export type {
  FallbackDetail,
  FlowHandle,
  FlowMode,
  ShareConsentOptions,
  ShareConsentResult,
  ShareLinkContext,
  VerifyOptions,
  VerifyResult,
} from './types.js';
export { preloadProtocol, resumeVerify, startVerify } from './first-paint/verify.js';
export { resumeShareConsent, startShareConsent } from './first-paint/share.js';
export { validateShareLink } from './first-paint/safe-url.js';
export { handleCallback } from '../callback/relay.js';
export * from './errors.js';

/** `startVerify(options).result`. Call it inside a user gesture. */
export function verify(options: VerifyOptions): Promise<VerifyResult> {
  return startVerify(options).result;
}

/** `startShareConsent(options).result`. Call it inside a user gesture. */
export function requestShareConsent(options: ShareConsentOptions): Promise<ShareConsentResult> {
  return startShareConsent(options).result;
}
