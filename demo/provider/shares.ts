import { createHash, randomBytes } from 'node:crypto';
import type { Accounts } from './accounts.js';
import type { ClientDirectory, KitClient, LevelRequirement } from './clients.js';
import { CONSENT_TOKEN_TTL, type ConsentSigner } from './consent-jwt.js';
import { HttpError } from './http.js';
import {
  relevantDocuments,
  resolveSelection,
  toReuseDocument,
  type ReuseDocument,
  type Selection,
} from './reuse.js';
import type { KitStore } from './store.js';

/** Who a connect token (the integrator's access token carrying `share`) speaks for. */
export interface ConnectContext {
  accountId: string;
  integratorId: string;
  grantId: string;
}

interface ShareTokenRecord extends ConnectContext {
  recipientId: string;
  expiresAt: number;
  /** epoch ms; a token minted at or before the triple's last withdrawal or Decline never works (§39) */
  mintedAt?: number;
}

/** One standing consent, as the account page lists it. */
export interface ConsentEntry {
  integratorId: string;
  recipientId: string;
  /** epoch seconds */
  grantedAt: number;
}

interface ShareLinkRecord extends ConnectContext {
  recipientId: string;
  redirectUri: string;
  state: string;
  displayMode: 'page' | 'popup';
  expiresAt: number;
}

interface ShareDecision {
  accountId: string;
  decision: 'allow' | 'deny';
  location: string;
}

export type LinkLookup =
  | { status: 'pending'; link: ShareLinkRecord }
  | { status: 'used'; link: ShareLinkRecord; decision: ShareDecision }
  | { status: 'expired' | 'invalid' };

export const SHARE_TOKEN_MAX_TTL = 600;
export const SHARE_TOKEN_DEFAULT_TTL = 300;
export const SHARE_LINK_TTL = 300;
/** how long a link's record outlives its expiry, so a late visit reads "expired" rather than "invalid" */
const LINK_TOMBSTONE = 3600;

const now = () => Math.floor(Date.now() / 1000);
const digest = (secret: string) => createHash('sha256').update(secret).digest('base64url');
const consentKey = (accountId: string, integratorId: string, recipientId: string) =>
  JSON.stringify([accountId, integratorId, recipientId]);
/** how long a withdrawal's cut-off is kept: longer than any share token lives */
const CUTOFF_TTL = 86_400 + 3600;

export interface RedeemResult {
  applicantId: string;
  levelName: string;
  status: 'completed' | 'incomplete';
  documents: { id: string; type: string; country?: string; requirementId: string }[];
  missing: string[];
}

export interface PeekResult {
  levelName: string;
  recipient: { clientId: string; name: string };
  requirements: LevelRequirement[];
  documents: ReuseDocument[];
  expiresIn: number;
}

/**
 * Per-recipient consent, share tokens, share links and redemption. Every check that guards sharing runs at
 * redeem time too: the consent for (account, integrator, recipient), the recipient's list of allowed donors,
 * and the integrator's connect grant.
 */
export class ShareService {
  readonly #store: KitStore;
  readonly #accounts: Accounts;
  readonly #clients: ClientDirectory;
  readonly #signer: ConsentSigner;
  readonly #grantActive: (ctx: ConnectContext) => Promise<boolean>;

  constructor(deps: {
    store: KitStore;
    accounts: Accounts;
    clients: ClientDirectory;
    signer: ConsentSigner;
    grantActive: (ctx: ConnectContext) => Promise<boolean>;
  }) {
    this.#store = deps.store;
    this.#accounts = deps.accounts;
    this.#clients = deps.clients;
    this.#signer = deps.signer;
    this.#grantActive = deps.grantActive;
  }

  /** The recipient client named by `forClientId`, or a 400. */
  recipientFor(forClientId: string): KitClient {
    const recipient = this.#clients.recipient(forClientId);
    if (!recipient) throw new HttpError(400, 'invalid_recipient', 'forClientId is not a registered recipient');
    return recipient;
  }

