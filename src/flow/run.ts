/**
 * The lazy half of the flow, loaded by load-run.ts (ES modules) or load-run.iife.ts (the script-tag build's sibling
 * file). Everything after the synchronous start: option checks in full, metadata, PKCE through oidc-client-ts, the
 * popup session, response checks, share consent, the redirect return, and the localized error texts the elements show.
 */
export { preload, runVerify } from './verify-run.js';
export { runShare } from './share-run.js';
export { finishShareResume, finishVerifyResume } from './resume-run.js';
export { resumeVerify } from './redirect.js';
export { resumeShareConsent } from './share.js';
export { errorTable } from '../i18n/tables/errors.js';
