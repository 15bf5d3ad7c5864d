/**
 * Per-recipient share consent: opens the provider's short-lived share link (from the host backend) in the same
 * popup session as verify, or the same tab, and brings back the consent JWT from `redirectUri?token=…&state=…`.
 * `sharingAllowed` is read from the UNVERIFIED payload — a UI hint; the backend verifies the token.
 */
import { FlowCancelled, IdcError, toIdcError } from './errors.js';
import { invalidConfig, isSecureWebUrl, resolveBaseConfig, type BaseConfig } from './config.js';
import { decodeJwtPayload } from './encoding.js';
import { Flow, failedFlow } from './handle.js';
import { launch, type Launch } from './launch.js';
import { SHARE_STORE_PREFIX } from './messages.js';
import { PopupSession } from './popup.js';
import { cleanAddressBar, relayOrNotFound } from './redirect.js';
import { oauthError } from './response.js';
import type { FlowHandle, ShareConsentOptions, ShareConsentResult } from './types.js';

const MAX_TOKEN_LENGTH = 8192;
/** A share redirect record older than this is abandoned. */
const RECORD_TTL_MS = 60 * 60 * 1000;

/**
 * The share link as an absolute URL we may open: https, or http on localhost/127.0.0.1 only. `javascript:`,
 * `data:`, relative and malformed links are `invalid_share_link` (item 17).
 */
export function validateShareLink(link: unknown): string {
  if (typeof link !== 'string' || !link || link.length > 4096) {
    throw new IdcError('invalid_share_link', { message: 'The share link must be a URL string.' });
  }
  let url: URL;
  try {
    url = new URL(link); // no base: a relative link is refused
  } catch {
    throw new IdcError('invalid_share_link', { message: 'The share link is not an absolute URL.' });
  }
  if (!isSecureWebUrl(url)) throw new IdcError('invalid_share_link');
  return url.href;
}

/** The result from the response parameters; `expected` is the state the host expects, if it gave one. */
export function completeShare(params: URLSearchParams, expected: string | undefined): ShareConsentResult {
  const state = params.get('state') ?? '';
  if (expected !== undefined && state !== expected) throw new IdcError('state_mismatch');
  const error = oauthError(params);
  if (error) throw error;
  const token = params.get('token');
  if (!token || token.length > MAX_TOKEN_LENGTH) {
    throw new IdcError('invalid_response', { message: 'The response has no consent token.' });
  }
  const payload = decodeJwtPayload(token);
  if (!payload || typeof payload.sharingAllowed !== 'boolean') {
    throw new IdcError('invalid_response', { message: 'The consent token is not a JWT with a boolean sharingAllowed.' });
  }
  return { token, state, sharingAllowed: payload.sharingAllowed };
}

interface ShareConfig extends BaseConfig {
  state?: string;
  link?: string;
  linkSource?: () => Promise<string>;
}

function resolveShareConfig(options: ShareConsentOptions): ShareConfig {
  if (!options || typeof options !== 'object') throw invalidConfig('share options are missing.');
  const config: ShareConfig = resolveBaseConfig(options);
  if (options.state !== undefined) {
    if (typeof options.state !== 'string' || !options.state || options.state.length > 512) {
      throw invalidConfig('state must be a non-empty string.');
    }
    config.state = options.state;
  }
  const { shareLink } = options;
  if (typeof shareLink === 'function') config.linkSource = shareLink;
  else config.link = validateShareLink(shareLink); // a string is checked before anything opens
  return config;
}

/** A function `shareLink` is awaited after the popup opened, and its answer validated before navigating. */
async function obtainLink(config: ShareConfig): Promise<string> {
  if (config.link) return config.link;
  let link: unknown;
  try {
    link = await config.linkSource!();
  } catch (cause) {
    if (cause instanceof IdcError || cause instanceof FlowCancelled) throw cause;
    throw new IdcError('network', { message: 'shareLink() failed to provide the share link.', cause });
  }
  return validateShareLink(link);
}