  async consentStands(accountId: string, integratorId: string, recipientId: string): Promise<boolean> {
    return (await this.#store.get('consent', consentKey(accountId, integratorId, recipientId))) !== undefined;
  }

  async revokeConsent(ctx: ConnectContext, recipientId: string): Promise<boolean> {
    return this.withdraw(ctx.accountId, ctx.integratorId, recipientId);
  }

  /** The account's standing consents, oldest first. */
  async consentsOf(accountId: string): Promise<ConsentEntry[]> {
    const index = (await this.#store.get<Record<string, ConsentEntry>>('account-consents', accountId)) ?? {};
    return Object.values(index).sort((a, b) => a.grantedAt - b.grantedAt);
  }

  async #indexConsent(accountId: string, entry: ConsentEntry, present: boolean): Promise<void> {
    const index = (await this.#store.get<Record<string, ConsentEntry>>('account-consents', accountId)) ?? {};
    const key = `${entry.integratorId} ${entry.recipientId}`;
    if (present) index[key] = entry;
    else delete index[key];
    await this.#store.set('account-consents', accountId, index);
  }

  /**
   * Ends the consent for (account, integrator, recipient) and kills every share token minted for that triple until
   * now, for good: a later consent does not bring them back (docs/security.md §39). Resolves whether a consent stood.
   */
  async withdraw(accountId: string, integratorId: string, recipientId: string): Promise<boolean> {
    const key = consentKey(accountId, integratorId, recipientId);
    await this.#store.set('consent-cutoff', key, Date.now(), CUTOFF_TTL);
    const existed = (await this.#store.take('consent', key)) !== undefined;
    await this.#indexConsent(accountId, { integratorId, recipientId, grantedAt: 0 }, false);
    return existed;
  }

  async #sharingAllowed(ctx: ConnectContext, recipient: KitClient): Promise<boolean> {
    return (
      recipient.allowedDonors.includes(ctx.integratorId) &&
      (await this.consentStands(ctx.accountId, ctx.integratorId, recipient.clientId))
    );
  }

  async mintShareToken(
    ctx: ConnectContext,
    recipient: KitClient,
    ttl: number,
  ): Promise<{ token: string; sharingAllowed: boolean }> {
    const token = `idcst_${randomBytes(32).toString('base64url')}`;
    const record: ShareTokenRecord = { ...ctx, recipientId: recipient.clientId, expiresAt: now() + ttl, mintedAt: Date.now() };
    await this.#store.set('share-token', digest(token), record, ttl);
    return { token, sharingAllowed: await this.#sharingAllowed(ctx, recipient) };
  }

  async createShareLink(
    ctx: ConnectContext,
    recipient: KitClient,
    input: { redirectUri: string; state: string; displayMode: 'page' | 'popup' },
  ): Promise<{ id: string; expiresIn: number }> {
    const integrator = this.#clients.get(ctx.integratorId);
    if (!integrator?.redirectUris.includes(input.redirectUri)) {
      throw new HttpError(400, 'invalid_redirect_uri', 'redirectUri is not registered for this client');
    }
    if (!recipient.allowedDonors.includes(ctx.integratorId)) {
      throw new HttpError(403, 'donor_not_allowed', 'the recipient does not accept shares from this client');
    }
    const id = randomBytes(32).toString('base64url');
    const record: ShareLinkRecord = { ...ctx, recipientId: recipient.clientId, ...input, expiresAt: now() + SHARE_LINK_TTL };
    await this.#store.set('share-link', id, record, SHARE_LINK_TTL + LINK_TOMBSTONE);
    return { id, expiresIn: SHARE_LINK_TTL };
  }

  async lookupLink(id: string): Promise<LinkLookup> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return { status: 'invalid' };
    const link = await this.#store.get<ShareLinkRecord>('share-link', id);
    if (!link) return { status: 'invalid' };
    const decision = await this.#store.get<ShareDecision>('share-decision', id);
    if (decision) return { status: 'used', link, decision };
    if (link.expiresAt <= now()) return { status: 'expired' };
    return { status: 'pending', link };
  }

  /**
   * Records the user's decision for a pending link and returns where to send the browser. Idempotent: a second
   * decision on the same link by the same account gets the first one's redirect, whatever it says.
   */
  async decide(id: string, accountId: string, decision: 'allow' | 'deny'): Promise<string | undefined> {
    const found = await this.lookupLink(id);
    if (found.status === 'used') return found.decision.accountId === accountId ? found.decision.location : undefined;
    if (found.status !== 'pending' || found.link.accountId !== accountId) return undefined;
    const { link } = found;

    const { jwt, jti, exp } = await this.#signer.sign({
      audience: link.integratorId,
      subject: link.accountId,
      forClientId: link.recipientId,
      sharingAllowed: decision === 'allow',
      state: link.state,
    });
    const url = new URL(link.redirectUri);
    url.searchParams.set('token', jwt);
    url.searchParams.set('state', link.state);
    const record: ShareDecision = { accountId, decision, location: url.href };
    // first writer wins; a concurrent duplicate reads the winner's result
    if (!(await this.#store.add('share-decision', id, record, CONSENT_TOKEN_TTL + LINK_TOMBSTONE))) {
      const winner = await this.#store.get<ShareDecision>('share-decision', id);
      return winner?.accountId === accountId ? winner.location : undefined;
    }
    const key = consentKey(link.accountId, link.integratorId, link.recipientId);
    if (decision === 'allow') {
      const grantedAt = now();
      await this.#store.set('consent', key, { grantedAt, linkJti: jti });
      await this.#indexConsent(link.accountId, { integratorId: link.integratorId, recipientId: link.recipientId, grantedAt }, true);
    } else {
      await this.withdraw(link.accountId, link.integratorId, link.recipientId);
    }
    await this.#store.set('consent-jti', jti, { linkId: id, exp }, Math.max(1, exp - now()));
    return url.href;
  }

  /** A live share token issued for this recipient, and everything sharing still needs, or a 4xx. */
  async #checkShareToken(token: string, recipient: KitClient): Promise<{ key: string; record: ShareTokenRecord }> {
    const key = digest(token);
    const record = await this.#store.get<ShareTokenRecord>('share-token', key);
    if (!record || record.expiresAt <= now()) {
      throw new HttpError(400, 'invalid_share_token', 'share token is unknown, used or expired');
    }
    if (record.recipientId !== recipient.clientId) {
      throw new HttpError(400, 'invalid_share_token', 'share token was issued for another recipient');
    }
    if (!recipient.allowedDonors.includes(record.integratorId)) {
      throw new HttpError(403, 'donor_not_allowed', 'this recipient does not accept shares from the issuing client');
    }
    if (!(await this.consentStands(record.accountId, record.integratorId, recipient.clientId))) {
      throw new HttpError(403, 'consent_required', 'the user has not consented to share with this recipient');
    }
    const cutoff = await this.#store.get<number>('consent-cutoff', consentKey(record.accountId, record.integratorId, recipient.clientId));
    if (cutoff !== undefined && (record.mintedAt ?? 0) <= cutoff) {
      // minted before the user withdrew or declined: dead for good, whatever was consented since
      await this.#store.delete('share-token', key);
      throw new HttpError(400, 'invalid_share_token', 'share token was minted before the user withdrew consent');
    }
    if (!(await this.#grantActive(record))) {
      throw new HttpError(403, 'consent_required', 'the user has revoked the issuing client\u2019s access');
    }
    return { key, record };
  }

  #level(recipient: KitClient, levelName: string | undefined): { name: string; requirements: LevelRequirement[] } {
    const name = levelName ?? Object.keys(recipient.levels)[0];
    const requirements = name === undefined ? undefined : recipient.levels[name];
    if (name === undefined || !requirements || !Object.hasOwn(recipient.levels, name)) {
      throw new HttpError(400, 'invalid_level', 'levelName is not a level of this recipient');
    }
    return { name, requirements };
  }

