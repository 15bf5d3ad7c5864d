/**
 * The lazy half of the verify flow (first-paint/verify.ts started it). After the click: the options checked in full
 * (`resolveVerifyConfig`, on top of the common ones in lazy/flow.ts),
 * then metadata, the PKCE request through oidc-client-ts, and the popup session or the redirect departure. After a
 * redirect's return: the stored transaction taken (single use) and the response checked.
 */
import { IdcError, toIdcError } from '../errors.js';
import { isSecureWebUrl } from '../first-paint/safe-url.js';
import type { VerifyReturn } from '../first-paint/address-bar.js';
import type { Launch, RedirectLaunch } from '../first-paint/launch.js';
import type { VerifyOptions, VerifyResult } from '../types.js';
import {
  adoptLaunch,
  continueLaunch,
  invalidConfig,
  prepareRedirect,
  resolveBaseConfig,
  usableSessionStorage,
  type BaseConfig,
  type Flow,
} from './flow.js';
import { PopupSession } from './popup-session.js';
import {
  createProtocol,
  getMetadata,
  loadProtocolLibrary,
  type ProviderMetadata,
  type Protocol,
} from './protocol.js';
import { completeVerify, relayOrNotFound } from './response.js';

/**
 * `startVerify` after its launch: the flow's handle (it owns the popup from now on), fails with the coded error or
 * runs to a result.
 */
export function continueVerify(launched: Launch, options: VerifyOptions): Flow<VerifyResult> {
  const flow = adoptLaunch<VerifyResult>(launched, options?.signal);
  continueLaunch(flow, launched, () => resolveVerifyConfig(options), { popup: runPopup, redirect: runRedirect });
  return flow;
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
    // Popup mode keeps the transaction in memory when storage throws (docs/security.md §13): the page stays alive.
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
async function runRedirect(flow: Flow<VerifyResult>, config: VerifyConfig, launched: RedirectLaunch): Promise<void> {
  try {
    const leg = prepareRedirect(launched);
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

/**
 * `resumeVerify` after `takeVerifyReturn` cleaned the address bar; `stored` is the transaction it peeked at. Rejects
 * with an `IdcError` (anything unexpected is `invalid_response`).
 */
export function finishVerifyResume(taken: VerifyReturn): Promise<VerifyResult | null> {
  return verifyReturn(taken).catch((err: unknown) => {
    throw toIdcError(err, 'invalid_response');
  });
}

async function verifyReturn({ search, stored }: VerifyReturn): Promise<VerifyResult | null> {
  if (!stored || stored.data?.mode !== 'redirect' || !usableSessionStorage()) return relayOrNotFound(search);
  const params = new URLSearchParams(search);
  const protocol = await createProtocol({
    authority: String(stored.authority),
    clientId: String(stored.client_id),
    redirectUri: String(stored.redirect_uri),
    storage: window.sessionStorage,
    maxAgeSeconds: 900,
  });
  const taken = await protocol.take(params);
  if (taken.status === 'not_found') throw new IdcError('state_not_found');
  if (taken.status === 'mismatch') throw new IdcError('state_mismatch');
  return completeVerify(params, taken.transaction, 'redirect');
}

/*
 * The verify flow's options
 */

export interface VerifyConfig extends BaseConfig {
  authority: string;
  clientId: string;
  scope: string;
  prompt?: string;
  loginHint?: string;
  uiLocales?: string;
}

export function resolveVerifyConfig(options: VerifyOptions): VerifyConfig {
  if (!options || typeof options !== 'object') throw invalidConfig('verify options are missing.');
  const base = resolveBaseConfig(options);
  const authority = normalizeAuthority(options.authority);
  const clientId = options.clientId;
  // eslint-disable-next-line no-control-regex
  if (typeof clientId !== 'string' || !clientId.trim() || clientId.length > 256 || /[\u0000-\u001f]/.test(clientId)) {
    throw invalidConfig('clientId is required.');
  }
  const scopes = normalizeScope(options.scope);
  const config: VerifyConfig = { ...base, authority, clientId, scope: scopes.join(' ') };
  if (scopes.includes('offline_access')) config.prompt = 'consent';
  if (options.loginHint !== undefined && options.loginHint !== '') {
    if (typeof options.loginHint !== 'string' || options.loginHint.length > 256) {
      throw invalidConfig('loginHint must be a string of at most 256 characters.');
    }
    config.loginHint = options.loginHint;
  }
  if (options.uiLocales !== undefined && options.uiLocales !== '') {
    if (typeof options.uiLocales !== 'string' || !/^[A-Za-z0-9-]+(?: [A-Za-z0-9-]+)*$/.test(options.uiLocales)) {
      throw invalidConfig('uiLocales must be space-separated BCP 47 tags.');
    }
    config.uiLocales = options.uiLocales;
  }
  return config;
}

/** The issuer URL as given, checked: absolute, https (or loopback http), no query, no fragment. */
export function normalizeAuthority(value: unknown): string {
  if (typeof value !== 'string' || !value) throw invalidConfig('authority (the provider issuer URL) is required.');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidConfig('authority is not an absolute URL.');
  }
  if (!isSecureWebUrl(url)) throw invalidConfig('authority must be an https URL (http only on localhost).');
  if (url.search || url.hash) throw invalidConfig('authority must not have a query or fragment.');
  return value;
}

function normalizeScope(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return ['openid', 'share'];
  if (typeof value !== 'string') throw invalidConfig('scope must be a space-separated string.');
  const scopes = [...new Set(value.split(/\s+/).filter(Boolean))];
  if (!scopes.every((s) => /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s))) throw invalidConfig('scope holds invalid characters.');
  return scopes.includes('openid') ? scopes : ['openid', ...scopes];
}
