/**
 * verifyConsentToken() against real ES256/RSA keys and a real JWKS HTTP server (docs/security.md §19–§24).
 */
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SignJWT, exportSPKI } from 'jose';
import { MemoryReplayStore, verifyConsentToken } from '../../../src/server/index.js';
import type { ReplayStore, VerifyConsentTokenOptions } from '../../../src/server/index.js';
import { closedPort, makeKey, signConsent, signRaw, startKeyServer } from './support/jwks-server.js';
import type { KeyServer, SignOptions, TestKey } from './support/jwks-server.js';
import { rejects } from './support/rejects.js';

const AUDIENCE = 'test-integrator';

let keys: KeyServer;
let attacker: KeyServer;
let ec: TestKey;
let rsa: TestKey;

before(async () => {
  ec = await makeKey('ES256', 'ec-1');
  rsa = await makeKey('RS256', 'rsa-1');
  keys = await startKeyServer([ec.publicJwk, rsa.publicJwk]);
  attacker = await startKeyServer([]);
});

after(async () => {
  await keys.close();
  await attacker.close();
});

/** Options for one test: a fresh JWKS URL (so the first fetch is this test's) and a fresh state. */
function setup(overrides: Partial<VerifyConsentTokenOptions> = {}) {
  const state = randomUUID();
  const options: VerifyConsentTokenOptions = {
    issuer: keys.origin,
    audience: AUDIENCE,
    expectedState: state,
    jwksUri: keys.freshJwksUri(),
    replayStore: new MemoryReplayStore(),
    ...overrides,
  };
  const sign = (opts: SignOptions = {}, key: TestKey = ec) =>
    signConsent(key, { issuer: keys.origin, audience: AUDIENCE, state }, opts);
  return { state, options, sign };
}

/** Runs `fn` and asserts that neither key server received any request meanwhile. */
async function withoutNetwork(fn: () => Promise<unknown>): Promise<void> {
  const before = keys.total() + attacker.total();
  await fn();
  assert.equal(keys.total() + attacker.total(), before, 'no request may reach any key server');
}

function payloadOf(options: VerifyConsentTokenOptions, extra: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: keys.origin, aud: AUDIENCE, sub: 'alice-subject-1', forClientId: 'recipient-1', sharingAllowed: true,
    state: options.expectedState, iat: now, exp: now + 120, jti: randomUUID(), ...extra,
  };
}

describe('verifyConsentToken: happy path', () => {
  it('returns the verified consent from an ES256 token and its JWKS', async () => {
    const { options, sign, state } = setup({ forClientId: 'recipient-1' });
    const token = await sign({ claims: { sharingAllowed: false } });
    const result = await verifyConsentToken(token, options);
    assert.equal(result.sharingAllowed, false);
    assert.equal(result.sub, 'alice-subject-1');
    assert.equal(result.forClientId, 'recipient-1');
    assert.equal(result.state, state);
    assert.match(result.jti, /^[0-9a-f-]{36}$/);
    assert.ok(result.exp > Date.now() / 1000);
    assert.deepEqual(Object.keys(result).sort(), ['exp', 'forClientId', 'jti', 'sharingAllowed', 'state', 'sub']);
  });

  it('finds the JWKS through the discovery document and caches both', async () => {
    const server = await startKeyServer([ec.publicJwk]);
    try {
      const state = randomUUID();
      const options = { issuer: server.origin, audience: AUDIENCE, expectedState: state, replayStore: new MemoryReplayStore() };
      for (let i = 0; i < 3; i += 1) {
        const token = await signConsent(ec, { issuer: server.origin, audience: AUDIENCE, state });
        assert.equal((await verifyConsentToken(token, options)).sharingAllowed, true);
      }
      assert.equal(server.count('/.well-known/openid-configuration'), 1);
      assert.equal(server.count('/jwks'), 1);
    } finally {
      await server.close();
    }
  });

  it('accepts the "application/" form of typ', async () => {
    const { options, sign } = setup();
    const token = await sign({ header: { typ: 'application/share-consent+jwt' } });
    assert.equal((await verifyConsentToken(token, options)).sharingAllowed, true);
  });

  it('accepts RS256 only when the backend pins RS256', async () => {
    const { options, sign } = setup();
    const token = await sign({}, rsa);
    await withoutNetwork(() => rejects(verifyConsentToken(token, options), 'invalid_token'));
    const result = await verifyConsentToken(token, { ...options, algorithms: ['RS256'] });
    assert.equal(result.sharingAllowed, true);
  });
});

