import { IdcConsentScreen } from './consent-screen.js';
import { defineElement } from '../shared/define-element.js';
import type { IdcConsentDecisionDetail } from './consent-screen.js';

export { IdcConsentScreen };
export type { IdcConsentDecisionDetail };

defineElement('idc-consent-screen', IdcConsentScreen);

declare global {
  interface HTMLElementTagNameMap {
    'idc-consent-screen': IdcConsentScreen;
  }
  interface HTMLElementEventMap {
    /** Allow or Decline on `<idc-consent-screen>`; sent once. */
    'idc-consent-decision': CustomEvent<IdcConsentDecisionDetail>;
    /** "Not you?" on `<idc-consent-screen>`. */
    'idc-switch-account': CustomEvent<Record<string, never>>;
  }
}
