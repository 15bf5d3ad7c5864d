/**
 * Replay protection for consent tokens (docs/security.md §23): a `jti` is accepted once, until the token's `exp`.
 *
 * The interface is one atomic operation so a shared store (Redis `SET key 1 NX EXAT exp`, a SQL insert on a unique
 * key) cannot be raced by two requests carrying the same token.
 */

export interface ReplayStore {
  /**
   * Records `jti` until `exp` (seconds since the epoch). Resolves `true` when the jti was not seen before (and is
   * now recorded), `false` when it was already recorded and has not expired. Throwing makes the verification fail
   * closed (`replay_check_failed`).
   */
  consume(jti: string, exp: number): boolean | Promise<boolean>;
}

export interface MemoryReplayStoreOptions {
  /** Seconds a jti is kept after its `exp`, to cover clock tolerance. Default 60. */
  graceSecs?: number;
  /** Clock in milliseconds, for tests. Default `Date.now`. */
  now?: () => number;
}

/**
 * In-process {@link ReplayStore}: right for a single Node process. Behind a load balancer with several
 * processes, pass a shared store instead. Expired entries are swept as new ones arrive.
 */
export class MemoryReplayStore implements ReplayStore {
  readonly #seen = new Map<string, number>();
  readonly #graceMs: number;
  readonly #now: () => number;
  #nextSweep = 0;

  constructor(options: MemoryReplayStoreOptions = {}) {
    this.#graceMs = (options.graceSecs ?? 60) * 1000;
    this.#now = options.now ?? Date.now;
  }

  consume(jti: string, exp: number): boolean {
    const now = this.#now();
    this.#sweep(now);
    const until = this.#seen.get(jti);
    if (until !== undefined && until > now) return false;
    this.#seen.set(jti, exp * 1000 + this.#graceMs);
    return true;
  }

  /** Number of jtis currently remembered (expired ones may linger until the next sweep). */
  get size(): number {
    return this.#seen.size;
  }

  #sweep(now: number): void {
    if (now < this.#nextSweep) return;
    this.#nextSweep = now + 10_000;
    for (const [jti, until] of this.#seen) if (until <= now) this.#seen.delete(jti);
  }
}
