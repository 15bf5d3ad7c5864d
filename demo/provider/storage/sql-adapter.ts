/**
 * oidc-provider's storage on SQL: one `oidc_models` row per (model, id) with the payload as jsonb, and the
 * grant id, user code and session uid copied into indexed columns for the lookups oidc-provider makes.
 * oidc-provider asks the factory for one adapter per model name (Session, AccessToken, Grant, …).
 */
import { errors, type Adapter, type AdapterFactory, type AdapterPayload } from 'oidc-provider';
import type { SqlQueryable } from './sql-client.js';
import { expiresAtSql, jsonParam, LIVE, storableText, ttlParam } from './sql-values.js';
import { GRANT_MODELS } from '../adapter.js';

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export class SqlAdapter implements Adapter {
  readonly model: string;
  readonly #db: SqlQueryable;

  constructor(model: string, db: SqlQueryable) {
    this.model = model;
    this.#db = db;
  }

  /** `expiresIn` in seconds; without one the row lives until destroyed. */
  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    await this.#db.query(
      `INSERT INTO oidc_models (model, id, payload, grant_id, user_code, uid, expires_at, consumed_at)
        VALUES ($1, $2, $3::text::jsonb, $4, $5, $6, ${expiresAtSql('$7')}, to_timestamp($8::float8))
        ON CONFLICT (model, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id,
          user_code = excluded.user_code, uid = excluded.uid, expires_at = excluded.expires_at,
          consumed_at = excluded.consumed_at`,
      [
        this.model,
        id,
        jsonParam(payload),
        text(payload.grantId),
        text(payload.userCode),
        text(payload.uid),
        typeof expiresIn === 'number' ? ttlParam(expiresIn) : null,
        typeof payload.consumed === 'number' ? payload.consumed : null,
      ],
    );
  }

  find(id: string): Promise<AdapterPayload | undefined> {
    return this.#one('id', id);
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.#one('uid', uid);
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.#one('user_code', userCode);
  }

  /**
   * Marks the payload `consumed` (epoch seconds, as oidc-provider reads it) in one conditional statement, so of
   * two concurrent consumers (two token requests with one code, on one instance or two) exactly one gets past it.
   * oidc-provider reads `consumed` first and calls this just before it issues tokens; the one that finds the row
   * already consumed (or gone) rejects with `invalid_grant` and nothing is issued. Like oidc-provider's own answer
   * to a code presented twice, the grant then ends with every token issued under it.
   */
  async consume(id: string): Promise<void> {
    const won = await this.#db.query(
      `UPDATE oidc_models SET consumed_at = now(),
          payload = payload || jsonb_build_object('consumed', floor(extract(epoch FROM now()))::bigint)
        WHERE model = $1 AND id = $2 AND consumed_at IS NULL
        RETURNING 1 AS consumed`,
      [this.model, id],
    );
    if (won.length === 1) return;
    const [row] = await this.#db.query<{ grant_id: string | null }>(
      'SELECT grant_id FROM oidc_models WHERE model = $1 AND id = $2',
      [this.model, id],
    );
    if (row?.grant_id) await revokeGrant(this.#db, row.grant_id);
    throw new errors.InvalidGrant(`${this.model} ${row ? 'already consumed' : 'not found'}`);
  }

  async destroy(id: string): Promise<void> {
    await this.#db.query('DELETE FROM oidc_models WHERE model = $1 AND id = $2', [this.model, id]);
  }

  /** Deletes every row of this model issued under the grant (oidc-provider calls it once per token model). */
  async revokeByGrantId(grantId: string): Promise<void> {
    await this.#db.query('DELETE FROM oidc_models WHERE model = $1 AND grant_id = $2', [this.model, grantId]);
  }

  async #one(column: 'id' | 'uid' | 'user_code', value: string): Promise<AdapterPayload | undefined> {
    if (typeof value !== 'string' || !storableText(value)) return undefined;
    const [row] = await this.#db.query<{ payload: string }>(
      `SELECT payload::text AS payload FROM oidc_models WHERE model = $1 AND ${column} = $2 AND ${LIVE} LIMIT 1`,
      [this.model, value],
    );
    return row ? (JSON.parse(row.payload) as AdapterPayload) : undefined;
  }
}

/** Ends a grant in one statement: its row and every token row issued under it. */
export async function revokeGrant(db: SqlQueryable, grantId: string): Promise<void> {
  await db.query(
    `DELETE FROM oidc_models
      WHERE (model IN (${GRANT_MODELS.map((m) => `'${m}'`).join(', ')}) AND grant_id = $1) OR (model = 'Grant' AND id = $1)`,
    [grantId],
  );
}

/** The `adapter` option for oidc-provider's configuration, on one SQL client. */
export function sqlAdapterFactory(db: SqlQueryable): AdapterFactory {
  return (model: string) => new SqlAdapter(model, db);
}
