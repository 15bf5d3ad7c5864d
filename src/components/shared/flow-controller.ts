/**
 * The click orchestration of `<idc-verify-button>` and `<idc-share-button>`, as a Lit reactive controller: a click
 * starts the element's flow through the same public function a host page calls (`startVerify`,
 * `startShareConsent`), a second click focuses its window (or, when that window reads closed, ends the stale flow
 * with `idc-cancel` and starts afresh in the same gesture), and the handle's outcome becomes `idc-success` /
 * `idc-consent`, `idc-error` or `idc-cancel`. Also: the resume on the first update (`resumeVerify`,
 * `resumeShareConsent`), the back/forward-cache restore, the idle warm-up (both started after paint, after-paint.ts)
 * and the detached-element rule (docs/security.md §1, §3, §6, §8, §14).
 *
 * On the buttons' first-paint path (budget 8 kB gzip with Lit, scripts/size.mjs): inside the click it runs only what
 * must run there — the public function's synchronous step, which opens the blank popup before anything is awaited.
 * What a failure means (`failureOf`) and its localized text come with the lazy half of the flow.
 */
import type { ReactiveController, ReactiveControllerHost } from '@lit/reactive-element';
import type { Failure, IdcErrorCode } from '../../flow/errors.js';
import { loadLazy, type LazyLoadFailed, type StartedFlow } from '../../flow/first-paint/hand-over.js';
import type { FallbackDetail, FlowMode } from '../../flow/types.js';
import type { Table } from '../../i18n/localize.js';
import { emit } from './emit.js';
import type { IdcCancelDetail, IdcFallbackDetail, IdcStartDetail } from './events.js';

/** The element options every flow takes, read at the click; the element adds its own (`prepareFlow`). */
export interface FlowStartOptions {
  mode: FlowMode;
  fallback: 'redirect' | 'none';
  timeout: number;
  signal: AbortSignal;
  onFallback: (detail: FallbackDetail) => boolean;
}

/**
 * A flow a click prepared, its options read at the click: `ready` is the public function's quick option check
 * (`canStartVerify`, `canStartShare`: when false nothing opens and no `idc-start` fires), `start` calls the public
 * function itself (`startVerify`, `startShareConsent`).
 */
export interface PreparedFlow<R> {
  ready: boolean;
  start(): StartedFlow<R>;
}

/** What the controller needs of its element (FlowButton). */
export interface FlowHost<R> extends ReactiveControllerHost, HTMLElement {
  requestUpdate(name?: PropertyKey, oldValue?: unknown): void;
  readonly disabled: boolean;
  readonly mode: FlowMode;
  readonly fallback: 'redirect' | 'none';
  readonly timeout: number;
  prepareFlow(options: FlowStartOptions): PreparedFlow<R>;
  resumeFlow(): Promise<R | null>;
  emitResult(result: R): void;
  warm(): void;
}

/** A running flow: a click's handle, or a resume's result alone (nothing to focus or cancel). */
type Running<R> = Partial<Omit<StartedFlow<R>, 'result'>> & { result: Promise<R | null> };

export class FlowController<R> implements ReactiveController {
  /** True while a flow runs or a return is being resumed: the element's `pending`. */
  busy = false;
  /** The code of the error the element's line shows, and the texts for it (they come with the lazy half). */
  errorCode?: IdcErrorCode;
  errorTable?: Table<IdcErrorCode>;
  /** The flow that runs (a click's, or the resume of a return), and the controller of the signal it was given. */
  private running?: Running<R>;
  private abort?: AbortController;
  private unwatch?: () => void;

  constructor(private readonly host: FlowHost<R>) {
    host.addController(this);
  }

  hostConnected(): void {
    // Not needed to paint, so loaded now (after-paint.ts): the idle warm-up, the back/forward-cache restore (usable
    // again, no events) and the language watch.
    import('./after-paint.js').then(({ watchAfterPaint }) => {
      if (this.host.isConnected && !this.unwatch) this.unwatch = watchAfterPaint(this.host, this);
    }, () => {});
  }

  hostDisconnected(): void {
    this.unwatch?.();
    this.unwatch = undefined;
    // A move within the document (disconnect + connect in one task) keeps the flow; a removal ends it silently.
    queueMicrotask(() => this.host.isConnected || this.abandon());
  }

