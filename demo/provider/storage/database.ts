/**
 * Opens the reference provider's SQL database in one call: PGlite in a data directory (or in memory) by
 * default, a PostgreSQL server for a `postgres://` URL. Migrates it, and hands out the kit store and the
 * oidc-provider adapter on it, plus a periodic sweep of expired rows.
 */
import type { AdapterFactory } from 'oidc-provider';
import { migrate } from './migrations.js';
import { sqlAdapterFactory } from './sql-adapter.js';
import { connectSql, type ConnectOptions, type SqlClient, type SqlQueryable } from './sql-client.js';
import { SqlKitStore } from './sql-store.js';

export interface OpenDatabaseOptions extends ConnectOptions {
  /** how often expired rows are deleted; default 60 s, 0 = never (expired rows stay invisible regardless) */
  sweepIntervalMs?: number;
}

export interface Database {
  /** the kit's records; closing it leaves the database open (close the {@link Database}) */
  store: SqlKitStore;
  /** `adapter` for oidc-provider */
  adapter: AdapterFactory;
  client: SqlClient;
  /** deletes expired rows now; resolves how many */
  sweep(): Promise<number>;
  /** stops the sweep and closes the connection (PGlite: flushes and releases the data directory) */
  close(): Promise<void>;
}

/** Deletes the expired rows of both tables in one statement. */
export async function sweepExpired(db: SqlQueryable): Promise<number> {
  const [row] = await db.query<{ deleted: number }>(
    `WITH records AS (DELETE FROM kit_records WHERE expires_at <= now() RETURNING 1),
          models AS (DELETE FROM oidc_models WHERE expires_at <= now() RETURNING 1)
     SELECT ((SELECT count(*) FROM records) + (SELECT count(*) FROM models))::integer AS deleted`,
  );
  return row?.deleted ?? 0;
}

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  const client = await connectSql(options);
  try {
    await migrate(client);
  } catch (err) {
    await client.close().catch(() => undefined);
    throw err;
  }

  let sweeping: Promise<unknown> | undefined;
  const interval = options.sweepIntervalMs ?? 60_000;
  const timer =
    interval > 0
      ? setInterval(() => {
          sweeping ??= sweepExpired(client)
            .catch((err: Error) => console.error('[storage] sweeping expired rows failed:', err.message))
            .finally(() => (sweeping = undefined));
        }, interval)
      : undefined;
  timer?.unref();

  let closing: Promise<void> | undefined;
  return {
    store: new SqlKitStore(client),
    adapter: sqlAdapterFactory(client),
    client,
    sweep: () => sweepExpired(client),
    close() {
      closing ??= (async () => {
        clearInterval(timer);
        await sweeping;
        await client.close();
      })();
      return closing;
    },
  };
}
