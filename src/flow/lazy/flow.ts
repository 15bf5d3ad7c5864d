/**
 * One running flow in the lazy half, from the launch the first-paint half handed over to its end:
 *
 * - `Flow`, its handle: settles once, and on settling runs every cleanup it was given (close the popup, remove
 *   listeners, timers, channels and the stored transaction) — on success, error, cancel, abort and timeout alike
 *   (docs/security.md §3, §7, §8). After settling nothing can deliver a late result. `adoptLaunch` makes the launch's
 *   popup the flow's.
 * - `continueLaunch`: the options checked in full, and why nothing opened as the coded error it always was; else the
 *   timeout and the popup or redirect path (lazy/verify.ts, lazy/share.ts).
 * - The options every flow has (`resolveBaseConfig`: mode, fallback, timeout, redirect URI, signal), checked with a
 *   message for each rule: bad input is `invalid_config`, never a hang. Each flow checks its own options on top
 *   (`resolveVerifyConfig` in lazy/verify.ts, `resolveShareConfig` in lazy/share.ts); the quick check inside the
 *   click (`launchOptionsOk`, `canStartVerify`, `canStartShare`) is a subset of these.
 * - The redirect's own preconditions (`prepareRedirect`): working sessionStorage (the transaction must survive the
 *   round trip: §13) and a window that may leave and come back (§16) — the page itself, or the top window of a
 *   same-site frame. A cross-site frame cannot get the result back (its storage is partitioned from the top
 *   window's): a coded error, never a hang.
 */
import { FlowCancelled, IdcError, toIdcError } from '../errors.js';
import type { Launch, NoLaunchReason, PageState, RedirectLaunch } from '../first-paint/launch.js';
import type { FallbackDetail, FlowHandle, FlowMode } from '../types.js';

/*
 * The handle
 */

export class Flow<T> implements FlowHandle<T> {
  readonly result: Promise<T>;
  /** The popup, when there is one: `focus()` brings it to the front. */
  popup?: Window;
  private resolveResult!: (value: T) => void;
  private rejectResult!: (reason: unknown) => void;
  private cleanups: (() => unknown)[] = [];
  private done = false;

