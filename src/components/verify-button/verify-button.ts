import type { PropertyDeclarations } from '@lit/reactive-element';
import type { StartedFlow } from '../../flow/first-paint/hand-over.js';
import { canStartVerify, preloadProtocol, resumeVerify, startVerify } from '../../flow/first-paint/verify.js';
import type { VerifyOptions, VerifyResult } from '../../flow/types.js';
import { Localizer } from '../../i18n/localize.js';
import { verifyButtonTable } from '../../i18n/tables/verify-button.js';
import { emit } from '../shared/emit.js';
import type { IdcSuccessDetail } from '../shared/events.js';
import { FlowButton, type FlowStartOptions, type PreparedFlow } from '../shared/flow-button.js';

/**
 * A native button, "Verify with {provider-name}", that runs OpenID Connect authorization code + PKCE (S256) in a popup
 * or a full-page redirect and hands the **code** to the host page, which sends it straight to its backend (codes live
 * about 60 s). It never exchanges the code itself.
 *
 * @summary "Verify with ID" button: OIDC code + PKCE in a popup or redirect, result as an `idc-success` event.
 *
 * @event {CustomEvent<{ mode: 'popup' | 'redirect' }>} idc-start - Cancelable. Fired before anything opens;
 *   `preventDefault()` stops the flow.
 * @event {CustomEvent<{ code: string, codeVerifier: string, state: string, redirectUri: string, clientId: string, issuer: string, mode: 'popup' | 'redirect', nonce: string }>} idc-success -
 *   The authorization code, its PKCE verifier and the request's nonce, for the backend's code exchange.
 * @event {CustomEvent<{ reason: 'popup_closed' | 'aborted' }>} idc-cancel - The user closed the window, or `cancel()`.
 * @event {CustomEvent<{ code: string, message: string, retryable: boolean, oauthError?: string, oauthErrorDescription?: string }>} idc-error -
 *   The flow failed; `code` is one of the kit's error codes. The element also shows a short localized message.
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
export class IdcVerifyButton extends FlowButton<VerifyResult, 'label'> {
  /** @internal */
  static override properties: PropertyDeclarations = {
    authority: {},
    clientId: { attribute: 'client-id' },
    scope: {},
    providerName: { attribute: 'provider-name' },
    loginHint: { attribute: 'login-hint' },
  };

  /** Provider issuer URL; metadata from `/.well-known/openid-configuration`. Required. */
  authority?: string;

  /** The integrator's client id. Required. */
  clientId?: string;

  /** Space-separated scopes; `offline_access` implies `prompt=consent`. */
  scope = 'openid share';

  /** Shown in the label: "Verify with {provider-name}". */
  providerName = 'ID';

  /** Passed to the provider as `login_hint`. */
  loginHint?: string;

  protected readonly l10n = new Localizer(this, verifyButtonTable);

  protected override labelText(): string {
    return this.l10n.t('label', { provider: this.providerName || 'ID' });
  }

  /** A click calls what a host page calls: `canStartVerify`, then `startVerify`. */
  protected override prepareFlow(base: FlowStartOptions): PreparedFlow<VerifyResult> {
    const options = this.verifyOptions(base);
    return { ready: canStartVerify(options), start: () => startVerify(options) as StartedFlow<VerifyResult> };
  }

  /** The options of the verify flow a click starts: the element's attributes plus the language in force. */
  protected verifyOptions(options: FlowStartOptions): VerifyOptions {
    return {
      ...options,
      authority: this.authority!,
      clientId: this.clientId!,
      redirectUri: this.redirectUri,
      scope: this.scope,
      loginHint: this.loginHint,
      uiLocales: this.l10n.locale,
    };
  }

  /** A response for this client leaves the address bar before anything is awaited (`resumeVerify`). */
  protected override resumeFlow(): Promise<VerifyResult | null> {
    return resumeVerify({ clientId: this.clientId!, authority: this.authority });
  }

  /**  */
  protected override emitResult(result: VerifyResult): void {
    emit<IdcSuccessDetail>(this, 'idc-success', result);
  }

  /** The lazy half of the flow, oidc-client-ts and the provider's metadata (all cached once loaded). */
  protected override warm(): void {
    preloadProtocol(this.authority);
  }
}
