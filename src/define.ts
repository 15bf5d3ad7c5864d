/**
 * `idconnect-kit/define` — registers every `idc-*` element. Each registration is guarded, so importing this next to
 * another copy of the kit (or twice) is harmless.
 */
import './components/verify-button/define.js';
import './components/share-button/define.js';
import './components/consent-screen/define.js';
import './components/reuse-selection/define.js';

export { IdcVerifyButton } from './components/verify-button/verify-button.js';
export { IdcShareButton } from './components/share-button/share-button.js';
export { IdcConsentScreen } from './components/consent-screen/consent-screen.js';
export { IdcReuseSelection } from './components/reuse-selection/reuse-selection.js';
