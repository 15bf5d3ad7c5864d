/**
 * The integrators an account is connected to (a grant given on the connect consent), for the account page, and
 * Disconnect: the grant is revoked with every token issued under it — access tokens, refresh tokens, unused codes —
 * so the integrator can neither mint share tokens nor refresh (docs/security.md §39).
 *
 * So that the share API can tell a revoked connection (401 `connection_revoked`) from a token it never issued, the
 * digest of each connect token is remembered with its grant for the token's lifetime.
 */
import { createHash } from 'node:crypto';
import type Provider from 'oidc-provider';
import { withStoreLock, type KitStore } from './store.js';

export interface Connection {
  integratorId: string;
  /**
   * every grant the user gave this integrator that may still stand — one per browser session the user connected
   * from — so Disconnect ends them all, not just the newest
   */
  grantIds: string[];
  /** epoch seconds of the first consent */
  since: number;
  scopes: string[];
}

type Index = Record<string, Connection & { grantId?: string }>;

/** Grant ids of an index entry (entries written before `grantIds` existed had one `grantId`). */
const grantsOf = (c: Connection & { grantId?: string }): string[] => c.grantIds ?? (c.grantId ? [c.grantId] : []);

const digest = (token: string) => createHash('sha256').update(token).digest('base64url');

export class Connections {
  readonly #store: KitStore;
  readonly #provider: Provider;

  constructor(store: KitStore, provider: Provider, isIntegrator: (clientId: string) => boolean) {
    this.#store = store;
    this.#provider = provider;
    provider.on('access_token.saved', (token: { jti: string; grantId?: string; clientId?: string; expiration?: number }) => {
      if (!token.grantId || !token.clientId || !isIntegrator(token.clientId)) return;
      this.#store
        .set('connect-token', digest(token.jti), { grantId: token.grantId }, Math.max(1, token.expiration ?? 3600))
        .catch((err: Error) => console.error('[provider] could not remember a connect token:', err.message));
    });
  }

  /** Was this (now unknown) connect token issued under a grant that has been revoked since? */
  async revokedToken(token: string): Promise<boolean> {
    const known = await this.#store.get<{ grantId: string }>('connect-token', digest(token));
    return !!known && !(await this.#provider.Grant.find(known.grantId));
  }

  /** Called when the user allows an integrator on the connect consent. */
  async record(accountId: string, integratorId: string, grantId: string, scopes: string[]): Promise<void> {
    // the account's index is read, changed and written under its lock, so two connections at once both land
    await withStoreLock(this.#store, 'connection', accountId, async () => {
      const index = (await this.#store.get<Index>('connection', accountId)) ?? {};
      const previous = index[integratorId];
      const live = previous ? await this.#liveGrants(accountId, integratorId, grantsOf(previous)) : [];
      index[integratorId] = {
        integratorId,
        grantIds: [...new Set([...live, grantId])],
        since: previous && live.length ? previous.since : Math.floor(Date.now() / 1000),
        scopes: [...new Set([...(live.length ? previous!.scopes : []), ...scopes])].sort(),
      };
      await this.#store.set('connection', accountId, index);
    });
  }

  /** The grants among `grantIds` that still stand and are this account's for this integrator. */
  async #liveGrants(accountId: string, integratorId: string, grantIds: string[]): Promise<string[]> {
    const found = await Promise.all(grantIds.map((id) => this.#provider.Grant.find(id)));
    return grantIds.filter((_id, i) => found[i] && found[i]!.accountId === accountId && found[i]!.clientId === integratorId);
  }

  /** Connections with at least one grant still standing (one that expired or was ended elsewhere drops out). */
  async list(accountId: string): Promise<Connection[]> {
    const index = (await this.#store.get<Index>('connection', accountId)) ?? {};
    const live: Connection[] = [];
    for (const connection of Object.values(index)) {
      const grantIds = await this.#liveGrants(accountId, connection.integratorId, grantsOf(connection));
      if (grantIds.length) live.push({ integratorId: connection.integratorId, grantIds, since: connection.since, scopes: connection.scopes });
    }
    return live.sort((a, b) => a.since - b.since);
  }

  /** Revokes every grant the account gave this integrator, with every token under them. Resolves whether there was one. */
  async disconnect(accountId: string, integratorId: string): Promise<boolean> {
    const connection = await withStoreLock(this.#store, 'connection', accountId, async () => {
      const index = (await this.#store.get<Index>('connection', accountId)) ?? {};
      const found = index[integratorId];
      if (found) {
        delete index[integratorId];
        await this.#store.set('connection', accountId, index);
      }
      return found;
    });
    if (!connection) return false;
    const grantIds = await this.#liveGrants(accountId, integratorId, grantsOf(connection));
    for (const grantId of grantIds) {
      await Promise.all([
        this.#provider.AccessToken.revokeByGrantId(grantId),
        this.#provider.RefreshToken.revokeByGrantId(grantId),
        this.#provider.AuthorizationCode.revokeByGrantId(grantId),
      ]);
      await (await this.#provider.Grant.find(grantId))?.destroy();
    }
    return grantIds.length > 0;
  }
}
