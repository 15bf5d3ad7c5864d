/**
 * `createGatewayClient()`: typed calls of the provider's Gateway API (the reference provider's `/api/*` routes) for
 * the integrator's and the recipient's backends, and the check of the webhooks the provider signs.
 *
 * Authentication per call: the integrator's share calls send the user's connect token (`Authorization: Bearer`);
 * the partnership and reuse calls authenticate the client itself with HTTP Basic, id and secret encoded as for the
 * token endpoint (RFC 6749 §2.3.1, unreserved characters as they are: token-client.ts `basicAuthorization`). Requests go to `<issuer>/api/…` with `redirect: 'manual'` (a credential
 * is never carried to another URL), under one deadline for the whole call (request and answer body), and the answer
 * body is capped. Nothing is retried: a share token is single use, so only the caller can decide.
 *
 * Failures (codes of errors.ts):
 * - the provider answered 4xx/5xx → `gateway_error` with its own code in `providerCode` (JSON `code`, or the
 *   OAuth-style `error`), its text in `providerMessage`, and `status`; retryable for 429 and 5xx. Two
 *   provider codes keep the meaning they have everywhere in the kit: `invalid_client` → `invalid_client` and
 *   `connection_revoked` → `connection_revoked` (`providerCode` is set for those too);
 * - a 2xx answer that is not a JSON object or lacks the fields of its call, a redirect, an oversized answer →
 *   `gateway_error` without `providerCode`;
 * - no connection, a reset, the deadline → `gateway_unreachable` (retryable; the outcome is unknown).
 * The client secret, the Basic credentials, connect tokens, share tokens and the webhook secret never reach a
 * message, a cause or a log line (this module logs nothing).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FetchLike } from './discovery.js';
import { IdcServerError, isProviderCode } from './errors.js';
import type { ServerErrorCode } from './errors.js';
import { basicAuthorization, checkClientOptions, requireString } from './token-client.js';
import type { TokenClientOptions } from './token-client.js';

/** Largest Gateway API answer read, in bytes. */
const MAX_ANSWER_BYTES = 1024 * 1024;
/** A connect token as the Bearer scheme carries it (RFC 6750 §2.1 b64token). */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
/** `Idc-Signature: sha256=<hex HMAC-SHA256 of the raw body>`. */
const SIGNATURE = /^sha256=([0-9A-Fa-f]{64})$/;
/** `Idc-Delivery`: printable ASCII, no spaces. */
const DELIVERY_ID = /^[\x21-\x7e]{1,256}$/;
/** Provider codes that keep the kit's own meaning; any other refusal is `gateway_error`. */
const KIT_CODES: Readonly<Record<string, ServerErrorCode>> = {
  invalid_client: 'invalid_client',
  connection_revoked: 'connection_revoked',
};

export interface GatewayClientOptions extends Omit<TokenClientOptions, 'clientAuthMethod' | 'fetch' | 'timeout'> {
  /** The HMAC key of the provider's webhooks to this client. Needed only by {@link GatewayClient.verifyWebhook}. */
  webhookSecret?: string;
  /** Replaces `fetch` for every Gateway API call. */
  fetch?: FetchLike;
  /** Seconds before a call (request and whole answer) is abandoned (`gateway_unreachable`). Default 10. */
  timeout?: number;
}

export interface ShareTokenParams {
  /** The user's connect token (the `accessToken` of `exchangeCode()`/`refreshConnection()`, scope `share`). */
  connectToken: string;
  /** The recipient the share token is for. */
  forClientId: string;
  /** Lifetime in seconds; the provider's default (300) when left out. */
  ttlInSecs?: number;
}

export interface ShareTokenResult {
  /** The single-use share token: hand it to the recipient's backend, never to a browser. */
  token: string;
  forClientId: string;
  /** Whether the user's consent for this recipient stands; `false` ⇒ ask for it with a share link. */
  sharingAllowed: boolean;
  expiresIn: number;
}

export interface ShareLinkParams {
  connectToken: string;
  /** Where the provider sends the user back with the consent token (a registered redirect URI). */
  redirectUri: string;
  forClientId: string;
  displayMode?: 'page' | 'popup';
  /** The state your backend bound to the user's session; `verifyConsentToken()` checks it. */
  state: string;
}

export interface ShareLinkResult {
  /** The single-use consent link for `<idc-share-button>`. */
  link: string;
  expiresIn: number;
}

