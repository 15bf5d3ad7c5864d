import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { theme } from '../shared/theme.js';
import { emit } from '../shared/emit.js';
import type { IdcCancelDetail } from '../shared/events.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { tableLang } from '../../i18n/localize.js';
import { reuseSelectionTable, type ReuseSelectionKey } from '../../i18n/tables/reuse-selection.js';
import { fill, intl, isolate } from '../consent-screen/text.js';
import {
  buildViews,
  defaultChoice,
  today,
  toDetail,
  type Blocker,
  type IdcReuseSelectDetail,
  type RequirementView,
  type ReuseDocument,
  type ReuseRecipient,
  type ReuseRequirement,
} from './model.js';
import { screenStyles, textTheme } from '../consent-screen/screen.styles.js';
import { reuseSelectionStyles } from './reuse-selection.styles.js';

export type {
  DocumentStatus,
  IdcReuseSelectDetail,
  ReuseDocument,
  ReuseRecipient,
  ReuseRequirement,
  ReuseSelectionItem,
} from './model.js';

/**
 * @summary The reuse step: for each requirement of the recipient, pick which already-verified document to share.
 *
 * Each requirement is a `<fieldset>` of native radio buttons (arrow keys move between them). Reusable documents
 * (status `verified`, not expired) are offered with the newest `issuedAt` preselected; matching documents that cannot
 * be reused (expired, rejected, pending) are shown disabled with the reason; optional requirements add a
 * "Don't share" choice; a requirement with nothing reusable says it will be collected. Dates and countries are
 * formatted with `Intl` in the element's language. After **Share selected** the element is `pending`.
 *
 * @event {CustomEvent<{selections: {requirementId: string, documentId: string}[], missing: string[]}>} idc-reuse-select -
 * The user pressed Share selected. `missing`: required requirements with nothing reusable (to be collected fresh).
 * @event {CustomEvent<{reason: 'user'}>} idc-cancel - The user pressed Cancel.
 *
 * @csspart base - The form around the whole step.
 * @csspart title - The heading (`h1`).
 * @csspart description - The introduction.
 * @csspart requirement - One requirement's `<fieldset>`.
 * @csspart legend - The requirement's `<legend>`.
 * @csspart option - One document choice (a `<label>` with its radio button).
 * @csspart option-blocked - A matching document that cannot be reused.
 * @csspart note - "Will be collected" / "left out" text of a requirement with nothing reusable.
 * @csspart actions - The row of buttons.
 * @csspart cancel-button - The Cancel button.
 * @csspart submit-button - The Share selected button.
 * @csspart status - The pending message.
 *
 * @cssproperty --idc-color-primary - Primary button, radio and focus accents.
 * @cssproperty --idc-color-on-primary - Text on the primary button.
 * @cssproperty --idc-color-surface - Background.
 * @cssproperty --idc-color-text - Text color.
 * @cssproperty --idc-color-muted - Secondary text (dates, reasons).
 * @cssproperty --idc-color-border - Card and fieldset borders.
 * @cssproperty --idc-color-focus - Focus ring.
 * @cssproperty --idc-radius - Corner radius.
 * @cssproperty --idc-font-family - Font.
 * @cssproperty --idc-font-size - Base font size.
 * @cssproperty --idc-screen-max-width - Maximum inline size of the card (default 34rem).
 * @cssproperty --idc-screen-padding - Padding of the card (default 1.5rem).
 */
export class IdcReuseSelection extends LitElement {
  static override styles = [theme, textTheme, screenStyles, reuseSelectionStyles];

  // `static properties` rather than decorators: ~0.4 kB gzip less in the provider-UI bundle (budget 14 kB with Lit).
  static override properties = {
    documents: { type: Array },
    requirements: { type: Array },
    recipient: { type: Object },
    pending: { type: Boolean, reflect: true },
    theme: { reflect: true },
  };

  /** The account's documents (attribute: JSON). */
  documents: ReuseDocument[] = [];

  /** What the recipient asks for (attribute: JSON). */
  requirements: ReuseRequirement[] = [];

  /** Who receives the documents. */
  recipient?: ReuseRecipient;

  /** A selection was submitted and is being processed: buttons disabled, `aria-busy`. */
  pending = false;

  /** `light`, `dark` or `auto` (follows the system). */
  theme: 'light' | 'dark' | 'auto' = 'auto';

  /** Chosen document id per requirement (by index); '' = nothing / "don't share". */
  private choice: string[] = [];

  private views: RequirementView[] = [];
  private readonly l10n = new LocalizeController(this, reuseSelectionTable);

