/**
 * Sandbox accounts: test accounts whose flows end in a scripted way, for integrators' own browser tests against
 * `npm start` (issue 11, item 4). They exist only in the demo configuration (`startProvider({ dev: true })`, as the
 * `/dev/*` routes do), never by default.
 *
 * Each account signs in on the real login page with one password ({@link SANDBOX_PASSWORD}); after that the
 * provider answers, where a person would click, the way the account's script says — through the same code a
 * person's click reaches: oidc-provider's interaction is finished with the grant or with `access_denied`, the share
 * link is decided by the share service (a signed consent token, the consent recorded or withdrawn), a window is
 * closed by the page in it. So the kit sees exactly what it sees in production, and reports it through its events.
 *
 * Every password sign-in puts a sandbox account back to its script (documents, review, no share consents), so a
 * test run finds the same account whatever the runs before it did.
 */
import type { ServerResponse } from 'node:http';
import type { AccountSeed, Accounts, VerifiedDocument } from './accounts.js';
import type { Messages } from './i18n.js';
import type { ShareService } from './shares.js';
import type { KitStore } from './store.js';
import type { Review } from './verification.js';
import { messageBody, newNonce, page, sendHtml } from './views.js';

/** The one password of every sandbox account. */
export const SANDBOX_PASSWORD = 'sandbox-demo';

/**
 * How long the slow account's provider takes to answer each step (the sign-in, the connect consent, the share
 * consent): long enough to see the kit's pending state, far below its default `timeout` of 600 s.
 */
export const SANDBOX_SLOW_MS = 3000;

/** How long the expired link's page stays before it follows its way back to the integrator. */
export const SANDBOX_PAGE_MS = 1000;

/**
 * How long a page that closes its own window stays open. Longer than the 4 s after a navigation in which the kit
 * reads a closed popup as a possible Cross-Origin-Opener-Policy severance and waits for the opener to regain focus
 * (docs/security.md §4) — automated browsers do not move focus back to the opener — so the kit reports
 * `popup_closed` after its 2 s grace period in every browser: about 7 s after the page appears.
 */
export const SANDBOX_CLOSE_MS = 5000;

/**
 * What the provider does where a person would answer the connect step (`<idc-verify-button>`):
 * `allow` / `deny` the connect consent; `close` the window instead of showing the consent; `rejected`: the account is
 * not verified and its review was rejected, so the rejection is shown (reason and **Try again**) and the window
 * closes, as a person who gives up would close it.
 */
export type ConnectScript = 'allow' | 'deny' | 'close' | 'rejected';

/**
 * What the provider does where a person would answer the share consent (`<idc-share-button>`): `allow` / `deny`
 * it; `close` the window instead; `expired`: every share link of the account is issued already expired, and its
 * page returns to the integrator with `error=link_expired`, as a person following the page's link back would.
 */
export type ShareScript = 'allow' | 'deny' | 'close' | 'expired';

export interface SandboxScript {
  connect: ConnectScript;
  share: ShareScript;
  /** ms before each step is answered (sign-in, connect consent, share consent); 0 for all but the slow account */
  delayMs: number;
}

export interface SandboxAccount extends AccountSeed {
  script: SandboxScript;
}

const PASSPORT: VerifiedDocument = {
  id: 'passport',
  type: 'passport',
  country: 'NL',
  issuedAt: '2022-01-10',
  expiresAt: '2032-01-09',
  status: 'verified',
};
const PROOF_OF_ADDRESS: VerifiedDocument = {
  id: 'poa',
  type: 'proof_of_address',
  label: 'Utility bill',
  country: 'NL',
  issuedAt: '2026-09-01',
  status: 'verified',
};

/** Verified people: a passport and a proof of address, so every demo recipient's level is met. */
function verifiedAccount(name: string, script: Omit<SandboxScript, 'delayMs'> & { delayMs?: number }): SandboxAccount {
  const id = `acc-sandbox-${name}`;
  return {
    id,
    email: `sandbox+${name}@example.com`,
    password: SANDBOX_PASSWORD,
    documents: [PASSPORT, PROOF_OF_ADDRESS].map((d) => ({ ...d, id: `doc-sandbox-${name}-${d.id}` })),
    script: { delayMs: 0, ...script },
  };
}

export const SANDBOX_ACCOUNTS: readonly SandboxAccount[] = [
  verifiedAccount('approve', { connect: 'allow', share: 'allow' }),
  verifiedAccount('deny', { connect: 'deny', share: 'deny' }),
  {
    id: 'acc-sandbox-rejected',
    email: 'sandbox+rejected@example.com',
    password: SANDBOX_PASSWORD,
    verified: false,
    documents: [
      {
        id: 'doc-sandbox-rejected-passport',
        type: 'passport',
        country: 'NL',
        issuedAt: '2012-01-10',
        expiresAt: '2022-01-09',
        status: 'rejected',
      },
    ],
    script: { connect: 'rejected', share: 'close', delayMs: 0 },
  },
  verifiedAccount('slow', { connect: 'allow', share: 'allow', delayMs: SANDBOX_SLOW_MS }),
  verifiedAccount('popup-closed', { connect: 'close', share: 'close' }),
  verifiedAccount('consent-declined', { connect: 'allow', share: 'deny' }),
  verifiedAccount('share-closed', { connect: 'allow', share: 'close' }),
  verifiedAccount('link-expired', { connect: 'allow', share: 'expired' }),
];