export interface Partnership {
  id: string;
  integratorClientId: string;
  recipientClientId: string;
  /** `pending` until the recipient activates it; sharing needs `active`. */
  status: 'pending' | 'active';
}

export interface ReuseRequirement {
  id: string;
  label?: string;
  /** Document types that satisfy the requirement. */
  accepts: string[];
  required: boolean;
}

export interface ReusableDocument {
  id: string;
  type: string;
  label?: string;
  country?: string;
  issuedAt?: string;
  expiresAt?: string;
  status: string;
}

export interface ReuseDocumentsResult {
  levelName: string;
  recipient: { clientId: string; name?: string };
  requirements: ReuseRequirement[];
  documents: ReusableDocument[];
  /** Seconds the share token stays valid (it was not spent). */
  expiresIn: number;
}

export interface ReuseSelection {
  requirementId: string;
  documentId: string;
}

export interface ReuseParams {
  /** The share token received from the integrator's backend. Spent by this call. */
  shareToken: string;
  levelName: string;
  /** Your own id for the user; comes back as `externalUserId` (and in webhooks). */
  userId?: string;
  /** The documents the user picked (e.g. in `<idc-reuse-selection>`); the provider re-checks each one. */
  selections?: ReuseSelection[];
}

export interface ReviewResult {
  answer: 'GREEN' | 'RED';
  rejectLabels: string[];
}

export interface ReuseCheck {
  type: string;
  result: 'passed' | 'failed';
  reason?: string;
}

export interface ReuseResult {
  applicantId: string;
  /** The `userId` you sent, or `null`. */
  externalUserId: string | null;
  levelName: string;
  status: 'approved' | 'rejected';
  review: ReviewResult;
  checks: ReuseCheck[];
  documents: { id: string; type: string; country: string }[];
}

/** The provider reviewed an applicant (a reuse): the verdict, sent to the recipient's webhook URL. */
export interface ApplicantReviewedEvent {
  /** The `Idc-Delivery` id: the same for every retry of one delivery. Use it to process each delivery once. */
  deliveryId: string;
  type: 'applicantReviewed';
  applicantId: string;
  /** The `userId` of the reuse call, or `null`. */
  externalUserId: string | null;
  levelName: string;
  review: ReviewResult;
}

export type GatewayWebhookEvent = ApplicantReviewedEvent;

/** A `Headers` object, or a Node `IncomingHttpHeaders`-like record (names compared case-insensitively). */
export type WebhookHeaders =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface GatewayClient {
  /** Integrator: a single-use share token for a recipient (`POST /api/share-token`, Bearer connect token). */
  shareToken(params: ShareTokenParams): Promise<ShareTokenResult>;
  /** Integrator: a single-use consent link for `<idc-share-button>` (`POST /api/share-link`, Bearer). */
  shareLink(params: ShareLinkParams): Promise<ShareLinkResult>;
  /** Integrator: offer sharing to a recipient (`POST /api/partnerships`, Basic); `pending` until it activates. */
  createPartnership(params: { recipientClientId: string }): Promise<Partnership>;
  /** Recipient: accept an integrator as donor (`POST /api/partnerships/:id/activate`, Basic). */
  activatePartnership(id: string): Promise<Partnership>;
  /** Either side: this client's partnerships (`GET /api/partnerships`, Basic). */
  listPartnerships(): Promise<{ partnerships: Partnership[] }>;
  /** Recipient: the user's reusable documents and the level's requirements; the token stays unspent. */
  reuseDocuments(params: { shareToken: string; levelName: string }): Promise<ReuseDocumentsResult>;
  /** Recipient: redeem the share token (single use) and get the provider's verdict (`POST /api/reuse`, Basic). */
  reuse(params: ReuseParams): Promise<ReuseResult>;
  /**
   * Recipient: checks a webhook's `Idc-Signature` (HMAC-SHA256 of the raw body with `webhookSecret`, compared in
   * constant time) and returns its event. Pass the body exactly as received (before any JSON parsing). No network.
   */
  verifyWebhook(rawBody: string | Uint8Array, headers: WebhookHeaders): GatewayWebhookEvent;
}

type Json = Record<string, unknown>;
/** `'string'` is a non-empty string; `'string|null'` also takes `null`. */
type FieldType = 'string' | 'string|null' | 'boolean' | 'number' | 'array' | 'object';

