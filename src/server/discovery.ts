/**
 * Issuer URL policy and a per-issuer cache of OpenID Provider metadata (discovery by openid-client).
 *
 * Plain `http:` is allowed only for loopback issuers (`localhost`, `127.0.0.1`, `[::1]`): the demo and the tests.
 * For such an issuer every endpoint the kit uses must be https or loopback too, so a local provider cannot send the
 * backend to a plain-http host elsewhere; an https issuer's endpoints must all be https.
 */
import * as client from 'openid-client';
import { IdcServerError } from './errors.js';

/** The fetch a caller may inject (openid-client's `customFetch` shape; `globalThis.fetch` fits). */
export type FetchLike = client.CustomFetch;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** How long discovered metadata is reused. Failures are never cached. */
const METADATA_TTL_MS = 60 * 60 * 1000;
const MAX_CACHED_ISSUERS = 100;

export const DEFAULT_TIMEOUT_SECS = 10;

interface CacheEntry {
  expires: number;
  metadata: Promise<client.ServerMetadata>;
  /** openid-client's JWKS cache for the ID token signature, shared by every exchange against this issuer. */
  jwksCache?: client.ExportedJWKSCache;
}

const cache = new Map<string, CacheEntry>();

function isLoopback(url: URL): boolean {
  return LOOPBACK_HOSTS.has(url.hostname);
}

/**
 * Parses a URL option; `https:` always, `http:` only for loopback hosts. Returns whether insecure (http) requests
 * must be allowed for it. Throws `invalid_request`.
 */
export function parseServerUrl(value: unknown, name: string): { url: URL; insecure: boolean } {
  if (typeof value !== 'string' || value === '') {
    throw new IdcServerError('invalid_request', { message: `"${name}" must be a non-empty URL string.` });
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new IdcServerError('invalid_request', { message: `"${name}" is not a valid URL.` });
  }
  if (url.username || url.password || url.hash) {
    throw new IdcServerError('invalid_request', { message: `"${name}" must not contain credentials or a fragment.` });
  }
  if (url.protocol === 'https:') return { url, insecure: false };
  if (url.protocol === 'http:' && isLoopback(url)) return { url, insecure: true };
  if (url.protocol === 'http:') {
    throw new IdcServerError('invalid_request', {
      message: `"${name}" must use https (plain http is allowed only for localhost and 127.0.0.1).`,
    });
  }
  throw new IdcServerError('invalid_request', { message: `"${name}" must be an https URL.` });
}

/**
 * Checks an endpoint the metadata announces: https for an https issuer; https or loopback http for a loopback
 * http issuer.
 */
function checkEndpoint(metadata: client.ServerMetadata, key: 'token_endpoint' | 'jwks_uri', insecure: boolean): void {
  const value = metadata[key];
  if (value === undefined) return;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new IdcServerError('discovery_failed', { message: `The provider metadata has an invalid ${key}.` });
  }
  if (url.protocol === 'https:' || (insecure && url.protocol === 'http:' && isLoopback(url))) return;
  throw new IdcServerError('discovery_failed', {
    message: `The provider metadata's ${key} must use https${insecure ? ' (or stay on localhost)' : ''}.`,
  });
}

export interface DiscoverOptions {
  fetch?: FetchLike;
  timeout?: number;
}

/**
 * Metadata of `issuer` (validated by openid-client: the document's `issuer` must equal the URL), cached per issuer.
 * Concurrent calls share one request. Throws `discovery_failed`.
 */
export async function discover(issuer: URL, insecure: boolean, options: DiscoverOptions = {}): Promise<client.ServerMetadata> {
  const key = issuer.href;
  const now = Date.now();
  const hit = cache.get(key);
  if (hit && hit.expires > now) return hit.metadata;

  const entry: CacheEntry = { expires: now + METADATA_TTL_MS, metadata: load(issuer, insecure, options) };
  cache.set(key, entry);
  if (cache.size > MAX_CACHED_ISSUERS) cache.delete(cache.keys().next().value as string);
  try {
    return await entry.metadata;
  } catch (err) {
    if (cache.get(key) === entry) cache.delete(key);
    throw err;
  }
}

async function load(issuer: URL, insecure: boolean, options: DiscoverOptions): Promise<client.ServerMetadata> {
  let config: client.Configuration;
  try {
    const discoveryOptions: client.DiscoveryRequestOptions = {
      timeout: options.timeout ?? DEFAULT_TIMEOUT_SECS,
      execute: insecure ? [client.allowInsecureRequests] : [],
    };
    if (options.fetch) discoveryOptions[client.customFetch] = options.fetch;
    // The client id is irrelevant to discovery; only the server metadata is kept.
    config = await client.discovery(issuer, 'idconnect-kit-discovery', undefined, undefined, discoveryOptions);
  } catch (err) {
    throw new IdcServerError('discovery_failed', {
      message: `The discovery document of ${issuer.origin} could not be loaded.`,
      cause: err,
    });
  }
  const metadata = config.serverMetadata();
  checkEndpoint(metadata, 'token_endpoint', insecure);
  checkEndpoint(metadata, 'jwks_uri', insecure);
  return metadata;
}

export function getIssuerJwksCache(issuer: URL): client.ExportedJWKSCache | undefined {
  return cache.get(issuer.href)?.jwksCache;
}

export function setIssuerJwksCache(issuer: URL, jwksCache: client.ExportedJWKSCache | undefined): void {
  const entry = cache.get(issuer.href);
  if (entry && jwksCache) entry.jwksCache = jwksCache;
}
