/**
 * The synchronous first step every flow shares, run inside the click before anything is awaited (docs/security.md §1,
 * §2, §18): the quick option check, what the browser can do (Web Crypto, user activation, in-app web views), whether
 * the page is already leaving, then popup or redirect and, for a popup, the blank window. Calls `onFallback` before a
 * popup→redirect switch. What only a redirect needs (working storage, the frame it runs in) is asked later, by the
 * lazy half (lazy/flow.ts).
 *
 * Deliberately small — it is on the button's first-paint path. It never builds an error: when nothing may open it
 * says why, and the lazy half (lazy/flow.ts) checks the options in full first and then turns the reason into the
 * coded error, so errors keep the order they always had (invalid_config, crypto_unavailable, aborted, …).
 */
import { POPUP_NAME_PREFIX } from '../../callback/keys.js';
import type { FallbackDetail } from '../types.js';

/**
 * Whether this page is already on its way to the provider (a redirect navigation started). `launch()` reads it; a
 * redirect's launch hands this object to the lazy half (`RedirectLaunch.page`), which marks it when it navigates
 * (`setLeaving`, lazy/flow.ts). So there is one per page also in the script-tag build, whose lazy half is a file of
 * its own that bundles this module again: that copy is never read.
 */
const page = { leaving: false };

export type PageState = typeof page;


/** Why nothing opened: options the quick check refused, no Web Crypto, an aborted signal, a page already leaving,
 *  no user activation, a blocked popup. */
export type NoLaunchReason = 'config' | 'crypto' | 'aborted' | 'busy' | 'no_activation' | 'blocked';

export type Launch = { path: 'popup'; popup: Window } | RedirectLaunch | { path: 'none'; why: NoLaunchReason };

/** A redirect: why the popup path fell back to it (if it did), and the page state the lazy half marks as leaving. */
export interface RedirectLaunch {
  path: 'redirect';
  fallback?: string;
  page: PageState;
}

/** The options the launch reads (checked by `launchOptionsOk` first). */
export interface LaunchOptions {
  mode?: 'popup' | 'redirect';
  fallback?: 'redirect' | 'none';
  signal?: AbortSignal;
  onFallback?: (detail: FallbackDetail) => boolean;
}

/** The launch of a flow whose options failed the quick check: nothing opens, the lazy half says what is wrong. */
export const REFUSED: Launch = { path: 'none', why: 'config' };

/**
 * The quick check of the options every flow shares, before anything may open: the ones the launch reads, and the
 * timeout. Each flow adds its must-haves (`canStartVerify`, `canStartShare`); the elements call those same checks
 * (a refused click fires no `idc-start`). A subset of the full check with its messages (lazy/verify.ts, lazy/share.ts), so whatever
 * opens a window passes that one too.
 */
export function launchOptionsOk(options: unknown): options is LaunchOptions {
  const { mode = 'popup', fallback = 'none', timeout, signal, onFallback } = Object(options) as Record<string, unknown>;
  return (
    options === Object(options) && // an object, not missing
    (mode === 'popup' || mode === 'redirect') &&
    (fallback === 'redirect' || fallback === 'none') &&
    (timeout == null || (typeof timeout === 'number' && timeout > 0 && timeout < Infinity)) &&
    (signal === undefined || signal instanceof AbortSignal) &&
    (onFallback === undefined || typeof onFallback === 'function')
  );
}

const WIDTH = 500;
const HEIGHT = 680;

/** Opens the blank popup. Synchronous; null when the browser blocked it. */
export function openBlankPopup(): Window | null {
  const left = Math.max(0, Math.round(window.screenX + (window.outerWidth - WIDTH) / 2));
  const top = Math.max(0, Math.round(window.screenY + (window.outerHeight - HEIGHT) / 3));
  try {
    // A fresh name per flow, so an old popup is never reused. Only a hint (lazy/response.ts, callback/relay.ts), not a secret.
    const name = POPUP_NAME_PREFIX + crypto.getRandomValues(new Uint32Array(2)).join('');
    return window.open('about:blank', name, `popup=yes,width=${WIDTH},height=${HEIGHT},left=${left},top=${top}`);
  } catch {
    return null;
  }
}

/**
 * `crypto.subtle` exists only in secure contexts (https, localhost): PKCE needs it (§15). Where it exists, so
 * does `crypto.getRandomValues`.
 */
export function hasSubtleCrypto(): boolean {
  return Boolean(globalThis.crypto?.subtle);
}

/**
 * False only when the browser says for sure that no user gesture is active (User Activation v2); browsers without
 * `navigator.userActivation` get the benefit of the doubt and `window.open` tells.
 */
export function hasUserActivation(): boolean {
  const activation = (navigator as Navigator & { userActivation?: { isActive: boolean } }).userActivation;
  return activation ? activation.isActive : true;
}

/** In-app web views that swallow or break popups (Instagram, Facebook, TikTok, LINE): §18. */
const IN_APP = /\b(?:Instagram|FB(?:AN|AV|_IAB|IOS)|TikTok|musical_ly|BytedanceWebview)\b|\bLine\/\d/i;

export function isInAppBrowser(userAgent: string = navigator.userAgent): boolean {
  return IN_APP.test(userAgent);
}

/**
 * Opens the popup or chooses the redirect, for options that passed `launchOptionsOk`. `ready` is a reason not to start that the caller found itself (no Web Crypto:
 * `'crypto'`; a bad share link: `'config'`). `beforePopup` runs when popup mode passed every check, just before the
 * window opens (the popup copies this page's sessionStorage when it opens).
 */
export function launch(options: LaunchOptions, ready: true | NoLaunchReason = true, beforePopup?: () => void): Launch {
  const none = (why: NoLaunchReason): Launch => ({ path: 'none', why });
  const redirect = (fallback?: string): Launch => ({ path: 'redirect', fallback, page });
  const { mode = 'popup', fallback = 'none', signal, onFallback } = options;
  if (ready !== true) return none(ready);
  if (signal?.aborted) return none('aborted');
  if (mode === 'popup') beforePopup?.();
  if (page.leaving) return none('busy');
  if (mode === 'redirect') return redirect();

  const ask = (reason: string): boolean => {
    try {
      return !onFallback || onFallback({ from: 'popup', to: 'redirect', reason }) !== false;
    } catch {
      return false;
    }
  };
  const fallBack = fallback === 'redirect';
  if (isInAppBrowser() && ask('in_app_browser')) return redirect('in_app_browser');
  if (!hasUserActivation()) return fallBack && ask('no_user_activation') ? redirect('no_user_activation') : none('no_activation');
  const popup = openBlankPopup();
  if (popup) return { path: 'popup', popup };
  return fallBack && ask('popup_blocked') ? redirect('popup_blocked') : none('blocked');
}