interface Call {
  /** Names the call in messages. */
  name: string;
  method: 'GET' | 'POST';
  path: string;
  authorization: string;
  body?: Json;
  /** Strings of this call that must not appear anywhere (tokens). */
  secrets: readonly string[];
}

function badRequest(message: string): IdcServerError {
  return new IdcServerError('invalid_request', { message });
}

function paramsObject(value: unknown, call: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest(`${call}() needs a parameters object.`);
  }
  return value as Json;
}

function connectTokenOf(value: unknown): string {
  const token = requireString(value, 'connectToken', 8192);
  if (!BEARER_TOKEN.test(token)) throw badRequest('"connectToken" is not a bearer token.');
  return token;
}

function selectionsOf(value: unknown): ReuseSelection[] {
  if (!Array.isArray(value) || value.length > 100) {
    throw badRequest('"selections" must be an array of { requirementId, documentId }.');
  }
  return value.map((item: unknown) => {
    const entry = paramsObject(item, 'reuse');
    return {
      requirementId: requireString(entry['requirementId'], 'selections[].requirementId', 256),
      documentId: requireString(entry['documentId'], 'selections[].documentId', 256),
    };
  });
}

function fieldIs(value: unknown, type: FieldType): boolean {
  if (type === 'string|null') return value === null || fieldIs(value, 'string');
  if (type === 'array') return Array.isArray(value);
  if (type === 'object') return typeof value === 'object' && value !== null && !Array.isArray(value);
  if (type === 'number') return typeof value === 'number' && Number.isFinite(value);
  return typeof value === type && (type !== 'string' || value !== '');
}

/** The fields of `body` that are missing or of the wrong type. */
function wrongFields(body: unknown, fields: Readonly<Record<string, FieldType>>): string[] {
  if (!fieldIs(body, 'object')) return ['(the answer itself)'];
  return Object.entries(fields)
    .filter(([name, type]) => !fieldIs((body as Json)[name], type))
    .map(([name]) => name);
}

const PARTNERSHIP_FIELDS = {
  id: 'string',
  integratorClientId: 'string',
  recipientClientId: 'string',
  status: 'string',
} as const;

const APPLICANT_REVIEWED_FIELDS = {
  applicantId: 'string',
  externalUserId: 'string|null',
  levelName: 'string',
  review: 'object',
} as const;

