/**
 * The kit's own records (accounts, documents, consents, share tokens, share links, issued consent `jti`s,
 * applicants) go through this small key–value interface, so a Redis or SQL implementation can replace the
 * in-memory one. Values are plain JSON; every operation is atomic on one key, and `withLock` orders the few
 * read-check-write sequences that span several keys (a redeem against a consent withdrawal).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export type Namespace =
  | 'account'
  | 'account-email'
  | 'documents'
  | 'consent'
  | 'share-token'
  | 'share-link'
  | 'share-decision'
  | 'login-return'
  | 'consent-jti'
  | 'applicant'
  // the user's account (sign-up, email codes, throttling, verification, connections, withdrawal)
  | 'email-code'
  | 'mail-rate'
  | 'throttle'
  | 'review'
  | 'document-image'
  | 'connection'
  | 'account-consents'
  | 'consent-cutoff'
  | 'connect-token'
  // sharing between partners
  | 'partnership'
  | 'partnership-pair'
  | 'partnership-list'
  | 'applicant-ref';

export interface KitStore {
  get<T>(ns: Namespace, key: string): Promise<T | undefined>;
  /** Writes (or overwrites) a value; `ttlSecs` omitted means no expiry. */
  set<T>(ns: Namespace, key: string, value: T, ttlSecs?: number): Promise<void>;
  /** Writes only when the key is absent (or expired). Resolves false when a live value was already there. */
  add<T>(ns: Namespace, key: string, value: T, ttlSecs?: number): Promise<boolean>;
  /** Reads and deletes in one step: of two concurrent callers at most one gets the value. */
  take<T>(ns: Namespace, key: string): Promise<T | undefined>;
  delete(ns: Namespace, key: string): Promise<void>;
  /**
   * Runs `fn` holding the lock named (ns, key): callers of one name run one after the other, in this process and
   * in every other process on the same database (the SQL store: `pg_advisory_xact_lock`). The lock orders the
   * callers; it is no transaction: `fn`'s writes land one by one. Locks do not nest (a nested call rejects).
   * Optional for other stores: without it the sequences it guards are only as atomic as their single steps.
   */
  withLock?<T>(ns: Namespace, key: string, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** `store.withLock(ns, key, fn)` where the store has locks, else just `fn()`. */
export function withStoreLock<T>(store: KitStore, ns: Namespace, key: string, fn: () => Promise<T>): Promise<T> {
  return store.withLock ? store.withLock(ns, key, fn) : fn();
}

/** the lock names held by the current async context (to refuse nesting, which could deadlock a pool) */
const heldLock = new AsyncLocalStorage<string>();

/**
 * Named locks inside one process: a promise chain per name, first come first served. The first stage of every
 * store's `withLock`, and all of it where one process owns the data (memory, a PGlite directory).
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  async run<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const outer = heldLock.getStore();
    if (outer !== undefined) throw new Error(`withLock does not nest (${JSON.stringify(name)} inside ${JSON.stringify(outer)})`);
    const previous = this.#tails.get(name) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.#tails.set(name, tail);
    try {
      await previous;
      return await heldLock.run(name, fn);
    } finally {
      release();
      if (this.#tails.get(name) === tail) this.#tails.delete(name);
    }
  }

  /** names with a holder or waiters (for tests) */
  get size(): number {
    return this.#tails.size;
  }
}

interface Entry {
  json: string;
  expiresAt: number | undefined;
}

/** In-memory {@link KitStore}: JSON copies in a Map, expired entries dropped on read and by a periodic sweep. */
export class MemoryKitStore implements KitStore {
  readonly #entries = new Map<string, Entry>();
  readonly #locks = new KeyedMutex();
  readonly #sweep: NodeJS.Timeout;

  constructor(sweepIntervalMs = 60_000) {
    this.#sweep = setInterval(() => this.#purge(), sweepIntervalMs);
    this.#sweep.unref();
  }

  async get<T>(ns: Namespace, key: string): Promise<T | undefined> {
    const entry = this.#live(ns, key);
    return entry ? (JSON.parse(entry.json) as T) : undefined;
  }

  async set<T>(ns: Namespace, key: string, value: T, ttlSecs?: number): Promise<void> {
    this.#entries.set(MemoryKitStore.#key(ns, key), MemoryKitStore.#entry(value, ttlSecs));
  }

  async add<T>(ns: Namespace, key: string, value: T, ttlSecs?: number): Promise<boolean> {
    if (this.#live(ns, key)) return false;
    this.#entries.set(MemoryKitStore.#key(ns, key), MemoryKitStore.#entry(value, ttlSecs));
    return true;
  }

  async take<T>(ns: Namespace, key: string): Promise<T | undefined> {
    const entry = this.#live(ns, key);
    if (!entry) return undefined;
    this.#entries.delete(MemoryKitStore.#key(ns, key));
    return JSON.parse(entry.json) as T;
  }

  async delete(ns: Namespace, key: string): Promise<void> {
    this.#entries.delete(MemoryKitStore.#key(ns, key));
  }

  withLock<T>(ns: Namespace, key: string, fn: () => Promise<T>): Promise<T> {
    return this.#locks.run(MemoryKitStore.#key(ns, key), fn);
  }

  async close(): Promise<void> {
    clearInterval(this.#sweep);
    this.#entries.clear();
  }

  #live(ns: Namespace, key: string): Entry | undefined {
    const k = MemoryKitStore.#key(ns, key);
    const entry = this.#entries.get(k);
    if (entry && entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.#entries.delete(k);
      return undefined;
    }
    return entry;
  }

  #purge(): void {
    const now = Date.now();
    for (const [k, entry] of this.#entries) {
      if (entry.expiresAt !== undefined && entry.expiresAt <= now) this.#entries.delete(k);
    }
  }

  static #key(ns: Namespace, key: string): string {
    return `${ns}\u0000${key}`;
  }

  static #entry(value: unknown, ttlSecs: number | undefined): Entry {
    const json = JSON.stringify(value);
    if (json === undefined) throw new TypeError('KitStore values must be JSON-serializable');
    return { json, expiresAt: ttlSecs === undefined ? undefined : Date.now() + ttlSecs * 1000 };
  }
}
