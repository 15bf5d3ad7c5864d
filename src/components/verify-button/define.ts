/** Registers `<idc-verify-button>`. Guarded: a second copy of the kit on the page does not throw. */
import { IdcVerifyButton } from './verify-button.js';

if (!customElements.get('idc-verify-button')) customElements.define('idc-verify-button', IdcVerifyButton);

export { IdcVerifyButton };

declare global {
  interface HTMLElementTagNameMap {
    'idc-verify-button': IdcVerifyButton;
  }
}
