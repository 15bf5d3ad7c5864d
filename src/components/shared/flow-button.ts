/**
 * What `<idc-verify-button>` and `<idc-share-button>` have in common as elements: the look attributes, the read-only
 * `pending` state, the localized label, hint and error line, and their small fixed shadow DOM (at the end of this
 * file), kept up to date in `update()`. The flow around a click — start, focus, restart, cancel, resume,
 * back/forward cache, warm-up, the events — is the element's `FlowController` (flow-controller.ts). Subclasses say
 * which public flow functions a click and a page load call (`prepareFlow`, `resumeFlow`), what the label reads and
 * which event carries the result.
 *
 * The buttons are Lit `ReactiveElement`s (properties, attributes, reflection, controllers, `updateComplete`) rather
 * than `LitElement`s: lit-html's template engine is 3 kB gzip, too much of the first-paint budget (8 kB gzip with
 * Lit, scripts/size.mjs) for eight nodes that never change shape.
 */
import { ReactiveElement, type PropertyDeclarations, type PropertyValues } from '@lit/reactive-element';
import { callbackInUrl } from '../../flow/first-paint/address-bar.js';
import type { FlowMode } from '../../flow/types.js';
import { tableLang, translate, type Localizer } from '../../i18n/localize.js';
import { buttonStyles } from './button-styles.js';
import { FlowController, type FlowHost, type FlowStartOptions, type PreparedFlow } from './flow-controller.js';
import { theme } from './theme.js';

export type { FlowStartOptions, PreparedFlow };

/** Keys every button table has; subclasses add their own label keys. */
export type FlowButtonKey = 'pending' | 'popupHint';

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
    return this.flow.busy;
  }
  set pending(_ignored: boolean) {
    // Read-only for hosts: only the element's own flow changes it.
  }

  /** The subclass's texts: `new Localizer(this, itsTable)` as a field initializer. */
  protected abstract readonly l10n: Localizer<FlowButtonKey | K>;
  /**
   * The click orchestration and the flow's state. The controller is the element's own part: it calls the protected
   * hooks below (`FlowHost` lists them), hence the cast.
   */
  private readonly flow = new FlowController<R>(this as unknown as FlowHost<R>);
  private dom?: ButtonDom;

  /** The visible label (the default slot replaces it). */
  protected abstract labelText(): string;
  /**
   * The flow a click starts, with the element's options as they are now: the public function's quick check and the
   * public function (`startVerify`, `startShareConsent`).
   */
  protected abstract prepareFlow(options: FlowStartOptions): PreparedFlow<R>;
  /**
   * The public resume function (`resumeVerify`, `resumeShareConsent`): it cleans the address bar before anything is
   * awaited (docs/security.md §9) and resolves with the result for this element, or null.
   */
  protected abstract resumeFlow(): Promise<R | null>;
  /** Dispatches the success event (`idc-success` or `idc-consent`). */
  protected abstract emitResult(result: R): void;
  /** Warms what the click will need (hover, focus, idle): the lazy half of the flow, the metadata. */
  protected abstract warm(): void;

  /**
   * Starts the flow. Call it inside a user gesture (a click or key press): the popup opens synchronously.
   * While a flow runs, a second call brings its window to the front instead — unless that window reads closed (the
   * user closed it, or the provider's Cross-Origin-Opener-Policy severed it and it is lost behind other windows): then
   * the stale flow ends with `idc-cancel` `{ reason: 'popup_closed' }` and a fresh one starts, in the same gesture.
   */
  start(): void {
    this.flow.start();
  }

  /** Stops a running flow (closes its window) and dispatches `idc-cancel` `{ reason: 'aborted' }`. */
  cancel(): void {
    this.flow.cancel();
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    // `pending` is read-only for hosts: put the attribute back to the real state.
    if (name === 'pending' && (value !== null) !== this.flow.busy) this.toggleAttribute('pending', this.flow.busy);
  }

  protected override firstUpdated(): void {
    // Any mode looks when the address bar carries a response: a redirect's return, or in popup mode the popup itself
    // landing on this page (the default redirectUri) — then the flow relays the result to the opener.
    if (callbackInUrl()) this.flow.resume();
  }

  protected override update(changed: PropertyValues): void {
    super.update(changed);
    const dom = (this.dom ??= buildButton(
      this.renderRoot,
      () => this.start(),
      () => this.warm(),
    ));
    const { busy, errorCode, errorTable } = this.flow;
    const locale = this.l10n.locale;
    const errorText = errorCode && errorTable ? translate(errorTable, locale, errorCode) : '';
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
}

/*
 * The shadow DOM, without lit-html: built once by `buildButton`, then patched in place by `update()` with
 * `setAttr`/`setText` — attributes set only when they change, texts inserted as text nodes (never as HTML) and
 * rewritten only when they change (the error line is a live region: a rewrite would announce it again).
 *
 *   div[part=container][lang][dir]
 *     button[part=base].base[aria-busy][aria-describedby]
 *       span[part=spinner] span[part=pending-label]   (only while pending)
 *       span[part=label] > slot (fallback text: the label)
 *     span#hint                                       (visually hidden: "Opens in a new window")
 *     div[part=error]#error[role=alert]
 */

interface ButtonDom {
  container: HTMLDivElement;
  button: HTMLButtonElement;
  spinner: HTMLSpanElement;
  pendingLabel: HTMLSpanElement;
  label: HTMLSpanElement;
  slot: HTMLSlotElement;
  hint: HTMLSpanElement;
  error: HTMLDivElement;
}

/** Builds the nodes into `root`; the native button gets `onClick`, and `onWarm` on hover and focus. */
function buildButton(root: Node, onClick: () => void, onWarm: () => void): ButtonDom {
  const dom: ButtonDom = {
    container: node('div', { part: 'container' }),
    button: node('button', { part: 'base', class: 'base', type: 'button' }),
    spinner: node('span', { part: 'spinner', class: 'spinner', 'aria-hidden': 'true' }),
    pendingLabel: node('span', { part: 'pending-label' }),
    label: node('span', { part: 'label' }),
    slot: node('slot', {}),
    hint: node('span', { id: 'hint' }),
    error: node('div', { part: 'error', id: 'error', role: 'alert' }),
  };
  dom.label.append(dom.slot);
  dom.button.append(dom.label);
  dom.button.addEventListener('click', onClick);
  dom.button.addEventListener('pointerenter', onWarm);
  dom.button.addEventListener('focus', onWarm);
  dom.container.append(dom.button, dom.hint, dom.error);
  root.appendChild(dom.container);
  return dom;
}

function node<T extends keyof HTMLElementTagNameMap>(tag: T, attributes: Record<string, string>): HTMLElementTagNameMap[T] {
  const el = document.createElement(tag);
  for (const name in attributes) el.setAttribute(name, attributes[name]!);
  return el;
}

/** Sets or removes an attribute, touching the DOM only on a change. */
function setAttr(el: Element, name: string, value: string | undefined): void {
  if (value === undefined) el.removeAttribute(name);
  else if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

/** Replaces an element's text only when it changed. */
function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}