describe('verifyConsentToken: algorithms (docs/security.md §19)', () => {
  it('rejects alg "none" before any fetch', async () => {
    const { options } = setup();
    const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const unsigned = `${encode({ alg: 'none', typ: 'share-consent+jwt' })}.${encode(payloadOf(options))}.`;
    const withJunkSignature = `${unsigned}AAAA`;
    await withoutNetwork(async () => {
      await rejects(verifyConsentToken(unsigned, options), 'invalid_token');
      await rejects(verifyConsentToken(withJunkSignature, options), 'invalid_token');
      await rejects(verifyConsentToken(unsigned, { ...options, algorithms: ['none'] }), 'invalid_request');
    });
  });

  it('rejects HS256 signed with the public key as the secret, before any fetch', async () => {
    const { options } = setup();
    const pem = await exportSPKI(ec.publicKey);
    const fromPem = await new SignJWT(payloadOf(options))
      .setProtectedHeader({ alg: 'HS256', kid: ec.kid, typ: 'share-consent+jwt' })
      .sign(new TextEncoder().encode(pem));
    const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const input = `${encode({ alg: 'HS256', kid: ec.kid, typ: 'share-consent+jwt' })}.${encode(payloadOf(options))}`;
    const fromJwk = `${input}.${createHmac('sha256', JSON.stringify(ec.publicJwk)).update(input).digest('base64url')}`;
    await withoutNetwork(async () => {
      const err = await rejects(verifyConsentToken(fromPem, options), 'invalid_token');
      assert.match(err.message, /algorithm/);
      await rejects(verifyConsentToken(fromJwk, options), 'invalid_token');
      await rejects(verifyConsentToken(fromPem, { ...options, algorithms: ['HS256'] }), 'invalid_request');
    });
  });

  it('rejects a token whose kid names a key of another type (ES256 header, RSA kid)', async () => {
    const { options, sign } = setup({ algorithms: ['ES256', 'RS256'] });
    const token = await sign({ header: { kid: rsa.kid } }, ec);
    await rejects(verifyConsentToken(token, options), 'invalid_token');
  });
});

