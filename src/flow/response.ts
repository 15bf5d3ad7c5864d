/**
 * Turning an authorization response into a result or a coded error — the same for popup and redirect:
 * RFC 9207 `iss` first (before acting on `error`, item 10), then `error` (item 11), then the code.
 */
import { IdcError } from './errors.js';
import type { Transaction } from './protocol.js';
import type { FlowMode, VerifyResult } from './types.js';

const MAX_CODE_LENGTH = 4096;

/** RFC 9207: `iss` must be the issuer the request went to; missing is an error when the provider says it sends it. */
export function checkIssuer(params: URLSearchParams, expected: string, required: boolean): void {
  const iss = params.get('iss');
  if (iss === null ? required : iss !== expected) {
    throw new IdcError('issuer_mismatch', {
      message:
        iss === null
          ? 'The response has no iss parameter although the provider announces one (RFC 9207).'
          : 'The iss parameter of the response is not the issuer the request went to (RFC 9207).',
    });
  }
}

/**
 * An OAuth error response as a coded error: `access_denied` stays `access_denied`, anything else is
 * `provider_error`. The description is kept as capped, cleaned text; `error_uri` is never followed or kept.
 */
export function oauthError(params: URLSearchParams): IdcError | null {
  const error = params.get('error');
  if (error === null) return null;
  // RFC 6749 §4.1.2.1: error is %x20-21 / %x23-5B / %x5D-7E; anything else is not worth showing.
  const safeError = /^[\x20\x21\x23-\x5b\x5d-\x7e]{1,64}$/.test(error) ? error : 'invalid_error';
  const description = params.get('error_description') ?? undefined;
  return new IdcError(safeError === 'access_denied' ? 'access_denied' : 'provider_error', {
    oauthError: safeError,
    ...(description ? { oauthErrorDescription: description } : {}),
  });
}

export function completeVerify(params: URLSearchParams, transaction: Transaction, mode: FlowMode): VerifyResult {
  checkIssuer(params, transaction.data.issuer, transaction.data.issRequired);
  const error = oauthError(params);
  if (error) throw error;
  const code = params.get('code');
  if (!code || code.length > MAX_CODE_LENGTH) {
    throw new IdcError('invalid_response', { message: 'The response has neither a code nor an error.' });
  }
  return {
    code,
    codeVerifier: transaction.codeVerifier,
    state: transaction.state,
    redirectUri: transaction.redirectUri,
    clientId: transaction.clientId,
    issuer: transaction.data.issuer,
    mode,
    nonce: transaction.nonce,
  };
}
