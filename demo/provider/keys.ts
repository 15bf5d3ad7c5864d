import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
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

/** Reads the keys from `path`, or generates them and writes the file (mode 0600) when it does not exist. */
export async function loadOrCreateKeys(path: string | undefined): Promise<ProviderKeys> {
  if (!path) return generateKeys();
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (text === undefined) {
    const keys = await generateKeys();
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await writeFile(path, JSON.stringify(keys, null, 2), { mode: 0o600, flag: 'wx' });
    return keys;
  }
  const parsed: unknown = JSON.parse(text);
  if (!isProviderKeys(parsed)) throw new Error(`${path} is not a provider key file (jwks, consentKid, cookieKeys, csrfKey)`);
  return parsed;
}
