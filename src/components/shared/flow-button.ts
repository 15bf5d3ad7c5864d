/**
 * What `<idc-verify-button>` and `<idc-share-button>` have in common: the look attributes, the read-only `pending`
 * state, `start()`/`cancel()` around a flow handle, the idc-start → result → idc-success/idc-error/idc-cancel
 * mapping, the resume on first render (a redirect's result, or our popup landing on this page), back/forward-cache
 * restore, the localized error line and the detached-element rule (security items 1, 3, 6, 8, 14). Subclasses say
 * how a flow starts and resumes, what the label reads and which event carries the result.
 *
 * This module is on the button's first-paint path (budget 8 kB gzip with Lit, see scripts/size.mjs). Inside the click
 * it runs only what must run there — `launch()`: the blank popup opens before anything is awaited — and hands the
 * rest to the lazy half of the flow (src/flow/run.ts, through load-run.ts): the flow handle, the option checks in
 * full, the coded errors and their localized texts.
 *
 * The buttons are Lit `ReactiveElement`s (properties, attributes, reflection, controllers, `updateComplete`) that keep
 * their small fixed shadow DOM up to date in `update()` themselves (button-dom.ts), instead of `LitElement`: lit-html's
 * template engine is 3 kB gzip, too much of the first-paint budget for eight nodes that never change shape.
 */
import { ReactiveElement, type PropertyDeclarations, type PropertyValues } from '@lit/reactive-element';
import { callbackInUrl } from '../../flow/env.js';
import type { Failure, IdcErrorCode } from '../../flow/errors.js';
import { REFUSED, type Launch } from '../../flow/launch.js';
import { LOAD_FAILED_MESSAGE } from '../../flow/load-failed.js';
import { loadRun, type Run } from '../../flow/load-run.js';
import type { FallbackDetail, FlowHandle, FlowMode } from '../../flow/types.js';
import { tableLang, translate, type Localizer, type Table } from '../../i18n/localize.js';
import { buildButton, setAttr, setText, type ButtonDom } from './button-dom.js';
import { buttonStyles } from './button-styles.js';
import { emit } from './emit.js';
import type { IdcCancelDetail, IdcFallbackDetail, IdcStartDetail } from './events.js';
import { theme } from './theme.js';

/** Keys every button table has; subclasses add their own label keys. */
export type FlowButtonKey = 'pending' | 'popupHint';

/** What the base hands to a subclass's `prepareFlow()`. */
export interface FlowStartOptions {
  mode: FlowMode;
  fallback: 'redirect' | 'none';
  timeout: number;
  signal: AbortSignal;
  onFallback: (detail: FallbackDetail) => boolean;
}

/**
 * A flow a click prepared (its options read at the click): `launch` is its synchronous step inside the gesture
 * (`launchVerify` / `launchShare`: the popup opens there), `proceed` what the lazy half of the flow does next.
 */
export interface PreparedFlow<R> {
  launch(): Launch;
  proceed(run: Run, launched: Launch): FlowHandle<R>;
}

interface RunningFlow<R> {
  controller: AbortController;
  /** The popup the click opened; the handle owns it once the lazy half has taken the flow over. */
  popup?: Window;
  handle?: FlowHandle<R>;
}

// The error texts (15 codes × 5 languages) are not on the first-paint path: they come with the lazy half of the
// flow (run.ts), loaded with the first error at the latest.
let errorTable: Table<IdcErrorCode> | undefined;

export abstract class FlowButton<R, K extends string = never> extends ReactiveElement {
  /** @internal */
  static override shadowRootOptions: ShadowRootInit = { mode: 'open', delegatesFocus: true };
  /** @internal */
  static override styles = [theme, buttonStyles];
  /** @internal — `static properties` rather than decorators: the same reactive properties, ~0.3 kB less to paint. */
  static override properties: PropertyDeclarations = {
    mode: {},
    fallback: {},
    timeout: { type: Number },
    redirectUri: { attribute: 'redirect-uri' },
    disabled: { type: Boolean, reflect: true },
    variant: { reflect: true, useDefault: true },
    theme: { reflect: true, useDefault: true },
    size: { reflect: true, useDefault: true },
    shape: { reflect: true, useDefault: true },
    fullWidth: { type: Boolean, reflect: true, attribute: 'full-width' },
    pending: { type: Boolean, reflect: true },
  };

