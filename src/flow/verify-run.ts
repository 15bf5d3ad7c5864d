/**
 * The lazy half of `startVerify` (verify.ts launched it): the options checked in full, then metadata, the PKCE
 * request through oidc-client-ts, and the popup session or the redirect departure.
 */
import { IdcError, toIdcError } from './errors.js';
import { normalizeAuthority, resolveVerifyConfig, type VerifyConfig } from './config.js';
import type { Flow } from './handle.js';
import type { Launch } from './launch.js';
import { continueLaunch, prepareRedirect } from './launch-run.js';
import { getMetadata, type ProviderMetadata } from './metadata.js';
import { PopupSession } from './popup.js';
import { createProtocol, loadProtocolLibrary, type Protocol } from './protocol.js';
import { usableSessionStorage } from './redirect-env.js';
import { completeVerify } from './response.js';
import type { VerifyOptions, VerifyResult } from './types.js';

/** Continues a verify flow `launch()` started: fails it with the coded error, or runs it to a result. */
export function runVerify(flow: Flow<VerifyResult>, options: VerifyOptions, launched: Launch): void {
  continueLaunch(flow, launched, () => resolveVerifyConfig(options), { popup: runPopup, redirect: runRedirect });
}

/** Warms oidc-client-ts and, given an authority, its metadata. Never throws. */
export function preload(authority?: string): void {
  try {
    loadProtocolLibrary().catch(() => {});
    if (authority) getMetadata(normalizeAuthority(authority)).catch(() => {});
  } catch {
    // an invalid authority is reported when the flow starts
  }
}

function openProtocol(config: VerifyConfig, metadata: ProviderMetadata, storage: Storage | 'memory'): Promise<Protocol> {
  return createProtocol({
    authority: config.authority,
    clientId: config.clientId,
    redirectUri: config.redirectUri,
    storage,
    metadata,
    maxAgeSeconds: config.timeoutMs / 1000 + 60,
  });
}

function request(config: VerifyConfig, mode: 'popup' | 'redirect') {
  return {
    scope: config.scope,
    mode,
    ...(config.prompt ? { prompt: config.prompt } : {}),
    ...(config.loginHint ? { loginHint: config.loginHint } : {}),
    ...(config.uiLocales ? { uiLocales: config.uiLocales } : {}),
  };
}

async function runPopup(flow: Flow<VerifyResult>, config: VerifyConfig, popup: Window): Promise<void> {
  const session = new PopupSession(popup, flow as Flow<unknown>);
  let pending: { protocol: Protocol; state: string } | undefined;
  flow.onCleanup(() => pending && pending.protocol.discard(pending.state));
  try {
    const metadata = await getMetadata(config.authority);
    if (flow.settled) return;
    // Popup mode keeps the transaction in memory when storage throws (item 13): the page stays alive.
    const protocol = await openProtocol(config, metadata, usableSessionStorage() ?? 'memory');
    if (flow.settled) return;
    const { url, state } = await protocol.begin(request(config, 'popup'));
    pending = { protocol, state };
    if (flow.settled) {
      void protocol.discard(state);
      return;
    }
    const waiting = session.waitForCallback({ kind: 'verify', state });
    session.navigate(url);
    const params = await waiting;
    const taken = await protocol.take(params);
    pending = undefined;
    if (taken.status !== 'found') throw new IdcError(taken.status === 'mismatch' ? 'state_mismatch' : 'state_not_found');
    flow.succeed(completeVerify(params, taken.transaction, 'popup'));
  } catch (err) {
    flow.fail(toIdcError(err));
  }
}

/**
 * Stores the transaction in sessionStorage and leaves the page. The handle stays pending while the page unloads;
 * if the navigation never happens the timeout ends it. The result arrives via `resumeVerify()` after the return.
 */
async function runRedirect(flow: Flow<VerifyResult>, config: VerifyConfig, fallback: string | undefined): Promise<void> {
  try {
    const leg = prepareRedirect(fallback);
    const metadata = await getMetadata(config.authority);
    if (flow.settled) return;
    const protocol = await openProtocol(config, metadata, leg.storage);
    if (flow.settled) return;
    const { url, state } = await protocol.begin(request(config, 'redirect'));
    if (flow.settled) {
      void protocol.discard(state);
      return;
    }
    try {
      leg.navigate(url);
    } catch (err) {
      void protocol.discard(state);
      throw err;
    }
  } catch (err) {
    flow.fail(toIdcError(err));
  }
}
