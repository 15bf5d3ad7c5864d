/**
 * refreshConnection() against the reference provider (demo/provider: oidc-provider on 127.0.0.1, its real login,
 * consent and account screens): a connection made with `offline_access` is refreshed
 * with and without rotation; revoked, used, expired and garbage refresh tokens, client and network failures map to
 * stable codes; no refresh token, access token or client secret ever shows up in an error.
 */
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { exchangeCode, refreshConnection } from '../../../src/server/index.js';
import type { FetchLike, RefreshConnectionOptions , IdcServerError} from '../../../src/server/index.js';
import { closedPort, makeKey, signRaw } from './support/jwks-server.js';
import type { Browser } from '../provider/helpers.js';
import { ACCESS_TOKEN_TTL, ACCOUNT_ID, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, startReferenceProvider } from './support/reference-provider.js';
import type { ReferenceProvider } from './support/reference-provider.js';
import { rejects } from './support/rejects.js';

let op: ReferenceProvider; // keeps refresh tokens
let rotating: ReferenceProvider; // rotates them

before(async () => {
  [op, rotating] = await Promise.all([
    startReferenceProvider({ rotateRefreshTokens: false }),
    startReferenceProvider({ rotateRefreshTokens: true }),
  ]);
});

after(async () => {
  await Promise.all([op.close(), rotating.close()]);
});

/** A new connection: an authorization with `offline_access` (a browser of its own), exchanged by exchangeCode(). */
async function connect(provider = op): Promise<{ accessToken: string; refreshToken: string; browser: Browser }> {
  const { code, codeVerifier, iss, browser } = await provider.authorize({ scope: 'openid email offline_access', prompt: 'consent' });
  const result = await exchangeCode({ code, codeVerifier, iss, issuer: provider.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI });
  assert.equal(typeof result.refreshToken, 'string');
  return { accessToken: result.accessToken, refreshToken: result.refreshToken!, browser };
}

function optionsFor(refreshToken: string, extra: Partial<RefreshConnectionOptions> = {}, provider = op): RefreshConnectionOptions {
  return { issuer: provider.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshToken, ...extra };
}

/** The provider's userinfo endpoint, called with an access token. */
async function userinfo(provider: ReferenceProvider, accessToken: string): Promise<{ status: number; sub?: unknown }> {
  const response = await fetch(`${provider.issuer}/me`, { headers: { authorization: `Bearer ${accessToken}` } });
  return { status: response.status, sub: response.ok ? ((await response.json()) as { sub?: unknown }).sub : undefined };
}

/** A fetch that hands the token endpoint's real answer to `edit` (its JSON body) and returns what `edit` made of it. */
function editTokenResponse(edit: (body: Record<string, unknown>) => Promise<Response | Record<string, unknown>>): FetchLike {
  return async (url, init) => {
    const response = await fetch(url, init as RequestInit);
    if (!url.endsWith('/token')) return response;
    const edited = await edit((await response.json()) as Record<string, unknown>);
    if (edited instanceof Response) return edited;
    return new Response(JSON.stringify(edited), { status: 200, headers: { 'content-type': 'application/json' } });
  };
}

/** A token endpoint that answers `status` with `body`, whatever was asked. */
function tokenEndpointAnswers(status: number, body: string, contentType = 'application/json'): FetchLike {
  return async (url, init) =>
    url.endsWith('/token') ? new Response(body, { status, headers: { 'content-type': contentType } }) : fetch(url, init as RequestInit);
}

const tokenRequests = (provider: ReferenceProvider) => provider.requests.get('/token') ?? 0;

