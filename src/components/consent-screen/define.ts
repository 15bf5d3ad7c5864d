import { IdcConsentScreen } from './consent-screen.js';

export { IdcConsentScreen };

if (!customElements.get('idc-consent-screen')) customElements.define('idc-consent-screen', IdcConsentScreen);

declare global {
  interface HTMLElementTagNameMap {
    'idc-consent-screen': IdcConsentScreen;
  }
}
