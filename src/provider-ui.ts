/**
 * Entry of `dist/idconnect-kit-provider-ui.iife.js`, the one-file build for the provider's hosted pages: registers
 * `<idc-consent-screen>` and `<idc-reuse-selection>`. It carries no protocol code.
 */
import './components/consent-screen/define.js';
import './components/reuse-selection/define.js';
