/**
 * `startVerify` / `verify`: OIDC authorization code + PKCE in a popup or a full-page redirect, handing back the code
 * (the kit never exchanges it). The popup opens synchronously, before the first await (item 1); everything after
 * that — option checks in full, metadata, PKCE, the popup session — is the lazy half, verify-run.ts.
 */
import { hasSubtleCrypto } from './env.js';
import { startFlow } from './handle.js';
import { launch } from './launch.js';
import { loadRun } from './load-run.js';
import type { FlowHandle, VerifyOptions, VerifyResult } from './types.js';

/** MUST be called synchronously inside the click handler: the popup (about:blank) opens before the first await. */
export function startVerify(options: VerifyOptions): FlowHandle<VerifyResult> {
  const launched = launch(options, hasSubtleCrypto() || 'crypto');
  return startFlow<VerifyResult>(launched, options?.signal, (run, flow) => run.runVerify(flow, options, launched));
}

/** Public API: `startVerify(options).result`. Call it inside a user gesture. */
export function verify(options: VerifyOptions): Promise<VerifyResult> {
  return startVerify(options).result;
}

/**
 * Warms the lazily loaded flow (and oidc-client-ts) and, given an authority, the provider metadata. The element
 * calls it on hover, focus or idle. Never throws.
 */
export function preloadProtocol(authority?: string): void {
  loadRun().then(
    (run) => run.preload(authority),
    () => {},
  );
}