/** The rejected account's review, as the rules would have decided it (verification.ts). */
function rejectedReview(seed: SandboxAccount, now: number): Review {
  return {
    id: `rev-${seed.id}`,
    accountId: seed.id,
    documentId: seed.documents[0]!.id,
    status: 'rejected',
    checks: [
      { type: 'document_image', result: 'passed' },
      { type: 'document_validity', result: 'failed', reason: 'document_expired' },
    ],
    reason: 'document_expired',
    submittedAt: now,
    decideAt: now,
    decidedAt: now,
    decidedBy: 'rules',
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The script to close the page's own window once it has been seen (a popup the kit opened may close itself). */
function closeWindowScript(nonce: string): string {
  return `<script nonce="${nonce}">setTimeout(function () { window.close(); }, ${SANDBOX_CLOSE_MS});</script>`;
}

export class Sandbox {
  readonly #store: KitStore;
  readonly #accounts: Accounts;
  readonly #byId = new Map(SANDBOX_ACCOUNTS.map((a) => [a.id, a]));

  constructor(deps: { store: KitStore; accounts: Accounts }) {
    this.#store = deps.store;
    this.#accounts = deps.accounts;
  }

  /** Creates the sandbox accounts that do not exist yet (an existing one is put back to its script at sign-in). */
  async seed(): Promise<void> {
    const missing: SandboxAccount[] = [];
    for (const seed of SANDBOX_ACCOUNTS) if (!(await this.#accounts.findById(seed.id))) missing.push(seed);
    if (!missing.length) return;
    await this.#accounts.seed(missing);
    for (const seed of missing) await this.#restoreReview(seed);
  }

  /** The script of a sandbox account; undefined for everyone else. */
  scriptFor(accountId: string | undefined): SandboxScript | undefined {
    return accountId === undefined ? undefined : this.#byId.get(accountId)?.script;
  }

  /**
   * After a password sign-in: a sandbox account is put back to its script — its documents, its verified flag, its
   * review, and none of its share consents (withdrawn as a person would, so tokens minted before stay dead) — then
   * the step's delay is waited out. Nothing happens for anyone else.
   */
  async signedIn(accountId: string, shares: ShareService): Promise<void> {
    const seed = this.#byId.get(accountId);
    if (!seed) return;
    await this.#store.set('documents', seed.id, structuredClone(seed.documents));
    await this.#accounts.setVerified(seed.id, seed.verified ?? true);
    await this.#restoreReview(seed);
    for (const consent of await shares.consentsOf(seed.id)) await shares.withdraw(seed.id, consent.integratorId, consent.recipientId);
    await this.delay(accountId);
  }

  /** Waits out the account's delay before a step is answered (the slow account), else returns at once. */
  async delay(accountId: string | undefined): Promise<void> {
    const ms = this.scriptFor(accountId)?.delayMs ?? 0;
    if (ms > 0) await sleep(ms);
  }

  /** Seconds a new share link of this account lives: 0 (expired when opened) for `share: 'expired'`. */
  linkTtl(accountId: string, normal: number): number {
    return this.scriptFor(accountId)?.share === 'expired' ? 0 : normal;
  }

  /** For the rejection page of the `rejected` account: closes its window after {@link SANDBOX_CLOSE_MS}. */
  rejectionScript(accountId: string, nonce: string): string {
    return this.scriptFor(accountId)?.connect === 'rejected' ? closeWindowScript(nonce) : '';
  }

  /** For the expired link's page: follows its return link (`#idc-return`) after {@link SANDBOX_PAGE_MS}. */
  returnScript(accountId: string, nonce: string): string {
    if (this.scriptFor(accountId)?.share !== 'expired') return '';
    const follow = `var a = document.getElementById('idc-return'); if (a) location.replace(a.href);`;
    return `<script nonce="${nonce}">setTimeout(function () { ${follow} }, ${SANDBOX_PAGE_MS});</script>`;
  }

  /** The page a `close` script shows: it says what happens and closes its own window. */
  sendClosingPage(res: ServerResponse, m: Messages, coop: boolean): void {
    const nonce = newNonce();
    const title = m.t('sandboxClosingTitle');
    const body = messageBody({ title, text: m.t('sandboxClosingText') });
    sendHtml(res, 200, page({ m, title, nonce, body, scripts: closeWindowScript(nonce) }), nonce, { coop });
  }

  async #restoreReview(seed: SandboxAccount): Promise<void> {
    if (seed.script.connect === 'rejected') await this.#store.set('review', seed.id, rejectedReview(seed, Date.now()));
    else await this.#store.delete('review', seed.id);
  }
}
