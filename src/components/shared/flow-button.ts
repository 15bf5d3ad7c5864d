/**
 * What `<idc-verify-button>` and `<idc-share-button>` have in common: the look attributes, the read-only `pending`
 * state, `start()`/`cancel()` around a flow handle, the idc-start → result → idc-success/idc-error/idc-cancel
 * mapping, the resume on first render (a redirect's result, or our popup landing on this page), back/forward-cache
 * restore, the localized error line and the detached-element rule (security items 1, 3, 6, 8, 14). Subclasses say
 * how a flow starts and resumes, what the label reads and which event carries the result.
 *
 * This module is on the button's first-paint path: what only a click or a result needs comes with the lazy half of
 * the flow (src/flow/run.ts, through load-run.ts), including the localized error texts.
 */
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { callbackInUrl } from '../../flow/env.js';
import { FlowCancelled, IdcError, toIdcError, type IdcErrorCode } from '../../flow/errors.js';
import { loadRun } from '../../flow/load-run.js';
import type { FallbackDetail, FlowHandle, FlowMode } from '../../flow/types.js';
import { tableLang, translate, type LocalizeController, type Table } from '../../i18n/localize.js';
import { buttonStyles } from './button-styles.js';
import { emit } from './emit.js';
import type { IdcCancelDetail, IdcFallbackDetail, IdcStartDetail } from './events.js';
import { theme } from './theme.js';

/** Keys every button table has; subclasses add their own label keys. */
export type FlowButtonKey = 'pending' | 'popupHint';

/** What the base hands to a subclass's `openFlow()`. */
export interface FlowStartOptions {
  mode: FlowMode;
  fallback: 'redirect' | 'none';
  timeout: number;
  signal: AbortSignal;
  onFallback: (detail: FallbackDetail) => boolean;
}

interface RunningFlow<R> {
  handle: FlowHandle<R>;
  controller: AbortController;
}

// The error texts (15 codes × 5 languages) are not on the first-paint path: they come with the lazy half of the
// flow (run.ts), loaded with the first error at the latest.
let errorTable: Table<IdcErrorCode> | undefined;
let errorTableLoad: Promise<unknown> | undefined;


export abstract class FlowButton<R, K extends string = never> extends LitElement {
  /** @internal */
  static override shadowRootOptions: ShadowRootInit = { ...LitElement.shadowRootOptions, delegatesFocus: true };
  /** @internal */
  static override styles = [theme, buttonStyles];

  /** `popup` (default) or `redirect` (full-page navigation, the result arrives after the return). */
  @property() mode: FlowMode = 'popup';

  /** `redirect` \| `none` (default): what to do when a popup cannot open. */
  @property() fallback: 'redirect' | 'none' = 'none';

  /** Seconds before a waiting flow ends with the `timeout` error. */
  @property({ type: Number }) timeout = 600;

  /** Where the provider sends the browser back; default: the page URL without query and hash. */
  @property({ attribute: 'redirect-uri' }) redirectUri?: string;

  @property({ type: Boolean, reflect: true }) disabled = false;

  /** `filled` (default) \| `outline`. */
  @property({ reflect: true, useDefault: true }) variant: 'filled' | 'outline' = 'filled';

  /** `light` \| `dark` \| `auto` (default: follows `prefers-color-scheme`). */
  @property({ reflect: true, useDefault: true }) theme: 'light' | 'dark' | 'auto' = 'auto';

  /** `small` \| `medium` (default) \| `large`. */
  @property({ reflect: true, useDefault: true }) size: 'small' | 'medium' | 'large' = 'medium';

  /** `rectangular` (default) \| `pill`. */
  @property({ reflect: true, useDefault: true }) shape: 'rectangular' | 'pill' = 'rectangular';

  /** Stretch to the width of the container. */
  @property({ type: Boolean, reflect: true, attribute: 'full-width' }) fullWidth = false;

  /** True while a flow runs. Reflected as the `pending` attribute; read-only for hosts (writes are ignored). */
  @property({ type: Boolean, reflect: true })
  get pending(): boolean {
    return this.busy;
  }
  set pending(_ignored: boolean) {
    // Read-only for hosts: only the element's own flow changes it (see setBusy).
  }

  @state() private errorCode?: IdcErrorCode;

  /** The subclass's texts: `new LocalizeController(this, itsTable)` as a field initializer. */
  protected abstract readonly l10n: LocalizeController<FlowButtonKey | K>;
  private busy = false;
  private resuming = false;
  private flow?: RunningFlow<R>;
  private cancelIdle?: () => void;

  /** The visible label (the default slot replaces it). */
  protected abstract labelText(): string;
  /** Starts the flow synchronously (the popup must open inside the user gesture). */
  protected abstract openFlow(options: FlowStartOptions): FlowHandle<R>;
  /** Looks for a redirect result for this element in the address bar. */
  protected abstract resumeFlow(): Promise<R | null>;
  /** Dispatches the success event (`idc-success` or `idc-consent`). */
  protected abstract emitResult(result: R): void;
  /** Warms what the click will need (hover, focus, idle). */
  protected warm(): void {}
  /** Whether the element knows enough to look for a result in the address bar (see `firstUpdated`). */
  protected canResume(): boolean {
    return true;
  }

