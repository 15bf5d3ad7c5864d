import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { KitStore } from './store.js';

/** A document the provider has checked for the account (the shape `<idc-reuse-selection>` shows). */
export interface VerifiedDocument {
  id: string;
  type: string;
  label?: string;
  country?: string;
  issuedAt?: string;
  expiresAt?: string;
  /** stored review result; `expired` is derived from `expiresAt` when read */
  status: 'verified' | 'rejected' | 'pending';
}

export type DocumentStatus = VerifiedDocument['status'] | 'expired';

export interface AccountRecord {
  id: string;
  email: string;
  /** `scrypt$N$r$p$salt$hash` (base64url parts) */
  passwordHash: string;
  /**
   * The identity behind the account has passed a review. Only verified accounts reach the connect consent of a
   * request asking for `share` (the integrator's implicit verification signal, docs/security.md §37).
   */
  verified: boolean;
  /** epoch seconds */
  createdAt: number;
}

export interface AccountSeed {
  id: string;
  email: string;
  password: string;
  documents: VerifiedDocument[];
  /** default true: the demo's seeded people are verified */
  verified?: boolean;
}

/** The demo's seeded people. alice@example.com / alice-demo is the one the contract names. */
export const DEMO_ACCOUNTS: readonly AccountSeed[] = [
  {
    id: 'acc-alice',
    email: 'alice@example.com',
    password: 'alice-demo',
    documents: [
      {
        id: 'doc-alice-passport',
        type: 'passport',
        country: 'DE',
        issuedAt: '2021-03-15',
        expiresAt: '2031-03-14',
        status: 'verified',
      },
      {
        id: 'doc-alice-id-card-2014',
        type: 'id_card',
        country: 'DE',
        issuedAt: '2014-05-02',
        expiresAt: '2024-05-01',
        status: 'verified',
      },
      {
        id: 'doc-alice-poa',
        type: 'proof_of_address',
        label: 'Utility bill',
        country: 'DE',
        issuedAt: '2026-08-03',
        status: 'verified',
      },
    ],
  },
  {
    id: 'acc-bob',
    email: 'bob@example.com',
    password: 'bob-demo',
    documents: [
      {
        id: 'doc-bob-driving-licence',
        type: 'driving_license',
        country: 'FR',
        issuedAt: '2019-09-10',
        expiresAt: '2034-09-09',
        status: 'verified',
      },
      { id: 'doc-bob-poa', type: 'proof_of_address', country: 'FR', issuedAt: '2026-10-01', status: 'pending' },
    ],
  },
];

const SCRYPT: ScryptOptions = { N: 1 << 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LEN = 32;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(password.normalize('NFKC'), salt, KEY_LEN, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Status as the recipient should see it today: a verified document past its expiry date is `expired`. */
export function documentStatus(doc: VerifiedDocument, today = new Date().toISOString().slice(0, 10)): DocumentStatus {
  if (doc.status === 'verified' && doc.expiresAt !== undefined && doc.expiresAt < today) return 'expired';
  return doc.status;
}

export class Accounts {
  readonly #store: KitStore;
  /** compared against when the e-mail is unknown, so both paths cost one scrypt */
  #dummyHash: string | undefined;

  constructor(store: KitStore) {
    this.#store = store;
  }

  async seed(seeds: readonly AccountSeed[]): Promise<void> {
    this.#dummyHash = await hashPassword(randomBytes(16).toString('base64url'));
    for (const seed of seeds) {
      // a seed never overwrites an account that already exists (a persistent store keeps the user's changes)
      if (await this.findById(seed.id)) continue;
      const record: AccountRecord = {
        id: seed.id,
        email: normalizeEmail(seed.email),
        passwordHash: await hashPassword(seed.password),
        verified: seed.verified ?? true,
        createdAt: Math.floor(Date.now() / 1000),
      };
      await this.#store.set('account', record.id, record);
      await this.#store.set('account-email', record.email, record.id);
      await this.#store.set('documents', record.id, seed.documents);
    }
  }

  async findById(id: string): Promise<AccountRecord | undefined> {
    const record = await this.#store.get<AccountRecord>('account', id);
    // records written before `verified` existed belong to the seeded, verified people
    return record && { ...record, verified: record.verified ?? true, createdAt: record.createdAt ?? 0 };
  }

  async findByEmail(email: string): Promise<AccountRecord | undefined> {
    const id = await this.#store.get<string>('account-email', normalizeEmail(email));
    return id ? this.findById(id) : undefined;
  }

  /** The account for these credentials, or undefined. Takes about the same time whether the e-mail exists or not. */
  async authenticate(email: string, password: string): Promise<AccountRecord | undefined> {
    const account = await this.findByEmail(email);
    const ok = await verifyPassword(password, account?.passwordHash ?? this.#dummyHash ?? '');
    return ok && account ? account : undefined;
  }

  /**
   * Creates an unverified account for a confirmed e-mail address. Resolves undefined when the address already has
   * an account (claimed atomically, so two confirmations of one address make one account).
   */
  async create(email: string, passwordHash: string): Promise<AccountRecord | undefined> {
    const record: AccountRecord = {
      id: `acc-${randomBytes(12).toString('base64url')}`,
      email: normalizeEmail(email),
      passwordHash,
      verified: false,
      createdAt: Math.floor(Date.now() / 1000),
    };
    if (!(await this.#store.add('account-email', record.email, record.id))) return undefined;
    await this.#store.set('account', record.id, record);
    await this.#store.set('documents', record.id, []);
    return record;
  }

  async setVerified(accountId: string, verified: boolean): Promise<void> {
    const account = await this.findById(accountId);
    if (account) await this.#store.set('account', accountId, { ...account, verified });
  }

  async documents(accountId: string): Promise<VerifiedDocument[]> {
    return (await this.#store.get<VerifiedDocument[]>('documents', accountId)) ?? [];
  }

  /** Adds a document or replaces the one with the same id. */
  async putDocument(accountId: string, doc: VerifiedDocument): Promise<void> {
    const docs = (await this.documents(accountId)).filter((d) => d.id !== doc.id);
    await this.#store.set('documents', accountId, [...docs, doc]);
  }
}

/** E-mail addresses are compared trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * A plausible address a mail server takes: one `@`, a dot in the domain, at most 254 characters (RFC 5321), and none
 * of the characters that would make it a list, a display name or a header (spaces, controls, `<>,;:"()[]\`).
 */
export function isEmailAddress(email: string): boolean {
  if (email.length > 254 || [...email].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return false;
  return /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+\.[^\s@<>,;:"()[\]\\]+$/.test(email);
}