export function startShareConsent(options: ShareConsentOptions): FlowHandle<ShareConsentResult> {
  let config: ShareConfig;
  let launched: Launch;
  try {
    config = resolveShareConfig(options);
    if (config.signal?.aborted) return failedFlow(new FlowCancelled('aborted'));
    // Before the popup opens: its copy of sessionStorage must not hold a stale redirect record.
    if (config.mode === 'popup') removeShareRecords();
    launched = launch(config);
  } catch (err) {
    return failedFlow(toIdcError(err, 'invalid_config'));
  }
  const flow = new Flow<ShareConsentResult>({ timeoutMs: config.timeoutMs, signal: config.signal });
  if (launched.path === 'popup') void runPopup(flow, config, launched.popup);
  else void runRedirect(flow, config, launched);
  return flow;
}

/** Public API: `startShareConsent(options).result`. Call it inside a user gesture. */
export function requestShareConsent(options: ShareConsentOptions): Promise<ShareConsentResult> {
  return startShareConsent(options).result;
}

async function runPopup(flow: Flow<ShareConsentResult>, config: ShareConfig, popup: Window): Promise<void> {
  const session = new PopupSession(popup, flow as Flow<unknown>);
  try {
    const link = await obtainLink(config);
    if (flow.settled) return;
    const waiting = session.waitForCallback({ kind: 'share', ...(config.state !== undefined ? { state: config.state } : {}) });
    session.navigate(link);
    const params = await waiting;
    flow.succeed(completeShare(params, config.state));
  } catch (err) {
    flow.fail(err instanceof FlowCancelled ? err : toIdcError(err));
  }
}

async function runRedirect(
  flow: Flow<ShareConsentResult>,
  config: ShareConfig,
  launched: Extract<Launch, { path: 'redirect' }>,
): Promise<void> {
  try {
    const link = await obtainLink(config);
    if (flow.settled) return;
    const key = SHARE_STORE_PREFIX + (config.state ?? '');
    const record: ShareRecord = {
      data: { mode: 'redirect', kind: 'share' },
      state: config.state ?? null,
      redirectUri: config.redirectUri,
      created: Date.now(),
    };
    try {
      removeShareRecords();
      launched.storage.setItem(key, JSON.stringify(record));
    } catch (cause) {
      throw new IdcError('storage_unavailable', { message: 'Could not store the share-consent transaction.', cause });
    }
    try {
      launched.navigate(link);
    } catch (err) {
      launched.storage.removeItem(key);
      throw err;
    }
  } catch (err) {
    flow.fail(err instanceof FlowCancelled ? err : toIdcError(err));
  }
}

interface ShareRecord {
  data: { mode: 'redirect'; kind: 'share' };
  state: string | null;
  redirectUri: string;
  created: number;
}

function shareRecordKeys(): string[] {
  try {
    const storage = window.sessionStorage;
    const keys: string[] = [];
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key?.startsWith(SHARE_STORE_PREFIX)) keys.push(key);
    }
    return keys;
  } catch {
    return [];
  }
}

function removeShareRecords(): void {
  for (const key of shareRecordKeys()) {
    try {
      window.sessionStorage.removeItem(key);
    } catch {
      // storage gone
    }
  }
}

/** Takes (reads and removes) the share redirect record; single use. */
function takeShareRecord(): ShareRecord | null {
  let found: ShareRecord | null = null;
  for (const key of shareRecordKeys()) {
    try {
      const record = JSON.parse(window.sessionStorage.getItem(key) ?? 'null') as ShareRecord | null;
      if (record?.data?.mode === 'redirect' && Date.now() - record.created < RECORD_TTL_MS) found ??= record;
    } catch {
      // unreadable: dropped below
    }
  }
  removeShareRecords();
  return found;
}

/**
 * On page load: when the address bar carries a share-consent response (`token` + `state`) for a stored redirect
 * transaction, cleans the address bar at once and resolves with the result (or rejects: `state_not_found`,
 * `state_mismatch`, `invalid_response`, `access_denied`, …). Null when the URL holds no share response.
 */
export function resumeShareConsent(match: { state?: string } = {}): Promise<ShareConsentResult | null> {
  try {
    const search = location.search;
    const params = new URLSearchParams(search);
    const isResponse = params.has('token') || (params.has('error') && shareRecordKeys().length > 0);
    if (!isResponse) return Promise.resolve(null);
    cleanAddressBar();
    const record = takeShareRecord();
    if (!record) return relayOrNotFound(search);
    const expected = match.state ?? record.state ?? undefined;
    return Promise.resolve(completeShare(params, expected));
  } catch (err) {
    return Promise.reject(err instanceof IdcError ? err : new IdcError('invalid_response', { cause: err }));
  }
}