describe('refreshConnection against the reference provider', () => {
  it('refreshes a connection into a new working access token, and returns the same refresh token when not rotated', async () => {
    const connection = await connect();
    const result = await refreshConnection(optionsFor(connection.refreshToken));
    assert.notEqual(result.accessToken, connection.accessToken);
    assert.deepEqual(await userinfo(op, result.accessToken), { status: 200, sub: ACCOUNT_ID });
    assert.ok(typeof result.expiresIn === 'number' && result.expiresIn > 0 && result.expiresIn <= ACCESS_TOKEN_TTL);
    assert.deepEqual(result.scope.split(' ').sort(), ['email', 'offline_access', 'openid']);
    assert.equal(result.idTokenClaims?.sub, ACCOUNT_ID);
    assert.equal(result.idTokenClaims?.aud, CLIENT_ID);
    assert.equal(result.refreshToken, connection.refreshToken, 'not rotated: the stored token stays the one to use');

    const again = await refreshConnection(optionsFor(result.refreshToken, { expectedSubject: ACCOUNT_ID, clientAuthMethod: 'client_secret_post' }));
    assert.equal(again.refreshToken, connection.refreshToken);
    assert.notEqual(again.accessToken, result.accessToken);
    assert.deepEqual(await userinfo(op, again.accessToken), { status: 200, sub: ACCOUNT_ID });
  });

  it('returns the rotated refresh token; the old one is refused afterwards, and its reuse ends the connection', async () => {
    const connection = await connect(rotating);
    const first = await refreshConnection(optionsFor(connection.refreshToken, {}, rotating));
    assert.notEqual(first.refreshToken, connection.refreshToken);
    assert.deepEqual(await userinfo(rotating, first.accessToken), { status: 200, sub: ACCOUNT_ID });
    const second = await refreshConnection(optionsFor(first.refreshToken, {}, rotating));
    assert.notEqual(second.refreshToken, first.refreshToken);

    const err = await rejects(refreshConnection(optionsFor(connection.refreshToken, {}, rotating)), 'connection_revoked');
    assert.equal(err.retryable, false);
    assert.equal(err.oauthError, 'invalid_grant');
    // oidc-provider takes the reuse for theft and revokes the grant: the newest token is refused too.
    await rejects(refreshConnection(optionsFor(second.refreshToken, {}, rotating)), 'connection_revoked');
  });

  it('sends one request for concurrent refreshes of one token (a rotating provider would revoke the grant otherwise)', async () => {
    const connection = await connect(rotating);
    const before = tokenRequests(rotating);
    const [a, b] = await Promise.all([
      refreshConnection(optionsFor(connection.refreshToken, {}, rotating)),
      refreshConnection(optionsFor(connection.refreshToken, { expectedSubject: ACCOUNT_ID }, rotating)),
    ]);
    assert.equal(tokenRequests(rotating), before + 1);
    assert.equal(a.refreshToken, b.refreshToken);
    assert.notEqual(a.refreshToken, connection.refreshToken);
    assert.equal((await refreshConnection(optionsFor(a.refreshToken, {}, rotating))).idTokenClaims?.sub, ACCOUNT_ID);
  });

  it('reports connection_revoked when the user disconnected (grant revoked), and for an unknown refresh token', async () => {
    const connection = await connect();
    await op.disconnect(connection);
    const err = await rejects(refreshConnection(optionsFor(connection.refreshToken)), 'connection_revoked');
    assert.equal(err.retryable, false);
    assert.equal(err.oauthError, 'invalid_grant');
    await rejects(refreshConnection(optionsFor('not-a-refresh-token-this-provider-issued')), 'connection_revoked');
  });

  it('reports connection_revoked for an expired refresh token', async () => {
    const shortLived = await startReferenceProvider({ ttl: { RefreshToken: 1 } });
    try {
      const connection = await connect(shortLived);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      await rejects(refreshConnection(optionsFor(connection.refreshToken, {}, shortLived)), 'connection_revoked');
    } finally {
      await shortLived.close();
    }
  });

  it('reports invalid_client for a wrong client secret (basic or post), and the refresh token stays usable', async () => {
    const connection = await connect();
    const wrong = { clientSecret: 'wrong-secret-value-123' };
    await rejects(refreshConnection(optionsFor(connection.refreshToken, wrong)), 'invalid_client');
    await rejects(refreshConnection(optionsFor(connection.refreshToken, { ...wrong, clientAuthMethod: 'client_secret_post' })), 'invalid_client');
    assert.equal((await refreshConnection(optionsFor(connection.refreshToken))).idTokenClaims?.sub, ACCOUNT_ID);
  });

  it('reports discovery_failed for an unreachable issuer, refresh_failed for an unreachable token endpoint (both retryable)', async () => {
    const connection = await connect();
    const down = await rejects(refreshConnection(optionsFor(connection.refreshToken, { issuer: `http://127.0.0.1:${await closedPort()}` })), 'discovery_failed');
    assert.equal(down.retryable, true);

    const offline: FetchLike = async (url, init) => {
      if (url.endsWith('/token')) throw new TypeError('fetch failed');
      return fetch(url, init as RequestInit);
    };
    const failed = await rejects(refreshConnection(optionsFor(connection.refreshToken, { fetch: offline })), 'refresh_failed');
    assert.equal(failed.retryable, true);

    const hanging: FetchLike = (url, init) =>
      url.endsWith('/token')
        ? new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)))
        : fetch(url, init as RequestInit);
    await rejects(refreshConnection(optionsFor(connection.refreshToken, { fetch: hanging, timeout: 0.2 })), 'refresh_failed');

    assert.equal((await refreshConnection(optionsFor(connection.refreshToken))).idTokenClaims?.sub, ACCOUNT_ID, 'nothing was spent');
  });

  it('reports refresh_failed for provider errors and malformed answers', async () => {
    const { refreshToken } = await connect();
    const refused = await rejects(
      refreshConnection(optionsFor(refreshToken, { fetch: tokenEndpointAnswers(400, '{"error":"unauthorized_client"}') })),
      'refresh_failed',
    );
    assert.equal(refused.oauthError, 'unauthorized_client');
    await rejects(refreshConnection(optionsFor(refreshToken, { fetch: tokenEndpointAnswers(500, '{"error":"server_error"}') })), 'refresh_failed');
    await rejects(refreshConnection(optionsFor(refreshToken, { fetch: tokenEndpointAnswers(503, 'down', 'text/html') })), 'refresh_failed');
    await rejects(refreshConnection(optionsFor(refreshToken, { fetch: tokenEndpointAnswers(200, 'not json', 'text/html') })), 'refresh_failed');
    await rejects(refreshConnection(optionsFor(refreshToken, { fetch: tokenEndpointAnswers(200, '{"token_type":"Bearer"}') })), 'refresh_failed');
    // An OAuth error named like an Object.prototype member is not a known refusal.
    await rejects(refreshConnection(optionsFor(refreshToken, { fetch: tokenEndpointAnswers(400, '{"error":"constructor"}') })), 'refresh_failed');
  });

  it('validates a refreshed ID token (signature), and accepts an answer without one', async () => {
    const { refreshToken } = await connect();
    const resign = editTokenResponse(async (body) => {
      const [header, payload] = String(body.id_token).split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
      const impostor = await makeKey(header.alg, header.kid); // same kid and alg as the provider's key
      return { ...body, id_token: signRaw(impostor, header, payload) };
    });
    await rejects(refreshConnection(optionsFor(refreshToken, { fetch: resign })), 'invalid_id_token');

    const withoutIdToken = editTokenResponse(async ({ id_token: _dropped, ...body }) => body);
    const result = await refreshConnection(optionsFor(refreshToken, { fetch: withoutIdToken, expectedSubject: ACCOUNT_ID }));
    assert.equal(result.idTokenClaims, undefined);
    assert.deepEqual(await userinfo(op, result.accessToken), { status: 200, sub: ACCOUNT_ID });
  });

  it('reports invalid_id_token when the refreshed ID token is for another subject than expectedSubject', async () => {
    const { refreshToken } = await connect();
    const err = await rejects(refreshConnection(optionsFor(refreshToken, { expectedSubject: 'bob-subject-2' })), 'invalid_id_token');
    assert.equal(err.retryable, false);
    assert.doesNotMatch(err.message, new RegExp(ACCOUNT_ID));
  });

  it('validates the options before any request', async () => {
    const urls: string[] = [];
    const spy: FetchLike = (url, init) => (urls.push(url), fetch(url, init as RequestInit));
    const bad: Partial<RefreshConnectionOptions>[] = [
      { refreshToken: '' },
      { refreshToken: 42 as unknown as string },
      { refreshToken: 'x'.repeat(8193) },
      { issuer: 'http://idp.example' },
      { issuer: 'http://localhost.evil.example' },
      { issuer: 'not a url' },
      { clientId: '' },
      { clientSecret: undefined as unknown as string },
      { clientAuthMethod: 'none' as 'client_secret_post' },
      { timeout: 0 },
      { fetch: 'fetch' as unknown as FetchLike },
      { expectedSubject: '' },
    ];
    for (const extra of bad) await rejects(refreshConnection(optionsFor('some-refresh-token', { fetch: spy, ...extra })), 'invalid_request');
    await rejects(refreshConnection(undefined as unknown as RefreshConnectionOptions), 'invalid_request');
    assert.deepEqual(urls, []);
  });
});

