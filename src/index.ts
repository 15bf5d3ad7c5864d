/**
 * `idconnect-kit` — classes, functions and types. No side effects: importing this module registers no element
 * (use `idconnect-kit/define` or the define module of one element for that).
 */
export * from './flow/index.js';
export { IdcVerifyButton } from './components/verify-button/verify-button.js';
export { IdcShareButton } from './components/share-button/share-button.js';
export { IdcConsentScreen } from './components/consent-screen/consent-screen.js';
export { IdcReuseSelection } from './components/reuse-selection/reuse-selection.js';
export { createButton } from './create-button.js';
export { resolveLocale, LANGS } from './i18n/localize.js';
export type { Lang } from './i18n/localize.js';
// The details, event maps and template types of every element, for hosts that type their listeners (types only).
export type * from './frameworks/elements.js';
