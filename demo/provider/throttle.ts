/**
 * Password sign-in throttling (docs/security.md §36): after 5 failed attempts for one account, or 20 from one
 * address, within 15 minutes, the login is refused with a retry time — checked before any password hash is spent,
 * so a guessing run costs the provider almost nothing. Counted per e-mail as typed (normalized), whether or not an
 * account has it, so the answer tells nothing about which addresses have accounts.
 */
import { normalizeEmail } from './accounts.js';
import { withStoreLock, type KitStore } from './store.js';

export interface ThrottleLimits {
  perAccount: number;
  perAddress: number;
  windowSecs: number;
}

export const LOGIN_LIMITS: ThrottleLimits = { perAccount: 5, perAddress: 20, windowSecs: 15 * 60 };

/** Failure times (epoch ms) of one key inside the window. */
type Failures = number[];

export class LoginThrottle {
  readonly #store: KitStore;
  readonly #limits: ThrottleLimits;

  constructor(store: KitStore, limits: ThrottleLimits = LOGIN_LIMITS) {
    this.#store = store;
    this.#limits = limits;
  }

  #keys(email: string, address: string): [string, number][] {
    return [
      [`account:${normalizeEmail(email)}`, this.#limits.perAccount],
      [`address:${address}`, this.#limits.perAddress],
    ];
  }

  async #failures(key: string, now: number): Promise<Failures> {
    const since = now - this.#limits.windowSecs * 1000;
    return ((await this.#store.get<Failures>('throttle', key)) ?? []).filter((t) => t > since);
  }

  /** When the next attempt is allowed (epoch ms), or undefined when this one may go ahead. */
  async blockedUntil(email: string, address: string, now = Date.now()): Promise<number | undefined> {
    let until: number | undefined;
    for (const [key, limit] of this.#keys(email, address)) {
      const failures = await this.#failures(key, now);
      if (failures.length >= limit) {
        // the attempt that falls out of the window first frees a slot
        const freed = failures[failures.length - limit]! + this.#limits.windowSecs * 1000;
        until = Math.max(until ?? 0, freed);
      }
    }
    return until;
  }

  async recordFailure(email: string, address: string, now = Date.now()): Promise<void> {
    for (const [key, limit] of this.#keys(email, address)) {
      // under the key's lock, so failures landing at once on several instances are all counted
      await withStoreLock(this.#store, 'throttle', key, async () => {
        const failures = [...(await this.#failures(key, now)), now].slice(-limit);
        await this.#store.set('throttle', key, failures, this.#limits.windowSecs);
      });
    }
  }

  /** A successful sign-in clears the account's count (the address keeps its own). */
  async recordSuccess(email: string): Promise<void> {
    await this.#store.delete('throttle', `account:${normalizeEmail(email)}`);
  }
}
