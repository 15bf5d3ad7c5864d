/**
 * What the SQL store and adapter share: how a value becomes a JSON parameter, how a TTL becomes `expires_at`
 * (on the database's clock, so every process agrees), and what "not expired" means.
 */
import type { SqlParam } from './sql-client.js';

/** SQL for `expires_at` from a TTL parameter in seconds (fractions allowed); a NULL TTL gives NULL = never. */
export function expiresAtSql(param: string): string {
  return `now() + ${param}::float8 * interval '1 second'`;
}

/** A row is live until its `expires_at` (exclusive), or forever without one. */
export const LIVE = '(expires_at IS NULL OR expires_at > now())';

/** JSON text for a `$n::text::jsonb` parameter. */
export function jsonParam(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError('stored values must be JSON-serializable');
  // Postgres text and jsonb cannot hold U+0000; say so here rather than fail deep in the driver
  if (json.includes('\\u0000')) throw new TypeError('stored values must not contain U+0000');
  return json;
}

export function ttlParam(ttlSecs: number | undefined): SqlParam {
  if (ttlSecs === undefined) return null;
  if (typeof ttlSecs !== 'number' || !Number.isFinite(ttlSecs)) throw new TypeError('a TTL must be a finite number of seconds');
  return ttlSecs;
}

/** Postgres text cannot hold U+0000, so such a key or namespace can never have been stored. */
export function storableText(...texts: string[]): boolean {
  return texts.every((t) => !t.includes('\u0000'));
}

export function checkStorableText(...texts: string[]): void {
  if (!storableText(...texts)) throw new TypeError('keys and namespaces must not contain U+0000');
}
