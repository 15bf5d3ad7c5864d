/**
 * exchangeCode() against the reference provider (demo/provider: oidc-provider on 127.0.0.1, its real login and
 * consent screens) (docs/security.md §25).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { exchangeCode } from '../../../src/server/index.js';
import type { ExchangeCodeOptions, FetchLike , IdcServerError} from '../../../src/server/index.js';
import type { VerifyResult } from '../../../src/flow/types.js';
import { closedPort, makeKey, signRaw } from './support/jwks-server.js';
import {
  ACCESS_TOKEN_TTL,
  ACCOUNT_ID,
  CLIENT_ID,
  CLIENT_SECRET,
  OTHER_REDIRECT_URI,
  REDIRECT_URI,
  pkcePair,
  startReferenceProvider,
} from './support/reference-provider.js';
import type { ReferenceProvider } from './support/reference-provider.js';
import { rejects } from './support/rejects.js';

let op: ReferenceProvider;

before(async () => {
  op = await startReferenceProvider();
});

after(async () => {
  await op.close();
});

function optionsFor(grant: { code: string; codeVerifier: string }, extra: Partial<ExchangeCodeOptions> = {}): ExchangeCodeOptions {
  return {
    issuer: op.issuer,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    code: grant.code,
    codeVerifier: grant.codeVerifier,
    redirectUri: REDIRECT_URI,
    ...extra,
  };
}

/** A fetch that records every URL it is asked for and then really fetches it. */
function recordingFetch(): { fetch: FetchLike; urls: string[] } {
  const urls: string[] = [];
  return { urls, fetch: (url, init) => (urls.push(url), fetch(url, init as RequestInit)) };
}

const tokenRequests = () => op.requests.get('/token') ?? 0;

/** A fetch that re-signs the token endpoint's ID token with a new key of the same `kid` and `alg` as the provider's. */
const resignIdToken: FetchLike = async (url, init) => {
  const response = await fetch(url, init as RequestInit);
  if (!url.endsWith('/token')) return response;
  const body = (await response.json()) as Record<string, string>;
  const [header, payload] = body.id_token!.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
  const impostor = await makeKey(header.alg, header.kid); // same kid and alg as the provider's key
  body.id_token = signRaw(impostor, header, payload);
  return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
};

