/**
 * {@link SqlClient} on a PostgreSQL server through a node-postgres pool. Plain queries take any pooled
 * connection; a transaction keeps one connection from BEGIN to COMMIT. Named locks are transaction-scoped
 * advisory locks, so several provider processes on one database take turns, and a process that dies mid-way
 * (its connection drops) lets go of them at once.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { KeyedMutex } from '../store.js';
import type { SqlClient, SqlParam, SqlQueryable, SqlRow } from './sql-client.js';

/** The 64-bit advisory lock key of a lock name (a collision only makes two names take turns). */
export function advisoryKey(name: string): string {
  return createHash('sha256').update(`idconnect-kit lock\u0000${name}`).digest().readBigInt64BE(0).toString();
}

/** How long a lock waits for another process's holder before the request fails. */
const LOCK_TIMEOUT = '10s';

/** A counting semaphore: at most `size` holders, the others queue. */
class Slots {
  #free: number;
  readonly #queue: (() => void)[] = [];

  constructor(size: number) {
    this.#free = size;
  }

  async acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return;
    }
    await new Promise<void>((resolve) => this.#queue.push(resolve));
  }

  release(): void {
    const next = this.#queue.shift();
    if (next) next();
    else this.#free++;
  }
}

export class PgPoolClient implements SqlClient {
  readonly kind = 'postgres';
  readonly #pool: pg.Pool;
  readonly #locks = new KeyedMutex();
  /**
   * A held lock keeps one pooled connection (its transaction) while `fn` queries on others. At most half the pool
   * holds locks, so `fn` always finds a connection and held locks can never starve the pool into a deadlock.
   */
  readonly #lockSlots: Slots;
  #ended = false;

  private constructor(pool: pg.Pool, max: number) {
    this.#pool = pool;
    this.#lockSlots = new Slots(Math.max(1, Math.floor(max / 2)));
  }

  /** Connects once up front, so a wrong URL or a down server fails here and not at the first request. */
  static async connect(url: string, max = 10): Promise<PgPoolClient> {
    if (!Number.isInteger(max) || max < 2) throw new TypeError('the pool needs at least 2 connections');
    const pool = new pg.Pool({ connectionString: url, max });
    // an idle connection that breaks (server restart) must not crash the process; the pool replaces it
    pool.on('error', (err) => console.error('[storage] idle PostgreSQL connection failed:', err.message));
    const client = new PgPoolClient(pool, max);
    try {
      await client.query('SELECT 1');
    } catch (err) {
      await client.close();
      throw err;
    }
    return client;
  }

  async query<R extends SqlRow = SqlRow>(sql: string, params: readonly SqlParam[] = []): Promise<R[]> {
    return (await this.#pool.query<R>(sql, [...params])).rows;
  }

  async transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    const conn = await this.#pool.connect();
    let broken: Error | undefined;
    // a checked-out connection has no pool listener: one that breaks between two statements (the server ended it)
    // would otherwise be an unhandled 'error' event; the next statement on it fails anyway
    const onError = (err: Error) => {
      broken = err;
    };
    conn.on('error', onError);
    try {
      await conn.query('BEGIN');
      const result = await fn({
        query: async <R extends SqlRow = SqlRow>(sql: string, params: readonly SqlParam[] = []) =>
          (await conn.query<R>(sql, [...params])).rows,
      });
      await conn.query('COMMIT');
      return result;
    } catch (err) {
      // a connection that cannot even roll back is dropped instead of going back to the pool
      await conn.query('ROLLBACK').catch((rollbackErr: Error) => {
        broken = rollbackErr;
      });
      throw err;
    } finally {
      conn.off('error', onError);
      conn.release(broken);
    }
  }

  /**
   * One waiter per name in this process (the in-process queue), then `pg_advisory_xact_lock` in a transaction on
   * its own connection against the other processes; COMMIT (or the connection's end) releases it.
   */
  lock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return this.#locks.run(name, async () => {
      await this.#lockSlots.acquire();
      try {
        return await this.transaction(async (tx) => {
          await tx.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
          await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [advisoryKey(name)]);
          return fn();
        });
      } finally {
        this.#lockSlots.release();
      }
    });
  }

  async close(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    await this.#pool.end();
  }
}