  /** Reuse step, first half: what the account could share for a level, without consuming the token. */
  async peek(token: string, recipient: KitClient, levelName: string | undefined): Promise<PeekResult> {
    const level = this.#level(recipient, levelName);
    const { record } = await this.#checkShareToken(token, recipient);
    const docs = relevantDocuments(await this.#accounts.documents(record.accountId), level.requirements);
    return {
      levelName: level.name,
      recipient: { clientId: recipient.clientId, name: recipient.name },
      requirements: structuredClone(level.requirements),
      documents: docs.map(toReuseDocument),
      expiresIn: Math.max(0, record.expiresAt - now()),
    };
  }

  /**
   * Redeems a share token once. The selection is resolved and checked before the token is consumed, so a
   * refused selection leaves the token usable and shares nothing.
   */
  async redeem(
    token: string,
    recipient: KitClient,
    levelName: string,
    selections: Selection[] | undefined,
  ): Promise<RedeemResult> {
    const level = this.#level(recipient, levelName);
    const { key, record } = await this.#checkShareToken(token, recipient);
    const docs = await this.#accounts.documents(record.accountId);
    const { chosen, missing } = resolveSelection(docs, level.requirements, selections);
    if (!(await this.#store.take<ShareTokenRecord>('share-token', key))) {
      throw new HttpError(400, 'invalid_share_token', 'share token is unknown, used or expired');
    }
    const result: RedeemResult = {
      applicantId: `app_${randomBytes(12).toString('hex')}`,
      levelName: level.name,
      status: missing.length ? 'incomplete' : 'completed',
      documents: chosen.map(({ requirementId, document }) => ({
        id: document.id,
        type: document.type,
        country: document.country,
        requirementId,
      })),
      missing,
    };
    await this.#store.set('applicant', result.applicantId, {
      ...result,
      recipientId: recipient.clientId,
      accountId: record.accountId,
      integratorId: record.integratorId,
      createdAt: now(),
    });
    return result;
  }
}