  /** The detail `idc-reuse-select` would carry now (read-only). */
  get selection(): IdcReuseSelectDetail {
    return toDetail(this.views, this.choice);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('documents') || changed.has('requirements')) {
      this.views = buildViews(this.documents, this.requirements, today());
      this.choice = defaultChoice(this.views);
    }
  }

  private readonly onSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    if (this.pending) return;
    const detail = this.selection;
    this.pending = true;
    emit<IdcReuseSelectDetail>(this, 'idc-reuse-select', detail);
  };

  private readonly onCancel = (): void => {
    if (!this.pending) emit<IdcCancelDetail>(this, 'idc-cancel', { reason: 'user' });
  };

  private choose(index: number, id: string): void {
    this.choice[index] = id;
    this.requestUpdate();
  }

  private typeName(type: string): string {
    const key = `type_${type}` as ReuseSelectionKey;
    return this.l10n.t(Object.hasOwn(reuseSelectionTable.en, key) ? key : 'type_other');
  }

  private date(iso: string | undefined): string {
    if (typeof iso !== 'string') return '';
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
    if (!m) return iso;
    const fmt = intl((l) => new Intl.DateTimeFormat(l, { dateStyle: 'medium', timeZone: 'UTC' }), this.l10n.locale);
    return fmt.format(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  }

  private country(code: string | undefined): string {
    if (typeof code !== 'string' || !code) return '';
    try {
      const names = intl((l) => new Intl.DisplayNames(l, { type: 'region' }), this.l10n.locale);
      return names.of(code.toUpperCase()) ?? code;
    } catch {
      return code; // not a region code
    }
  }

  private radio(index: number, id: string, body: unknown, reason?: Blocker): TemplateResult {
    return html`<label part="option ${reason ? 'option-blocked' : ''}" class="option ${reason ? 'blocked' : ''}">
      <input type="radio" name="r${index}" .value=${id} .checked=${!reason && this.choice[index] === id}
        ?disabled=${!!reason || this.pending} @change=${() => this.choose(index, id)} />
      <span>${body}</span>
    </label>`;
  }

  private option(index: number, doc: ReuseDocument, reason?: Blocker): TemplateResult {
    const t = this.l10n.t.bind(this.l10n);
    const meta: string[] = [];
    if (doc.country) meta.push(this.country(doc.country));
    if (doc.issuedAt) meta.push(t('issued', { date: this.date(doc.issuedAt) }));
    if (reason === 'expired') meta.push(doc.expiresAt ? t('expiredOn', { date: this.date(doc.expiresAt) }) : t('expired'));
    else if (reason) meta.push(t(`is_${reason}`));
    else if (doc.expiresAt) meta.push(t('expires', { date: this.date(doc.expiresAt) }));
    return this.radio(
      index,
      doc.id,
      html`<span class="name">${isolate(doc.label || this.typeName(doc.type))}</span>
        <span class="meta">${meta.join(' · ')}</span>`,
      reason,
    );
  }

  private requirement({ requirement, reusable, blocked }: RequirementView, index: number): TemplateResult {
    const t = this.l10n.t.bind(this.l10n);
    const accepts = Array.isArray(requirement.accepts) && requirement.accepts.length ? requirement.accepts : [''];
    const label =
      requirement.label ||
      intl((l) => new Intl.ListFormat(l, { type: 'disjunction' }), this.l10n.locale).format(
        accepts.map((a) => this.typeName(a)),
      );
    const optional = !requirement.required;
    return html`<fieldset part="requirement">
      <legend part="legend">${isolate(label)} ${optional ? html`<span class="muted">${t('optional')}</span>` : nothing}</legend>
      ${reusable.map((doc) => this.option(index, doc))}
      ${optional && reusable.length ? this.radio(index, '', html`<span class="name">${t('dontShare')}</span>`) : nothing}
      ${blocked.map(({ doc, reason }) => this.option(index, doc, reason))}
      ${reusable.length ? nothing : html`<p part="note" class="note">${t(optional ? 'optionalNone' : 'willCollect')}</p>`}
    </fieldset>`;
  }

  protected override render(): TemplateResult {
    const t = this.l10n.t.bind(this.l10n);
    const { pending } = this;
    return html`<form part="base" class="base" aria-labelledby="title" dir=${this.l10n.dir}
      lang=${tableLang(this.l10n.locale)} @submit=${this.onSubmit}>
      <h1 id="title" part="title">${fill(t('title'), { recipient: isolate(this.recipient?.name) })}</h1>
      <p part="description">${t('intro')}</p>
      ${this.views.map((view, i) => this.requirement(view, i))}
      <div part="actions" class="actions" aria-busy=${pending}>
        <button part="cancel-button" type="button" ?disabled=${pending} @click=${this.onCancel}>${t('cancel')}</button>
        <button part="submit-button" class="primary" type="submit" ?disabled=${pending}>${t('submit')}</button>
      </div>
      <p part="status" class="status" role="status">${pending ? t('pending') : ''}</p>
    </form>`;
  }
}

declare global {
  interface HTMLElementEventMap {
    'idc-reuse-select': CustomEvent<IdcReuseSelectDetail>;
  }
}
