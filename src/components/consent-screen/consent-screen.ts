import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { theme } from '../shared/theme.js';
import { emit } from '../shared/emit.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { tableLang } from '../../i18n/localize.js';
import { consentScreenTable } from '../../i18n/tables/consent-screen.js';
import { ArmingController, clampArmDelay } from './arming.js';
import { fill, imageUrl, isolate, linkUrl } from './text.js';
import { screenStyles, textTheme } from './screen.styles.js';
import { consentScreenStyles } from './consent-screen.styles.js';

export interface ConsentIntegrator {
  name: string;
  logoUrl?: string;
  url?: string;
}

export interface ConsentRecipient {
  name: string;
  clientId: string;
  logoUrl?: string;
  url?: string;
  privacyPolicyUrl?: string;
}

export interface ConsentDataItem {
  id: string;
  label: string;
}

export interface ConsentAccount {
  email: string;
}

export type ConsentKind = 'connect' | 'share';

export interface IdcConsentDecisionDetail {
  decision: 'allow' | 'deny';
}

/**
 * @summary The provider's consent screen: `kind="connect"` lets an integrator create share tokens, `kind="share"` asks
 * whether one recipient may receive the listed data.
 *
 * Every name, label and address is rendered as text and bidi-isolated; logos load only over https; links are only
 * http(s). **Allow** is not armed until the buttons have been on screen, the page visible and focused, for `armDelay`
 * milliseconds (300–1000, default 500); until then it is `aria-disabled` and clicking it does nothing. Losing focus or
 * visibility disarms it again (anti-clickjacking). **Decline** always works.
 *
 * After a decision the element is `pending` (buttons disabled, `aria-busy`, a localized "Please wait…"): no second
 * decision is sent. A host that needs to offer the choice again (say, after a network error) sets `pending = false`;
 * Allow then waits the full delay again.
 *
 * @event {CustomEvent<{decision: 'allow' | 'deny'}>} idc-consent-decision - The user allowed or declined. Sent once.
 * @event {CustomEvent<{}>} idc-switch-account - The user pressed "Not you?".
 *
 * @csspart base - The card around the whole screen.
 * @csspart header - Logo and main heading.
 * @csspart logo - The integrator's (`connect`) or recipient's (`share`) logo, only when its URL is https.
 * @csspart title - The main heading (`h1`).
 * @csspart description - The explanatory paragraph.
 * @csspart link - The link to the site of the integrator (`connect`) or the recipient (`share`), shown as its host.
 * @csspart privacy-link - The link to the recipient's privacy policy (`share`).
 * @csspart items - The list of what will be shared.
 * @csspart account - "Signed in as …" line.
 * @csspart switch-account - The "Not you?" button.
 * @csspart actions - The row holding Decline and Allow.
 * @csspart decline-button - The Decline button.
 * @csspart allow-button - The Allow button.
 * @csspart status - The pending message.
 *
 * @cssproperty --idc-color-primary - Button and link color.
 * @cssproperty --idc-color-surface - Background.
 * @cssproperty --idc-color-text - Text color.
 * @cssproperty --idc-color-muted - Secondary text color.
 * @cssproperty --idc-color-border - Card border and separators.
 * @cssproperty --idc-color-focus - Focus ring.
 * @cssproperty --idc-radius - Corner radius.
 * @cssproperty --idc-font-family - Font.
 * @cssproperty --idc-font-size - Base font size.
 * @cssproperty --idc-screen-max-width - Maximum inline size of the card (default 34rem).
 * @cssproperty --idc-screen-padding - Padding of the card (default 1.5rem).
 */
export class IdcConsentScreen extends LitElement {
  static override styles = [theme, textTheme, screenStyles, consentScreenStyles];

  // `static properties` rather than decorators: same reactive properties, ~0.4 kB gzip less in the provider-UI bundle
  // (budget 14 kB with Lit), which would otherwise carry Lit's decorator code for these two elements alone.
  static override properties = {
    kind: { reflect: true },
    integrator: { type: Object },
    recipient: { type: Object },
    dataItems: { type: Array, attribute: 'data-items' },
    account: { type: Object },
    providerName: { attribute: 'provider-name' },
    pending: { type: Boolean, reflect: true },
    armDelay: { type: Number, attribute: 'arm-delay' },
    theme: { reflect: true },
  };

  /** `connect`: allow the integrator to create share tokens. `share`: consent to share with one recipient. */
  kind: ConsentKind = 'connect';

  /** Who asks. */
  integrator?: ConsentIntegrator;

  /** Who receives (`kind="share"`). */
  recipient?: ConsentRecipient;

  /** What will be shared, shown as a list (attribute `data-items`: JSON). */
  dataItems: ConsentDataItem[] = [];

  /** The signed-in account, with a "Not you?" button. */
  account?: ConsentAccount;

  /** Name of the identity account service, shown in the connect heading ("… your {provider-name} account"). */
  providerName = 'ID';

  /** A decision is being processed: buttons disabled, `aria-busy`. Set by the element after a decision. */
  pending = false;