/** Rejects with the signal's reason as soon as it aborts, whatever `promise` (an injected fetch) does. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** The answer body as text, at most {@link MAX_ANSWER_BYTES}; `undefined` when it is larger. */
async function readCapped(response: Response): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > MAX_ANSWER_BYTES) {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** An error answer: `{ code, message }`, `{ error, error_description }` or `{ error: { code, message } }`. */
function refusal(status: number, body: string, call: Call, secrets: readonly string[]): IdcServerError {
  const json = parseJson(body);
  const flat = fieldIs(json, 'object') ? (json as Json) : {};
  const nested = fieldIs(flat['error'], 'object') ? (flat['error'] as Json) : {};
  const rawCode = text(flat['code']) ?? text(flat['error']) ?? text(nested['code']);
  const providerMessage = text(flat['message']) ?? text(flat['error_description']) ?? text(nested['message']);
  const providerCode = rawCode !== undefined && isProviderCode(rawCode) ? rawCode : undefined;
  const kitCode = providerCode !== undefined && Object.hasOwn(KIT_CODES, providerCode) ? KIT_CODES[providerCode] : undefined;
  return new IdcServerError(kitCode ?? 'gateway_error', {
    message: `The Gateway API refused ${call.name}: ${status}${providerCode ? ` ${providerCode}` : ''}.`,
    status,
    ...(providerCode !== undefined ? { providerCode } : {}),
    ...(providerMessage !== undefined ? { providerMessage } : {}),
    ...(kitCode === undefined ? { retryable: status === 429 || status >= 500 } : {}),
    secrets,
  });
}

/**
 * A client for the provider's Gateway API, bound to one issuer and one client's credentials. Checks the options
 * at once (`invalid_request`); sends nothing until a method is called.
 *
 * @throws {IdcServerError} (the methods reject with it) with `code`:
 * - `invalid_request` — invalid options or parameters (a plain-http issuer that is not localhost/127.0.0.1, a
 *   connect token that is not a bearer token, `verifyWebhook()` without `webhookSecret` or with a parsed body);
 * - `gateway_error` — the provider refused the call (`providerCode`, `providerMessage`, `status`) or answered
 *   something unreadable (no `providerCode`); retryable for 429 and 5xx;
 * - `invalid_client` — the provider refused the client credentials (`providerCode: 'invalid_client'`);
 * - `connection_revoked` — the user disconnected the integrator: connect again;
 * - `gateway_unreachable` — network failure or `timeout` (retryable; the call may have taken effect);
 * - `invalid_signature`, `invalid_webhook` — from `verifyWebhook()`.
 */
export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  const checked = checkClientOptions(options, 'createGatewayClient');
  const { issuerUrl, clientSecret, timeout } = checked;
  if (issuerUrl.search !== '') throw badRequest('"issuer" must not contain a query.');
  const webhookSecret =
    options.webhookSecret === undefined ? undefined : requireString(options.webhookSecret, 'webhookSecret');
  const doFetch: FetchLike = checked.fetch ?? ((url, init) => fetch(url, init as RequestInit));
  const base = issuerUrl.href.replace(/\/+$/, '');
  const basic = basicAuthorization(checked.clientId, clientSecret);
  const credentials = basic.slice('Basic '.length);
  const clientSecrets = [clientSecret, credentials, webhookSecret].filter((s): s is string => s !== undefined);

  async function send(call: Call): Promise<{ status: number; body: unknown }> {
    const secrets = [...clientSecrets, ...call.secrets];
    const headers: Record<string, string> = { accept: 'application/json', authorization: call.authorization };
    if (call.body) headers['content-type'] = 'application/json';
    const signal = AbortSignal.timeout(timeout * 1000);
    let status: number;
    let answer: string | undefined;
    try {
      const response = await untilAborted(
        doFetch(`${base}${call.path}`, {
          method: call.method,
          headers,
          body: call.body ? JSON.stringify(call.body) : undefined,
          redirect: 'manual',
          signal,
        }),
        signal,
      );
      status = response.status;
      answer = await untilAborted(readCapped(response), signal);
    } catch (err) {
      const timedOut = signal.aborted;
      const inner = !timedOut && err instanceof Error && err.cause instanceof Error ? err.cause : err;
      throw new IdcServerError('gateway_unreachable', {
        message: timedOut
          ? `The Gateway API did not answer ${call.name} within ${timeout} seconds.`
          : `The Gateway API could not be reached for ${call.name}.`,
        cause: inner,
        secrets,
      });
    }
    if (status >= 300 && status < 400) {
      throw new IdcServerError('gateway_error', {
        message: `The Gateway API answered ${call.name} with a redirect (${status}); it is not followed.`,
        status,
        secrets,
      });
    }
    if (status < 200 || status >= 300) throw refusal(status, answer ?? '', call, secrets);
    if (answer === undefined) {
      throw new IdcServerError('gateway_error', {
        message: `The Gateway API's answer to ${call.name} is larger than ${MAX_ANSWER_BYTES} bytes.`,
        status,
        secrets,
      });
    }
    const body = parseJson(answer);
    if (body === undefined) {
      throw new IdcServerError('gateway_error', {
        message: `The Gateway API's answer to ${call.name} is not JSON.`,
        status,
        secrets,
      });
    }
    return { status, body };
  }

  /** Sends the call and checks the answer's fields; returns the whole answer (extra fields kept). */
  async function request<T>(
    call: Call,
    fields: Readonly<Record<string, FieldType>>,
    check?: (body: Json) => boolean,
  ): Promise<T> {
    const { status, body } = await send(call);
    const wrong = wrongFields(body, fields);
    if (wrong.length > 0 || (check && !check(body as Json))) {
      const named = wrong.length > 0 ? wrong.slice(0, 3).map((f) => `"${f}"`).join(', ') : 'content';
      throw new IdcServerError('gateway_error', {
        message: `The Gateway API's answer to ${call.name} lacks a valid ${named}.`,
        status,
      });
    }
    return body as T;
  }

  /** A call with the user's connect token (the integrator's share calls). */
  const asUser = (name: string, path: string, connectToken: string, body: Json): Call => ({
    name,
    method: 'POST',
    path,
    authorization: `Bearer ${connectToken}`,
    body,
    secrets: [connectToken],
  });
  /** A call as this client (HTTP Basic); `secrets` are the call's tokens. */
  const asClient = (name: string, method: Call['method'], path: string, body?: Json, secrets: string[] = []): Call => ({
    name,
    method,
    path,
    authorization: basic,
    ...(body ? { body } : {}),
    secrets,
  });

  return {
    async shareToken(params) {
      const p = paramsObject(params, 'shareToken');
      const connectToken = connectTokenOf(p['connectToken']);
      const body: Json = { forClientId: requireString(p['forClientId'], 'forClientId', 512) };
      if (p['ttlInSecs'] !== undefined) {
        if (!Number.isSafeInteger(p['ttlInSecs']) || (p['ttlInSecs'] as number) < 1) {
          throw badRequest('"ttlInSecs" must be a positive integer.');
        }
        body['ttlInSecs'] = p['ttlInSecs'];
      }
      return request<ShareTokenResult>(asUser('shareToken', '/api/share-token', connectToken, body), {
        token: 'string',
        forClientId: 'string',
        sharingAllowed: 'boolean',
        expiresIn: 'number',
      });
    },

    async shareLink(params) {
      const p = paramsObject(params, 'shareLink');
      const connectToken = connectTokenOf(p['connectToken']);
      const body: Json = {
        redirectUri: requireString(p['redirectUri'], 'redirectUri', 2048),
        forClientId: requireString(p['forClientId'], 'forClientId', 512),
        state: requireString(p['state'], 'state', 512),
      };
      if (p['displayMode'] !== undefined) {
        if (p['displayMode'] !== 'page' && p['displayMode'] !== 'popup') {
          throw badRequest('"displayMode" must be "page" or "popup".');
        }
        body['displayMode'] = p['displayMode'];
      }
      return request<ShareLinkResult>(asUser('shareLink', '/api/share-link', connectToken, body), {
        link: 'string',
        expiresIn: 'number',
      });
    },

    async createPartnership(params) {
      const p = paramsObject(params, 'createPartnership');
      const body = { recipientClientId: requireString(p['recipientClientId'], 'recipientClientId', 512) };
      return request<Partnership>(asClient('createPartnership', 'POST', '/api/partnerships', body), PARTNERSHIP_FIELDS);
    },

    async activatePartnership(id) {
      const path = `/api/partnerships/${encodeURIComponent(requireString(id, 'id', 256))}/activate`;
      return request<Partnership>(asClient('activatePartnership', 'POST', path, {}), PARTNERSHIP_FIELDS);
    },

    async listPartnerships() {
      return request<{ partnerships: Partnership[] }>(
        asClient('listPartnerships', 'GET', '/api/partnerships'),
        { partnerships: 'array' },
        (body) => (body['partnerships'] as unknown[]).every((item) => wrongFields(item, PARTNERSHIP_FIELDS).length === 0),
      );
    },

    async reuseDocuments(params) {
      const p = paramsObject(params, 'reuseDocuments');
      const shareToken = requireString(p['shareToken'], 'shareToken', 4096);
      const body = { shareToken, levelName: requireString(p['levelName'], 'levelName', 256) };
      return request<ReuseDocumentsResult>(asClient('reuseDocuments', 'POST', '/api/reuse/documents', body, [shareToken]), {
        levelName: 'string',
        recipient: 'object',
        requirements: 'array',
        documents: 'array',
        expiresIn: 'number',
      });
    },

    async reuse(params) {
      const p = paramsObject(params, 'reuse');
      const shareToken = requireString(p['shareToken'], 'shareToken', 4096);
      const body: Json = { shareToken, levelName: requireString(p['levelName'], 'levelName', 256) };
      if (p['userId'] !== undefined) body['userId'] = requireString(p['userId'], 'userId', 256);
      if (p['selections'] !== undefined) body['selections'] = selectionsOf(p['selections']);
      return request<ReuseResult>(
        asClient('reuse', 'POST', '/api/reuse', body, [shareToken]),
        {
          applicantId: 'string',
          externalUserId: 'string|null',
          levelName: 'string',
          status: 'string',
          review: 'object',
          checks: 'array',
          documents: 'array',
        },
        (answer) => reviewIsValid(answer['review']),
      );
    },

    verifyWebhook(rawBody, headers) {
      if (webhookSecret === undefined) {
        throw badRequest('verifyWebhook() needs the "webhookSecret" option of createGatewayClient().');
      }
      return verifyWebhook(webhookSecret, rawBody, headers);
    },
  };
}

