/**
 * Partnerships between an integrator (the donor) and a recipient, two-sided as in the product model: the integrator
 * adds the recipient to its list (`pending`), the recipient accepts the integrator as a donor (`active`). Share
 * tokens and share links for a recipient without an active partnership are refused (403 `partnership_inactive`),
 * and redeeming checks it again.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ClientDirectory } from './clients.js';
import { HttpError } from '../shared/http.js';
import type { KitStore } from './store.js';

export interface Partnership {
  id: string;
  integratorClientId: string;
  recipientClientId: string;
  status: 'pending' | 'active';
  /** epoch seconds */
  createdAt: number;
  activatedAt?: number;
}

const pairKey = (integratorId: string, recipientId: string) =>
  createHash('sha256').update(JSON.stringify([integratorId, recipientId])).digest('base64url');
const now = () => Math.floor(Date.now() / 1000);

export class Partnerships {
  readonly #store: KitStore;
  readonly #clients: ClientDirectory;

  constructor(store: KitStore, clients: ClientDirectory) {
    this.#store = store;
    this.#clients = clients;
  }

  async #byPair(integratorId: string, recipientId: string): Promise<Partnership | undefined> {
    const id = await this.#store.get<string>('partnership-pair', pairKey(integratorId, recipientId));
    return id ? this.#store.get<Partnership>('partnership', id) : undefined;
  }

  /** The integrator adds a recipient: a pending partnership, or the one that already exists. */
  async create(integratorId: string, recipientId: string, status: Partnership['status'] = 'pending'): Promise<Partnership> {
    if (!this.#clients.recipient(recipientId)) throw new HttpError(400, 'invalid_recipient', 'recipientClientId is not a registered recipient');
    const existing = await this.#byPair(integratorId, recipientId);
    if (existing) return existing;
    const partnership: Partnership = {
      id: `ptn_${randomBytes(12).toString('base64url')}`,
      integratorClientId: integratorId,
      recipientClientId: recipientId,
      status,
      createdAt: now(),
      ...(status === 'active' ? { activatedAt: now() } : {}),
    };
    // the pair is claimed atomically: two concurrent requests make one partnership
    if (!(await this.#store.add('partnership-pair', pairKey(integratorId, recipientId), partnership.id))) {
      return (await this.#byPair(integratorId, recipientId))!;
    }
    await this.#store.set('partnership', partnership.id, partnership);
    await this.#index(integratorId, partnership.id);
    await this.#index(recipientId, partnership.id);
    return partnership;
  }

  async #index(clientId: string, id: string): Promise<void> {
    const ids = (await this.#store.get<string[]>('partnership-list', clientId)) ?? [];
    if (!ids.includes(id)) await this.#store.set('partnership-list', clientId, [...ids, id]);
  }

  /** The recipient accepts the integrator as a donor. Only the partnership's own recipient may. */
  async activate(id: string, recipientId: string): Promise<Partnership> {
    const partnership = /^ptn_[\w-]{16}$/.test(id) ? await this.#store.get<Partnership>('partnership', id) : undefined;
    if (!partnership || partnership.recipientClientId !== recipientId) {
      throw new HttpError(404, 'not_found', 'no such partnership for this recipient');
    }
    if (partnership.status === 'active') return partnership;
    const active: Partnership = { ...partnership, status: 'active', activatedAt: now() };
    await this.#store.set('partnership', id, active);
    return active;
  }

  /** Partnerships the client is part of, as integrator or recipient, oldest first. */
  async list(clientId: string): Promise<Partnership[]> {
    const ids = (await this.#store.get<string[]>('partnership-list', clientId)) ?? [];
    const found = await Promise.all(ids.map((id) => this.#store.get<Partnership>('partnership', id)));
    return found.filter((p): p is Partnership => !!p).sort((a, b) => a.createdAt - b.createdAt);
  }

  async isActive(integratorId: string, recipientId: string): Promise<boolean> {
    return (await this.#byPair(integratorId, recipientId))?.status === 'active';
  }

  /** Refuses sharing between two clients without an active partnership. */
  async requireActive(integratorId: string, recipientId: string): Promise<void> {
    if (!(await this.isActive(integratorId, recipientId))) {
      throw new HttpError(403, 'partnership_inactive', 'the recipient has not accepted this integrator as a donor');
    }
  }
}
