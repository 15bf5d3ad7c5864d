/**
 * The flow module: protocol (oidc-client-ts behind protocol.ts, loaded lazily), popup session, redirect resume,
 * share consent, callback relay, errors. No Lit and no DOM of any component: the elements build on it, and so can a
 * host page directly (`verify()`, `requestShareConsent()`). The flow never dispatches DOM events.
 */
import { normalizeAuthority } from './config.js';
import { getMetadata } from './metadata.js';
import { loadProtocolLibrary } from './protocol.js';

export type {
  FallbackDetail,
  FlowHandle,
  FlowMode,
  ShareConsentOptions,
  ShareConsentResult,
  VerifyOptions,
  VerifyResult,
} from './types.js';
export { startVerify, verify } from './verify.js';
export { resumeVerify } from './redirect.js';
export { startShareConsent, requestShareConsent, resumeShareConsent, validateShareLink } from './share.js';
export { handleCallback } from '../callback.js';
export * from './errors.js';

/**
 * Warms the lazily loaded protocol chunk (oidc-client-ts) and, given an authority, the provider metadata. The
 * element calls it on hover, focus or idle. Never throws.
 */
export function preloadProtocol(authority?: string): void {
  try {
    loadProtocolLibrary().catch(() => {});
    if (authority) getMetadata(normalizeAuthority(authority)).catch(() => {});
  } catch {
    // an invalid authority is reported when the flow starts
  }
}