function reviewIsValid(review: unknown): boolean {
  if (!fieldIs(review, 'object')) return false;
  const { answer, rejectLabels } = review as Json;
  return (
    (answer === 'GREEN' || answer === 'RED') &&
    Array.isArray(rejectLabels) &&
    rejectLabels.every((label) => typeof label === 'string')
  );
}

/** One header's value, or `undefined` when it is missing or sent more than once. */
function headerValue(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const values = Object.entries(headers as Readonly<Record<string, unknown>>)
    .filter(([key]) => key.toLowerCase() === name)
    .flatMap(([, value]) => (Array.isArray(value) ? (value as unknown[]) : [value]))
    .filter((value) => value !== undefined);
  return values.length === 1 && typeof values[0] === 'string' ? values[0] : undefined;
}

/** The provider retries a delivery for up to 24 hours; a webhook older than that (plus slack) is a replay. */
const WEBHOOK_MAX_AGE_MS = 25 * 3600_000;
const WEBHOOK_CLOCK_SKEW_MS = 5 * 60_000;

function verifyWebhook(secret: string, rawBody: unknown, headers: unknown): GatewayWebhookEvent {
  let bytes: Uint8Array;
  if (typeof rawBody === 'string') bytes = Buffer.from(rawBody, 'utf8');
  else if (rawBody instanceof Uint8Array) bytes = rawBody;
  else throw badRequest('"rawBody" must be the request body as received (a string or a Uint8Array), not parsed JSON.');
  if (typeof headers !== 'object' || headers === null) throw badRequest('"headers" must be the request headers.');
  const secrets = [secret];

  const signature = SIGNATURE.exec(headerValue(headers as WebhookHeaders, 'idc-signature')?.trim() ?? '');
  if (!signature) {
    const message = 'The webhook has no single "Idc-Signature: sha256=<hex>" header.';
    throw new IdcServerError('invalid_signature', { message, secrets });
  }
  // Both sides are 32 bytes (the pattern fixes 64 hex digits), so the comparison never depends on a length.
  const expected = createHmac('sha256', secret).update(bytes).digest();
  if (!timingSafeEqual(expected, Buffer.from(signature[1]!, 'hex'))) {
    throw new IdcServerError('invalid_signature', { message: 'The webhook signature does not match its body.', secrets });
  }

  const invalid = (message: string) => new IdcServerError('invalid_webhook', { message, secrets });
  const deliveryId = headerValue(headers as WebhookHeaders, 'idc-delivery')?.trim();
  if (deliveryId === undefined || !DELIVERY_ID.test(deliveryId)) {
    throw invalid('The webhook has no valid "Idc-Delivery" header.');
  }
  let event: unknown;
  try {
    event = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
  } catch {
    throw invalid('The webhook body is not JSON.');
  }
  if (!fieldIs(event, 'object')) throw invalid('The webhook body is not a JSON object.');
  const body = event as Json;
  // The delivery id and the event time are inside the signed body: a captured delivery cannot be replayed under
  // a new id, nor long after the provider stopped retrying it.
  if (body['deliveryId'] !== deliveryId) {
    throw invalid('The signed body does not name the delivery of its "Idc-Delivery" header.');
  }
  const createdAt = typeof body['createdAt'] === 'string' ? Date.parse(body['createdAt']) : Number.NaN;
  if (!Number.isFinite(createdAt) || createdAt > Date.now() + WEBHOOK_CLOCK_SKEW_MS || Date.now() - createdAt > WEBHOOK_MAX_AGE_MS) {
    throw invalid('The webhook carries no event time, or one outside the provider\u2019s retry window.');
  }
  if (body['type'] !== 'applicantReviewed') throw invalid('The webhook is not an event type this kit knows.');
  const wrong = wrongFields(body, APPLICANT_REVIEWED_FIELDS);
  if (wrong.length === 0 && !reviewIsValid(body['review'])) wrong.push('review');
  if (wrong.length > 0) {
    throw invalid(`The applicantReviewed event lacks a valid ${wrong.map((f) => `"${f}"`).join(', ')}.`);
  }
  return { ...body, deliveryId } as unknown as ApplicantReviewedEvent;
}
