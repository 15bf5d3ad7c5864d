import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { MemoryKitStore, type KitStore } from '../../../demo/provider/index.js';
import type { Namespace } from '../../../demo/provider/store.js';
import { RECIPIENT, api, basic, bearer, connect, consentTo, mintShareToken, start } from './helpers.js';

describe('MemoryKitStore', () => {
  it('copies values, expires them, adds only when absent, and hands a value to one taker', async () => {
    const store = new MemoryKitStore();
    try {
      const value = { n: 1 };
      await store.set('consent', 'k', value, 60);
      value.n = 2;
      assert.deepEqual(await store.get('consent', 'k'), { n: 1 }, 'stored a copy');
      assert.equal(await store.add('consent', 'k', { n: 3 }), false);
      const [a, b] = await Promise.all([store.take('consent', 'k'), store.take('consent', 'k')]);
      assert.deepEqual([a, b].filter(Boolean), [{ n: 1 }], 'exactly one taker got it');
      assert.equal(await store.add('consent', 'k', { n: 4 }), true);
      await store.set('share-token', 'short', true, 0.05);
      await new Promise((r) => setTimeout(r, 80));
      assert.equal(await store.get('share-token', 'short'), undefined, 'expired');
      assert.equal(await store.get('share-link', 'k'), undefined, 'namespaces are separate');
      await assert.rejects(store.set('consent', 'bad', undefined), TypeError);
    } finally {
      await store.close();
    }
  });
});

/** A store that records which namespaces the provider writes through it (a Redis/SQL store plugs in the same way). */
class RecordingStore implements KitStore {
  readonly inner = new MemoryKitStore();
  readonly written = new Set<Namespace>();
  get<T>(ns: Namespace, key: string) {
    return this.inner.get<T>(ns, key);
  }
  set<T>(ns: Namespace, key: string, value: T, ttl?: number) {
    this.written.add(ns);
    return this.inner.set(ns, key, value, ttl);
  }
  add<T>(ns: Namespace, key: string, value: T, ttl?: number) {
    this.written.add(ns);
    return this.inner.add(ns, key, value, ttl);
  }
  take<T>(ns: Namespace, key: string) {
    return this.inner.take<T>(ns, key);
  }
  delete(ns: Namespace, key: string) {
    return this.inner.delete(ns, key);
  }
  close() {
    return this.inner.close();
  }
}

describe('pluggable storage', () => {
  it("the kit's records all go through the given store", async () => {
    const store = new RecordingStore();
    const provider = await start({ store });
    try {
      const alice = await connect(provider);
      await consentTo(provider, alice);
      const { token } = await mintShareToken(provider, alice.accessToken);
      const redeemed = await api(
        provider,
        '/api/reuse',
        { shareToken: token, levelName: 'basic-kyc-level' },
        basic(RECIPIENT.id, RECIPIENT.secret),
      );
      assert.equal(redeemed.status, 200);
      for (const ns of ['account', 'account-email', 'documents', 'consent', 'share-token', 'share-link', 'share-decision', 'consent-jti', 'applicant'] as const) {
        assert.ok(store.written.has(ns), `${ns} written through the store`);
      }
    } finally {
      await provider.close();
    }
    // the provider does not close a store it was given
    assert.notEqual(await store.get('account-email', 'alice@example.com'), undefined);
    await store.close();
  });
});

describe('keys file', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idc-keys-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('is created (0600) when missing and reused on restart: same JWKS, and old consent tokens still verify', async () => {
    const file = join(dir, 'keys.json');
    const first = await start({ keysFile: file });
    let jwks1: unknown;
    let consentJwt: string;
    try {
      jwks1 = await (await fetch(new URL('/jwks', first.issuer))).json();
      const alice = await connect(first);
      consentJwt = (await consentTo(first, alice)).location.searchParams.get('token')!;
    } finally {
      await first.close();
    }
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    assert.equal(typeof saved.consentKid, 'string');

    const second = await start({ keysFile: file });
    try {
      assert.deepEqual(await (await fetch(new URL('/jwks', second.issuer))).json(), jwks1);
      const { payload } = await jwtVerify(consentJwt, createRemoteJWKSet(new URL('/jwks', second.issuer)), {
        algorithms: ['ES256'],
        typ: 'share-consent+jwt',
      });
      assert.equal(payload['sharingAllowed'], true);
    } finally {
      await second.close();
    }
  });

  it('refuses a file that is not a key file', async () => {
    const file = join(dir, 'junk.json');
    await writeFile(file, JSON.stringify({ keys: [] }));
    await assert.rejects(start({ keysFile: file }), /not a provider key file/);
  });
});

describe('form bodies on the HTML routes', () => {
  it('a decision POST over 16 kB is refused with a 413 page, not a crash', async () => {
    const provider = await start();
    try {
      const alice = await connect(provider);
      const link = await (
        await api(provider, '/api/share-link', {
          redirectUri: 'http://localhost:5173/share-callback',
          forClientId: RECIPIENT.id,
          state: 's',
        }, bearer(alice.accessToken))
      ).json.link;
      const big = await alice.browser.request(new URL(link).pathname, {
        form: { csrf: 'x'.repeat(20_000), decision: 'allow' },
      });
      assert.equal(big.status, 413);
      assert.match(big.headers.get('content-type')!, /text\/html/);
      assert.equal(big.headers.get('x-frame-options'), 'DENY');
    } finally {
      await provider.close();
    }
  });
});
