/**
 * Details of the `idc-*` events the integrator buttons dispatch, and their `HTMLElementEventMap` typings, so
 * `button.addEventListener('idc-success', (e) => e.detail.code)` is typed. Every event bubbles and is composed.
 */
import type { FallbackDetail, FlowMode, ShareConsentResult, VerifyResult } from '../../flow/index.js';
import type { IdcErrorDetail } from '../../flow/errors.js';

export interface IdcStartDetail {
  mode: FlowMode;
}

/** `popup_closed` | `aborted` from the buttons; `user` from `<idc-reuse-selection>`. */
export interface IdcCancelDetail {
  reason: 'popup_closed' | 'aborted' | 'user';
}

export type IdcSuccessDetail = VerifyResult;
export type IdcConsentDetail = ShareConsentResult;
export type IdcFallbackDetail = FallbackDetail;
export type { IdcErrorDetail };

declare global {
  interface HTMLElementEventMap {
    /** Cancelable: `preventDefault()` stops the flow before any window opens. */
    'idc-start': CustomEvent<IdcStartDetail>;
    'idc-success': CustomEvent<IdcSuccessDetail>;
    'idc-consent': CustomEvent<IdcConsentDetail>;
    'idc-cancel': CustomEvent<IdcCancelDetail>;
    'idc-error': CustomEvent<IdcErrorDetail>;
    /** Cancelable: `preventDefault()` stops the popup→redirect fallback navigation. */
    'idc-fallback': CustomEvent<IdcFallbackDetail>;
  }
}
