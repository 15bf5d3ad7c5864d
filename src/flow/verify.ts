/**
 * `startVerify` / `verify`: OIDC authorization code + PKCE in a popup or a full-page redirect, handing back the code
 * (the kit never exchanges it). The popup opens synchronously, before the first await (item 1); everything after
 * that — option checks in full, metadata, PKCE, the popup session — is the lazy half, verify-run.ts.
 */
import { startFlow } from './handle.js';
import { REFUSED, launchVerify } from './launch.js';
import { launchOptionsOk } from './launch-check.js';
import { loadRun } from './load-run.js';
import type { FlowHandle, VerifyOptions, VerifyResult } from './types.js';

/** MUST be called synchronously inside the click handler: the popup (about:blank) opens before the first await. */
export function startVerify(options: VerifyOptions): FlowHandle<VerifyResult> {
  const launched = launchOptionsOk(options) ? launchVerify(options) : REFUSED;
  return startFlow<VerifyResult>(launched, options?.signal, (run, flow) => run.runVerify(flow, options, launched));
}

/** Public API: `startVerify(options).result`. Call it inside a user gesture. */
export function verify(options: VerifyOptions): Promise<VerifyResult> {
  return startVerify(options).result;
}

/**
 * Warms the lazily loaded flow (and oidc-client-ts) and, given an authority, the provider metadata. Never throws.
 * (The elements do the same with the lazy half at hand: `prepare`.)
 */
export function preloadProtocol(authority?: string): void {
  loadRun().then(
    (run) => run.preload(authority),
    () => {},
  );
}
