import type { PropertyDeclarations } from '@lit/reactive-element';
import { loadLazy, type StartedFlow } from '../../flow/first-paint/hand-over.js';
import { canStartShare, resumeShareConsent, startShareConsent } from '../../flow/first-paint/share.js';
import type { ShareConsentOptions, ShareConsentResult } from '../../flow/types.js';
import { shareButtonTable } from '../../i18n/tables/share-button.js';
import { Localizer } from '../../i18n/localize.js';
import { emit } from '../shared/emit.js';
import type { IdcConsentDetail } from '../shared/events.js';
import { FlowButton, type FlowStartOptions, type PreparedFlow } from '../shared/flow-button.js';

/**
 * A native button, "Continue to {recipient-name}", that opens the provider's short-lived per-recipient share-consent
 * link (obtained by the host backend) in a popup or the same tab and brings back the provider-signed consent JWT from
 * `redirectUri?token=<JWT>`. The state travels in the token (claim `state`): the element reads it, like
 * `sharingAllowed`, from the unverified token — to route the result and as a UI hint only: the backend must verify
 * the token. Every flow expects a state: `state`, or, with a function `shareLink` and no `state`, one the element
 * generates and passes to `shareLink({ state })` for the backend to send to the provider.
 *
 * @summary "Continue to {recipient}" button: per-recipient share consent, result as an `idc-consent` event.
 *
 * @event {CustomEvent<{ mode: 'popup' | 'redirect' }>} idc-start - Cancelable. Fired before anything opens;
 *   `preventDefault()` stops the flow.
 * @event {CustomEvent<{ token: string, state: string, sharingAllowed: boolean }>} idc-consent - The consent JWT, for
 *   the backend to verify.
 * @event {CustomEvent<{ reason: 'popup_closed' | 'aborted' }>} idc-cancel - The user closed the window, or `cancel()`.
 * @event {CustomEvent<{ code: string, message: string, retryable: boolean, oauthError?: string, oauthErrorDescription?: string }>} idc-error -
 *   The flow failed (`invalid_share_link`, `state_mismatch`, `popup_blocked`, …). The element also shows a short
 *   localized message.
 * @event {CustomEvent<{ from: 'popup', to: 'redirect', reason: string }>} idc-fallback - Cancelable. Fired before a
 *   popup→redirect fallback navigation (`fallback="redirect"`).
 *
 * @slot - Replaces the label text.
 *
 * @csspart container - Wrapper of the button and the error line; carries `lang` and `dir`.
 * @csspart base - The native `<button>`.
 * @csspart label - The label (wraps the default slot).
 * @csspart spinner - The progress indicator shown while pending.
 * @csspart pending-label - The localized text shown while pending.
 * @csspart error - The localized error line (an ARIA alert); empty when there is no error.
 *
 * @cssproperty --idc-color-primary - Filled background / outline text and border color.
 * @cssproperty --idc-color-on-primary - Text color on the filled button.
 * @cssproperty --idc-color-surface - Background of the outline button.
 * @cssproperty --idc-color-focus - Focus ring color.
 * @cssproperty --idc-color-danger - Error line color.
 * @cssproperty --idc-radius - Corner radius of the rectangular shape.
 * @cssproperty --idc-font-family - Font family.
 * @cssproperty --idc-font-size - Font size of the medium size (small and large scale from it).
 * @cssproperty --idc-button-height - Minimum height (default 2rem / 2.5rem / 3rem by size).
 * @cssproperty --idc-button-padding-inline - Inline padding (default 0.75rem / 1rem / 1.5rem by size).
 * @cssproperty --idc-button-font-weight - Label font weight (default 600).
 */
export class IdcShareButton extends FlowButton<ShareConsentResult, 'label' | 'labelGeneric'> {
  /** @internal */
  static override properties: PropertyDeclarations = {
    shareLink: { attribute: false },
    recipientName: { attribute: 'recipient-name' },
    state: {},
  };

  /**
   * The share-consent link from the host backend (`POST /api/share-link`), or a function that fetches it. A function
   * is called after the popup has opened, so the click keeps its user activation, with `{ state }`: the state the
   * consent token must carry, for the backend to send to the provider. A string link needs `state` (without it the
   * click is `invalid_config`). Only `https:` (or `http://localhost`) links are opened; anything else is
   * `invalid_share_link`.
   */
  shareLink?: string | ((context: { state: string }) => Promise<string>);

  /** Shown in the label: "Continue to {recipient-name}". */
  recipientName = '';

  /**
   * The `state` the backend bound to this share link; a different one in the consent token is `state_mismatch`.
   * Required with a string `shareLink`; without it a function `shareLink` gets a generated one.
   */
  state?: string;

  protected readonly l10n = new Localizer(this, shareButtonTable);

  protected override labelText(): string {
    return this.recipientName
      ? this.l10n.t('label', { recipient: this.recipientName })
      : this.l10n.t('labelGeneric');
  }

  /** A click calls what a host page calls: `canStartShare`, then `startShareConsent`. */
  protected override prepareFlow(base: FlowStartOptions): PreparedFlow<ShareConsentResult> {
    const options = this.shareOptions(base);
    return { ready: canStartShare(options), start: () => startShareConsent(options) as StartedFlow<ShareConsentResult> };
  }

  /** The options of the share flow a click starts. */
  protected shareOptions(options: FlowStartOptions): ShareConsentOptions {
    return {
      ...options,
      shareLink: this.shareLink!,
      redirectUri: this.redirectUri || undefined,
      state: this.state || undefined,
    };
  }

  /** `resumeShareConsent` cleans the address bar before it awaits anything (docs/security.md §9). */
  protected override resumeFlow(): Promise<ShareConsentResult | null> {
    return resumeShareConsent(this.state ? { state: this.state } : {});
  }

  /**  */
  protected override emitResult(result: ShareConsentResult): void {
    emit<IdcConsentDetail>(this, 'idc-consent', result);
  }

  /** The lazy half of the flow and its share part. */
  protected override warm(): void {
    loadLazy().then(
      (lazy) => lazy.preloadShare(),
      () => {},
    );
  }
}
