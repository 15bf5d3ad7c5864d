import { IdcReuseSelection } from './reuse-selection.js';
import { defineElement } from '../shared/define-element.js';
import type { IdcReuseSelectDetail } from './reuse-selection.js';

export { IdcReuseSelection };
// Types only: the event details, and with them the `HTMLElementEventMap` typings (`idc-cancel` in shared/events.ts).
export type { IdcReuseSelectDetail };
export type { IdcCancelDetail } from '../shared/events.js';

defineElement('idc-reuse-selection', IdcReuseSelection);

declare global {
  interface HTMLElementTagNameMap {
    'idc-reuse-selection': IdcReuseSelection;
  }
  interface HTMLElementEventMap {
    /** Share selected on `<idc-reuse-selection>`. */
    'idc-reuse-select': CustomEvent<IdcReuseSelectDetail>;
  }
}
