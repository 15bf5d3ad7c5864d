/** The one rule for URLs the kit opens or talks to, and the share link checked by it. */
import { IdcError } from '../errors.js';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** https, or plain http only on a loopback host (the demo and the tests); never with credentials in it. */
export function isSecureWebUrl(url: URL): boolean {
  if (url.username || url.password) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}

/**
 * The share link as an absolute URL we may open: https, or http on localhost/127.0.0.1 only. `javascript:`,
 * `data:`, relative and malformed links are `invalid_share_link` (docs/security.md §17).
 */
export function validateShareLink(link: unknown): string {
  if (typeof link !== 'string' || !link || link.length > 4096) {
    throw new IdcError('invalid_share_link', { message: 'The share link must be a URL string.' });
  }
  let url: URL;
  try {
    url = new URL(link); // no base: a relative link is refused
  } catch {
    throw new IdcError('invalid_share_link', { message: 'The share link is not an absolute URL.' });
  }
  if (!isSecureWebUrl(url)) throw new IdcError('invalid_share_link');
  return url.href;
}
