import { createHash, randomBytes } from 'node:crypto';
import type { Accounts } from './accounts.js';
import type { ClientDirectory, KitClient, LevelRequirement } from './clients.js';
import { CONSENT_TOKEN_TTL, type ConsentSigner } from './consent-jwt.js';
import { HttpError } from '../shared/http.js';
import {
  relevantDocuments,
  resolveSelection,
  reusable,
  toReuseDocument,
  type ReuseDocument,
  type Selection,
} from './reuse.js';
import type { Partnerships } from './partnerships.js';
import { withStoreLock, type KitStore } from './store.js';
import type { Webhooks } from './webhooks.js';

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
  | { status: 'expired'; link: ShareLinkRecord }
  | { status: 'invalid' };

export const SHARE_TOKEN_MAX_TTL = 86_400;
export const SHARE_TOKEN_DEFAULT_TTL = 1800;
export const SHARE_LINK_TTL = 300;
/** how long a link's record outlives its expiry, so a late visit reads "expired" rather than "invalid" */
const LINK_TOMBSTONE = 3600;

const now = () => Math.floor(Date.now() / 1000);
const digest = (secret: string) => createHash('sha256').update(secret).digest('base64url');
const consentKey = (accountId: string, integratorId: string, recipientId: string) =>
  JSON.stringify([accountId, integratorId, recipientId]);
/** how long a withdrawal's cut-off is kept: longer than any share token lives */
const CUTOFF_TTL = 86_400 + 3600;

export interface ReviewCheck {
  /** the requirement of the level it checks (`identity`, `address`, …), or `liveness` / `face_match` (the selfie) */
  type: string;
  result: 'passed' | 'failed';
  /** `missing`, `not_reusable`; for the selfie's checks `not_performed` or the capture's reason (`face_mismatch`, …) */
  reason?: string;
}

/** A capture's outcome as the reuse step reads it (the ownership check, docs/security.md §42). */
export interface OwnershipOutcome {
  status: 'passed' | 'failed';
  liveness: { result: 'passed' | 'failed'; reason?: string };
  faceMatch: { result: 'passed' | 'failed' | 'not_run'; reason?: string };
}

/**
 * The ownership check of the reuse step, for a level that takes a `selfie`: where the user takes it (a
 * provider-hosted page bound to the share token's account) and what came of it. Supplied by the provider
 * (liveness/reuse.ts); without it a `selfie` requirement is never met.
 */
export interface OwnershipCheck {
  request(tokenKey: string, token: { accountId: string; recipientId: string; expiresAt: number }): Promise<{ url: string }>;
  outcome(tokenKey: string): Promise<OwnershipOutcome | undefined>;
}

/** Requirements met by the ownership check rather than by a stored document. */
const needsSelfie = (r: LevelRequirement) => r.accepts.includes('selfie');

export interface RedeemResult {
  applicantId: string;
  /** the recipient's own id for the user (`userId` of the request), or null */
  externalUserId: string | null;
  levelName: string;
  status: 'approved' | 'rejected';
  review: { answer: 'GREEN' | 'RED'; rejectLabels: string[] };
  checks: ReviewCheck[];
  documents: { id: string; type: string; country?: string; requirementId: string }[];
  /** required requirements nothing could be reused for (to be collected fresh) */
  missing: string[];
}

/** What a consent covered: the document types its screen listed (docs/security.md §38). */
interface ConsentRecord {
  grantedAt: number;
  linkJti?: string;
  levelName?: string;
  accepts?: string[];
}

export interface PeekResult {
  levelName: string;
  recipient: { clientId: string; name: string };
  requirements: LevelRequirement[];
  documents: ReuseDocument[];
  expiresIn: number;
  /**
   * For a level that takes a `selfie`: the provider-hosted page where the user proves they hold the account
   * (open it for the user), and whether a capture for this token has passed (`/api/reuse` fails the level until then).
   */
  ownership?: { url: string; status: 'required' | 'passed' | 'failed'; reason?: string };
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
  readonly #partnerships: Partnerships;
  readonly #webhooks: Webhooks | undefined;
  readonly #linkTtl: (accountId: string, normal: number) => number;
  readonly #ownership: OwnershipCheck | undefined;