describe('refreshConnection never reveals refresh tokens, access tokens or the client secret', () => {
  it('keeps them out of messages, String(err), causes, JSON, inspect and console output', async () => {
    const captured: string[] = [];
    const originals = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug };
    const capture = (...args: unknown[]) => void captured.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: null }))).join(' '));
    console.log = console.info = console.warn = console.error = console.debug = capture;

    const secrets: string[] = [CLIENT_SECRET, 'another-wrong-secret-456', 'garbage-refresh-token-0123456789'];
    /** Records every token the token endpoint hands out, then returns its answer unchanged. */
    const recordTokens = editTokenResponse(async (body) => {
      for (const name of ['access_token', 'refresh_token', 'id_token']) if (typeof body[name] === 'string') secrets.push(body[name]);
      return body;
    });
    const errors: IdcServerError[] = [];
    const collect = async (options: RefreshConnectionOptions) => {
      try {
        await refreshConnection(options);
      } catch (err) {
        errors.push(err as IdcServerError);
      }
    };
    try {
      const kept = await connect();
      const rotated = await connect(rotating);
      const revoked = await connect();
      secrets.push(kept.refreshToken, kept.accessToken, rotated.refreshToken, rotated.accessToken, revoked.refreshToken);
      await collect(optionsFor(kept.refreshToken, { clientSecret: 'another-wrong-secret-456' }));
      await collect(optionsFor('garbage-refresh-token-0123456789'));
      // A rotation whose new tokens are then refused by expectedSubject, and the reuse of the spent token.
      await collect(optionsFor(rotated.refreshToken, { expectedSubject: 'bob-subject-2', fetch: recordTokens }, rotating));
      await collect(optionsFor(rotated.refreshToken, {}, rotating));
      // A token endpoint that echoes the request (with the refresh token) in its error description.
      await collect(optionsFor(kept.refreshToken, {
        fetch: async (url, init) =>
          url.endsWith('/token')
            ? new Response(JSON.stringify({ error: 'invalid_grant', error_description: `bad ${String(init.body)}` }), {
              status: 400,
              headers: { 'content-type': 'application/json' },
            })
            : fetch(url, init as RequestInit),
      }));
      // A network failure whose library message carries the request, and a 2xx answer with a re-signed ID token.
      await collect(optionsFor(kept.refreshToken, {
        fetch: async (url, init) => {
          if (!url.endsWith('/token')) return fetch(url, init as RequestInit);
          secrets.push(String(init.headers.authorization).split(' ')[1]!);
          throw new TypeError(`fetch failed: ${String(init.body)} ${JSON.stringify(init.headers)}`);
        },
      }));
      await collect(optionsFor(kept.refreshToken, {
        fetch: editTokenResponse(async (body) => {
          secrets.push(String(body.access_token), String(body.id_token));
          const [header, payload] = String(body.id_token).split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
          const impostor = await makeKey(header.alg, header.kid);
          return { ...body, id_token: signRaw(impostor, header, payload) };
        }),
      }));
      // last: Disconnect ends every connection alice made to this integrator, `kept` included
      await op.disconnect(revoked);
      await collect(optionsFor(revoked.refreshToken));
    } finally {
      Object.assign(console, originals);
    }

    assert.deepEqual(
      errors.map((e) => e.code),
      ['invalid_client', 'connection_revoked', 'invalid_id_token', 'connection_revoked', 'connection_revoked', 'refresh_failed', 'invalid_id_token', 'connection_revoked'],
    );
    const dumps = errors.map((e) =>
      [e.message, String(e), e.stack, JSON.stringify(e), inspect(e, { depth: null }), inspect(e, { depth: null, showHidden: true }), e.oauthErrorDescription].join('\n'),
    );
    const text = [...dumps, ...captured].join('\n');
    for (const secret of secrets) {
      for (const form of [secret, encodeURIComponent(secret)]) assert.ok(!text.includes(form), 'a secret leaked');
    }
    assert.match(errors[4]!.oauthErrorDescription ?? '', /\[redacted\]/, 'the echoing endpoint\u2019s description, redacted');
  });
});
