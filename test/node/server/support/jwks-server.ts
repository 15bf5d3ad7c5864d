/**
 * A real provider-side key server for the consent token tests, on 127.0.0.1:<random port>: serves a discovery
 * document and a JWKS whose contents and health can be switched, and counts every request it receives.
 */
import { KeyObject, randomUUID, sign } from 'node:crypto';
import type { webcrypto } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { CryptoKey, JWK, JWTPayload, JWTHeaderParameters } from 'jose';

export type JwksMode = 'ok' | 'down' | 'garbage';

export interface KeyServer {
  /** `http://127.0.0.1:<port>` — also the `issuer` of its discovery document. */
  origin: string;
  /** A JWKS URL never fetched before (own jose cache entry), so a test sees its own fetches. */
  freshJwksUri(): string;
  /** Requests per pathname. */
  count(path?: string): number;
  /** Total requests of any path. */
  total(): number;
  setKeys(keys: JWK[]): void;
  setMode(mode: JwksMode): void;
  /** Fields merged into the discovery document. */
  setDiscovery(overrides: Record<string, unknown>): void;
  close(): Promise<void>;
}

export async function startKeyServer(initialKeys: JWK[] = []): Promise<KeyServer> {
  let keys = initialKeys;
  let mode: JwksMode = 'ok';
  let discoveryOverrides: Record<string, unknown> = {};
  const counts = new Map<string, number>();
  let origin = '';
  let serial = 0;

  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    if (path === '/.well-known/openid-configuration') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({
        issuer: origin,
        jwks_uri: `${origin}/jwks`,
        authorization_endpoint: `${origin}/auth`,
        token_endpoint: `${origin}/token`,
        response_types_supported: ['code'],
        ...discoveryOverrides,
      }));
      return;
    }
    if (path === '/jwks') {
      if (mode === 'down') {
        res.statusCode = 503;
        res.end('unavailable');
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(mode === 'garbage' ? '{"keys": [not json' : JSON.stringify({ keys }));
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    freshJwksUri: () => `${origin}/jwks?set=${(serial += 1)}`,
    count: (path = '/jwks') => counts.get(path) ?? 0,
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    setKeys: (next) => {
      keys = next;
    },
    setMode: (next) => {
      mode = next;
    },
    setDiscovery: (overrides) => {
      discoveryOverrides = overrides;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface TestKey {
  kid: string;
  alg: 'ES256' | 'RS256';
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

export async function makeKey(alg: 'ES256' | 'RS256', kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicKey, publicJwk };
}

/** A port that was just free: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface SignOptions {
  claims?: JWTPayload & Record<string, unknown>;
  /** Claims to delete from the defaults. */
  omit?: string[];
  header?: Partial<JWTHeaderParameters> & Record<string, unknown>;
}

/** Signs a consent token like the reference provider does, with overrides for the attack cases. */
export async function signConsent(
  key: TestKey,
  defaults: { issuer: string; audience: string; state: string },
  options: SignOptions = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: defaults.issuer,
    aud: defaults.audience,
    sub: 'alice-subject-1',
    forClientId: 'recipient-1',
    sharingAllowed: true,
    state: defaults.state,
    iat: now,
    exp: now + 120,
    jti: randomUUID(),
    ...options.claims,
  };
  for (const name of options.omit ?? []) delete claims[name];
  const header = { alg: key.alg, kid: key.kid, typ: 'share-consent+jwt', ...options.header } as JWTHeaderParameters;
  return new SignJWT(claims).setProtectedHeader(header).sign(key.privateKey);
}

/**
 * Signs any header and payload with node:crypto, with no checks on the header (jose refuses some of the headers the
 * attack cases need, such as an unknown `crit`).
 */
export function signRaw(key: TestKey, header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode(header)}.${encode(payload)}`;
  const keyObject = KeyObject.from(key.privateKey as unknown as webcrypto.CryptoKey);
  const signature =
    key.alg === 'ES256'
      ? sign('sha256', Buffer.from(input), { key: keyObject, dsaEncoding: 'ieee-p1363' })
      : sign('sha256', Buffer.from(input), keyObject);
  return `${input}.${signature.toString('base64url')}`;
}
