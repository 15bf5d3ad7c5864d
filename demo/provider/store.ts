/**
 * The kit's own records (accounts, documents, consents, share tokens, share links, issued consent `jti`s,
 * applicants) go through this small key–value interface, so a Redis or SQL implementation can replace the
 * in-memory one. Values are plain JSON; every operation is atomic on one key.
 */
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
  close(): Promise<void>;
}

interface Entry {
  json: string;
  expiresAt: number | undefined;
}

/** In-memory {@link KitStore}: JSON copies in a Map, expired entries dropped on read and by a periodic sweep. */
export class MemoryKitStore implements KitStore {
  readonly #entries = new Map<string, Entry>();
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