describe('verifyConsentToken: signature and JWKS (docs/security.md §20)', () => {
  it('rejects a tampered payload and a token signed by a key not in the JWKS', async () => {
    const { options, sign } = setup();
    const token = await sign();
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify(payloadOf(options, { sharingAllowed: true, sub: 'mallory' }))).toString('base64url');
    await rejects(verifyConsentToken(`${h}.${forged}.${s}`, options), 'invalid_token');

    const impostor = await makeKey('ES256', ec.kid); // same kid, different key
    await rejects(verifyConsentToken(await sign({}, impostor), options), 'invalid_token');
  });

  it('refetches once on an unknown kid after a key rotation, never in a loop', async () => {
    const server = await startKeyServer([ec.publicJwk]);
    try {
      const state = randomUUID();
      const jwksUri = server.freshJwksUri();
      const options = { issuer: server.origin, audience: AUDIENCE, expectedState: state, jwksUri, jwksCooldown: 0, replayStore: new MemoryReplayStore() };
      const claims = { issuer: server.origin, audience: AUDIENCE, state };

      await verifyConsentToken(await signConsent(ec, claims), options);
      assert.equal(server.count(), 1);

      const rotated = await makeKey('ES256', 'ec-2');
      server.setKeys([rotated.publicJwk]);
      await verifyConsentToken(await signConsent(rotated, claims), options);
      assert.equal(server.count(), 2, 'one refetch for the new kid');

      await verifyConsentToken(await signConsent(rotated, claims), options);
      assert.equal(server.count(), 2, 'the new key is cached');

      const ghost = await makeKey('ES256', 'ghost');
      await rejects(verifyConsentToken(await signConsent(ghost, claims), options), 'invalid_token');
      assert.equal(server.count(), 3, 'an unknown kid costs exactly one refetch');
    } finally {
      await server.close();
    }
  });

  it('does not refetch for unknown kids during the cooldown', async () => {
    const { options, sign } = setup();
    await verifyConsentToken(await sign(), options);
    const fetched = keys.count();
    const ghost = await makeKey('ES256', 'ghost-2');
    for (let i = 0; i < 3; i += 1) await rejects(verifyConsentToken(await sign({}, ghost), options), 'invalid_token');
    assert.equal(keys.count(), fetched);
  });

  it('fails closed when the JWKS answers 503, is not JSON, or nothing listens', async () => {
    const server = await startKeyServer([ec.publicJwk]);
    try {
      const state = randomUUID();
      const claims = { issuer: server.origin, audience: AUDIENCE, state };
      const base = { issuer: server.origin, audience: AUDIENCE, expectedState: state, replayStore: new MemoryReplayStore() };

      server.setMode('down');
      const err = await rejects(verifyConsentToken(await signConsent(ec, claims), { ...base, jwksUri: server.freshJwksUri() }), 'jwks_unavailable');
      assert.equal(err.retryable, true);
      server.setMode('garbage');
      await rejects(verifyConsentToken(await signConsent(ec, claims), { ...base, jwksUri: server.freshJwksUri() }), 'jwks_unavailable');

      const port = await closedPort();
      await rejects(verifyConsentToken(await signConsent(ec, claims), { ...base, jwksUri: `http://127.0.0.1:${port}/jwks` }), 'jwks_unavailable');
      // No jwksUri and no discovery document either.
      const noIssuer = `http://127.0.0.1:${port}`;
      await rejects(
        verifyConsentToken(await signConsent(ec, { ...claims, issuer: noIssuer }), { ...base, issuer: noIssuer }),
        'jwks_unavailable',
      );
    } finally {
      await server.close();
    }
  });

  it('refuses a discovered jwks_uri on plain http outside localhost', async () => {
    const server = await startKeyServer([ec.publicJwk]);
    try {
      server.setDiscovery({ jwks_uri: 'http://keys.example/jwks' });
      const state = randomUUID();
      const token = await signConsent(ec, { issuer: server.origin, audience: AUDIENCE, state });
      const options = { issuer: server.origin, audience: AUDIENCE, expectedState: state, replayStore: new MemoryReplayStore() };
      const err = await rejects(verifyConsentToken(token, options), 'jwks_unavailable');
      assert.match(String((err.cause as Error).message), /jwks_uri must use https/);
    } finally {
      await server.close();
    }
  });

  it('keeps using cached keys while the JWKS is down, but a new kid fails closed', async () => {
    const server = await startKeyServer([ec.publicJwk]);
    try {
      const state = randomUUID();
      const claims = { issuer: server.origin, audience: AUDIENCE, state };
      const options = { issuer: server.origin, audience: AUDIENCE, expectedState: state, jwksUri: server.freshJwksUri(), jwksCooldown: 0, replayStore: new MemoryReplayStore() };
      await verifyConsentToken(await signConsent(ec, claims), options);
      server.setMode('down');
      assert.equal((await verifyConsentToken(await signConsent(ec, claims), options)).sharingAllowed, true);
      const rotated = await makeKey('ES256', 'ec-rotated');
      await rejects(verifyConsentToken(await signConsent(rotated, claims), options), 'jwks_unavailable');
    } finally {
      await server.close();
    }
  });
});

