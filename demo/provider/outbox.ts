/**
 * The webhook outbox: a delivery is written before anyone is told about it and stays until the recipient has
 * answered 2xx, so a provider restart (with a database) loses none (docs/security.md §41). Claiming due deliveries
 * takes a short lease, `FOR UPDATE SKIP LOCKED` on SQL, so several provider instances never send one delivery at
 * the same time. Memory is the default; `SqlOutbox` is the durable one.
 */
import type { SqlClient } from './storage/sql-client.js';

export interface Delivery {
  /** unique delivery id, sent as `Idc-Delivery` */
  id: string;
  recipient: string;
  url: string;
  /** the exact JSON text that is signed and sent */
  body: string;
  attempts: number;
  /** epoch ms */
  createdAt: number;
}

export interface Outbox {
  enqueue(delivery: Omit<Delivery, 'attempts'>, nextAttemptAt: number): Promise<void>;
  /** Up to `limit` deliveries due at `now`, each leased for `leaseMs` to this caller. */
  claimDue(now: number, limit: number, leaseMs: number): Promise<Delivery[]>;
  delivered(id: string, now: number): Promise<void>;
  /** A failed attempt: try again at `nextAttemptAt`, or give up when that is undefined. */
  failed(id: string, error: string, nextAttemptAt: number | undefined, now: number): Promise<void>;
  /** Every delivery with its state, for tests and the demo. */
  list(): Promise<(Delivery & { deliveredAt?: number; gaveUpAt?: number; lastError?: string })[]>;
}

type Row = Delivery & { nextAttemptAt: number; leaseUntil?: number; deliveredAt?: number; gaveUpAt?: number; lastError?: string };

export class MemoryOutbox implements Outbox {
  readonly #rows = new Map<string, Row>();

  async enqueue(delivery: Omit<Delivery, 'attempts'>, nextAttemptAt: number): Promise<void> {
    if (!this.#rows.has(delivery.id)) this.#rows.set(delivery.id, { ...delivery, attempts: 0, nextAttemptAt });
  }

  async claimDue(now: number, limit: number, leaseMs: number): Promise<Delivery[]> {
    // finished rows are kept an hour (for tests and the demo to read), then dropped: memory stays bounded
    for (const [id, row] of this.#rows) if ((row.deliveredAt ?? row.gaveUpAt ?? now) < now - 3600_000) this.#rows.delete(id);
    const due = [...this.#rows.values()]
      .filter((r) => !r.deliveredAt && !r.gaveUpAt && r.nextAttemptAt <= now && (r.leaseUntil ?? 0) < now)
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt)
      .slice(0, limit);
    for (const row of due) row.leaseUntil = now + leaseMs;
    return due.map(({ id, recipient, url, body, attempts, createdAt }) => ({ id, recipient, url, body, attempts, createdAt }));
  }

  async delivered(id: string, now: number): Promise<void> {
    const row = this.#rows.get(id);
    if (row) Object.assign(row, { deliveredAt: now, attempts: row.attempts + 1, leaseUntil: undefined });
  }

  async failed(id: string, error: string, nextAttemptAt: number | undefined, now: number): Promise<void> {
    const row = this.#rows.get(id);
    if (!row) return;
    Object.assign(row, { attempts: row.attempts + 1, lastError: error, leaseUntil: undefined });
    if (nextAttemptAt === undefined) row.gaveUpAt = now;
    else row.nextAttemptAt = nextAttemptAt;
  }

  async list() {
    return [...this.#rows.values()].map(({ leaseUntil: _lease, nextAttemptAt: _next, ...row }) => row);
  }
}

const ts = (ms: number) => new Date(ms).toISOString();
const ms = (value: unknown) => (value === null || value === undefined ? undefined : new Date(value as string).getTime());

function toDelivery(r: Record<string, unknown>): Delivery {
  return {
    id: String(r['id']),
    recipient: String(r['recipient']),
    url: String(r['url']),
    body: String(r['body']),
    attempts: Number(r['attempts']),
    createdAt: ms(r['created_at'])!,
  };
}

export class SqlOutbox implements Outbox {
  readonly #db: SqlClient;

  constructor(db: SqlClient) {
    this.#db = db;
  }

  async enqueue(delivery: Omit<Delivery, 'attempts'>, nextAttemptAt: number): Promise<void> {
    await this.#db.query(
      `INSERT INTO webhook_outbox (id, recipient, url, body, next_attempt_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
      [delivery.id, delivery.recipient, delivery.url, delivery.body, ts(nextAttemptAt), ts(delivery.createdAt)],
    );
  }

  async claimDue(now: number, limit: number, leaseMs: number): Promise<Delivery[]> {
    const rows = await this.#db.query(
      `UPDATE webhook_outbox SET lease_until = $2
       WHERE id IN (
         SELECT id FROM webhook_outbox
         WHERE delivered_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= $1
           AND (lease_until IS NULL OR lease_until < $1)
         ORDER BY next_attempt_at LIMIT $3
         FOR UPDATE SKIP LOCKED)
       RETURNING id, recipient, url, body, attempts, created_at`,
      [ts(now), ts(now + leaseMs), limit],
    );
    return rows.map(toDelivery);
  }

  async delivered(id: string, now: number): Promise<void> {
    await this.#db.query(
      'UPDATE webhook_outbox SET delivered_at = $2, attempts = attempts + 1, lease_until = NULL WHERE id = $1',
      [id, ts(now)],
    );
  }

  async failed(id: string, error: string, nextAttemptAt: number | undefined, now: number): Promise<void> {
    await this.#db.query(
      `UPDATE webhook_outbox SET attempts = attempts + 1, last_error = $2, lease_until = NULL,
         next_attempt_at = COALESCE($3, next_attempt_at), gave_up_at = CASE WHEN $3::timestamptz IS NULL THEN $4::timestamptz END
       WHERE id = $1`,
      [id, error.slice(0, 200), nextAttemptAt === undefined ? null : ts(nextAttemptAt), ts(now)],
    );
  }

  async list() {
    const rows = await this.#db.query('SELECT * FROM webhook_outbox ORDER BY created_at');
    return rows.map((r) => ({
      ...toDelivery(r),
      ...(r['delivered_at'] ? { deliveredAt: ms(r['delivered_at'])! } : {}),
      ...(r['gave_up_at'] ? { gaveUpAt: ms(r['gave_up_at'])! } : {}),
      ...(r['last_error'] ? { lastError: String(r['last_error']) } : {}),
    }));
  }
}