  /**
   * Starts the flow (inside a user gesture: the popup opens synchronously). While a flow runs, brings its window to
   * the front instead — unless that window reads closed: then the stale flow ends with `idc-cancel`
   * `{ reason: 'popup_closed' }` and a fresh one starts, in the same gesture. While a return is being resumed, a click
   * does nothing.
   */
  start(): void {
    const host = this.host;
    const running = this.running;
    if (host.disabled) return;
    if (running) {
      if (!running.popup?.closed) return running.focus?.();
      this.abandon('popup_closed');
    }
    this.showError();
    const mode = host.mode;
    const abort = new AbortController();
    let handle: StartedFlow<R>;
    try {
      const prepared = host.prepareFlow({
        mode,
        fallback: host.fallback,
        timeout: host.timeout,
        signal: abort.signal,
        onFallback: (detail) => emit<IdcFallbackDetail>(host, 'idc-fallback', detail, true),
      });
      if (!prepared.ready) {
        // Nothing opens, not pending, no idc-start: the lazy half only explains the refusal.
        prepared.start().result.catch((err: unknown) => this.fail(err));
        return;
      }
      if (!emit<IdcStartDetail>(host, 'idc-start', { mode }, true)) return;
      handle = prepared.start();
    } catch (err) {
      this.fail(err);
      return;
    }
    this.follow(handle, abort);
  }

  /** Stops a running flow (closes its window) and dispatches `idc-cancel` `{ reason: 'aborted' }`. */
  cancel(): void {
    this.abandon('aborted');
  }

  /** The page came back from the back/forward cache (e.g. Back from the provider after a redirect): usable, no events. */
  restored(): void {
    this.abandon();
  }

  /**
   * On the element's first update, when the address bar carries a response — a redirect's return, or in popup mode
   * the popup itself landing on this page: the public resume function cleans it before anything is awaited
   * (docs/security.md §9), and the element is busy until the result (or nothing, for another client) is known.
   */
  resume(): void {
    this.follow({ result: this.host.resumeFlow() });
  }

  /** Busy while `flow` runs; its result or failure is reported unless the element let it go meanwhile. */
  private follow(flow: Running<R>, abort?: AbortController): void {
    this.running = flow;
    this.abort = abort;
    this.setBusy(true);
    flow.result.then(
      (result) => this.release(flow) && result !== null && this.succeed(result),
      (err: unknown) => this.release(flow) && this.fail(err),
    );
  }

  /** Ends our side of `flow`; false when the element already let it go (cancel, removal, bfcache restore). */
  private release(flow: Running<R>): boolean {
    if (this.running !== flow) return false;
    this.running = undefined;
    this.setBusy(false);
    return true;
  }

  /**
   * Lets the running flow go: aborts it, which closes its window and frees its listeners. Without an event, or — given
   * a reason — with `idc-cancel` saying why. Nothing running: nothing happens.
   */
  private abandon(reason?: IdcCancelDetail['reason']): void {
    const flow = this.running;
    if (!flow) return;
    this.release(flow);
    this.abort?.abort();
    flow.cancel?.();
    if (reason) emit<IdcCancelDetail>(this.host, 'idc-cancel', { reason });
  }

  private succeed(result: R): boolean {
    this.showError();
    this.host.emitResult(result);
    return true;
  }

  /**
   * Reports a flow that ended without a result: `idc-cancel`, or `idc-error` with the coded detail and the localized
   * error line. The mapping and the texts are in the lazy half; when that cannot load, the error is `network`.
   */
  private fail(err: unknown): boolean {
    loadLazy()
      .then(
        (lazy): Failure => {
          this.errorTable = lazy.errorTable;
          return lazy.failureOf(err);
        },
        (failed: LazyLoadFailed): Failure => ({ error: failed.toDetail() }),
      )
      .then((failure) => {
        if ('cancel' in failure) {
          emit<IdcCancelDetail>(this.host, 'idc-cancel', { reason: failure.cancel });
        } else {
          this.showError(failure.error.code);
          emit(this.host, 'idc-error', failure.error);
        }
      });
    return true;
  }

  private showError(code?: IdcErrorCode): void {
    if (this.errorCode === code) return;
    this.errorCode = code;
    this.host.requestUpdate();
  }

  private setBusy(busy: boolean): void {
    if (this.busy === busy) return;
    this.busy = busy;
    this.host.requestUpdate('pending', !busy);
  }
}
