/**
 * `startVerify` / `verify`: OIDC authorization code + PKCE in a popup or a full-page redirect, handing back the code
 * (the kit never exchanges it). The popup opens synchronously, before the first await (item 1).
 */
import { FlowCancelled, IdcError, toIdcError } from './errors.js';
import { resolveVerifyConfig, type VerifyConfig } from './config.js';
import { hasSubtleCrypto, usableSessionStorage } from './env.js';
import { Flow, failedFlow } from './handle.js';
import { launch, type Launch } from './launch.js';
import { getMetadata, type ProviderMetadata } from './metadata.js';
import { PopupSession } from './popup.js';
import { createProtocol, type Protocol } from './protocol.js';
import { completeVerify } from './response.js';
import type { FlowHandle, VerifyOptions, VerifyResult } from './types.js';

/** MUST be called synchronously inside the click handler: the popup (about:blank) opens before the first await. */
export function startVerify(options: VerifyOptions): FlowHandle<VerifyResult> {
  let config: VerifyConfig;
  let launched: Launch;
  try {
    config = resolveVerifyConfig(options);
    if (!hasSubtleCrypto()) throw new IdcError('crypto_unavailable');
    if (config.signal?.aborted) return failedFlow(new FlowCancelled('aborted'));
    launched = launch(config);
  } catch (err) {
    return failedFlow(toIdcError(err, 'invalid_config'));
  }
  const flow = new Flow<VerifyResult>({ timeoutMs: config.timeoutMs, signal: config.signal });
  if (launched.path === 'popup') void runPopup(flow, config, launched.popup);
  else void runRedirect(flow, config, launched);
  return flow;
}

/** Public API: `startVerify(options).result`. Call it inside a user gesture. */
export function verify(options: VerifyOptions): Promise<VerifyResult> {
  return startVerify(options).result;
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
async function runRedirect(
  flow: Flow<VerifyResult>,
  config: VerifyConfig,
  launched: Extract<Launch, { path: 'redirect' }>,
): Promise<void> {
  try {
    const metadata = await getMetadata(config.authority);
    if (flow.settled) return;
    const protocol = await openProtocol(config, metadata, launched.storage);
    if (flow.settled) return;
    const { url, state } = await protocol.begin(request(config, 'redirect'));
    if (flow.settled) {
      void protocol.discard(state);
      return;
    }
    try {
      launched.navigate(url);
    } catch (err) {
      void protocol.discard(state);
      throw err;
    }
  } catch (err) {
    flow.fail(toIdcError(err));
  }
}
