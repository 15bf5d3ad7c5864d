/**
 * The SQL schema as numbered migrations. Opening a database applies the ones it has not seen yet, each once and
 * in its own transaction, recorded in `schema_migrations`. A released migration is never edited: add the next.
 */
import type { SqlClient } from './sql-client.js';

export interface Migration {
  version: number;
  name: string;
  /** run one by one (PGlite's parameterised protocol takes one statement per call) */
  statements: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'kit records and oidc-provider models',
    statements: [
      `CREATE TABLE kit_records (
        ns text NOT NULL,
        key text NOT NULL,
        value jsonb NOT NULL,
        expires_at timestamptz,
        PRIMARY KEY (ns, key)
      )`,
      'CREATE INDEX kit_records_expires_at ON kit_records (expires_at) WHERE expires_at IS NOT NULL',
      `CREATE TABLE oidc_models (
        model text NOT NULL,
        id text NOT NULL,
        payload jsonb NOT NULL,
        grant_id text,
        user_code text,
        uid text,
        expires_at timestamptz,
        consumed_at timestamptz,
        PRIMARY KEY (model, id)
      )`,
      'CREATE INDEX oidc_models_grant_id ON oidc_models (model, grant_id) WHERE grant_id IS NOT NULL',
      'CREATE INDEX oidc_models_uid ON oidc_models (model, uid) WHERE uid IS NOT NULL',
      'CREATE INDEX oidc_models_user_code ON oidc_models (model, user_code) WHERE user_code IS NOT NULL',
      'CREATE INDEX oidc_models_expires_at ON oidc_models (expires_at) WHERE expires_at IS NOT NULL',
    ],
  },
  {
    version: 2,
    name: 'webhook outbox',
    statements: [
      `CREATE TABLE webhook_outbox (
        id text PRIMARY KEY,
        recipient text NOT NULL,
        url text NOT NULL,
        body text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        lease_until timestamptz,
        created_at timestamptz NOT NULL,
        delivered_at timestamptz,
        gave_up_at timestamptz,
        last_error text
      )`,
      'CREATE INDEX webhook_outbox_due ON webhook_outbox (next_attempt_at) WHERE delivered_at IS NULL AND gave_up_at IS NULL',
    ],
  },
];

/** Held (per transaction) while migrating, so two processes opening one server migrate one after the other. */
const LOCK = 'SELECT pg_advisory_xact_lock(4851203977)';
const LEDGER = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

/**
 * Applies the pending migrations in version order and resolves the versions it applied (none on a database
 * that is up to date). Refuses a database migrated by newer code than this.
 */
export async function migrate(client: SqlClient, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  const known = Math.max(0, ...migrations.map((m) => m.version));
  const newest = await client.transaction(async (tx) => {
    await tx.query(LOCK);
    await tx.query(LEDGER);
    const [row] = await tx.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
    return row?.version ?? 0;
  });
  if (newest > known) {
    throw new Error(`the database schema is at version ${newest}, newer than this code knows (${known})`);
  }

  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    const ran = await client.transaction(async (tx) => {
      await tx.query(LOCK);
      const done = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version]);
      if (done.length > 0) return false;
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      return true;
    });
    if (ran) applied.push(migration.version);
  }
  return applied;
}