  /** Milliseconds the screen must be visible and focused before Allow is armed; clamped to 300–1000 (default 500). */
  get armDelay(): number {
    return this._armDelay;
  }
  set armDelay(value: number) {
    this._armDelay = clampArmDelay(value);
  }
  private _armDelay = 500;

  /** `light`, `dark` or `auto` (follows the system). */
  theme: 'light' | 'dark' | 'auto' = 'auto';

  private readonly l10n = new LocalizeController(this, consentScreenTable);
  private readonly arming = new ArmingController(
    this,
    () => this.renderRoot?.querySelector?.('.actions'),
    () => this._armDelay,
    () => this.pending,
  );
  /** A press that started before Allow was armed does not count when it ends after arming. */
  private pressStartedUnarmed = false;

  /** True when Allow responds to clicks (read-only). */
  get armed(): boolean {
    return this.arming.armed;
  }

  protected override updated(changed: PropertyValues<this>): void {
    // Entering or leaving the pending state starts the delay over: after a reset, Allow waits the full delay again.
    if (changed.has('pending')) this.arming.restart();
  }

  private decide(decision: 'allow' | 'deny'): void {
    if (this.pending) return;
    this.pending = true;
    this.arming.restart();
    emit<IdcConsentDecisionDetail>(this, 'idc-consent-decision', { decision });
  }

  private readonly onAllowPointerDown = (): void => {
    this.pressStartedUnarmed = !this.armed;
  };

  private readonly onAllow = (event: MouseEvent): void => {
    // detail 0: a click from the keyboard (Enter, Space), which no earlier pointer press can have started.
    const startedUnarmed = this.pressStartedUnarmed && event.detail !== 0;
    this.pressStartedUnarmed = false;
    if (!this.armed || startedUnarmed) return;
    this.decide('allow');
  };

  private readonly onDecline = (): void => this.decide('deny');

  private readonly onSwitch = (): void => {
    if (!this.pending) emit(this, 'idc-switch-account', {});
  };

  private link(url: unknown, text?: unknown, part = 'link'): TemplateResult | typeof nothing {
    const href = linkUrl(url);
    return href
      ? html`<a part=${part} href=${href} target="_blank" rel="noopener noreferrer"
          >${text ?? isolate(new URL(href).host)}<span class="vh"> ${this.l10n.t('newTab')}</span></a
        >`
      : nothing;
  }

  protected override render(): TemplateResult {
    const t = this.l10n.t.bind(this.l10n);
    const share = this.kind === 'share';
    const r = this.recipient;
    const party = share ? r : this.integrator;
    const logo = imageUrl(party?.logoUrl);
    const names = {
      integrator: isolate(this.integrator?.name),
      recipient: isolate(r?.name || r?.clientId),
      provider: isolate(this.providerName || 'ID'),
    };
    const items = Array.isArray(this.dataItems) ? this.dataItems : [];
    const email = this.account?.email;
    const { pending } = this;
    const locked = !this.arming.armed && !pending;
    return html`<section part="base" class="base" aria-labelledby="title" dir=${this.l10n.dir}
      lang=${tableLang(this.l10n.locale)}>
      <header part="header">
        ${logo ? html`<img part="logo" class="logo" src=${logo} alt="" referrerpolicy="no-referrer" />` : nothing}
        <div>
          <h1 id="title" part="title">${fill(t(share ? 'shareTitle' : 'connectTitle'), names)}</h1>
          ${this.link(party?.url)}
        </div>
      </header>
      <p part="description">${fill(t(share ? 'shareBody' : 'connectBody'), names)}</p>
      ${share && r?.privacyPolicyUrl
        ? html`<p>${this.link(r.privacyPolicyUrl, fill(t('privacyPolicy'), names), 'privacy-link')}</p>`
        : nothing}
      ${items.length
        ? html`<h2 id="items">${t('items')}</h2>
            <ul part="items" aria-labelledby="items">
              ${items.map((item) => html`<li>${isolate(item?.label)}</li>`)}
            </ul>`
        : nothing}
      ${email
        ? html`<p part="account" class="account">
            ${fill(t('signedInAs'), { email: isolate(email) })}
            <button part="switch-account" class="link" type="button" ?disabled=${pending} @click=${this.onSwitch}>
              ${t('notYou')}
            </button>
          </p>`
        : nothing}
      <div part="actions" class="actions" aria-busy=${pending}>
        <button part="decline-button" type="button" ?disabled=${pending} @click=${this.onDecline}>
          ${t('decline')}
        </button>
        <button part="allow-button" type="button" ?disabled=${pending} aria-disabled=${locked ? 'true' : 'false'}
          aria-describedby=${locked ? 'arm-hint' : nothing} @pointerdown=${this.onAllowPointerDown}
          @click=${this.onAllow}>
          ${t('allow')}
        </button>
        ${locked ? html`<span id="arm-hint" class="vh">${t('notArmed')}</span>` : nothing}
      </div>
      <p part="status" class="status" role="status">${pending ? t('pending') : ''}</p>
    </section>`;
  }
}

declare global {
  interface HTMLElementEventMap {
    'idc-consent-decision': CustomEvent<IdcConsentDecisionDetail>;
    'idc-switch-account': CustomEvent<Record<string, never>>;
  }
}
