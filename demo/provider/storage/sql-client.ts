/**
 * The little the SQL storage needs from a database: run one statement, run a few in a transaction, close. Two
 * implementations share it, so the same SQL runs embedded on PGlite (Postgres in WASM, data directory on disk)
 * and on a PostgreSQL server through node-postgres. Each is imported only when chosen.
 */

/** Parameters are scalars only: JSON goes in as text (`$n::text::jsonb`), never as a driver-converted object. */
export type SqlParam = string | number | boolean | null;
export type SqlRow = Record<string, unknown>;

export interface SqlQueryable {
  /** One statement with `$1…` placeholders; resolves the rows it returns. */
  query<R extends SqlRow = SqlRow>(sql: string, params?: readonly SqlParam[]): Promise<R[]>;
}

export interface SqlClient extends SqlQueryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` on one connection between BEGIN and COMMIT; ROLLBACK when it throws. */
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` holding the named lock against every other holder of that name, in this process and in any other
   * process on the same database. `fn` queries through the client as usual (not inside the lock's transaction).
   * Locks do not nest.
   */
  lock<T>(name: string, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** PGlite data directory, created when missing; omitted (and no `url`) = an in-memory PGlite */
  dataDir?: string;
  /** `postgres://` or `postgresql://` URL of a PostgreSQL server (instead of PGlite) */
  url?: string;
  /** PostgreSQL: connections in the pool; default 10 */
  poolSize?: number;
}

export async function connectSql(options: ConnectOptions = {}): Promise<SqlClient> {
  if (options.url !== undefined) {
    if (options.dataDir !== undefined) throw new TypeError('give either a dataDir (PGlite) or a url (PostgreSQL), not both');
    if (!/^postgres(?:ql)?:\/\//i.test(options.url)) throw new TypeError('url must start with postgres:// or postgresql://');
    const { PgPoolClient } = await import('./pg-client.js');
    return PgPoolClient.connect(options.url, options.poolSize);
  }
  const { PgliteClient } = await import('./pglite-client.js');
  return PgliteClient.open(options.dataDir);
}
