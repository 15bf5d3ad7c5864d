/**
 * `startVerify` / `verify`: OIDC authorization code + PKCE in a popup or a full-page redirect, handing back the code
 * (the kit never exchanges it). The popup opens synchronously, before the first await (item 1); everything after
 * that — option checks in full, metadata, PKCE, the popup session — is the lazy half, verify-run.ts.
 */
import { startFlow } from './handle.js';
import { launchVerify } from './launch.js';
import type { FlowHandle, VerifyOptions, VerifyResult } from './types.js';

/** MUST be called synchronously inside the click handler: the popup (about:blank) opens before the first await. */
export function startVerify(options: VerifyOptions): FlowHandle<VerifyResult> {
  const launched = launchVerify(options);
  return startFlow<VerifyResult>(launched, options?.signal, (run, flow) => run.runVerify(flow, options, launched));
}

/** Public API: `startVerify(options).result`. Call it inside a user gesture. */
export function verify(options: VerifyOptions): Promise<VerifyResult> {
  return startVerify(options).result;
}

export { preloadProtocol } from './preload.js';
