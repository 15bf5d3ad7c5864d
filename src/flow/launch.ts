/**
 * The synchronous first step every flow shares, run inside the click before anything is awaited (items 1, 2, 18):
 * decide popup or redirect and, for a popup, open the blank window. Calls `onFallback` before a popup→redirect switch.
 *
 * Deliberately small — it is on the button's first-paint path. It never builds an error: when nothing may open it
 * says why, and the lazy part (launch-run.ts) checks the options in full first and then turns the reason into the
 * coded error, so errors keep the order they always had (invalid_config, crypto_unavailable, aborted, …).
 */
import { hasSubtleCrypto, hasUserActivation, isInAppBrowser } from './env.js';
import { page } from './leaving.js';
import { POPUP_NAME_PREFIX } from './names.js';
import type { FallbackDetail } from './types.js';

/** Why nothing opened: options the quick check refused, no Web Crypto, an aborted signal, a page already leaving,
 *  no user activation, a blocked popup. */
export type NoLaunchReason = 'config' | 'crypto' | 'aborted' | 'busy' | 'no_activation' | 'blocked';

export type Launch =
  | { path: 'popup'; popup: Window }
  | { path: 'redirect'; fallback?: string }
  | { path: 'none'; why: NoLaunchReason };

/** The options the launch reads, checked already (`launchOptionsOk` for what a caller gave, the element's own). */
export interface LaunchOptions {
  mode?: 'popup' | 'redirect';
  fallback?: 'redirect' | 'none';
  signal?: AbortSignal;
  onFallback?: (detail: FallbackDetail) => boolean;
}

/** The launch of a flow whose options failed the quick check: nothing opens, the lazy half says what is wrong. */
export const REFUSED: Launch = { path: 'none', why: 'config' };

const WIDTH = 500;
const HEIGHT = 680;

/** Opens the blank popup. Synchronous; null when the browser blocked it. */
export function openBlankPopup(): Window | null {
  const left = Math.max(0, Math.round(window.screenX + (window.outerWidth - WIDTH) / 2));
  const top = Math.max(0, Math.round(window.screenY + (window.outerHeight - HEIGHT) / 3));
  try {
    // A fresh name per flow, so an old popup is never reused. Only a hint (resume-run.ts, callback.ts), not a secret.
    const name = POPUP_NAME_PREFIX + crypto.getRandomValues(new Uint32Array(2)).join('');
    return window.open('about:blank', name, `popup=yes,width=${WIDTH},height=${HEIGHT},left=${left},top=${top}`);
  } catch {
    return null;
  }
}

/** The synchronous step of a verify flow (`startVerify`, the verify button): PKCE needs Web Crypto, then `launch()`. */
export function launchVerify(options: LaunchOptions): Launch {
  return launch(options, hasSubtleCrypto() || 'crypto');
}

/**
 * Opens the popup or chooses the redirect, for options of the right shape (the public functions check theirs with
 * `launchOptionsOk` first). `ready` is a reason not to start that the caller found itself (no Web Crypto:
 * `'crypto'`; a bad share link: `'config'`). `beforePopup` runs when popup mode passed every check, just before the
 * window opens (the popup copies this page's sessionStorage when it opens).
 */
export function launch(options: LaunchOptions, ready: true | NoLaunchReason = true, beforePopup?: () => void): Launch {
  const none = (why: NoLaunchReason): Launch => ({ path: 'none', why });
  const { mode = 'popup', fallback = 'none', signal, onFallback } = options;
  if (ready !== true) return none(ready);
  if (signal?.aborted) return none('aborted');
  if (mode === 'popup') beforePopup?.();
  if (page.leaving) return none('busy');
  if (mode === 'redirect') return { path: 'redirect' };

  const ask = (reason: string): boolean => {
    try {
      return !onFallback || onFallback({ from: 'popup', to: 'redirect', reason }) !== false;
    } catch {
      return false;
    }
  };
  const fallBack = fallback === 'redirect';
  if (isInAppBrowser() && ask('in_app_browser')) return { path: 'redirect', fallback: 'in_app_browser' };
  if (!hasUserActivation()) {
    return fallBack && ask('no_user_activation') ? { path: 'redirect', fallback: 'no_user_activation' } : none('no_activation');
  }
  const popup = openBlankPopup();
  if (popup) return { path: 'popup', popup };
  return fallBack && ask('popup_blocked') ? { path: 'redirect', fallback: 'popup_blocked' } : none('blocked');
}