describe('exchangeCode against the reference provider', () => {
  it('exchanges a code for tokens with validated ID token claims, discovery and JWKS cached per issuer', async () => {
    const result = await exchangeCode(optionsFor(await op.authorize()));
    assert.equal(typeof result.accessToken, 'string');
    assert.ok(result.accessToken.length >= 32);
    assert.equal(result.idTokenClaims.sub, ACCOUNT_ID);
    assert.equal(result.idTokenClaims.iss, op.issuer);
    assert.equal(result.idTokenClaims.aud, CLIENT_ID);
    assert.equal(result.scope, 'openid email');
    assert.ok(typeof result.expiresIn === 'number' && result.expiresIn > 0 && result.expiresIn <= ACCESS_TOKEN_TTL);
    assert.equal(result.refreshToken, undefined);

    const second = await exchangeCode(optionsFor(await op.authorize()));
    assert.equal(second.idTokenClaims.sub, ACCOUNT_ID);
    assert.notEqual(second.accessToken, result.accessToken);
    assert.equal(op.requests.get('/.well-known/openid-configuration'), 1, 'discovery once per issuer');
    assert.equal(op.requests.get('/jwks'), 1, 'the ID token keys are cached too');
  });

  it('returns a refresh token when offline_access was granted', async () => {
    const result = await exchangeCode(optionsFor(await op.authorize({ scope: 'openid offline_access', prompt: 'consent' })));
    assert.equal(typeof result.refreshToken, 'string');
    assert.match(result.scope, /offline_access/);
  });

  it('checks the ID token nonce when one is given, as `nonce` or `expectedNonce`', async () => {
    const nonce = randomBytes(16).toString('base64url');
    const viaNonce = await exchangeCode(optionsFor(await op.authorize({ nonce }), { nonce }));
    assert.equal(viaNonce.idTokenClaims.nonce, nonce);
    const viaExpected = await exchangeCode(optionsFor(await op.authorize({ nonce }), { expectedNonce: nonce }));
    assert.equal(viaExpected.idTokenClaims.nonce, nonce);
    const viaBoth = await exchangeCode(optionsFor(await op.authorize({ nonce }), { nonce, expectedNonce: nonce }));
    assert.equal(viaBoth.idTokenClaims.nonce, nonce);

    const before = tokenRequests();
    await rejects(exchangeCode(optionsFor(await op.authorize({ nonce }), { nonce: 'another-nonce-value' })), 'invalid_id_token');
    await rejects(exchangeCode(optionsFor(await op.authorize({ nonce }), { expectedNonce: 'another-nonce-value' })), 'invalid_id_token');
    // A nonce given for a request that had none: the ID token has no nonce, so it does not match.
    await rejects(exchangeCode(optionsFor(await op.authorize(), { nonce })), 'invalid_id_token');
    assert.equal(tokenRequests(), before + 3, 'validation happens on the real token response');
  });

  it('does not compare the ID token nonce when none is given (PKCE binds the code), and still validates the token', async () => {
    const nonce = randomBytes(16).toString('base64url');
    const result = await exchangeCode(optionsFor(await op.authorize({ nonce })));
    assert.equal(result.idTokenClaims.sub, ACCOUNT_ID);
    assert.equal(result.idTokenClaims.nonce, nonce, 'the claim is returned as the provider signed it');

    // The signature is still checked on this path: the same token re-signed by another key is refused.
    await rejects(exchangeCode(optionsFor(await op.authorize({ nonce }), { fetch: resignIdToken })), 'invalid_id_token');
  });

  it('refuses `nonce` and `expectedNonce` that disagree, before any request', async () => {
    const grant = await op.authorize({ nonce: 'nonce-of-the-request' });
    const { fetch: spy, urls } = recordingFetch();
    await rejects(
      exchangeCode(optionsFor(grant, { nonce: 'nonce-of-the-request', expectedNonce: 'some-other-nonce', fetch: spy })),
      'invalid_request',
    );
    for (const bad of [{ nonce: '' }, { nonce: 42 as unknown as string }, { expectedNonce: 'x'.repeat(513) }]) {
      await rejects(exchangeCode(optionsFor(grant, { ...bad, fetch: spy })), 'invalid_request');
    }
    assert.deepEqual(urls, []);
    // The code was not spent.
    assert.equal((await exchangeCode(optionsFor(grant, { nonce: 'nonce-of-the-request' }))).idTokenClaims.sub, ACCOUNT_ID);
  });

  it('accepts the idc-success detail spread in, ignoring unknown keys, with the backend configuration last', async () => {
    const nonce = randomBytes(16).toString('base64url');
    const grant = await op.authorize({ nonce });
    // What the page POSTs: the browser chose issuer and clientId, so the backend's own values go last.
    const detail: VerifyResult & { extra: string } = {
      code: grant.code,
      codeVerifier: grant.codeVerifier,
      redirectUri: REDIRECT_URI,
      state: 'state-from-the-browser',
      clientId: 'client-the-browser-claims',
      issuer: 'https://issuer-the-browser-claims.example',
      mode: 'popup',
      nonce,
      extra: 'an unknown key',
    };
    const { fetch: spy, urls } = recordingFetch();
    const result = await exchangeCode({ ...detail, issuer: op.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, fetch: spy });
    assert.equal(result.idTokenClaims.sub, ACCOUNT_ID);
    assert.equal(result.idTokenClaims.nonce, nonce);
    assert.deepEqual(urls, [`${op.issuer}/token`], 'only the configured issuer was contacted');

    // A wrong nonce in the detail is still caught.
    const other = await op.authorize({ nonce });
    await rejects(
      exchangeCode({ ...detail, code: other.code, codeVerifier: other.codeVerifier, nonce: 'tampered-nonce', issuer: op.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }),
      'invalid_id_token',
    );
  });

  it('checks the ID token signature against the provider JWKS (a re-signed ID token is refused)', async () => {
    await rejects(exchangeCode(optionsFor(await op.authorize(), { fetch: resignIdToken })), 'invalid_id_token');
  });

  it('refuses a second exchange of the same code without sending it again', async () => {
    const grant = await op.authorize();
    await exchangeCode(optionsFor(grant));
    const before = tokenRequests();
    const err = await rejects(exchangeCode(optionsFor(grant)), 'code_reused');
    assert.equal(err.retryable, false);
    assert.equal(tokenRequests(), before, 'nothing was sent');
  });

  it('sends a code once when two exchanges race', async () => {
    const grant = await op.authorize();
    const before = tokenRequests();
    const outcomes = await Promise.allSettled([exchangeCode(optionsFor(grant)), exchangeCode(optionsFor(grant))]);
    assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected']);
    const failure = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    assert.equal((failure.reason as IdcServerError).code, 'code_reused');
    assert.equal(tokenRequests(), before + 1);
  });

  it('reports invalid_grant, once, when the provider has already seen the code (another backend instance)', async () => {
    const grant = await op.authorize();
    // Another instance exchanges the code first, directly at the token endpoint.
    const first = await fetch(`${op.issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: grant.code, code_verifier: grant.codeVerifier, redirect_uri: REDIRECT_URI }),
    });
    assert.equal(first.status, 200);
    const before = tokenRequests();
    const err = await rejects(exchangeCode(optionsFor(grant)), 'invalid_grant');
    assert.equal(err.oauthError, 'invalid_grant');
    assert.equal(tokenRequests(), before + 1, 'no retry');
  });

  it('reports invalid_grant for a wrong code verifier, and the code is then spent', async () => {
    const grant = await op.authorize();
    const before = tokenRequests();
    await rejects(exchangeCode(optionsFor(grant, { codeVerifier: pkcePair().codeVerifier })), 'invalid_grant');
    assert.equal(tokenRequests(), before + 1, 'no retry');
    await rejects(exchangeCode(optionsFor(grant)), 'code_reused');
  });

  it('reports invalid_grant for a redirect URI other than the one authorized', async () => {
    await rejects(exchangeCode(optionsFor(await op.authorize(), { redirectUri: OTHER_REDIRECT_URI })), 'invalid_grant');
  });

  it('authenticates with client_secret_basic or _post, and reports invalid_client for a wrong secret', async () => {
    await rejects(exchangeCode(optionsFor(await op.authorize(), { clientSecret: 'wrong-secret-value-123' })), 'invalid_client');
    const post = { clientAuthMethod: 'client_secret_post' } as const;
    await rejects(exchangeCode(optionsFor(await op.authorize(), { ...post, clientSecret: 'wrong-secret-value-123' })), 'invalid_client');
    assert.equal((await exchangeCode(optionsFor(await op.authorize(), post))).idTokenClaims.sub, ACCOUNT_ID);
  });

  it('compares a given iss with the issuer before sending the code', async () => {
    const grant = await op.authorize();
    assert.equal(grant.iss, op.issuer);
    const before = tokenRequests();
    await rejects(exchangeCode(optionsFor(grant, { iss: 'https://evil.example' })), 'issuer_mismatch');
    assert.equal(tokenRequests(), before);
    const result = await exchangeCode(optionsFor(grant, { iss: grant.iss }));
    assert.equal(result.idTokenClaims.sub, ACCOUNT_ID);
  });

  it('reports discovery_failed for an unreachable issuer, and the code stays usable', async () => {
    const port = await closedPort();
    const grant = await op.authorize();
    const err = await rejects(exchangeCode(optionsFor(grant, { issuer: `http://127.0.0.1:${port}` })), 'discovery_failed');
    assert.equal(err.retryable, true);
    assert.equal((await exchangeCode(optionsFor(grant))).idTokenClaims.sub, ACCOUNT_ID);
  });

  it('reports discovery_failed when the issuer in the metadata is not the one asked for', async () => {
    // the provider listens on 127.0.0.1 and its metadata names http://localhost:<port>
    const ipIssuer = op.url;
    assert.notEqual(ipIssuer, op.issuer);
    await rejects(exchangeCode(optionsFor(await op.authorize(), { issuer: ipIssuer })), 'discovery_failed');
  });

  it('refuses plain-http issuers other than localhost without any request', async () => {
    const grant = await op.authorize();
    const { fetch: spy, urls } = recordingFetch();
    for (const issuer of ['http://idp.example', 'http://localhost.evil.example', 'http://127.0.0.2:4000', 'ftp://idp.example', 'not a url']) {
      await rejects(exchangeCode(optionsFor(grant, { issuer, fetch: spy })), 'invalid_request');
    }
    assert.deepEqual(urls, []);
  });

  it('validates the other options before any request', async () => {
    const grant = await op.authorize();
    const { fetch: spy, urls } = recordingFetch();
    const bad: Partial<ExchangeCodeOptions>[] = [
      { code: '' },
      { codeVerifier: 'short' },
      { codeVerifier: `${'a'.repeat(43)}!` },
      { clientId: '' },
      { clientSecret: undefined as unknown as string },
      { redirectUri: 'callback' },
      { redirectUri: `${REDIRECT_URI}?a=1` },
      { redirectUri: `${REDIRECT_URI}#x` },
      { timeout: -1 },
    ];
    for (const extra of bad) await rejects(exchangeCode(optionsFor(grant, { ...extra, fetch: spy })), 'invalid_request');
    await rejects(exchangeCode(undefined as unknown as ExchangeCodeOptions), 'invalid_request');
    assert.deepEqual(urls, []);
  });

  it('uses the injected fetch for the provider requests', async () => {
    const { fetch: spy, urls } = recordingFetch();
    await exchangeCode(optionsFor(await op.authorize(), { fetch: spy }));
    assert.deepEqual(urls, [`${op.issuer}/token`], 'discovery and JWKS come from the per-issuer cache');
  });
});

describe('exchangeCode never reveals codes, verifiers, secrets or tokens', () => {
  it('keeps them out of messages, causes, JSON and console output', async () => {
    const captured: string[] = [];
    const originals = {
      log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug,
      out: process.stdout.write, err: process.stderr.write,
    };
    const capture = (...args: unknown[]) => void captured.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: null }))).join(' '));
    console.log = console.info = console.warn = console.error = console.debug = capture;
    // stdout/stderr are recorded and passed through: the test runner reports through them.
    const tap = (original: typeof process.stdout.write) =>
      function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
        captured.push(Buffer.isBuffer(chunk) ? chunk.toString('latin1') : String(chunk));
        return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
      } as typeof process.stdout.write;
    process.stdout.write = tap(originals.out);
    process.stderr.write = tap(originals.err);

    const secrets: string[] = [CLIENT_SECRET];
    const errors: IdcServerError[] = [];
    const collect = async (grant: { code: string; codeVerifier: string }, extra: Partial<ExchangeCodeOptions>) => {
      secrets.push(grant.code, grant.codeVerifier);
      try {
        await exchangeCode(optionsFor(grant, extra));
      } catch (err) {
        errors.push(err as IdcServerError);
      }
    };
    try {
      const used = await op.authorize();
      const tokens = await exchangeCode(optionsFor(used));
      secrets.push(used.code, used.codeVerifier, tokens.accessToken);
      await collect(used, {});
      await collect(await op.authorize(), { codeVerifier: pkcePair().codeVerifier });
      await collect(await op.authorize(), { clientSecret: 'another-wrong-secret-456' });
      secrets.push('another-wrong-secret-456');
      await collect(await op.authorize({ nonce: 'nonce-in-id-token' }), { expectedNonce: 'expected-other-nonce' });
      await collect(await op.authorize(), { issuer: `http://127.0.0.1:${await closedPort()}` });
      await collect(await op.authorize(), { redirectUri: OTHER_REDIRECT_URI });
      // A token endpoint that echoes the code and verifier in its error description.
      await collect(await op.authorize(), {
        fetch: async (url, init) => {
          if (!url.endsWith('/token')) return fetch(url, init as RequestInit);
          const body = String(init.body);
          return new Response(JSON.stringify({ error: 'invalid_grant', error_description: `bad ${body}` }), {
            status: 400,
            headers: { 'content-type': 'application/json' },
          });
        },
      });
    } finally {
      Object.assign(console, { log: originals.log, info: originals.info, warn: originals.warn, error: originals.error, debug: originals.debug });
      process.stdout.write = originals.out;
      process.stderr.write = originals.err;
    }

    assert.equal(errors.length, 7);
    assert.deepEqual(
      errors.map((e) => e.code),
      ['code_reused', 'invalid_grant', 'invalid_client', 'invalid_id_token', 'discovery_failed', 'invalid_grant', 'invalid_grant'],
    );
    const dumps = errors.map((e) =>
      [e.message, e.stack, JSON.stringify(e), inspect(e, { depth: null, showHidden: true }), e.oauthErrorDescription].join('\n'),
    );
    const text = [...dumps, ...captured].join('\n');
    for (const secret of secrets) {
      for (const form of [secret, encodeURIComponent(secret)]) assert.ok(!text.includes(form), 'a secret leaked');
    }
    assert.match(errors[6]!.oauthErrorDescription ?? '', /\[redacted\]/);
  });
});
