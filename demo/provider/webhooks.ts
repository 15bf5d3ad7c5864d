/**
 * `applicantReviewed` webhooks to a recipient's registered URL (docs/security.md §41): the JSON body is signed with
 * HMAC-SHA256 under the recipient's webhook secret (`Idc-Signature: sha256=<hex>`), carries a unique delivery id
 * (`Idc-Delivery`) for idempotency, and is retried with exponential backoff from the {@link Outbox} until a 2xx,
 * for up to 24 hours: at least once, never lost by a restart when the outbox is the database's.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { ClientDirectory } from './clients.js';
import type { Outbox } from './outbox.js';

export interface ApplicantReviewed {
  type: 'applicantReviewed';
  applicantId: string;
  externalUserId: string | null;
  levelName: string;
  review: { answer: 'GREEN' | 'RED'; rejectLabels: string[] };
  /** the same as the `Idc-Delivery` header */
  deliveryId: string;
  /** ISO 8601, when the event happened (the same on every retry) */
  createdAt: string;
}

export interface WebhookOptions {
  outbox: Outbox;
  clients: ClientDirectory;
  /** how often due deliveries are looked for; default 1000 ms */
  intervalMs?: number;
  /** per attempt; default 5000 ms */
  timeoutMs?: number;
  /** give up after this long; default 24 h */
  maxAgeMs?: number;
  /** first retry delay, doubled per attempt up to an hour; default 1000 ms */
  backoffMs?: number;
}

export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export class Webhooks {
  readonly #outbox: Outbox;
  readonly #clients: ClientDirectory;
  readonly #timeoutMs: number;
  readonly #maxAgeMs: number;
  readonly #backoffMs: number;
  readonly #timer: NodeJS.Timeout;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(options: WebhookOptions) {
    this.#outbox = options.outbox;
    this.#clients = options.clients;
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#maxAgeMs = options.maxAgeMs ?? 24 * 3600_000;
    this.#backoffMs = options.backoffMs ?? 1000;
    this.#timer = setInterval(() => this.kick(), options.intervalMs ?? 1000);
    this.#timer.unref();
  }

  get outbox(): Outbox {
    return this.#outbox;
  }

  /** Records the event for the recipient (if it registered a webhook) and starts delivering it. */
  async applicantReviewed(recipientId: string, event: Omit<ApplicantReviewed, 'type' | 'deliveryId' | 'createdAt'>): Promise<string | undefined> {
    const recipient = this.#clients.recipient(recipientId);
    if (!recipient?.webhookUrl || !recipient.webhookSecret) return undefined;
    const id = `whd_${randomBytes(16).toString('base64url')}`;
    const now = Date.now();
    // the delivery id and the event time are inside the signed body too, so a replay cannot pass as a new delivery
    const body = JSON.stringify({
      type: 'applicantReviewed',
      ...event,
      deliveryId: id,
      createdAt: new Date(now).toISOString(),
    } satisfies ApplicantReviewed);
    await this.#outbox.enqueue({ id, recipient: recipientId, url: recipient.webhookUrl, body, createdAt: now }, now);
    this.kick();
    return id;
  }

  /** Runs one pass over the due deliveries now (one pass at a time). */
  kick(): void {
    if (this.#stopped || this.#running) return;
    this.#running = this.#pass()
      .catch((err: Error) => console.error('[provider] webhook pass failed:', err.message))
      .finally(() => (this.#running = undefined));
  }

  /** Resolves when the pass under way (if any) is over. */
  async idle(): Promise<void> {
    await this.#running;
  }

  async #pass(): Promise<void> {
    const due = await this.#outbox.claimDue(Date.now(), 10, this.#timeoutMs * 2);
    await Promise.all(due.map((delivery) => this.#attempt(delivery)));
  }

  async #attempt(delivery: Awaited<ReturnType<Outbox['claimDue']>>[number]): Promise<void> {
    // the recipient's registration as it is now (it may have moved its endpoint since the event)
    const recipient = this.#clients.recipient(delivery.recipient);
    const secret = recipient?.webhookSecret;
    const url = recipient?.webhookUrl ?? delivery.url;
    let error: string | undefined;
    if (!secret) error = 'the recipient has no webhook secret any more';
    else {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'idc-delivery': delivery.id,
            'idc-signature': signBody(delivery.body, secret),
          },
          body: delivery.body,
          redirect: 'manual',
          signal: AbortSignal.timeout(this.#timeoutMs),
        });
        await res.body?.cancel();
        if (res.status < 200 || res.status > 299) error = `answered ${res.status}`;
      } catch (err) {
        error = (err as Error).name === 'TimeoutError' ? 'timed out' : 'unreachable';
      }
    }
    const now = Date.now();
    if (!error) return this.#outbox.delivered(delivery.id, now);
    const delay = Math.min(this.#backoffMs * 2 ** delivery.attempts, 3600_000);
    const next = now + delay;
    await this.#outbox.failed(delivery.id, error, next - delivery.createdAt > this.#maxAgeMs ? undefined : next, now);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#running;
  }
}