describe('verifyConsentToken: claims and typ (docs/security.md §21)', () => {
  it('rejects an ID-token-like JWT signed by the same key (typ JWT or no typ)', async () => {
    const { options, sign } = setup();
    await withoutNetwork(async () => {
      await rejects(verifyConsentToken(await sign({ header: { typ: 'JWT' }, claims: { nonce: 'n-1' } }), options), 'invalid_token');
      await rejects(verifyConsentToken(await sign({ header: { typ: undefined } }), options), 'invalid_token');
      await rejects(verifyConsentToken(await sign({ header: { typ: 'at+jwt' } }), options), 'invalid_token');
    });
  });

  it('rejects a wrong issuer or audience', async () => {
    const { options, sign } = setup();
    const e1 = await rejects(verifyConsentToken(await sign({ claims: { iss: 'https://evil.example' } }), options), 'invalid_token');
    assert.match(e1.message, /"iss"/);
    const e2 = await rejects(verifyConsentToken(await sign({ claims: { aud: 'other-integrator' } }), options), 'invalid_token');
    assert.match(e2.message, /"aud"/);
  });

  it('rejects missing iss, aud, exp, iat, sub or jti', async () => {
    const { options, sign } = setup();
    for (const claim of ['iss', 'aud', 'exp', 'iat', 'sub', 'jti']) {
      await rejects(verifyConsentToken(await sign({ omit: [claim] }), options), 'invalid_token');
    }
  });

  it('rejects an expired token, within a configurable clock tolerance', async () => {
    const { options, sign } = setup();
    const now = Math.floor(Date.now() / 1000);
    const tenSecondsAgo = { claims: { iat: now - 100, exp: now - 10 } };
    assert.equal((await verifyConsentToken(await sign(tenSecondsAgo), options)).sharingAllowed, true);
    await rejects(verifyConsentToken(await sign(tenSecondsAgo), { ...options, clockTolerance: 0 }), 'token_expired');
    await rejects(verifyConsentToken(await sign({ claims: { iat: now - 200, exp: now - 40 } }), options), 'token_expired');
    await rejects(verifyConsentToken(await sign(), { ...options, clockTolerance: 3600 }), 'invalid_request');
  });

  it('rejects nbf or iat in the future and lifetimes above five minutes', async () => {
    const { options, sign } = setup();
    const now = Math.floor(Date.now() / 1000);
    await rejects(verifyConsentToken(await sign({ claims: { nbf: now + 120 } }), options), 'invalid_token');
    await rejects(verifyConsentToken(await sign({ claims: { iat: now + 120, exp: now + 200 } }), options), 'invalid_token');
    await rejects(verifyConsentToken(await sign({ claims: { exp: now + 3600 } }), options), 'invalid_token');
  });
});

describe('verifyConsentToken: the typ option (a provider with another consent token typ)', () => {
  it('by default still rejects every typ but share-consent+jwt', async () => {
    const { options, sign } = setup();
    await withoutNetwork(async () => {
      for (const typ of ['JWT', 'jwt', 'at+jwt', 'share-consent', 'share-consent+jwt ', 'application/jwt']) {
        const err = await rejects(verifyConsentToken(await sign({ header: { typ } }), options), 'invalid_token');
        assert.match(err.message, /"share-consent\+jwt"/);
      }
    });
  });

  it('typ: "JWT" accepts a token with that header (any case, application/ prefix) and nothing else', async () => {
    const { options, sign } = setup({ typ: 'JWT' });
    assert.equal((await verifyConsentToken(await sign({ header: { typ: 'JWT' } }), options)).sharingAllowed, true);
    assert.equal((await verifyConsentToken(await sign({ header: { typ: 'jwt' } }), options)).sharingAllowed, true);
    assert.equal((await verifyConsentToken(await sign({ header: { typ: 'application/JWT' } }), options)).sharingAllowed, true);
    await withoutNetwork(async () => {
      await rejects(verifyConsentToken(await sign(), options), 'invalid_token'); // share-consent+jwt: strict, not "also"
      await rejects(verifyConsentToken(await sign({ header: { typ: undefined } }), options), 'invalid_token');
      await rejects(verifyConsentToken(await sign({ header: { typ: 'at+jwt' } }), options), 'invalid_token');
    });
  });

  it('typ: "application/vnd.idp.consent+jwt" matches the short form too; the claim checks still run', async () => {
    const { options, sign } = setup({ typ: 'application/vnd.idp.consent+jwt' });
    assert.equal((await verifyConsentToken(await sign({ header: { typ: 'vnd.idp.consent+jwt' } }), options)).sharingAllowed, true);
    const idTokenLike = await sign({ header: { typ: 'vnd.idp.consent+jwt' }, omit: ['state', 'forClientId', 'sharingAllowed'] });
    await rejects(verifyConsentToken(idTokenLike, options), 'invalid_token');
    await rejects(verifyConsentToken(await sign({ header: { typ: 'vnd.idp.consent+jwt' } }), { ...options, typ: 'JWT' }), 'invalid_token');
  });

  it('an empty or odd typ option is invalid_request, before any network request', async () => {
    const { options, sign } = setup();
    const token = await sign();
    await withoutNetwork(async () => {
      for (const typ of ['', ' ', 'JWT ', 'a b', 'JWT\n', '/', 'application/', '*/*', 'a/b/c', 'x'.repeat(300), 42, null, ['JWT']]) {
        await rejects(verifyConsentToken(token, { ...options, typ: typ as string }), 'invalid_request');
      }
    });
  });
});

