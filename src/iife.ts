/**
 * Entry of `dist/idconnect-kit.iife.js`, the `<script src>` build for integrator pages: registers
 * `<idc-verify-button>` and `<idc-share-button>` and sets `window.IdConnect`. A page adds this one script; the lazy
 * half of the flow (protocol, popup session, error texts) comes on demand from `idconnect-kit-flow.js` next to it
 * (src/flow/first-paint/hand-over.ts, built with `__IDC_SCRIPT_TAG__`), so that file must be deployed alongside.
 */
import './components/verify-button/define.js';
import './components/share-button/define.js';
import {
  verify,
  startVerify,
  resumeVerify,
  requestShareConsent,
  startShareConsent,
  handleCallback,
  preloadProtocol,
  FlowCancelled,
} from './flow/index.js';
import { ERROR_CODES, IdcError, isIdcError } from './flow/errors.js';
import { createButton } from './create-button.js';
import { IdcVerifyButton } from './components/verify-button/verify-button.js';
import { IdcShareButton } from './components/share-button/share-button.js';

const api = Object.freeze({
  verify,
  startVerify,
  resumeVerify,
  requestShareConsent,
  startShareConsent,
  handleCallback,
  preloadProtocol,
  createButton,
  IdcError,
  isIdcError,
  ERROR_CODES,
  FlowCancelled,
  IdcVerifyButton,
  IdcShareButton,
});

export type IdConnectGlobal = typeof api;

declare global {
  interface Window {
    IdConnect: IdConnectGlobal;
  }
}

// A second copy of the script keeps the first one's API (its elements are the ones registered).
window.IdConnect ??= api;