  constructor(options: { timeoutMs?: number; signal?: AbortSignal } = {}) {
    this.result = new Promise<T>((resolve, reject) => {
      this.resolveResult = resolve;
      this.rejectResult = reject;
    });
    const { signal, timeoutMs } = options;
    if (signal) {
      if (signal.aborted) {
        this.fail(new FlowCancelled('aborted'));
        return;
      }
      const onAbort = () => this.fail(new FlowCancelled('aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      this.onCleanup(() => signal.removeEventListener('abort', onAbort));
    }
    if (timeoutMs !== undefined) this.setTimeout(timeoutMs);
  }

  get settled(): boolean {
    return this.done;
  }

  /** (Re)arms the flow's timeout: `timeout` error and everything released when it fires. */
  setTimeout(ms: number): void {
    const timer = setTimeout(() => this.fail(new IdcError('timeout')), ms);
    this.onCleanup(() => clearTimeout(timer));
  }

  /** Registers a cleanup; runs it at once when the flow already settled. */
  onCleanup(cleanup: () => unknown): void {
    if (this.done) runQuietly(cleanup);
    else this.cleanups.push(cleanup);
  }

  succeed(value: T): void {
    if (this.finish()) this.resolveResult(value);
  }

  fail(reason: unknown): void {
    if (this.finish()) this.rejectResult(reason);
  }

  focus(): void {
    const popup = this.popup;
    if (popup && !popup.closed) popup.focus();
  }

  cancel(): void {
    this.fail(new FlowCancelled('aborted'));
  }

  private finish(): boolean {
    if (this.done) return false;
    this.done = true;
    const cleanups = this.cleanups.reverse();
    this.cleanups = [];
    for (const cleanup of cleanups) runQuietly(cleanup);
    return true;
  }
}

function runQuietly(cleanup: () => unknown): void {
  try {
    const value = cleanup();
    if (value instanceof Promise) value.catch(() => {});
  } catch {
    // A cleanup must not stop the others.
  }
}

/** The flow of what `launch()` started (or refused): an open popup belongs to it from now on, closed when it ends. */
export function adoptLaunch<T>(launched: Launch, signal: unknown): Flow<T> {
  const flow = new Flow<T>(launched.path === 'none' ? {} : { signal: signal as AbortSignal | undefined });
  if (launched.path === 'popup') {
    const popup = launched.popup;
    flow.popup = popup;
    flow.onCleanup(() => popup.closed || popup.close());
  }
  return flow;
}

/*
 * Continuing a launch
 */

const LEAVING_RESET_MS = 10_000;
let watchingRestore = false;

/**
 * Marks the page as leaving for the provider (`page.leaving`, which the synchronous launch reads), or not. A restore
 * from the back/forward cache, or a navigation the user stopped, clears it.
 */
function setLeaving(page: PageState, value: boolean): void {
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
  redirect: (flow: Flow<R>, config: C, launched: RedirectLaunch) => Promise<void>;
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
  else void paths.redirect(flow, config, launched);
}

export interface RedirectLeg {
  storage: Storage;
  /** Leaves the page for `url` (the top window, inside a frame). Throws an `IdcError` when it may not. */
  navigate: (url: string) => void;
}

/**
 * Checks that a redirect can run and return; `fallback` is the reason when the popup path fell back to it (its
 * failures are then `popup_blocked`); `page` is marked as leaving when it navigates. Throws an `IdcError` when it cannot.
 */
export function prepareRedirect({ fallback, page }: RedirectLaunch): RedirectLeg {
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
    setLeaving(page, true);
    try {
      target.location.assign(url);
    } catch (cause) {
      setLeaving(page, false);
      throw new IdcError(failCode, { message: 'This frame may not navigate the top window.', cause });
    }
  };
  return { storage, navigate };
}

/*
 * What a redirect needs from the page
 */

/**
 * sessionStorage when it works (the getter can throw SecurityError, `setItem` QuotaExceededError in private modes),
 * else null (docs/security.md §13).
 */
export function usableSessionStorage(): Storage | null {
  try {
    const storage = window.sessionStorage;
    const probe = 'idconnect-kit.probe';
    storage.setItem(probe, '1');
    storage.removeItem(probe);
    return storage;
  } catch {
    return null;
  }
}

export type FrameContext =
  | { kind: 'top' }
  | { kind: 'same-origin-frame' }
  /** A frame on another origin of the same site: storage is shared with the top window, a top redirect can return. */
  | { kind: 'same-site-frame'; top: Window }
  /** A cross-site (or unknown) frame: storage and BroadcastChannel are partitioned; a top redirect cannot return. */
  | { kind: 'cross-site-frame' };

/** Where this document runs (docs/security.md §16). */
export function frameContext(win: Window = window): FrameContext {
  const top = win.top;
  if (!top || top === win) return { kind: 'top' };
  try {
    // Reading the top's origin throws on another origin (window.origin, unlike location.origin, is inherited by
    // about:blank frames).
    if (top.origin === win.origin) return { kind: 'same-origin-frame' };
  } catch {
    // cross-origin: look below
  }
  const ancestors = win.location.ancestorOrigins;
  const topOrigin = ancestors && ancestors.length ? ancestors[ancestors.length - 1] : undefined;
  if (topOrigin && sameSite(topOrigin, win.origin)) return { kind: 'same-site-frame', top };
  return { kind: 'cross-site-frame' };
}

/**
 * A conservative same-site test without a public-suffix list: same scheme and the same host, or one host a
 * subdomain of the other. Anything else counts as cross-site (the safe answer: we then refuse a top redirect).
 */
export function sameSite(a: string, b: string): boolean {
  let ua: URL;
  let ub: URL;
  try {
    ua = new URL(a);
    ub = new URL(b);
  } catch {
    return false;
  }
  if (ua.protocol !== ub.protocol) return false;
  const [ha, hb] = [ua.hostname, ub.hostname];
  return ha === hb || ha.endsWith(`.${hb}`) || hb.endsWith(`.${ha}`);
}

/*
 * The options every flow has
 */

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
