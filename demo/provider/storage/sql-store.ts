/**
 * {@link KitStore} on SQL (PGlite or PostgreSQL): one `kit_records` row per (namespace, key), value as jsonb.
 * Every operation is a single statement, so `add` and `take` stay atomic even between processes sharing one
 * server. Expired rows are invisible at once and deleted by `take`, by overwrites and by the periodic sweep.
 * `withLock` is the client's named lock (an advisory lock on PostgreSQL), shared by every process on the database.
 */
import type { KitStore } from '../store.js';
import type { SqlClient } from './sql-client.js';
import { checkStorableText, expiresAtSql, jsonParam, LIVE, storableText, ttlParam } from './sql-values.js';

const UPSERT = `INSERT INTO kit_records (ns, key, value, expires_at)
  VALUES ($1, $2, $3::text::jsonb, ${expiresAtSql('$4')})
  ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`;

export interface SqlKitStoreOptions {
  /** close the client when the store is closed (default false: whoever opened the client closes it) */
  ownsClient?: boolean;
}

export class SqlKitStore implements KitStore {
  readonly #db: SqlClient;
  readonly #ownsClient: boolean;

  constructor(db: SqlClient, options: SqlKitStoreOptions = {}) {
    this.#db = db;
    this.#ownsClient = options.ownsClient ?? false;
  }

  /** Any namespace string is accepted (the {@link KitStore} type narrows it to the kit's own). */
  async get<T>(ns: string, key: string): Promise<T | undefined> {
    if (!storableText(ns, key)) return undefined;
    const [row] = await this.#db.query<{ value: string }>(
      `SELECT value::text AS value FROM kit_records WHERE ns = $1 AND key = $2 AND ${LIVE}`,
      [ns, key],
    );
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  async set<T>(ns: string, key: string, value: T, ttlSecs?: number): Promise<void> {
    checkStorableText(ns, key);
    await this.#db.query(UPSERT, [ns, key, jsonParam(value), ttlParam(ttlSecs)]);
  }

  /** Inserts, or replaces an expired row; a live row makes the conflict clause skip and nothing comes back. */
  async add<T>(ns: string, key: string, value: T, ttlSecs?: number): Promise<boolean> {
    checkStorableText(ns, key);
    const rows = await this.#db.query(
      `${UPSERT} WHERE kit_records.expires_at IS NOT NULL AND kit_records.expires_at <= now() RETURNING 1 AS written`,
      [ns, key, jsonParam(value), ttlParam(ttlSecs)],
    );
    return rows.length === 1;
  }

  /** Deletes the row whatever its state (an expired one is garbage anyway) and hands it out only when live. */
  async take<T>(ns: string, key: string): Promise<T | undefined> {
    if (!storableText(ns, key)) return undefined;
    const [row] = await this.#db.query<{ value: string; live: boolean }>(
      `DELETE FROM kit_records WHERE ns = $1 AND key = $2 RETURNING value::text AS value, ${LIVE} AS live`,
      [ns, key],
    );
    return row?.live ? (JSON.parse(row.value) as T) : undefined;
  }

  async delete(ns: string, key: string): Promise<void> {
    if (!storableText(ns, key)) return;
    await this.#db.query('DELETE FROM kit_records WHERE ns = $1 AND key = $2', [ns, key]);
  }

  async withLock<T>(ns: string, key: string, fn: () => Promise<T>): Promise<T> {
    checkStorableText(ns, key);
    return this.#db.lock(`kit\u0000${ns}\u0000${key}`, fn);
  }

  async close(): Promise<void> {
    if (this.#ownsClient) await this.#db.close();
  }
}