describe('verifyConsentToken: state and sharingAllowed (docs/security.md §22)', () => {
  it('rejects a token for another session state', async () => {
    const { options, sign } = setup();
    const token = await sign();
    await rejects(verifyConsentToken(token, { ...options, expectedState: randomUUID() }), 'state_mismatch');
    await rejects(verifyConsentToken(await sign({ omit: ['state'] }), options), 'invalid_token');
    // The rejected attempt did not burn the jti: the rightful session can still use the token.
    assert.equal((await verifyConsentToken(token, options)).sharingAllowed, true);
  });

  it('requires sharingAllowed to be a boolean', async () => {
    const { options, sign } = setup();
    for (const value of ['true', 1, null, {}]) {
      const err = await rejects(verifyConsentToken(await sign({ claims: { sharingAllowed: value } }), options), 'invalid_token');
      assert.match(err.message, /sharingAllowed/);
    }
    await rejects(verifyConsentToken(await sign({ omit: ['sharingAllowed'] }), options), 'invalid_token');
  });

  it('checks forClientId when the backend names the recipient', async () => {
    const { options, sign } = setup({ forClientId: 'recipient-2' });
    await rejects(verifyConsentToken(await sign(), options), 'recipient_mismatch');
    await rejects(verifyConsentToken(await sign({ omit: ['forClientId'] }), options), 'invalid_token');
    assert.equal((await verifyConsentToken(await sign({ claims: { forClientId: 'recipient-2' } }), options)).forClientId, 'recipient-2');
  });
});

describe('verifyConsentToken: replay (docs/security.md §23)', () => {
  it('accepts a jti once with the default in-memory store', async () => {
    const { options, sign } = setup();
    const { replayStore: _unused, ...withDefaultStore } = options;
    const token = await sign();
    await verifyConsentToken(token, withDefaultStore);
    await rejects(verifyConsentToken(token, withDefaultStore), 'token_replayed');
  });

  it('uses a pluggable store, atomically, and fails closed when it throws', async () => {
    const { options, sign } = setup();
    const calls: [string, number][] = [];
    const seen = new Set<string>();
    const store: ReplayStore = {
      async consume(jti, exp) {
        calls.push([jti, exp]);
        if (seen.has(jti)) return false;
        seen.add(jti);
        return true;
      },
    };
    const token = await sign();
    const result = await verifyConsentToken(token, { ...options, replayStore: store });
    assert.deepEqual(calls, [[result.jti, result.exp]]);
    await rejects(verifyConsentToken(token, { ...options, replayStore: store }), 'token_replayed');

    const broken: ReplayStore = { consume: () => Promise.reject(new Error('redis down')) };
    const err = await rejects(verifyConsentToken(await sign(), { ...options, replayStore: broken }), 'replay_check_failed');
    assert.equal(err.retryable, true);
    await rejects(verifyConsentToken(await sign(), { ...options, replayStore: {} as ReplayStore }), 'invalid_request');
  });

  it('MemoryReplayStore forgets a jti only after exp plus its grace period', () => {
    let now = 1_000_000_000_000;
    const store = new MemoryReplayStore({ graceSecs: 60, now: () => now });
    const exp = now / 1000 + 120;
    assert.equal(store.consume('a', exp), true);
    assert.equal(store.consume('a', exp), false);
    now += 170_000;
    assert.equal(store.consume('a', exp), false, 'still inside exp + grace');
    now += 20_000;
    assert.equal(store.consume('b', exp + 1000), true);
    assert.equal(store.size, 1, 'the expired entry was swept');
    assert.equal(store.consume('a', exp), true);
  });
});

