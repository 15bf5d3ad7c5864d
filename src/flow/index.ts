/**
 * The flow module: protocol (oidc-client-ts behind protocol.ts), popup session, redirect resume, share consent,
 * callback relay, errors. No Lit and no DOM of any component: the elements build on it, and so can a host page
 * directly (`verify()`, `requestShareConsent()`). The flow never dispatches DOM events.
 *
 * Two halves: what must run synchronously (inside the click: the checks that decide whether anything may open, the
 * blank popup, the handle; on return: cleaning the address bar) is exported here and stays small; everything else is
 * run.ts, loaded on demand (load-run.ts), so a button paints without it.
 */
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
export { preloadProtocol, startVerify, verify } from './verify.js';
export { resumeVerify } from './redirect.js';
export { startShareConsent, requestShareConsent, resumeShareConsent, validateShareLink } from './share.js';
export { handleCallback } from '../callback.js';
export * from './errors.js';