  /** `popup` (default) or `redirect` (full-page navigation, the result arrives after the return). */
  mode: FlowMode = 'popup';

  /** `redirect` \| `none` (default): what to do when a popup cannot open. */
  fallback: 'redirect' | 'none' = 'none';

  /** Seconds before a waiting flow ends with the `timeout` error. */
  timeout = 600;

  /** Where the provider sends the browser back; default: the page URL without query and hash. */
  redirectUri?: string;

  disabled = false;

  /** `filled` (default) \| `outline`. */
  variant: 'filled' | 'outline' = 'filled';

  /** `light` \| `dark` \| `auto` (default: follows `prefers-color-scheme`). */
  theme: 'light' | 'dark' | 'auto' = 'auto';

  /** `small` \| `medium` (default) \| `large`. */
  size: 'small' | 'medium' | 'large' = 'medium';

  /** `rectangular` (default) \| `pill`. */
  shape: 'rectangular' | 'pill' = 'rectangular';

  /** Stretch to the width of the container. */
  fullWidth = false;

  /** True while a flow runs. Reflected as the `pending` attribute; read-only for hosts (writes are ignored). */
  get pending(): boolean {
    return this.busy;
  }
  set pending(_ignored: boolean) {
    // Read-only for hosts: only the element's own flow changes it (see setBusy).
  }

  /** The code of the error the line shows (not a declared property: `showError` re-renders). */
  private errorCode?: IdcErrorCode;

  /** The subclass's texts: `new Localizer(this, itsTable)` as a field initializer. */
  protected abstract readonly l10n: Localizer<FlowButtonKey | K>;
  private busy = false;
  private resuming = false;
  private flow?: RunningFlow<R>;
  private cancelIdle?: () => void;
  private unwatchLanguage?: () => void;
  private dom?: ButtonDom;

  /** The visible label (the default slot replaces it). */
  protected abstract labelText(): string;
  /** The flow a click starts, with the element's options as they are now. */
  protected abstract prepareFlow(options: FlowStartOptions): PreparedFlow<R>;
  /**
   * Looks for a result for this element in the address bar and, when there may be one, cleans the address bar before
   * anything is awaited (item 9) and returns the pending result (null in it: nothing for us after all). Null when
   * the address bar holds nothing for this element.
   */
  protected abstract resumeFlow(): Promise<R | null> | null;
  /** Dispatches the success event (`idc-success` or `idc-consent`). */
  protected abstract emitResult(result: R): void;
  /**
   * Warms what the click will need (hover, focus, idle): loads the lazy half of the flow, lets the subclass prepare
   * with it, and starts watching the language — not needed to paint, so it starts here; once it runs, one update
   * catches up with a change made before.
   */
  protected warm(): void {
    loadRun().then((run) => this.prepare(run), () => {});
  }
  /** What the subclass warms with the lazy half at hand (the verify button: the provider's metadata). */
  protected prepare(_run: Run): void {}

  /**
   * A quick check that the element may start: when false, nothing opens and no `idc-start` fires, and the full
   * option check of the lazy half reports what is wrong as `invalid_config` (its messages are not on the first-paint
   * path). Subclasses add their required attributes.
   */
  protected canStart(): boolean {
    return (
      (this.mode === 'popup' || this.mode === 'redirect') &&
      (this.fallback === 'redirect' || this.fallback === 'none') &&
      Number.isFinite(this.timeout) &&
      this.timeout > 0
    );
  }

