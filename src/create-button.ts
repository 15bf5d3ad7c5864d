/**
 * `createButton(options)`: the script-tag style way to put a `<idc-verify-button>` on a page — one call with a
 * container and callbacks, as hosted sign-in and account-linking widgets offer. Registers the element on first call
 * (no side effect on import).
 */
import type { IdcCancelDetail, IdcErrorDetail, IdcFallbackDetail, IdcSuccessDetail } from './components/shared/events.js';
import { IdcVerifyButton } from './components/verify-button/verify-button.js';
import { IdcError } from './flow/errors.js';
import type { FlowMode } from './flow/index.js';

export interface CreateButtonOptions {
  /** Where the button goes: an element, or a CSS selector for one. */
  container: Element | string;
  authority: string;
  clientId: string;
  redirectUri?: string;
  scope?: string;
  mode?: FlowMode;
  fallback?: 'redirect' | 'none';
  providerName?: string;
  variant?: 'filled' | 'outline';
  theme?: 'light' | 'dark' | 'auto';
  size?: 'small' | 'medium' | 'large';
  shape?: 'rectangular' | 'pill';
  fullWidth?: boolean;
  loginHint?: string;
  timeout?: number;
  disabled?: boolean;
  /** Language of the button (sets `lang` on it); default: the nearest `[lang]`, then the browser's languages. */
  lang?: string;
  /** The code and its PKCE verifier: send them straight to your backend (codes live about 60 s). */
  onSuccess?: (detail: IdcSuccessDetail, event: CustomEvent<IdcSuccessDetail>) => void;
  onError?: (detail: IdcErrorDetail, event: CustomEvent<IdcErrorDetail>) => void;
  onCancel?: (detail: IdcCancelDetail, event: CustomEvent<IdcCancelDetail>) => void;
  /** Called with the cancelable `idc-start` event: `event.preventDefault()` stops the flow. */
  onStart?: (event: CustomEvent<{ mode: FlowMode }>) => void;
  /** Called with the cancelable `idc-fallback` event: `event.preventDefault()` stops the redirect. */
  onFallback?: (event: CustomEvent<IdcFallbackDetail>) => void;
}

const TAG = 'idc-verify-button';

const PROPS = [
  'redirectUri',
  'scope',
  'mode',
  'fallback',
  'providerName',
  'variant',
  'theme',
  'size',
  'shape',
  'fullWidth',
  'loginHint',
  'timeout',
  'disabled',
] as const;

/**
 * Creates a `<idc-verify-button>`, appends it to `container` and wires the callbacks to its events.
 * Throws an `IdcError` with code `invalid_config` when the container or the required options are missing.
 */
export function createButton(options: CreateButtonOptions): IdcVerifyButton {
  if (!options || typeof options !== 'object') throw config('options are required');
  const container =
    typeof options.container === 'string' ? document.querySelector(options.container) : options.container;
  if (!(container instanceof Element)) throw config('"container" must be an element or a selector that finds one');
  if (typeof options.authority !== 'string' || !options.authority) throw config('"authority" is required');
  if (typeof options.clientId !== 'string' || !options.clientId) throw config('"clientId" is required');

  if (!customElements.get(TAG)) customElements.define(TAG, IdcVerifyButton);
  const button = document.createElement(TAG) as IdcVerifyButton;
  button.authority = options.authority;
  button.clientId = options.clientId;
  for (const key of PROPS) {
    const value = options[key];
    if (value !== undefined) Object.assign(button, { [key]: value });
  }
  if (options.lang) button.lang = options.lang;

  const { onSuccess, onError, onCancel, onStart, onFallback } = options;
  if (onSuccess) button.addEventListener('idc-success', (e) => onSuccess(e.detail, e));
  if (onError) button.addEventListener('idc-error', (e) => onError(e.detail, e));
  if (onCancel) button.addEventListener('idc-cancel', (e) => onCancel(e.detail, e));
  if (onStart) button.addEventListener('idc-start', (e) => onStart(e));
  if (onFallback) button.addEventListener('idc-fallback', (e) => onFallback(e));

  container.append(button);
  return button;
}

function config(problem: string): IdcError {
  return new IdcError('invalid_config', { message: `createButton: ${problem}.` });
}
