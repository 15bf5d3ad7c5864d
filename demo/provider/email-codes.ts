/**
 * One-time e-mail codes for sign-up confirmation and e-mail sign-in (docs/security.md §36): 6 digits, 10 minutes,
 * 5 tries, compared in constant time, single use, and sending is rate-limited per address.
 *
 * A code belongs to one sign-in flow (the interaction, which oidc-provider binds to the browser by cookie), so a
 * code read from someone else's mailbox is useless in another browser. Nothing a caller sees depends on whether the
 * address has an account: a sign-up for a taken address gets a "you already have an account" mail instead of a
 * code, an e-mail sign-in for an unknown address gets no mail, and both pages look the same as the real thing.
 */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { normalizeEmail } from './accounts.js';
import type { Messages } from './i18n.js';
import type { Mailer } from './mail.js';
import { withStoreLock, type KitStore } from './store.js';

export type CodePurpose = 'signup' | 'login';

interface CodeRecord {
  purpose: CodePurpose;
  email: string;
  /** sign-up: the new account's password hash, kept until the address is confirmed */
  passwordHash?: string;
  /** whether a code was really sent (false for an unknown address or a taken sign-up address) */
  deliverable: boolean;
  digest: string;
  expiresAt: number;
  tries: number;
}

export interface CodeLimits {
  ttlSecs: number;
  maxTries: number;
  /** smallest gap between two mails to one address */
  resendAfterSecs: number;
  /** mails to one address per hour */
  perHour: number;
}

export const CODE_LIMITS: CodeLimits = { ttlSecs: 600, maxTries: 5, resendAfterSecs: 30, perHour: 5 };

export type StartResult = { ok: true } | { ok: false; retryAfterSecs: number };
export type CheckResult =
  | { status: 'ok'; purpose: CodePurpose; email: string; passwordHash?: string }
  | { status: 'wrong' | 'expired' | 'exhausted' };

export interface StartRequest {
  purpose: CodePurpose;
  email: string;
  passwordHash?: string;
  /** does the address have an account? decides which mail goes out, never what the page says */
  accountExists: boolean;
  m: Messages;
}

export class EmailCodes {
  readonly #store: KitStore;
  readonly #mailer: Mailer;
  readonly #secret: string;
  readonly #limits: CodeLimits;
  #outgoing: Promise<void> = Promise.resolve();

  constructor(deps: { store: KitStore; mailer: Mailer; secret: string; limits?: CodeLimits }) {
    this.#store = deps.store;
    this.#mailer = deps.mailer;
    this.#secret = deps.secret;
    this.#limits = deps.limits ?? CODE_LIMITS;
  }

  #digest(flow: string, code: string): string {
    // a purpose label of its own: the key is shared with the CSRF tokens, whose inputs never start like this
    return createHmac('sha256', this.#secret).update(`email-code\u0000${flow}\u0000${code}`).digest('base64url');
  }

  /** Seconds to wait before another mail may go to this address, or 0. Records the send when 0. */
  async #claimSend(email: string, now: number): Promise<number> {
    // under the address's lock, so sends requested at once on several instances are all counted
    return withStoreLock(this.#store, 'mail-rate', email, () => this.#claimSendLocked(email, now));
  }