  /**
   * Starts the flow. Call it inside a user gesture (a click or key press): the popup opens synchronously.
   * While a flow runs, a second call brings its window to the front instead — unless that window reads closed (the
   * user closed it, or the provider's Cross-Origin-Opener-Policy severed it and it is lost behind other windows): then
   * the stale flow ends with `idc-cancel` `{ reason: 'popup_closed' }` and a fresh one starts, in the same gesture.
   */
  start(): void {
    if (this.disabled || this.resuming) return;
    const running = this.flow;
    if (running) {
      const popup = running.popup;
      if (!popup?.closed) return void (running.handle ?? popup)?.focus();
      this.abandon('popup_closed');
    }
    this.showError(undefined);
    const mode = this.mode;
    const ready = this.canStart();
    if (ready && !emit<IdcStartDetail>(this, 'idc-start', { mode }, true)) return;

    const controller = new AbortController();
    let prepared: PreparedFlow<R>;
    let launched = REFUSED;
    try {
      prepared = this.prepareFlow({
        mode,
        fallback: this.fallback,
        timeout: this.timeout,
        signal: controller.signal,
        onFallback: (detail) => emit<IdcFallbackDetail>(this, 'idc-fallback', detail, true),
      });
      if (ready) launched = prepared.launch();
    } catch (err) {
      this.fail(err);
      return;
    }
    if (!ready) {
      // Not pending, nothing to focus or cancel: the lazy half only explains the refusal.
      loadRun()
        .then((run) => prepared.proceed(run, launched).result)
        .catch((err: unknown) => this.fail(err));
      return;
    }
    const flow: RunningFlow<R> = { controller };
    if (launched.path === 'popup') {
      const popup = (flow.popup = launched.popup);
      // Until the lazy half has loaded, an abort (cancel(), removal, back/forward restore) closes the popup here.
      controller.signal.addEventListener('abort', () => popup.closed || popup.close());
    }
    this.flow = flow;
    this.setBusy(true);
    // An aborted flow goes on too: its handle ends at once (FlowCancelled), and release() keeps that quiet. A flow that
    // ends without a handle (the lazy half could not load) is aborted too, which closes the popup it opened.
    loadRun()
      .then((run) => (flow.handle = prepared.proceed(run, launched)).result)
      .then(
        (result) => this.release(flow) && this.succeed(result),
        (err: unknown) => {
          controller.abort();
          return this.release(flow) && this.fail(err);
        },
      );
  }

  /** Stops a running flow (closes its window) and dispatches `idc-cancel` `{ reason: 'aborted' }`. */
  cancel(): void {
    this.abandon('aborted');
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('pageshow', this.onPageShow);
    this.cancelIdle = whenIdle(() => this.warm());
    // Language changes: the watcher is not needed to paint, so it is a module of its own, loaded now; once it runs,
    // one update catches up with a change made meanwhile.
    import('../../i18n/language-watch.js').then(({ watchLanguage }) => {
      if (!this.isConnected || this.unwatchLanguage) return;
      this.unwatchLanguage = watchLanguage(() => this.requestUpdate());
      this.requestUpdate();
    }, () => {});
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('pageshow', this.onPageShow);
    this.cancelIdle?.();
    this.cancelIdle = undefined;
    this.unwatchLanguage?.();
    this.unwatchLanguage = undefined;
    // A move within the document (disconnect + connect in one task) keeps the flow; a removal ends it silently.
    queueMicrotask(() => {
      if (!this.isConnected) this.abandon();
    });
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    // `pending` is read-only for hosts: put the attribute back to the real state.
    if (name === 'pending' && (value !== null) !== this.busy) this.toggleAttribute('pending', this.busy);
  }

  protected override firstUpdated(): void {
    // Any mode looks when the address bar carries a response: a redirect's return, or in popup mode the popup itself
    // landing on this page (the default redirectUri) — then the flow relays the result to the opener.
    if (callbackInUrl()) this.resume();
  }

