/**
 * `idconnect-kit/server` — Node ≥ 20 helpers for the host backend.
 *
 * - {@link exchangeCode}: `idc-success` code + verifier → tokens (openid-client 6).
 * - {@link refreshConnection}: stored refresh token (scope `offline_access`) → fresh tokens, rotation-aware.
 * - {@link verifyConsentToken}: `idc-consent` token → verified consent (jose 6).
 * - {@link createGatewayClient}: the provider's Gateway API (share tokens and links, partnerships, reuse) and its
 *   signed webhooks.
 * Every failure is an {@link IdcServerError} with a stable `code`; no code, verifier, secret or token is ever put
 * into a message or logged (this module logs nothing).
 */
export { exchangeCode } from './exchange-code.js';
export type { ExchangeCodeOptions, ExchangeCodeResult, FetchLike } from './exchange-code.js';
export { refreshConnection } from './refresh-connection.js';
export type { RefreshConnectionOptions, RefreshConnectionResult } from './refresh-connection.js';
export type { TokenClientOptions, ClientAuthMethod } from './token-client.js';
export { verifyConsentToken, CONSENT_TOKEN_TYPE, MAX_CONSENT_TOKEN_LENGTH } from './consent-token.js';
export type { VerifyConsentTokenOptions, ConsentTokenResult } from './consent-token.js';
export { createGatewayClient } from './gateway-client.js';
export type {
  ApplicantReviewedEvent,
  GatewayClient,
  GatewayClientOptions,
  GatewayWebhookEvent,
  Partnership,
  ReusableDocument,
  ReuseCheck,
  ReuseDocumentsResult,
  ReuseParams,
  ReuseRequirement,
  ReuseResult,
  ReuseSelection,
  ReviewResult,
  ShareLinkParams,
  ShareLinkResult,
  ShareTokenParams,
  ShareTokenResult,
  WebhookHeaders,
} from './gateway-client.js';
export { IdcServerError, isIdcServerError, SERVER_ERROR_CODES } from './errors.js';
export type { ServerErrorCode } from './errors.js';
export { MemoryReplayStore } from './replay-store.js';
export type { ReplayStore, MemoryReplayStoreOptions } from './replay-store.js';
