import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';

/** Everything secret the provider needs. Generated in memory at start unless a file is given. */
export interface ProviderKeys {
  /** private JWKS handed to oidc-provider: an RS256 key for ID tokens, an ES256 key for consent tokens */
  jwks: { keys: JWK[] };
  /** kid of the ES256 key that signs consent JWTs */
  consentKid: string;
  /** keys for oidc-provider's signed cookies (first one signs) */
  cookieKeys: string[];
  /** HMAC key for the CSRF tokens of the provider's own forms */
  csrfKey: string;
}

async function privateJwk(kind: 'rsa' | 'ec', alg: 'RS256' | 'ES256'): Promise<JWK> {
  const { privateKey } =
    kind === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint(jwk, 'sha256');
  return { ...jwk, kid, alg, use: 'sig' };
}

export async function generateKeys(): Promise<ProviderKeys> {
  const rsa = await privateJwk('rsa', 'RS256');
  const ec = await privateJwk('ec', 'ES256');
  return {
    jwks: { keys: [rsa, ec] },
    consentKid: ec.kid!,
    cookieKeys: [randomBytes(32).toString('base64url')],
    csrfKey: randomBytes(32).toString('base64url'),
  };
}

function isProviderKeys(value: unknown): value is ProviderKeys {
  const v = value as Partial<ProviderKeys> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    Array.isArray(v.jwks?.keys) &&
    typeof v.consentKid === 'string' &&
    v.jwks.keys.some((k) => k.kid === v.consentKid && k.kty === 'EC' && k.crv === 'P-256' && typeof k.d === 'string') &&
    v.jwks.keys.some((k) => k.kty === 'RSA' && typeof k.d === 'string') &&
    Array.isArray(v.cookieKeys) &&
    v.cookieKeys.length > 0 &&
    typeof v.csrfKey === 'string'
  );
}

/**
 * Reads the keys from `path`, or generates them and writes the file (mode 0600) when it does not exist. Several
 * instances behind one issuer share one file, and may start at the same moment on a fresh one: the file appears
 * whole or not at all (written aside, then hard-linked into place, which fails if another got there first), and
 * whoever loses that race reads the winner's keys.
 */
export async function loadOrCreateKeys(path: string | undefined): Promise<ProviderKeys> {
  if (!path) return generateKeys();
  let text = await readIfExists(path);
  if (text === undefined) {
    const keys = await generateKeys();
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const aside = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}`);
    await writeFile(aside, JSON.stringify(keys, null, 2), { mode: 0o600, flag: 'wx' });
    try {
      await link(aside, path);
      return keys;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      text = await readFile(path, 'utf8');
    } finally {
      await rm(aside, { force: true });
    }
  }
  const parsed: unknown = JSON.parse(text);
  if (!isProviderKeys(parsed)) throw new Error(`${path} is not a provider key file (jwks, consentKid, cookieKeys, csrfKey)`);
  return parsed;
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return undefined;
  }
}
