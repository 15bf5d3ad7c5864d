/**
 * The lazy half of `startShareConsent` (share.ts launched it): the options checked in full, the host's
 * `shareLink()` awaited and validated, then the popup session or the redirect departure; and the result read from
 * the response.
 */
import { FlowCancelled, IdcError, toIdcError } from './errors.js';
import { invalidConfig, resolveBaseConfig, type BaseConfig } from './config.js';
import type { Flow } from './handle.js';
import { decodeJwtPayload } from './jwt.js';
import type { Launch } from './launch.js';
import { continueLaunch, prepareRedirect } from './launch-run.js';
import { SHARE_STORE_PREFIX } from './messages.js';
import { PopupSession } from './popup.js';
import { oauthError } from './response.js';
import { validateShareLink } from './share.js';
import { removeShareRecords, type ShareRecord } from './share-records.js';
import type { ShareConsentOptions, ShareConsentResult } from './types.js';

const MAX_TOKEN_LENGTH = 8192;

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
  else if (shareLink === undefined || shareLink === null || shareLink === '') {
    // Missing is a setup mistake (invalid_config); a link that is there but unsafe is invalid_share_link.
    throw invalidConfig('shareLink is required: a URL string, or a function returning one.');
  } else config.link = validateShareLink(shareLink);
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

/** Continues a share flow `launch()` started: fails it with the coded error, or runs it to a result. */
export function runShare(flow: Flow<ShareConsentResult>, options: ShareConsentOptions, launched: Launch): void {
  continueLaunch(flow, launched, () => resolveShareConfig(options), { popup: runPopup, redirect: runRedirect });
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

async function runRedirect(flow: Flow<ShareConsentResult>, config: ShareConfig, fallback: string | undefined): Promise<void> {
  try {
    const leg = prepareRedirect(fallback);
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
      leg.storage.setItem(key, JSON.stringify(record));
    } catch (cause) {
      throw new IdcError('storage_unavailable', { message: 'Could not store the share-consent transaction.', cause });
    }
    try {
      leg.navigate(link);
    } catch (err) {
      leg.storage.removeItem(key);
      throw err;
    }
  } catch (err) {
    flow.fail(err instanceof FlowCancelled ? err : toIdcError(err));
  }
}