  async #claimSendLocked(email: string, now: number): Promise<number> {
    const hourAgo = now - 3600_000;
    const sends = ((await this.#store.get<number[]>('mail-rate', email)) ?? []).filter((t) => t > hourAgo);
    const last = sends[sends.length - 1];
    let wait = 0;
    if (last !== undefined && now - last < this.#limits.resendAfterSecs * 1000) {
      wait = last + this.#limits.resendAfterSecs * 1000 - now;
    }
    if (sends.length >= this.#limits.perHour) wait = Math.max(wait, sends[0]! + 3600_000 - now);
    if (wait > 0) return Math.ceil(wait / 1000);
    await this.#store.set('mail-rate', email, [...sends, now], 3600);
    return 0;
  }

  /** Starts (or restarts) the code step of a flow and sends the mail. */
  async start(flow: string, request: StartRequest, now = Date.now()): Promise<StartResult> {
    const email = normalizeEmail(request.email);
    const retryAfterSecs = await this.#claimSend(email, now);
    if (retryAfterSecs) return { ok: false, retryAfterSecs };
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const deliverable = request.purpose === 'signup' ? !request.accountExists : request.accountExists;
    const record: CodeRecord = {
      purpose: request.purpose,
      email,
      ...(request.passwordHash ? { passwordHash: request.passwordHash } : {}),
      deliverable,
      digest: this.#digest(flow, code),
      expiresAt: now + this.#limits.ttlSecs * 1000,
      tries: 0,
    };
    await this.#store.set('email-code', flow, record, this.#limits.ttlSecs);
    const { m } = request;
    const mail = deliverable
      ? {
          to: email,
          subject: m.t('mailCodeSubject', { code }),
          text: m.t(request.purpose === 'signup' ? 'mailSignupText' : 'mailLoginText', { code, minutes: '10' }),
        }
      : request.purpose === 'signup'
        ? { to: email, subject: m.t('mailExistsSubject'), text: m.t('mailExistsText') }
        : undefined;
    // Sent off the request's path, whichever mail it is (or none): the answer takes the same time and says the same
    // thing whether or not the address has an account, even when the mail server is slow or down (§36).
    if (mail) this.#send(mail);
    return { ok: true };
  }

  #send(mail: { to: string; subject: string; text: string }): void {
    this.#outgoing = this.#outgoing
      .then(() => this.#mailer.send(mail))
      .catch((err: Error) => console.error('[provider] mail not sent:', err?.message));
  }

  /** Resolves when every mail handed to the mailer so far has been sent or has failed (for tests and shutdown). */
  async idle(): Promise<void> {
    await this.#outgoing;
  }

  /** A new code for the same flow (same purpose, address and password), rate-limited like the first. */
  async resend(flow: string, m: Messages, accountExists: (email: string) => Promise<boolean>): Promise<StartResult | undefined> {
    const record = await this.#store.get<CodeRecord>('email-code', flow);
    if (!record) return undefined;
    return this.start(flow, {
      purpose: record.purpose,
      email: record.email,
      ...(record.passwordHash ? { passwordHash: record.passwordHash } : {}),
      accountExists: await accountExists(record.email),
      m,
    });
  }

  /** The address a flow's code went to (for the confirm page), if the flow has a live code step. */
  async pending(flow: string): Promise<{ purpose: CodePurpose; email: string } | undefined> {
    const record = await this.#store.get<CodeRecord>('email-code', flow);
    return record && { purpose: record.purpose, email: record.email };
  }

  /**
   * Checks a typed code. The record is taken out while it is checked, so two concurrent guesses cannot both use
   * one try; a wrong guess puts it back with one try fewer, the fifth wrong guess ends it, a right one spends it.
   */
  async check(flow: string, typed: string, now = Date.now()): Promise<CheckResult> {
    const record = await this.#store.take<CodeRecord>('email-code', flow);
    if (!record || record.expiresAt <= now) return { status: 'expired' };
    const expected = Buffer.from(record.digest);
    const actual = Buffer.from(this.#digest(flow, /^\d{6}$/.test(typed) ? typed : 'x'));
    const right = actual.length === expected.length && timingSafeEqual(actual, expected);
    if (right && record.deliverable) {
      return {
        status: 'ok',
        purpose: record.purpose,
        email: record.email,
        ...(record.passwordHash ? { passwordHash: record.passwordHash } : {}),
      };
    }
    const tries = record.tries + 1;
    if (tries >= this.#limits.maxTries) return { status: 'exhausted' };
    await this.#store.set('email-code', flow, { ...record, tries }, Math.max(1, Math.ceil((record.expiresAt - now) / 1000)));
    return { status: 'wrong' };
  }

  /** Ends a flow's code step (used when the flow moves on some other way). */
  async forget(flow: string): Promise<void> {
    await this.#store.delete('email-code', flow);
  }
}