  protected override update(changed: PropertyValues): void {
    super.update(changed);
    const dom = (this.dom ??= buildButton(this.renderRoot, this.onClick, this.onWarm));
    const busy = this.busy;
    const locale = this.l10n.locale;
    const errorText = this.errorCode && errorTable ? translate(errorTable, locale, this.errorCode) : '';
    const hinted = this.mode !== 'redirect' && !busy;
    const describedBy = hinted ? (errorText ? 'hint error' : 'hint') : errorText && 'error';
    setAttr(dom.container, 'lang', tableLang(locale));
    setAttr(dom.container, 'dir', this.l10n.dir);
    dom.button.disabled = this.disabled;
    setAttr(dom.button, 'aria-busy', busy ? 'true' : undefined);
    setAttr(dom.button, 'aria-describedby', describedBy || undefined);
    // The spinner and the pending label are in the button only while pending.
    if (busy) {
      setText(dom.pendingLabel, this.l10n.t('pending'));
      if (!dom.spinner.parentNode) dom.button.prepend(dom.spinner, dom.pendingLabel);
    } else {
      dom.spinner.remove();
      dom.pendingLabel.remove();
    }
    dom.label.hidden = busy;
    setText(dom.slot, this.labelText());
    setText(dom.hint, this.l10n.t('popupHint'));
    setText(dom.error, errorText);
  }

  private readonly onClick = (): void => this.start();

  private readonly onWarm = (): void => this.warm();

  private readonly onPageShow = (event: PageTransitionEvent): void => {
    // Restored from the back/forward cache (e.g. Back from the provider after a redirect): usable again, no events.
    if (event.persisted) {
      this.abandon();
      this.resuming = false;
      this.setBusy(false);
    }
  };

  private resume(): void {
    let pending: Promise<R | null> | null;
    try {
      pending = this.resumeFlow();
    } catch (err) {
      pending = Promise.reject(err);
    }
    // Busy only while a result for us may be coming; otherwise the button stays usable at once.
    if (!pending) return;
    this.resuming = true;
    this.setBusy(true);
    const done = (): boolean => {
      if (!this.resuming) return !this.flow; // not busy on our account; emit unless a click flow took over
      this.resuming = false;
      this.setBusy(false);
      return true;
    };
    pending.then(
      (result) => done() && result !== null && this.succeed(result),
      (err: unknown) => done() && this.fail(err),
    );
  }

  /** Ends our side of `flow`; false when the element already let it go (cancel, removal, bfcache restore). */
  private release(flow: RunningFlow<R>): boolean {
    if (this.flow !== flow) return false;
    this.flow = undefined;
    this.setBusy(false);
    return true;
  }

  /**
   * Lets the running flow go: aborts it, which closes its window and frees its listeners. Without an event, or — given
   * a reason — with `idc-cancel` saying why. Nothing running: nothing happens.
   */
  private abandon(reason?: IdcCancelDetail['reason']): void {
    const flow = this.flow;
    if (!flow) return;
    this.flow = undefined;
    this.setBusy(false);
    flow.controller.abort();
    try {
      flow.handle?.cancel();
    } catch {
      // The flow is released either way; nothing to report for a flow we no longer own.
    }
    if (reason) emit<IdcCancelDetail>(this, 'idc-cancel', { reason });
  }

  private succeed(result: R): boolean {
    this.showError(undefined);
    this.emitResult(result);
    return true;
  }

  /**
   * Reports a flow that ended without a result: `idc-cancel`, or `idc-error` with the coded detail and the localized
   * error line. The mapping and the texts are in the lazy half; when that cannot load, the error is `network`.
   */
  private fail(err: unknown): boolean {
    loadRun()
      .then(
        (run): Failure => {
          errorTable = run.errorTable;
          return run.failureOf(err);
        },
        (): Failure => ({ error: { code: 'network', message: LOAD_FAILED_MESSAGE, retryable: true } }),
      )
      .then((failure) => {
        if ('cancel' in failure) {
          emit<IdcCancelDetail>(this, 'idc-cancel', { reason: failure.cancel });
        } else {
          this.showError(failure.error.code);
          emit(this, 'idc-error', failure.error);
        }
      });
    return true;
  }

  private showError(code: IdcErrorCode | undefined): void {
    if (this.errorCode === code) return;
    this.errorCode = code;
    this.requestUpdate();
  }

  private setBusy(busy: boolean): void {
    if (this.busy === busy) return;
    this.busy = busy;
    this.requestUpdate('pending', !busy);
  }
}

/** Runs `fn` when the browser is idle (requestIdleCallback, else a timer); returns a canceller. */
function whenIdle(fn: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(fn, { timeout: 4000 });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(fn, 2000);
  return () => clearTimeout(id);
}
