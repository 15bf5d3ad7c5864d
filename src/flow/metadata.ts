/**
 * Provider metadata (OpenID Connect Discovery), fetched once per authority and cached for a while, so
 * `preloadProtocol()` on hover/focus makes the click fast. A failed fetch is not cached.
 */
import { IdcError } from './errors.js';
import { isSecureWebUrl } from './url.js';

export interface ProviderMetadata {
  issuer: string;
  authorization_endpoint: string;
  /** RFC 9207: when true, a response without `iss` is refused. */
  authorization_response_iss_parameter_supported?: boolean;
  code_challenge_methods_supported?: string[];
  [key: string]: unknown;
}

const TTL_MS = 10 * 60 * 1000;
const FETCH_TIMEOUT_MS = 10_000;
const cache = new Map<string, { at: number; value: Promise<ProviderMetadata> }>();

export function getMetadata(authority: string): Promise<ProviderMetadata> {
  const hit = cache.get(authority);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
  const value = fetchMetadata(authority);
  const entry = { at: Date.now(), value };
  cache.set(authority, entry);
  value.catch(() => {
    if (cache.get(authority) === entry) cache.delete(authority);
  });
  return value;
}

/** @internal for tests: forget every cached document. */
export function clearMetadataCache(): void {
  cache.clear();
}

/** @internal for tests: use `metadata` (checked like a fetched document) for `authority` without a request. */
export function primeMetadata(authority: string, metadata: unknown): void {
  cache.set(authority, { at: Date.now(), value: Promise.resolve().then(() => checkMetadata(metadata, authority)) });
}

async function fetchMetadata(authority: string): Promise<ProviderMetadata> {
  const url = `${authority.replace(/\/$/, '')}/.well-known/openid-configuration`;
  let response: Response;
  try {
    response = await fetch(url, {
      credentials: 'omit',
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch (cause) {
    throw new IdcError('discovery_failed', { message: `Could not fetch the provider metadata from ${url}.`, cause });
  }
  if (!response.ok) {
    throw new IdcError('discovery_failed', { message: `The provider metadata at ${url} answered HTTP ${response.status}.` });
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch (cause) {
    throw new IdcError('discovery_failed', { message: `The provider metadata at ${url} is not JSON.`, cause });
  }
  return checkMetadata(body, authority);
}

/** Checks the fields the flow relies on; the issuer must be the authority (a trailing slash aside). */
export function checkMetadata(body: unknown, authority: string): ProviderMetadata {
  const fail = (what: string) => new IdcError('discovery_failed', { message: `The provider metadata ${what}.` });
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw fail('is not a JSON object');
  const meta = body as ProviderMetadata;
  if (typeof meta.issuer !== 'string') throw fail('has no issuer');
  if (meta.issuer.replace(/\/$/, '') !== authority.replace(/\/$/, '')) {
    throw fail(`names the issuer ${JSON.stringify(meta.issuer)}, not ${JSON.stringify(authority)}`);
  }
  let endpoint: URL;
  try {
    endpoint = new URL(String(meta.authorization_endpoint));
  } catch {
    throw fail('has no valid authorization_endpoint');
  }
  // The popup navigates to this URL: never javascript:, data: or plain http off localhost.
  if (!isSecureWebUrl(endpoint)) throw fail('has an authorization_endpoint that is not https');
  const methods = meta.code_challenge_methods_supported;
  if (Array.isArray(methods) && !methods.includes('S256')) throw fail('does not list PKCE S256');
  return meta;
}
