/**
 * The lazy half of launch.ts: why nothing opened, as the coded error it always was, and the redirect's own
 * preconditions — working sessionStorage (the transaction must survive the round trip: item 13) and a window that
 * may leave and come back (item 16). A cross-site frame cannot get the result back (its storage is partitioned from
 * the top window's): a coded error, never a hang.
 */
import { FlowCancelled, IdcError, toIdcError } from './errors.js';
import type { Flow } from './handle.js';
import type { Launch, NoLaunchReason } from './launch.js';
import { page } from './leaving.js';
import { frameContext, usableSessionStorage } from './redirect-env.js';

const LEAVING_RESET_MS = 10_000;
let watchingRestore = false;

/**
 * Marks the page as leaving for the provider (`page.leaving`, which the synchronous launch reads), or not. A restore
 * from the back/forward cache, or a navigation the user stopped, clears it.
 */
function setLeaving(value: boolean): void {
  page.leaving = value;
  if (!value) return;
  // A navigation the user stopped (a beforeunload "Stay") must not block the page for good.
  setTimeout(() => (page.leaving = false), LEAVING_RESET_MS);
  if (watchingRestore) return;
  watchingRestore = true; // registered on first use: importing the kit has no side effects
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) page.leaving = false;
  });
}

/** The error for a launch that opened nothing (after the options passed their full check). */
export function noLaunchError(why: NoLaunchReason): IdcError | FlowCancelled {
  switch (why) {
    case 'crypto':
      return new IdcError('crypto_unavailable');
    case 'aborted':
      return new FlowCancelled('aborted');
    case 'busy':
      return new IdcError('flow_in_progress', { message: 'This page is already navigating to the provider.' });
    case 'no_activation':
      return new IdcError('popup_blocked', {
        message: 'The sign-in window can only open from a user gesture: start the flow inside a click or key handler.',
      });
    case 'blocked':
      return new IdcError('popup_blocked');
    default:
      return new IdcError('invalid_config');
  }
}

/** The two ways a launched flow goes on, given its fully checked options. */
export interface LaunchPaths<R, C> {
  popup: (flow: Flow<R>, config: C, popup: Window) => Promise<void>;
  redirect: (flow: Flow<R>, config: C, fallback: string | undefined) => Promise<void>;
}

/**
 * Continues a flow `launch()` started, for verify and share alike: checks the options in full (`resolve`), fails the
 * flow with the coded error when they are wrong or nothing could open, else starts its timeout and its path.
 */
export function continueLaunch<R, C extends { timeoutMs: number }>(
  flow: Flow<R>,
  launched: Launch,
  resolve: () => C,
  paths: LaunchPaths<R, C>,
): void {
  if (flow.settled) return;
  let config: C;
  try {
    config = resolve();
    if (launched.path === 'none') throw noLaunchError(launched.why);
  } catch (err) {
    flow.fail(err instanceof FlowCancelled ? err : toIdcError(err, 'invalid_config'));
    return;
  }
  flow.setTimeout(config.timeoutMs);
  if (launched.path === 'popup') void paths.popup(flow, config, launched.popup);
  else void paths.redirect(flow, config, launched.fallback);
}

export interface RedirectLeg {
  storage: Storage;
  /** Leaves the page for `url` (the top window, inside a frame). Throws an `IdcError` when it may not. */
  navigate: (url: string) => void;
}

/**
 * Checks that a redirect can run and return; `fallback` is the reason when the popup path fell back to it (its
 * failures are then `popup_blocked`). Throws an `IdcError` when it cannot.
 */
export function prepareRedirect(fallback: string | undefined): RedirectLeg {
  const failCode = fallback ? 'popup_blocked' : 'storage_unavailable';
  const storage = usableSessionStorage();
  if (!storage) {
    throw new IdcError(failCode, { message: 'This browser blocks the session storage a redirect sign-in needs.' });
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
    setLeaving(true);
    try {
      target.location.assign(url);
    } catch (cause) {
      setLeaving(false);
      throw new IdcError(failCode, { message: 'This frame may not navigate the top window.', cause });
    }
  };
  return { storage, navigate };
}
