/** Registers `<idc-share-button>`. Guarded: a second copy of the kit on the page does not throw. */
import { IdcShareButton } from './share-button.js';

if (!customElements.get('idc-share-button')) customElements.define('idc-share-button', IdcShareButton);

export { IdcShareButton };

declare global {
  interface HTMLElementTagNameMap {
    'idc-share-button': IdcShareButton;
  }
}
