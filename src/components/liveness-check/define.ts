import { IdcLivenessCheck } from './liveness-check.js';
import { defineElement } from '../shared/define-element.js';
import type { IdcLivenessCompleteDetail, IdcLivenessErrorDetail } from './liveness-check.js';

export { IdcLivenessCheck };
// Types only: the event details (`idc-liveness-complete`, and the `idc-error` detail of this element).
export type { IdcLivenessCompleteDetail, IdcLivenessErrorDetail };

defineElement('idc-liveness-check', IdcLivenessCheck);

declare global {
  interface HTMLElementTagNameMap {
    'idc-liveness-check': IdcLivenessCheck;
  }
  interface HTMLElementEventMap {
    /** `<idc-liveness-check>`: the provider has the capture (its `idc-error` detail is `IdcLivenessErrorDetail`). */
    'idc-liveness-complete': CustomEvent<IdcLivenessCompleteDetail>;
  }
}
