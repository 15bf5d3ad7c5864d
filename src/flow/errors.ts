/**
 * The kit's one error class and its single table of codes (contract: "Error codes"), and the cancel that is not an
 * error. Used by both halves of the flow and part of the public API; imports nothing.
 *
 * Code paths compare `err.code`, never `err.message`. `message` is English for developers and logs; the elements
 * show a localized text from `src/i18n/tables/errors.ts` keyed by the same code.
 *
 * One class per page, whichever copy of the kit made the error: the script-tag bundle and its lazily loaded sibling
 * file each bundle this module (so do two versions of the kit on one page), so `instanceof` and `isIdcError` check a
 * brand under a registered symbol (`Symbol.for`) rather than the class object. The lazy half that could not load is
 * such an error too (`LazyLoadFailed`, first-paint/hand-over.ts, made without this table).
 */

const IDC_ERROR: unique symbol = Symbol.for('idconnect-kit.IdcError');
const FLOW_CANCELLED: unique symbol = Symbol.for('idconnect-kit.FlowCancelled');

/** Whether `value` carries `brand` (any object, from any copy of the kit). */
function branded(value: unknown, brand: symbol): boolean {
  return (value as Record<symbol, unknown> | null | undefined)?.[brand] === true;
}

export const ERROR_CODES = {
  invalid_config: { retryable: false, message: 'The element is not configured correctly.' },
  popup_blocked: { retryable: true, message: 'The browser blocked the sign-in window.' },
  timeout: { retryable: true, message: 'The sign-in took too long and was stopped.' },
  access_denied: { retryable: true, message: 'Access was not granted.' },
  provider_error: { retryable: true, message: 'The identity provider reported an error.' },
  state_mismatch: { retryable: true, message: 'The response does not belong to this sign-in.' },
  state_not_found: { retryable: true, message: 'No sign-in is waiting for this response.' },
  issuer_mismatch: { retryable: false, message: 'The response came from an unexpected issuer.' },
  invalid_response: { retryable: true, message: 'The identity provider sent an invalid response.' },
  discovery_failed: { retryable: true, message: 'The identity provider could not be reached.' },
  storage_unavailable: { retryable: false, message: 'This browser does not allow the storage the sign-in needs.' },
  crypto_unavailable: { retryable: false, message: 'This page is not a secure context, so sign-in cannot run.' },
  flow_in_progress: { retryable: true, message: 'A sign-in is already in progress.' },
  invalid_share_link: { retryable: false, message: 'The share link is not a valid https URL.' },
  network: { retryable: true, message: 'A network error stopped the sign-in.' },
} as const satisfies Record<string, { retryable: boolean; message: string }>;

export type IdcErrorCode = keyof typeof ERROR_CODES;

export interface IdcErrorDetail {
  code: IdcErrorCode;
  message: string;
  retryable: boolean;
  oauthError?: string;
  oauthErrorDescription?: string;
}

/** Longest provider error description we keep (docs/security.md §11: shown as text, length-capped). */
export const MAX_DESCRIPTION_LENGTH = 300;

export class IdcError extends Error {
  /** True for an IdcError from any copy of the kit on the page (the brand, not the class object). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isIdcError(value);
  }

  override readonly name = 'IdcError';
  readonly [IDC_ERROR] = true;
  readonly code: IdcErrorCode;
  readonly retryable: boolean;
  readonly oauthError?: string;
  readonly oauthErrorDescription?: string;

  constructor(
    code: IdcErrorCode,
    options: { message?: string; cause?: unknown; oauthError?: string; oauthErrorDescription?: string } = {},
  ) {
    super(options.message ?? ERROR_CODES[code].message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = ERROR_CODES[code].retryable;
    if (options.oauthError !== undefined) this.oauthError = capText(options.oauthError, 64);
    if (options.oauthErrorDescription !== undefined) {
      this.oauthErrorDescription = capText(options.oauthErrorDescription, MAX_DESCRIPTION_LENGTH);
    }
  }

  /** The `idc-error` event detail: plain data, no stack, no cause. */
  toDetail(): IdcErrorDetail {
    const detail: IdcErrorDetail = { code: this.code, message: this.message, retryable: this.retryable };
    if (this.oauthError !== undefined) detail.oauthError = this.oauthError;
    if (this.oauthErrorDescription !== undefined) detail.oauthErrorDescription = this.oauthErrorDescription;
    return detail;
  }
}

/**
 * Wraps anything thrown into an IdcError, keeping the original as `cause` (the lazy half of the flow that could not
 * load is already the `network` IdcError), anything else is `fallback`.
 */
export function toIdcError(err: unknown, fallback: IdcErrorCode = 'provider_error'): IdcError {
  return isIdcError(err) ? err : new IdcError(fallback, { cause: err });
}

/** True for an IdcError made by any copy of the kit on the page (`instanceof IdcError` says the same). */
export function isIdcError(err: unknown): err is IdcError {
  return branded(err, IDC_ERROR);
}

function capText(text: string, max: number): string {
  // Strip control and bidi-override characters so a provider cannot restyle our text, then cap the length.
  // eslint-disable-next-line no-control-regex
  const clean = String(text).replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** Why a flow ended without a result: the user closed the window, or the host (or the element) stopped it. */
export type CancelReason = 'popup_closed' | 'aborted';

/** What an element reports for a flow that ended without a result: `idc-cancel` or `idc-error` with this detail. */
export type Failure = { cancel: CancelReason } | { error: IdcErrorDetail };

export function failureOf(err: unknown): Failure {
  return err instanceof FlowCancelled ? { cancel: err.reason } : { error: toIdcError(err).toDetail() };
}

/**
 * Rejection value of a flow the user or the host cancelled. Deliberately not an `IdcError`: a cancel is not a
 * failure, the element turns it into `idc-cancel` rather than `idc-error`.
 */
export class FlowCancelled extends Error {
  /** True for a FlowCancelled from any copy of the kit on the page (see IdcError). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, FLOW_CANCELLED);
  }

  override readonly name = 'FlowCancelled';
  readonly [FLOW_CANCELLED] = true;
  readonly reason: CancelReason;

  constructor(reason: CancelReason, message?: string) {
    super(message ?? (reason === 'popup_closed' ? 'The sign-in window was closed.' : 'The flow was cancelled.'));
    this.reason = reason;
  }
}