  constructor(deps: {
    store: KitStore;
    accounts: Accounts;
    clients: ClientDirectory;
    signer: ConsentSigner;
    grantActive: (ctx: ConnectContext) => Promise<boolean>;
    partnerships: Partnerships;
    webhooks?: Webhooks;
    /** seconds a new share link of the account lives, given the normal {@link SHARE_LINK_TTL} (the sandbox's expired links) */
    linkTtl?: (accountId: string, normal: number) => number;
    /** the selfie of a level that takes one */
    ownership?: OwnershipCheck;
  }) {
    this.#store = deps.store;
    this.#accounts = deps.accounts;
    this.#clients = deps.clients;
    this.#signer = deps.signer;
    this.#grantActive = deps.grantActive;
    this.#partnerships = deps.partnerships;
    this.#webhooks = deps.webhooks;
    this.#linkTtl = deps.linkTtl ?? ((_accountId, normal) => normal);
    this.#ownership = deps.ownership;
  }

  /** The level a share consent screen lists for this recipient: its first. */
  consentLevel(recipient: KitClient): { name: string; requirements: LevelRequirement[] } {
    const [name, requirements] = Object.entries(recipient.levels)[0] ?? ['', []];
    return { name, requirements };
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

  /**
   * The account's standing consents, oldest first. The index is a convenience; each entry is checked against its
   * consent record, so an index write that lost a race with a withdrawal never lists a consent that is gone.
   */
  async consentsOf(accountId: string): Promise<ConsentEntry[]> {
    const index = (await this.#store.get<Record<string, ConsentEntry>>('account-consents', accountId)) ?? {};
    const entries = Object.values(index);
    const standing = await Promise.all(entries.map((e) => this.consentStands(accountId, e.integratorId, e.recipientId)));
    return entries.filter((_e, i) => standing[i]).sort((a, b) => a.grantedAt - b.grantedAt);
  }

  /** Read-modify-write of the account's index, under the account's lock (so two consents at once both land). */
  async #indexConsent(accountId: string, entry: ConsentEntry, present: boolean): Promise<void> {
    await withStoreLock(this.#store, 'account-consents', accountId, async () => {
      const index = (await this.#store.get<Record<string, ConsentEntry>>('account-consents', accountId)) ?? {};
      const key = `${entry.integratorId} ${entry.recipientId}`;
      if (present) index[key] = entry;
      else delete index[key];
      await this.#store.set('account-consents', accountId, index);
    });
  }

  /**
   * Ends the consent for (account, integrator, recipient) and kills every share token minted for that triple until
   * now, for good: a later consent does not bring them back (docs/security.md §39). Resolves whether a consent stood.
   *
   * Under the triple's lock, which every redeem of the triple holds from its checks to spending its token: a redeem
   * either spent its token before the cut-off was written, or runs its checks after and finds it. So no redeem
   * succeeds after a withdrawal, on any instance sharing the database.
   */
  async withdraw(accountId: string, integratorId: string, recipientId: string): Promise<boolean> {
    const key = consentKey(accountId, integratorId, recipientId);
    const existed = await withStoreLock(this.#store, 'consent', key, async () => {
      // the cut-off's time is read inside the lock: later than the spending of every redeem that got in first
      await this.#store.set('consent-cutoff', key, Date.now(), CUTOFF_TTL);
      return (await this.#store.take('consent', key)) !== undefined;
    });
    await this.#indexConsent(accountId, { integratorId, recipientId, grantedAt: 0 }, false);
    return existed;
  }

  async mintShareToken(
    ctx: ConnectContext,
    recipient: KitClient,
    ttl: number,
  ): Promise<{ token: string; sharingAllowed: boolean }> {
    await this.#partnerships.requireActive(ctx.integratorId, recipient.clientId);
    const token = `idcst_${randomBytes(32).toString('base64url')}`;
    const record: ShareTokenRecord = { ...ctx, recipientId: recipient.clientId, expiresAt: now() + ttl, mintedAt: Date.now() };
    await this.#store.set('share-token', digest(token), record, ttl);
    return { token, sharingAllowed: await this.consentStands(ctx.accountId, ctx.integratorId, recipient.clientId) };
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
    await this.#partnerships.requireActive(ctx.integratorId, recipient.clientId);
    const id = randomBytes(32).toString('base64url');
    const ttl = this.#linkTtl(ctx.accountId, SHARE_LINK_TTL);
    const record: ShareLinkRecord = { ...ctx, recipientId: recipient.clientId, ...input, expiresAt: now() + ttl };
    await this.#store.set('share-link', id, record, ttl + LINK_TOMBSTONE);
    return { id, expiresIn: ttl };
  }

  async lookupLink(id: string): Promise<LinkLookup> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return { status: 'invalid' };
    const link = await this.#store.get<ShareLinkRecord>('share-link', id);
    if (!link) return { status: 'invalid' };
    const decision = await this.#store.get<ShareDecision>('share-decision', id);
    if (decision) return { status: 'used', link, decision };
    if (link.expiresAt <= now()) return { status: 'expired', link };
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
    // as in the product model, only `token`: the state travels inside the signed JWT
    const url = new URL(link.redirectUri);
    url.searchParams.set('token', jwt);
    const record: ShareDecision = { accountId, decision, location: url.href };
    // first writer wins; a concurrent duplicate reads the winner's result
    if (!(await this.#store.add('share-decision', id, record, CONSENT_TOKEN_TTL + LINK_TOMBSTONE))) {
      const winner = await this.#store.get<ShareDecision>('share-decision', id);
      return winner?.accountId === accountId ? winner.location : undefined;
    }
    if (decision === 'allow') {
      const grantedAt = now();
      const recipient = this.#clients.recipient(link.recipientId);
      const shown = recipient ? this.consentLevel(recipient) : { name: '', requirements: [] };
      const consent: ConsentRecord = {
        grantedAt,
        linkJti: jti,
        levelName: shown.name,
        accepts: [...new Set(shown.requirements.flatMap((r) => r.accepts))],
      };
      await this.#store.set('consent', consentKey(link.accountId, link.integratorId, link.recipientId), consent);
      await this.#indexConsent(link.accountId, { integratorId: link.integratorId, recipientId: link.recipientId, grantedAt }, true);
    } else {
      await this.withdraw(link.accountId, link.integratorId, link.recipientId);
    }
    await this.#store.set('consent-jti', jti, { linkId: id, exp }, Math.max(1, exp - now()));
    return url.href;
  }

  /**
   * A live share token issued for this recipient, and everything sharing still needs, or a 4xx: the partnership,
   * the consent (covering what the level takes), the cut-off of a withdrawal, the integrator's connection.
   */
  async #checkShareToken(
    token: string,
    recipient: KitClient,
    level: { requirements: LevelRequirement[] },
  ): Promise<{ key: string; record: ShareTokenRecord }> {
    const { key, record } = await this.#liveToken(token, recipient);
    await this.#partnerships.requireActive(record.integratorId, recipient.clientId);
    const consent = await this.#store.get<ConsentRecord>('consent', consentKey(record.accountId, record.integratorId, recipient.clientId));
    if (!consent) throw new HttpError(403, 'consent_required', 'the user has not consented to share with this recipient');
    const cutoff = await this.#store.get<number>('consent-cutoff', consentKey(record.accountId, record.integratorId, recipient.clientId));
    if (cutoff !== undefined && (record.mintedAt ?? 0) <= cutoff) {
      // minted before the user withdrew or declined: dead for good, whatever was consented since
      await this.#store.delete('share-token', key);
      throw new HttpError(400, 'invalid_share_token', 'share token was minted before the user withdrew consent');
    }
    if (!(await this.#grantActive(record))) {
      throw new HttpError(403, 'consent_required', 'the user has revoked the issuing client\u2019s access');
    }
    // a consent covers what its screen listed; a level taking more needs its own consent (§38)
    const covered = new Set(consent.accepts ?? this.consentLevel(recipient).requirements.flatMap((r) => r.accepts));
    if (level.requirements.some((r) => r.accepts.some((type) => !covered.has(type)))) {
      throw new HttpError(403, 'consent_scope_exceeded', 'the level takes more than the user consented to share');
    }
    return { key, record };
  }

  /** The live token record issued for this recipient, or a 400. */
  async #liveToken(token: string, recipient: KitClient): Promise<{ key: string; record: ShareTokenRecord }> {
    const key = digest(token);
    const record = await this.#store.get<ShareTokenRecord>('share-token', key);
    if (!record || record.expiresAt <= now()) {
      throw new HttpError(400, 'invalid_share_token', 'share token is unknown, used or expired');
    }
    if (record.recipientId !== recipient.clientId) {
      throw new HttpError(400, 'invalid_share_token', 'share token was issued for another recipient');
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
    const { key, record } = await this.#checkShareToken(token, recipient, level);
    // only what may be shared: verified and unexpired documents of the level's types (§38)
    const docs = relevantDocuments(await this.#accounts.documents(record.accountId), level.requirements).filter(reusable);
    const result: PeekResult = {
      levelName: level.name,
      recipient: { clientId: recipient.clientId, name: recipient.name },
      requirements: structuredClone(level.requirements),
      documents: docs.map(toReuseDocument),
      expiresIn: Math.max(0, record.expiresAt - now()),
    };
    if (this.#ownership && level.requirements.some(needsSelfie)) {
      const { url } = await this.#ownership.request(key, record);
      const outcome = await this.#ownership.outcome(key);
      const reason = outcome?.status === 'failed' ? (outcome.faceMatch.reason ?? outcome.liveness.reason) : undefined;
      result.ownership = { url, status: outcome?.status ?? 'required', ...(reason ? { reason } : {}) };
    }
    return result;
  }

  /**
   * Redeems a share token once and runs the level's checks fresh on what the account holds now: each requirement
   * is met by a verified, unexpired document (the one chosen in the reuse step, else the newest). The selection is
   * resolved and checked before the token is consumed, so a refused selection leaves the token usable. The same
   * (recipient, `userId`) updates one applicant; the verdict also goes to the recipient's webhook.
   *
   * From the checks to spending the token, the redeem holds the lock of its (account, integrator, recipient), the
   * one {@link ShareService.withdraw} takes: see there. Spending is one `take` (SQL: `DELETE … RETURNING`), so of
   * any number of concurrent redeems of one token, on any instance, exactly one gets it.
   */
  async redeem(
    token: string,
    recipient: KitClient,
    levelName: string,
    selections: Selection[] | undefined,
    userId?: string,
  ): Promise<RedeemResult> {
    const level = this.#level(recipient, levelName);
    const { record: owner } = await this.#liveToken(token, recipient);
    const triple = consentKey(owner.accountId, owner.integratorId, recipient.clientId);
    const selfie = level.requirements.some(needsSelfie);
    const { record, chosen, missing, ownership } = await withStoreLock(this.#store, 'consent', triple, async () => {
      const { key, record } = await this.#checkShareToken(token, recipient, level);
      const docs = await this.#accounts.documents(record.accountId);
      const { chosen, missing } = resolveSelection(docs, level.requirements, selections);
      // the selfie is judged by the provider on a capture bound to this very token (docs/security.md §42)
      const ownership = selfie ? await this.#ownership?.outcome(key) : undefined;
      if (!(await this.#store.take<ShareTokenRecord>('share-token', key))) {
        throw new HttpError(400, 'invalid_share_token', 'share token is unknown, used or expired');
      }
      return { record, chosen, missing, ownership };
    });
    const covered = new Set(chosen.map((c) => c.requirementId));
    const selfiePassed = ownership?.status === 'passed';
    if (selfiePassed) for (const r of level.requirements.filter(needsSelfie)) covered.add(r.id);
    const stillMissing = missing.filter((id) => !covered.has(id));
    const checks: ReviewCheck[] = level.requirements
      .filter((r) => r.required || covered.has(r.id))
      .map((r) => (covered.has(r.id) ? { type: r.id, result: 'passed' } : { type: r.id, result: 'failed', reason: 'missing' }));
    if (selfie) {
      const check = (type: string, c: { result: string; reason?: string } | undefined): ReviewCheck =>
        c?.result === 'passed' ? { type, result: 'passed' } : { type, result: 'failed', reason: c?.result === 'failed' ? (c.reason ?? 'failed') : 'not_performed' };
      checks.push(check('liveness', ownership?.liveness), check('face_match', ownership?.faceMatch));
    }
    const approved = checks.every((c) => c.result === 'passed');
    const applicantId = await this.#applicantId(recipient.clientId, userId);
    const result: RedeemResult = {
      applicantId,
      externalUserId: userId ?? null,
      levelName: level.name,
      status: approved ? 'approved' : 'rejected',
      review: {
        answer: approved ? 'GREEN' : 'RED',
        rejectLabels: checks.filter((c) => c.result === 'failed').map((c) => `${c.type.toUpperCase()}_NOT_PROVIDED`),
      },
      checks,
      documents: chosen.map(({ requirementId, document }) => ({
        id: document.id,
        type: document.type,
        country: document.country,
        requirementId,
      })),
      missing: stillMissing,
    };
    await this.#store.set('applicant', applicantId, {
      ...result,
      recipientId: recipient.clientId,
      accountId: record.accountId,
      integratorId: record.integratorId,
      reviewedAt: now(),
    });
    await this.#webhooks?.applicantReviewed(recipient.clientId, {
      applicantId,
      externalUserId: result.externalUserId,
      levelName: result.levelName,
      review: result.review,
    });
    return result;
  }

  /** The applicant of (recipient, userId) if there is one, else a new id (claimed atomically per pair). */
  async #applicantId(recipientId: string, userId: string | undefined): Promise<string> {
    const fresh = `app_${randomBytes(12).toString('hex')}`;
    if (userId === undefined) return fresh;
    const ref = createHash('sha256').update(JSON.stringify([recipientId, userId])).digest('base64url');
    if (await this.#store.add('applicant-ref', ref, fresh)) return fresh;
    return (await this.#store.get<string>('applicant-ref', ref)) ?? fresh;
  }
}