  /** English developer message for `invalid_config`, or undefined when the element can start. */
  protected configProblem(): string | undefined {
    if (this.mode !== 'popup' && this.mode !== 'redirect') return 'mode must be "popup" or "redirect"';
    if (this.fallback !== 'redirect' && this.fallback !== 'none') return 'fallback must be "redirect" or "none"';
    if (!Number.isFinite(this.timeout) || this.timeout <= 0) return 'timeout must be a positive number of seconds';
    return undefined;
  }

  /**
   * Starts the flow. Call it inside a user gesture (a click or key press): the popup opens synchronously.
   * While a flow runs, a second call brings its window to the front instead.
   */
  start(): void {
    if (this.disabled || this.resuming) return;
    if (this.flow) {
      this.flow.handle.focus();
      return;
    }
    this.errorCode = undefined;
    const problem = this.configProblem();
    if (problem) {
      this.fail(new IdcError('invalid_config', { message: `<${this.localName}>: ${problem}.` }));
      return;
    }
    const mode = this.mode;
    if (!emit<IdcStartDetail>(this, 'idc-start', { mode }, { cancelable: true })) return;

    const controller = new AbortController();
    let handle: FlowHandle<R>;
    try {
      handle = this.openFlow({
        mode,
        fallback: this.fallback,
        timeout: this.timeout,
        signal: controller.signal,
        onFallback: (detail) => emit<IdcFallbackDetail>(this, 'idc-fallback', detail, { cancelable: true }),
      });
    } catch (err) {
      this.fail(err);
      return;
    }
    const flow: RunningFlow<R> = { handle, controller };
    this.flow = flow;
    this.setBusy(true);
    handle.result.then(
      (result) => this.release(flow) && this.succeed(result),
      (err: unknown) => this.release(flow) && this.fail(err),
    );
  }

  /** Stops a running flow (closes its window) and dispatches `idc-cancel` `{ reason: 'aborted' }`. */
  cancel(): void {
    if (!this.flow) return;
    this.abandon();
    emit<IdcCancelDetail>(this, 'idc-cancel', { reason: 'aborted' });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('pageshow', this.onPageShow);
    this.cancelIdle = whenIdle(() => this.warm());
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('pageshow', this.onPageShow);
    this.cancelIdle?.();
    this.cancelIdle = undefined;
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
    // Redirect mode looks for its result; any mode does when the address bar carries a response — in popup mode that
    // is the popup itself landing on this page (the default redirectUri), and the flow relays the result to the opener.
    if (this.mode === 'redirect' || this.fallback === 'redirect' || callbackInUrl()) this.resume();
  }

  protected override render(): TemplateResult {
    const busy = this.busy;
    const locale = this.l10n.locale;
    const errorText = this.errorCode && errorTable ? translate(errorTable, locale, this.errorCode) : '';
    const popup = this.mode !== 'redirect';
    const describedBy = [popup && !busy ? 'hint' : '', errorText ? 'error' : ''].filter(Boolean).join(' ');
    // Kept compact: template text ships to every integrator page as written (no HTML minifier in the build).
    return html`<div part="container" lang=${tableLang(locale)} dir=${this.l10n.dir}>
<button part="base" class="base" type="button" ?disabled=${this.disabled}
 aria-busy=${ifDefined(busy ? 'true' : undefined)} aria-describedby=${ifDefined(describedBy || undefined)}
 @click=${this.onClick} @pointerenter=${this.onWarm} @focus=${this.onWarm}>${busy
      ? html`<span part="spinner" class="spinner" aria-hidden="true"></span><span part="pending-label">${this.l10n.t('pending')}</span>`
      : nothing}<span part="label" ?hidden=${busy}><slot>${this.labelText()}</slot></span></button>
<span id="hint" class="hint">${this.l10n.t('popupHint')}</span>
<div part="error" id="error" class="error" role="alert">${errorText}</div></div>`;
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
    if (!this.canResume()) return;
    // Busy only when the address bar may hold a result for us; otherwise the button stays usable at once.
    // (Checked first: the flow cleans the address bar synchronously.)
    if (callbackInUrl()) {
      this.resuming = true;
      this.setBusy(true);
    }
    let pending: Promise<R | null>;
    try {
      pending = this.resumeFlow();
    } catch (err) {
      pending = Promise.reject(err);
    }
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

  /** Lets the running flow go without any event: aborts it, which closes its window and frees its listeners. */
  private abandon(): void {
    const flow = this.flow;
    if (!flow) return;
    this.flow = undefined;
    this.setBusy(false);
    flow.controller.abort();
    try {
      flow.handle.cancel();
    } catch {
      // The flow is released either way; nothing to report for a flow we no longer own.
    }
  }

  private succeed(result: R): boolean {
    this.errorCode = undefined;
    this.emitResult(result);
    return true;
  }

  private fail(err: unknown): boolean {
    if (err instanceof FlowCancelled) {
      emit<IdcCancelDetail>(this, 'idc-cancel', { reason: err.reason });
      return true;
    }
    const error = toIdcError(err);
    this.showError(error.code);
    emit(this, 'idc-error', error.toDetail());
    return true;
  }

  private showError(code: IdcErrorCode): void {
    this.errorCode = code;
    if (errorTable) return;
    errorTableLoad ??= loadRun().then((run) => {
      errorTable = run.errorTable;
    });
    errorTableLoad.then(
      () => this.requestUpdate(),
      () => {
        errorTableLoad = undefined; // offline chunk load: try again with the next error
      },
    );
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
