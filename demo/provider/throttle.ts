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

/**
 * The key of a client address: an IPv4 address as it is (v4-mapped IPv6 unwrapped), an IPv6 address by its /64 —
 * one host usually holds a whole /64, so counting single IPv6 addresses would count nothing.
 */
export function addressKey(address: string): string {
  const v4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (v4) return v4[1]!;
  if (!address.includes(':')) return address;
  const [head = '', tail] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export type Reservation = { ok: true; stamp: number } | { ok: false; until: number };

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
      [`address:${addressKey(address)}`, this.#limits.perAddress],
    ];
  }

  async #attempts(key: string, now: number): Promise<Failures> {
    const since = now - this.#limits.windowSecs * 1000;
    return ((await this.#store.get<Failures>('throttle', key)) ?? []).filter((t) => t > since);
  }

  /** When the attempt that falls out of the window first frees a slot. */
  #freedAt(attempts: Failures, limit: number): number {
    return attempts[attempts.length - limit]! + this.#limits.windowSecs * 1000;
  }

  /**
   * Counts an attempt before it is made, for the account and for the client address, each under its key's lock:
   * so concurrent attempts (on any instance) can never be more than the limits allow. Refused (`ok: false`, with
   * when to try again) when either is used up; nothing is counted then. A successful attempt is handed back with
   * {@link release}; a failed one stays counted.
   */
  async reserve(email: string, address: string, now = Date.now()): Promise<Reservation> {
    const taken: string[] = [];
    for (const [key, limit] of this.#keys(email, address)) {
      const until = await withStoreLock(this.#store, 'throttle', key, async () => {
        const attempts = await this.#attempts(key, now);
        if (attempts.length >= limit) return this.#freedAt(attempts, limit);
        await this.#store.set('throttle', key, [...attempts, now], this.#limits.windowSecs);
        return undefined;
      });
      if (until !== undefined) {
        for (const done of taken) await this.#remove(done, now);
        return { ok: false, until };
      }
      taken.push(key);
    }
    return { ok: true, stamp: now };
  }

  async #remove(key: string, stamp: number): Promise<void> {
    await withStoreLock(this.#store, 'throttle', key, async () => {
      const attempts = await this.#attempts(key, Date.now());
      const at = attempts.indexOf(stamp);
      if (at >= 0) attempts.splice(at, 1);
      await this.#store.set('throttle', key, attempts, this.#limits.windowSecs);
    });
  }

  /** A successful attempt: the account's count starts afresh, and the address gets its reservation back. */
  async release(email: string, address: string, stamp: number): Promise<void> {
    const [[accountKey], [address_]] = this.#keys(email, address) as [[string, number], [string, number]];
    await this.#store.delete('throttle', accountKey);
    await this.#remove(address_, stamp);
  }
}
