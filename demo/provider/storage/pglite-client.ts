/**
 * {@link SqlClient} on PGlite: embedded Postgres in WASM, one connection per process. Its queries are queued
 * one at a time, and a transaction holds the queue until it ends. A data directory is locked while open, so one
 * process owns it: the named locks ({@link PgliteClient.lock}) live in that process.
 */
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { KeyedMutex } from '../store.js';
import { lockDirectory } from './dir-lock.js';
import type { SqlClient, SqlParam, SqlQueryable, SqlRow } from './sql-client.js';

export class PgliteClient implements SqlClient {
  readonly kind = 'pglite';
  readonly #db: PGlite;
  readonly #unlock: (() => Promise<void>) | undefined;
  readonly #locks = new KeyedMutex();

  private constructor(db: PGlite, unlock: (() => Promise<void>) | undefined) {
    this.#db = db;
    this.#unlock = unlock;
  }

  /** Opens (creating when missing) the data directory; `undefined` keeps the database in memory. */
  static async open(dataDir?: string): Promise<PgliteClient> {
    let dir: string | undefined;
    let unlock: (() => Promise<void>) | undefined;
    if (dataDir !== undefined) {
      dir = resolve(dataDir);
      await mkdir(dir, { recursive: true });
      unlock = await lockDirectory(dir);
    }
    const db = new PGlite(dir);
    try {
      await db.waitReady;
    } catch (err) {
      await db.close().catch(() => undefined);
      await unlock?.();
      throw err;
    }
    return new PgliteClient(db, unlock);
  }

  async query<R extends SqlRow = SqlRow>(sql: string, params: readonly SqlParam[] = []): Promise<R[]> {
    return (await this.#db.query<R>(sql, [...params])).rows;
  }

  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    return this.#db.transaction((tx) =>
      fn({
        query: async <R extends SqlRow = SqlRow>(sql: string, params: readonly SqlParam[] = []) =>
          (await tx.query<R>(sql, [...params])).rows,
      }),
    );
  }

  /**
   * One process owns a PGlite database (the data directory is locked; an in-memory one is private), so a lock in
   * this process is a lock on the database. Not a transaction: PGlite's transaction would hold its only
   * connection, and `fn`'s own queries would wait for it forever.
   */
  lock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return this.#locks.run(name, fn);
  }

  async close(): Promise<void> {
    if (this.#db.closed) return;
    try {
      await this.#db.close();
    } finally {
      await this.#unlock?.();
    }
  }
}
