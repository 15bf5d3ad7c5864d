import { errors, type Adapter, type AdapterFactory, type AdapterPayload } from 'oidc-provider';

/**
 * oidc-provider storage behind its own adapter interface. This in-memory one is the default; a Redis or SQL
 * adapter with the same seven methods replaces it through `startProvider({ adapter })`.
 *
 * One {@link MemoryAdapterStorage} is shared by the adapter instances of one provider (oidc-provider makes one
 * instance per model name), and never between two providers.
 */
export class MemoryAdapterStorage {
  readonly records = new Map<string, { payload: AdapterPayload; expiresAt: number | undefined }>();
  /** grantId → keys of the records issued under it (for revokeByGrantId). */
  readonly grants = new Map<string, Set<string>>();
  /** secondary indexes: `uid:<uid>` / `userCode:<code>` → record key. */
  readonly indexes = new Map<string, string>();
  readonly #sweep: NodeJS.Timeout;

  constructor(sweepIntervalMs = 60_000) {
    this.#sweep = setInterval(() => this.purge(), sweepIntervalMs);
    this.#sweep.unref();
  }

  purge(): void {
    const now = Date.now();
    for (const [key, record] of this.records) {
      if (record.expiresAt !== undefined && record.expiresAt <= now) this.records.delete(key);
    }
    for (const [name, key] of this.indexes) {
      if (!this.records.has(key)) this.indexes.delete(name);
    }
    for (const [grantId, keys] of this.grants) {
      for (const key of keys) if (!this.records.has(key)) keys.delete(key);
      if (keys.size === 0) this.grants.delete(grantId);
    }
  }

  close(): void {
    clearInterval(this.#sweep);
    this.records.clear();
    this.grants.clear();
    this.indexes.clear();
  }
}

/** Models issued under a grant and revoked with it (the Grant itself, sessions and interactions are not). */
export const GRANT_MODELS = [
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
] as const;
const GRANTABLE = new Set<string>(GRANT_MODELS);

export class MemoryAdapter implements Adapter {
  readonly #name: string;
  readonly #storage: MemoryAdapterStorage;

  constructor(name: string, storage: MemoryAdapterStorage) {
    this.#name = name;
    this.#storage = storage;
  }

  /** An `adapter` value for oidc-provider's configuration, bound to one storage. */
  static factory(storage: MemoryAdapterStorage): AdapterFactory {
    return (name: string) => new MemoryAdapter(name, storage);
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const key = this.#key(id);
    const storage = this.#storage;
    storage.records.set(key, {
      payload: structuredClone(payload),
      expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined,
    });
    if (payload.grantId && GRANTABLE.has(this.#name)) {
      let keys = storage.grants.get(payload.grantId);
      if (!keys) storage.grants.set(payload.grantId, (keys = new Set()));
      keys.add(key);
    }
    if (payload.uid) storage.indexes.set(`${this.#name}:uid:${payload.uid}`, key);
    if (payload.userCode) storage.indexes.set(`${this.#name}:userCode:${payload.userCode}`, key);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.#read(this.#key(id));
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const key = this.#storage.indexes.get(`${this.#name}:uid:${uid}`);
    return key ? this.#read(key) : undefined;
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const key = this.#storage.indexes.get(`${this.#name}:userCode:${userCode}`);
    return key ? this.#read(key) : undefined;
  }

  /**
   * Marks the payload consumed, once: checked and set with no await between, so of two concurrent token requests
   * with one code exactly one gets past it; the other rejects with `invalid_grant` and the grant ends with every
   * token issued under it (oidc-provider's own answer to a code presented twice). See the SQL adapter.
   */
  async consume(id: string): Promise<void> {
    const key = this.#key(id);
    const stored = this.#read(key) ? this.#storage.records.get(key) : undefined;
    if (stored && stored.payload.consumed === undefined) {
      stored.payload.consumed = Math.floor(Date.now() / 1000);
      return;
    }
    const grantId = stored?.payload.grantId;
    if (typeof grantId === 'string') {
      await this.revokeByGrantId(grantId);
      this.#storage.records.delete(`Grant:${grantId}`);
    }
    throw new errors.InvalidGrant(`${this.#name} ${stored ? 'already consumed' : 'not found'}`);
  }

  async destroy(id: string): Promise<void> {
    this.#storage.records.delete(this.#key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    const keys = this.#storage.grants.get(grantId);
    if (!keys) return;
    for (const key of keys) this.#storage.records.delete(key);
    this.#storage.grants.delete(grantId);
  }

  #key(id: string): string {
    return `${this.#name}:${id}`;
  }

  #read(key: string): AdapterPayload | undefined {
    const record = this.#storage.records.get(key);
    if (!record) return undefined;
    if (record.expiresAt !== undefined && record.expiresAt <= Date.now()) {
      this.#storage.records.delete(key);
      return undefined;
    }
    return structuredClone(record.payload);
  }
}
