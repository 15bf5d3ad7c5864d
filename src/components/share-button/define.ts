/** Registers `<idc-share-button>`. Guarded: a second copy of the kit on the page does not throw. */
import { IdcShareButton } from './share-button.js';
import { defineElement } from '../shared/define-element.js';

defineElement('idc-share-button', IdcShareButton);

export { IdcShareButton };
// Types only: the event details, and with them the `HTMLElementEventMap` typings of shared/events.ts, for whoever
// imports this entry alone (`el.addEventListener('idc-consent', (e) => e.detail.token)`).
export type { IdcCancelDetail, IdcConsentDetail, IdcErrorDetail, IdcFallbackDetail, IdcStartDetail } from '../shared/events.js';

declare global {
  interface HTMLElementTagNameMap {
    'idc-share-button': IdcShareButton;
  }
}
