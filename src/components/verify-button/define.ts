/** Registers `<idc-verify-button>`. Guarded: a second copy of the kit on the page does not throw. */
import { IdcVerifyButton } from './verify-button.js';
import { defineElement } from '../shared/define-element.js';

defineElement('idc-verify-button', IdcVerifyButton);

export { IdcVerifyButton };
// Types only: the event details, and with them the `HTMLElementEventMap` typings of shared/events.ts, for whoever
// imports this entry alone (`el.addEventListener('idc-success', (e) => e.detail.code)`).
export type { IdcCancelDetail, IdcErrorDetail, IdcFallbackDetail, IdcStartDetail, IdcSuccessDetail } from '../shared/events.js';

declare global {
  interface HTMLElementTagNameMap {
    'idc-verify-button': IdcVerifyButton;
  }
}
