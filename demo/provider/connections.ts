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
import type { KitStore } from './store.js';

export interface Connection {
  integratorId: string;
  grantId: string;
  /** epoch seconds of the first consent */
  since: number;
  scopes: string[];
}

type Index = Record<string, Connection>;

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
    const index = (await this.#store.get<Index>('connection', accountId)) ?? {};
    const previous = index[integratorId];
    index[integratorId] = {
      integratorId,
      grantId,
      since: previous?.grantId === grantId ? previous.since : Math.floor(Date.now() / 1000),
      scopes: [...new Set([...(previous?.grantId === grantId ? previous.scopes : []), ...scopes])].sort(),
    };
    await this.#store.set('connection', accountId, index);
  }

  /** Connections whose grant still stands (a grant that expired or was ended elsewhere drops out of the list). */
  async list(accountId: string): Promise<Connection[]> {
    const index = (await this.#store.get<Index>('connection', accountId)) ?? {};
    const live: Connection[] = [];
    for (const connection of Object.values(index)) {
      const grant = await this.#provider.Grant.find(connection.grantId);
      if (grant && grant.accountId === accountId && grant.clientId === connection.integratorId) live.push(connection);
    }
    return live.sort((a, b) => a.since - b.since);
  }

  /** Revokes the integrator's grant for this account. Resolves whether there was one. */
  async disconnect(accountId: string, integratorId: string): Promise<boolean> {
    const index = (await this.#store.get<Index>('connection', accountId)) ?? {};
    const connection = index[integratorId];
    if (!connection) return false;
    delete index[integratorId];
    await this.#store.set('connection', accountId, index);
    const { grantId } = connection;
    const grant = await this.#provider.Grant.find(grantId);
    if (grant && (grant.accountId !== accountId || grant.clientId !== integratorId)) return false;
    await Promise.all([
      this.#provider.AccessToken.revokeByGrantId(grantId),
      this.#provider.RefreshToken.revokeByGrantId(grantId),
      this.#provider.AuthorizationCode.revokeByGrantId(grantId),
    ]);
    await grant?.destroy();
    return true;
  }
}
