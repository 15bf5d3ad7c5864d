import { IdcReuseSelection } from './reuse-selection.js';

export { IdcReuseSelection };

if (!customElements.get('idc-reuse-selection')) customElements.define('idc-reuse-selection', IdcReuseSelection);

declare global {
  interface HTMLElementTagNameMap {
    'idc-reuse-selection': IdcReuseSelection;
  }
}
