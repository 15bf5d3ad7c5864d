/**
 * Turning an authorization response into a result or a coded error — the same for popup and redirect:
 * RFC 9207 `iss` first (before acting on `error`, docs/security.md §10), then `error` (§11), then the code. And a
 * response that no flow on this page waits for: relayed to the opener when this page is our popup, else
 * `state_not_found`.
 */
import { relayCallback } from '../../callback/relay.js';
import { POPUP_NAME_PREFIX } from '../../callback/keys.js';
import { IdcError } from '../errors.js';
import type { Transaction } from './protocol.js';
import type { FlowMode, VerifyResult } from '../types.js';

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

/**
 * Relays a response found on a page that is (probably) our popup. Null when a waiting flow took it or this is our
 * named popup window (which then closes); otherwise nobody waits for it: `state_not_found`.
 */
export async function relayOrNotFound(search: string): Promise<null> {
  const acked = await relayCallback(search);
  if (acked || window.name.startsWith(POPUP_NAME_PREFIX)) return null;
  throw new IdcError('state_not_found');
}
