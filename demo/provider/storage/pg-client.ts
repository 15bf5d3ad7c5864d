/**
 * {@link SqlClient} on a PostgreSQL server through a node-postgres pool. Plain queries take any pooled
 * connection; a transaction keeps one connection from BEGIN to COMMIT.
 */
import pg from 'pg';
import type { SqlClient, SqlParam, SqlQueryable, SqlRow } from './sql-client.js';

export class PgPoolClient implements SqlClient {
  readonly kind = 'postgres';
  readonly #pool: pg.Pool;
  #ended = false;

  private constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** Connects once up front, so a wrong URL or a down server fails here and not at the first request. */
  static async connect(url: string, max = 10): Promise<PgPoolClient> {
    const pool = new pg.Pool({ connectionString: url, max });
    // an idle connection that breaks (server restart) must not crash the process; the pool replaces it
    pool.on('error', (err) => console.error('[storage] idle PostgreSQL connection failed:', err.message));
    const client = new PgPoolClient(pool);
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
      conn.release(broken);
    }
  }

  async close(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    await this.#pool.end();
  }
}
