/**
 * The synchronous first step every flow shares: decide popup or redirect and, for a popup, open the blank window
 * before anything is awaited (items 1, 2, 16, 18). Calls `onFallback` before a popup→redirect switch.
 */
import { IdcError } from './errors.js';
import { frameContext, hasUserActivation, isInAppBrowser, usableSessionStorage } from './env.js';
import { openBlankPopup } from './popup.js';
import type { BaseConfig } from './config.js';

export type Launch =
  | { path: 'popup'; popup: Window }
  | { path: 'redirect'; navigate: (url: string) => void; storage: Storage; fallback?: string };

const LEAVING_RESET_MS = 10_000;

/** Set once a redirect navigation started on this page; a restore from the back/forward cache clears it. */
let leavingPage = false;
let watchingRestore = false;

function markLeaving(): void {
  leavingPage = true;
  // A navigation the user stopped (a beforeunload "Stay") must not block the page for good.
  setTimeout(() => (leavingPage = false), LEAVING_RESET_MS);
  if (watchingRestore) return;
  watchingRestore = true; // registered on first use: importing the kit has no side effects
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) leavingPage = false;
  });
}

/** Opens the popup or prepares the redirect. Throws an `IdcError` when neither can run. Synchronous. */
export function launch(config: BaseConfig): Launch {
  if (leavingPage) throw new IdcError('flow_in_progress', { message: 'This page is already navigating to the provider.' });
  if (config.mode === 'redirect') return prepareRedirect(undefined);

  if (isInAppBrowser() && askFallback(config, 'in_app_browser')) return prepareRedirect('in_app_browser');

  if (!hasUserActivation()) {
    if (config.fallback === 'redirect' && askFallback(config, 'no_user_activation')) {
      return prepareRedirect('no_user_activation');
    }
    throw new IdcError('popup_blocked', {
      message: 'The sign-in window can only open from a user gesture: start the flow inside a click or key handler.',
    });
  }
  const popup = openBlankPopup();
  if (popup) return { path: 'popup', popup };
  if (config.fallback === 'redirect' && askFallback(config, 'popup_blocked')) {
    return prepareRedirect('popup_blocked');
  }
  throw new IdcError('popup_blocked');
}

function askFallback(config: BaseConfig, reason: string): boolean {
  if (!config.onFallback) return true;
  try {
    return config.onFallback({ from: 'popup', to: 'redirect', reason }) !== false;
  } catch {
    return false;
  }
}

/**
 * The redirect path needs working sessionStorage (the transaction must survive the round trip: item 13) and a
 * window that can leave: the page itself, or — inside a same-site frame — the top window. A cross-site frame cannot
 * get the result back (its storage is partitioned from the top window's): a coded error, never a hang (item 16).
 */
function prepareRedirect(fallback: string | undefined): Launch {
  const failCode = fallback ? 'popup_blocked' : 'storage_unavailable';
  const storage = usableSessionStorage();
  if (!storage) {
    throw new IdcError(fallback ? 'popup_blocked' : 'storage_unavailable', {
      message: 'This browser blocks the session storage a redirect sign-in needs.',
    });
  }
  const frame = frameContext();
  if (frame.kind === 'cross-site-frame') {
    throw new IdcError(failCode, {
      message: 'Inside a cross-site frame a redirect sign-in cannot return here: use popup mode.',
    });
  }
  // The provider refuses to be framed: a frame sends the top window (same origin, or same site: shared storage).
  const target = frame.kind === 'same-site-frame' ? frame.top : frame.kind === 'same-origin-frame' ? window.top! : window;
  const navigate = (url: string) => {
    markLeaving();
    try {
      target.location.assign(url);
    } catch (cause) {
      leavingPage = false;
      throw new IdcError(failCode, { message: 'This frame may not navigate the top window.', cause });
    }
  };
  return fallback ? { path: 'redirect', navigate, storage, fallback } : { path: 'redirect', navigate, storage };
}
