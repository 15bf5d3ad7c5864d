/**
 * The full check of the options a flow starts with, with a message for each rule: bad input is `invalid_config`,
 * never a hang. The quick check inside the click (`launchOptionsOk`, `canStartVerify`, `canStartShare`) is a subset
 * of it; it runs before anything opens, this one right after the lazy half loaded (lazy/flow.ts, `continueLaunch`).
 */
import { IdcError } from '../errors.js';
import { isSecureWebUrl, validateShareLink } from '../first-paint/safe-url.js';
import type { FallbackDetail, FlowMode, ShareConsentOptions, VerifyOptions } from '../types.js';
import { randomToken } from './protocol.js';

const DEFAULT_TIMEOUT_S = 600;

export function invalidConfig(message: string): IdcError {
  return new IdcError('invalid_config', { message });
}

/** Common options of every flow. */
export interface BaseConfig {
  mode: FlowMode;
  fallback: 'redirect' | 'none';
  timeoutMs: number;
  redirectUri: string;
  signal?: AbortSignal;
  onFallback?: (detail: FallbackDetail) => boolean;
}

export interface VerifyConfig extends BaseConfig {
  authority: string;
  clientId: string;
  scope: string;
  prompt?: string;
  loginHint?: string;
  uiLocales?: string;
}

export function resolveBaseConfig(options: {
  mode?: unknown;
  fallback?: unknown;
  timeout?: unknown;
  redirectUri?: unknown;
  signal?: unknown;
  onFallback?: unknown;
}): BaseConfig {
  const mode = options.mode ?? 'popup';
  if (mode !== 'popup' && mode !== 'redirect') throw invalidConfig('mode must be "popup" or "redirect".');
  const fallback = options.fallback ?? 'none';
  if (fallback !== 'redirect' && fallback !== 'none') throw invalidConfig('fallback must be "redirect" or "none".');
  const timeout = options.timeout ?? DEFAULT_TIMEOUT_S;
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0) {
    throw invalidConfig('timeout must be a positive number of seconds.');
  }
  if (options.onFallback !== undefined && typeof options.onFallback !== 'function') {
    throw invalidConfig('onFallback must be a function.');
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw invalidConfig('signal must be an AbortSignal.');
  }
  return {
    mode,
    fallback,
    // setTimeout holds at most 2^31-1 ms; longer is "no timeout" in practice.
    timeoutMs: Math.min(timeout * 1000, 2_147_483_647),
    redirectUri: resolveRedirectUri(options.redirectUri),
    signal: options.signal as AbortSignal | undefined,
    onFallback: options.onFallback as BaseConfig['onFallback'],
  };
}

/** The callback URL: default the page without query and hash; always on this page's origin (the relay needs it). */
export function resolveRedirectUri(value: unknown): string {
  if (value === undefined || value === null || value === '') return location.origin + location.pathname;
  if (typeof value !== 'string') throw invalidConfig('redirectUri must be a URL string.');
  let url: URL;
  try {
    url = new URL(value, location.href);
  } catch {
    throw invalidConfig('redirectUri is not a valid URL.');
  }
  if (url.origin !== location.origin) {
    throw invalidConfig(`redirectUri must be on this page's origin (${location.origin}).`);
  }
  if (url.hash) throw invalidConfig('redirectUri must not contain a fragment.');
  return url.href;
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

/**
 * A `state` the host may give: 1 to 512 printable ASCII characters (RFC 6749's VSCHAR), so that the callback page
 * can read it from the token's claim with its tiny decoder.
 */
const HOST_STATE = /^[\x20-\x7e]{1,512}$/;

export interface ShareConfig extends BaseConfig {
  /** The state the consent token must carry: the host's, or generated here (128 random bits). */
  state: string;
  link?: string;
  linkSource?: Exclude<ShareConsentOptions['shareLink'], string>;
}

export function resolveShareConfig(options: ShareConsentOptions): ShareConfig {
  if (!options || typeof options !== 'object') throw invalidConfig('share options are missing.');
  const base = resolveBaseConfig(options);
  const { shareLink, state } = options;
  if (state !== undefined && (typeof state !== 'string' || !HOST_STATE.test(state))) {
    throw invalidConfig('state must be 1 to 512 printable ASCII characters.');
  }
  const config: ShareConfig = { ...base, state: state ?? randomToken(16) };
  if (typeof shareLink === 'function') config.linkSource = shareLink;
  else if (shareLink === undefined || shareLink === null || shareLink === '') {
    // Missing is a setup mistake (invalid_config); a link that is there but unsafe is invalid_share_link.
    throw invalidConfig('shareLink is required: a URL string, or a function returning one.');
  } else {
    config.link = validateShareLink(shareLink);
    // A link fetched beforehand was bound to a state by the backend: the flow must know which.
    if (state === undefined) throw invalidConfig('A string shareLink needs the state the backend bound to it.');
  }
  return config;
}
