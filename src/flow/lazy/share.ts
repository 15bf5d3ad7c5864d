/**
 * The lazy half of the share-consent flow (first-paint/share.ts started it), loaded only by a share flow (lazy/index.ts
 * imports it on demand): the options checked in full (`resolveShareConfig`, on top of the common ones in
 * lazy/flow.ts) and the expected state settled (the host's, or a generated
 * one), the host's `shareLink({ state })` awaited and validated, then the popup session or the redirect departure;
 * the result read from the response — after the popup's message or after a redirect's return.
 */
import { SHARE_STORE_PREFIX } from '../../callback/messages.js';
import { FlowCancelled, IdcError, toIdcError } from '../errors.js';
import type { Launch, RedirectLaunch } from '../first-paint/launch.js';
import { validateShareLink } from '../first-paint/safe-url.js';
import { removeShareRecords, type ShareRecord } from '../first-paint/share-records.js';
import type { ShareConsentOptions, ShareConsentResult } from '../types.js';
import { continueLaunch, invalidConfig, prepareRedirect, resolveBaseConfig, type BaseConfig, type Flow } from './flow.js';
import { decodeJwtPayload } from './jwt.js';
import { PopupSession } from './popup-session.js';
import { randomToken } from './protocol.js';
import { oauthError, relayOrNotFound } from './response.js';

const MAX_TOKEN_LENGTH = 8192;
const STATE_PARAM_DIFFERS = "The response's state parameter is not the state claim of its consent token.";

/**
 * The result from the response parameters. `expected` is the state the flow expects (undefined: a redirect record
 * without one, which nothing matches). The provider adds only `token`: the state is the token's `state` claim, read
 * without verifying (the backend verifies); a `state` parameter, when the provider adds one, must be the same.
 * An error response (no token) carries its state as a parameter.
 */
export function completeShare(params: URLSearchParams, expected: string | undefined): ShareConsentResult {
  const token = params.get('token');
  const param = params.get('state');
  let state = param;
  let sharingAllowed: unknown;
  if (token !== null) {
    const payload = token.length <= MAX_TOKEN_LENGTH ? decodeJwtPayload(token) : null;
    sharingAllowed = payload?.sharingAllowed;
    if (typeof sharingAllowed !== 'boolean') {
      throw new IdcError('invalid_response', { message: 'The consent token is not a JWT with a boolean sharingAllowed.' });
    }
    state = typeof payload!.state === 'string' ? payload!.state : null;
    if (param !== null && param !== state) throw new IdcError('state_mismatch', { message: STATE_PARAM_DIFFERS });
  }
  if (state === null || state !== expected) throw new IdcError('state_mismatch');
  const error = oauthError(params);
  if (error) throw error;
  if (!token) throw new IdcError('invalid_response', { message: 'The response has no consent token.' });
  return { token, state, sharingAllowed: sharingAllowed as boolean };
}

/**
 * A function `shareLink` is called after the popup opened, with the expected state (for the backend to send to the
 * provider), awaited, and its answer validated before navigating.
 */
async function obtainLink(config: ShareConfig): Promise<string> {
  if (config.link) return config.link;
  let link: unknown;
  try {
    link = await config.linkSource!({ state: config.state });
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
    const waiting = session.waitForCallback({ kind: 'share', state: config.state });
    session.navigate(link);
    const params = await waiting;
    flow.succeed(completeShare(params, config.state));
  } catch (err) {
    flow.fail(err instanceof FlowCancelled ? err : toIdcError(err));
  }
}

async function runRedirect(flow: Flow<ShareConsentResult>, config: ShareConfig, launched: RedirectLaunch): Promise<void> {
  try {
    const leg = prepareRedirect(launched);
    const link = await obtainLink(config);
    if (flow.settled) return;
    const key = SHARE_STORE_PREFIX + config.state;
    const record: ShareRecord = {
      data: { mode: 'redirect', kind: 'share' },
      state: config.state,
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

/** `resumeShareConsent` after the address bar was cleaned and the record taken (`hasRecord`). */
export async function finishShareResume(
  search: string,
  hasRecord: boolean,
  expected: string | undefined,
): Promise<ShareConsentResult | null> {
  if (!hasRecord) return relayOrNotFound(search);
  try {
    return completeShare(new URLSearchParams(search), expected);
  } catch (err) {
    throw err instanceof IdcError ? err : new IdcError('invalid_response', { cause: err });
  }
}

/*
 * The share flow's options
 */

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