describe('verifyConsentToken: rejected before any network request (docs/security.md §24)', () => {
  it('rejects oversized tokens', async () => {
    const { options, sign } = setup();
    const big = await sign({ claims: { padding: 'x'.repeat(9000) } });
    await withoutNetwork(() => rejects(verifyConsentToken(big, options), 'invalid_token'));
  });

  it('rejects malformed tokens', async () => {
    const { options, sign } = setup();
    const good = await sign();
    const [h, p, s] = good.split('.');
    const encode = (v: string) => Buffer.from(v).toString('base64url');
    const malformed: unknown[] = [
      undefined, null, 42, '', 'abc', `${h}.${p}`, `${h}.${p}.${s}.x.y`, `${h}.${p}.${s}=`, `${h}.${p}.${s} `,
      `${encode('not json')}.${p}.${s}`, `${h}.${encode('not json')}.${s}`, `${h}.${encode('[1,2]')}.${s}`,
      `${encode('"string"')}.${p}.${s}`, `${h}..${s}`,
    ];
    await withoutNetwork(async () => {
      for (const token of malformed) await rejects(verifyConsentToken(token as string, options), 'invalid_token');
    });
  });

  it('rejects jku, x5u, jwk, x5c and crit headers without fetching anything', async () => {
    const { options } = setup();
    const base = { alg: 'ES256', kid: ec.kid, typ: 'share-consent+jwt' };
    const headers: Record<string, unknown>[] = [
      { ...base, jku: `${attacker.origin}/jwks` },
      { ...base, x5u: `${attacker.origin}/cert.pem` },
      { ...base, jwk: ec.publicJwk },
      { ...base, x5c: ['MIIB'] },
      { ...base, crit: ['exp'] },
      { ...base, crit: ['b64'], b64: false },
    ];
    await withoutNetwork(async () => {
      for (const header of headers) {
        const err = await rejects(verifyConsentToken(signRaw(ec, header, payloadOf(options)), options), 'invalid_token');
        assert.match(err.message, /must not contain/);
      }
    });
    assert.equal(attacker.total(), 0);
    // The same raw signer yields an accepted token when the header is clean.
    assert.equal((await verifyConsentToken(signRaw(ec, base, payloadOf(options)), options)).sharingAllowed, true);
  });
});

describe('verifyConsentToken: options and messages', () => {
  it('refuses plain-http URLs that are not localhost, and missing options', async () => {
    const { options, sign } = setup();
    const token = await sign();
    await withoutNetwork(async () => {
      await rejects(verifyConsentToken(token, { ...options, jwksUri: 'http://keys.example/jwks' }), 'invalid_request');
      await rejects(verifyConsentToken(token, { ...options, issuer: 'http://idp.example' }), 'invalid_request');
      await rejects(verifyConsentToken(token, { ...options, expectedState: '' }), 'invalid_request');
      await rejects(verifyConsentToken(token, { ...options, audience: undefined as unknown as string }), 'invalid_request');
      await rejects(verifyConsentToken(token, undefined as unknown as VerifyConsentTokenOptions), 'invalid_request');
    });
  });

  it('never puts the token into a message', async () => {
    const { options, sign } = setup();
    const token = await sign();
    const errs = [
      await rejects(verifyConsentToken(token, { ...options, expectedState: 'other' }), 'state_mismatch'),
      await rejects(verifyConsentToken(`${token}x`.replace(/\.[^.]+$/, '.AAAA'), options), 'invalid_token'),
      await rejects(verifyConsentToken(token, { ...options, replayStore: { consume: () => { throw new Error(`store got ${token}`); } } }), 'replay_check_failed'),
    ];
    const [, payload, signature] = token.split('.');
    for (const err of errs) {
      const dump = `${err.message}\n${err.stack}\n${JSON.stringify(err)}\n${String((err.cause as Error | undefined)?.stack)}`;
      assert.ok(!dump.includes(payload!) && !dump.includes(signature!), `token leaked into ${err.code}`);
    }
  });
});
