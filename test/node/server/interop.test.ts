/**
 * The server helpers with their default options against an OpenID provider nobody here wrote: oauth2-mock-server
 * from npm (test/node/server/support/mock-provider.ts), and the exact client authentication bytes they send (issue #11
 * item 5; src/server/token-client.ts).
 *
 * The mock puts the HTTP Basic user name into the ID token's `aud` as it arrives, without form-urldecoding it. So an
 * exchange with an id such as `glew-client` succeeds only if the id went out as it is — encoded as `glew%2Dclient`
 * (openid-client's own `ClientSecretBasic`) the `aud` check fails.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Events } from 'oauth2-mock-server';
import type { MutableResponse } from 'oauth2-mock-server';
import { createGatewayClient, exchangeCode, refreshConnection } from '../../../src/server/index.js';
import type { ExchangeCodeOptions, FetchLike } from '../../../src/server/index.js';
import { MOCK_SUBJECT, startMockProvider } from './support/mock-provider.js';
import type { MockProvider } from './support/mock-provider.js';
import { rejects } from './support/rejects.js';

const CLIENT_ID = 'glew-client';
const CLIENT_SECRET = 'glew.Secret_0~9-x';
const REDIRECT_URI = 'http://127.0.0.1:9/callback';

/** HTTP Basic of exactly these two strings, Base64 of their bytes and nothing else. */
const basicOf = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;

let op: MockProvider;

before(async () => {
  op = await startMockProvider();
});

after(async () => {
  await op.close();
});

async function exchangeOptions(extra: Partial<ExchangeCodeOptions> = {}): Promise<ExchangeCodeOptions> {
  const grant = await op.authorize(REDIRECT_URI);
  return {
    issuer: op.issuer,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    code: grant.code,
    codeVerifier: grant.codeVerifier,
    redirectUri: REDIRECT_URI,
    nonce: grant.nonce,
    ...extra,
  };
}

const lastTokenRequest = () => op.tokenRequests.at(-1)!;

/** The next token response of the mock gets this status and body instead of the tokens. */
function nextTokenAnswer(statusCode: number, body: Record<string, unknown>): void {
  op.server.service.once(Events.BeforeResponse, (response: MutableResponse) => {
    response.statusCode = statusCode;
    response.body = body;
  });
}

describe('default options against oauth2-mock-server', () => {
  it('exchangeCode: PKCE, the ID token signed by the mock, its claims checked', async () => {
    const options = await exchangeOptions();
    const result = await exchangeCode(options);
    assert.equal(result.idTokenClaims.iss, op.issuer);
    assert.equal(result.idTokenClaims.aud, CLIENT_ID, 'the id went out unencoded, so the mock echoes it as it is');
    assert.equal(result.idTokenClaims.sub, MOCK_SUBJECT);
    assert.equal(result.idTokenClaims.nonce, options.nonce);
    assert.ok(result.idTokenClaims.exp > result.idTokenClaims.iat);
    assert.equal(typeof result.accessToken, 'string');
    assert.equal(typeof result.refreshToken, 'string');
    assert.ok(result.expiresIn! > 3590 && result.expiresIn! <= 3600, `expiresIn ${result.expiresIn} (the mock's 3600 s, counted down)`);

    const sent = lastTokenRequest();
    assert.equal(sent.authorization, basicOf(CLIENT_ID, CLIENT_SECRET), 'client_secret_basic is the default');
    assert.equal(sent.body.grant_type, 'authorization_code');
    assert.equal(sent.body.code_verifier, options.codeVerifier);
    assert.equal(sent.body.client_secret, undefined, 'the secret is not in the body too');
  });

  it('refreshConnection: the rotated refresh token and a checked ID token, same Authorization bytes', async () => {
    const { refreshToken } = await exchangeCode(await exchangeOptions());
    const refreshed = await refreshConnection({
      issuer: op.issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      refreshToken: refreshToken!,
      expectedSubject: MOCK_SUBJECT,
    });
    assert.notEqual(refreshed.refreshToken, refreshToken, 'the mock rotates refresh tokens');
    assert.equal(refreshed.idTokenClaims?.aud, CLIENT_ID);
    assert.equal(refreshed.idTokenClaims?.sub, MOCK_SUBJECT);
    assert.equal(typeof refreshed.accessToken, 'string');
    const sent = lastTokenRequest();
    assert.equal(sent.body.grant_type, 'refresh_token');
    assert.equal(sent.authorization, basicOf(CLIENT_ID, CLIENT_SECRET));

    const again = await refreshConnection({ issuer: op.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshToken: refreshed.refreshToken });
    assert.equal(again.idTokenClaims?.sub, MOCK_SUBJECT);
  });

  it('the mock checks the PKCE verifier: a wrong one gets no tokens', async () => {
    const { codeVerifier: otherVerifier } = await op.authorize(REDIRECT_URI);
    const before = op.tokenRequests.length;
    // The mock refuses with a problem+json 400, not an OAuth error body: a failed exchange, not a refused grant.
    await rejects(exchangeCode(await exchangeOptions({ codeVerifier: otherVerifier })), 'exchange_failed');
    assert.equal(op.tokenRequests.length, before, 'no token response was built');
  });

  it('clientAuthMethod client_secret_post stays the explicit switch: no Authorization header, both in the body', async () => {
    const result = await exchangeCode(await exchangeOptions({ clientAuthMethod: 'client_secret_post' }));
    assert.equal(result.idTokenClaims.aud, CLIENT_ID);
    const sent = lastTokenRequest();
    assert.equal(sent.authorization, undefined);
    assert.equal(sent.body.client_id, CLIENT_ID);
    assert.equal(sent.body.client_secret, CLIENT_SECRET);
  });
});

describe('client_secret_basic: the Authorization header bytes', () => {
  it('form-urlencodes reserved characters and leaves unreserved ones; the mock (no decoding) then fails the aud check', async () => {
    const clientId = 'glew client:1/é';
    const clientSecret = 'p@ss wörd+%/&=~-._*!';
    const expected = basicOf('glew+client%3A1%2F%C3%A9', 'p%40ss+w%C3%B6rd%2B%25%2F%26%3D~-._%2A%21');
    // Strict in what it checks: the mock echoes the encoded id in `aud`, which is not this client's id.
    await rejects(exchangeCode(await exchangeOptions({ clientId, clientSecret })), 'invalid_id_token');
    const sent = lastTokenRequest().authorization!;
    assert.equal(sent, expected);

    // A provider that decodes as RFC 6749 Appendix B says gets the id and secret back exactly.
    const [user, password] = Buffer.from(sent.slice('Basic '.length), 'base64').toString('utf8').split(':');
    const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, '%20'));
    assert.deepEqual([formDecode(user!), formDecode(password!)], [clientId, clientSecret]);
  });

  it('the Gateway API client sends the same bytes as the token helpers', async () => {
    const seen: (string | undefined)[] = [];
    const capture: FetchLike = async (_url, init) => {
      seen.push((init.headers as Record<string, string>).authorization);
      return new Response('{"partnerships":[]}', { status: 200, headers: { 'content-type': 'application/json' } });
    };
    await createGatewayClient({ issuer: op.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, fetch: capture }).listPartnerships();
    await createGatewayClient({ issuer: op.issuer, clientId: 'my client', clientSecret: 'a~b*c', fetch: capture }).listPartnerships();
    assert.deepEqual(seen, [basicOf(CLIENT_ID, CLIENT_SECRET), basicOf('my+client', 'a~b%2Ac')]);
  });

  it('refuses an id or secret that has no UTF-8 form (a lone surrogate) before sending anything', async () => {
    const before = op.tokenRequests.length;
    const err = await rejects(exchangeCode(await exchangeOptions({ clientSecret: 'half-\uD800-pair' })), 'invalid_request');
    assert.match(err.message, /clientSecret/);
    await rejects(
      refreshConnection({ issuer: op.issuer, clientId: 'id-\uDC00', clientSecret: CLIENT_SECRET, refreshToken: 'r' }),
      'invalid_request',
    );
    assert.throws(() => createGatewayClient({ issuer: op.issuer, clientId: 'id-\uDC00', clientSecret: 's' }), { code: 'invalid_request' });
    assert.equal(op.tokenRequests.length, before);
  });
});

describe('a provider that refuses the client with 403 unauthorized_client', () => {
  it('exchangeCode reports invalid_client, as for invalid_client (and for 401)', async () => {
    for (const status of [403, 401]) {
      nextTokenAnswer(status, { error: 'unauthorized_client', error_description: 'client authentication failed' });
      const err = await rejects(exchangeCode(await exchangeOptions()), 'invalid_client');
      assert.equal(err.oauthError, 'unauthorized_client', 'the provider\u2019s own error stays readable');
      assert.equal(err.retryable, false);
    }
    nextTokenAnswer(401, { error: 'invalid_client' });
    await rejects(exchangeCode(await exchangeOptions()), 'invalid_client');
  });

  it('refreshConnection reports invalid_client for it too', async () => {
    const { refreshToken } = await exchangeCode(await exchangeOptions());
    nextTokenAnswer(403, { error: 'unauthorized_client' });
    const options = { issuer: op.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshToken: refreshToken! };
    const err = await rejects(refreshConnection(options), 'invalid_client');
    assert.equal(err.oauthError, 'unauthorized_client');
    assert.equal((await refreshConnection(options)).idTokenClaims?.sub, MOCK_SUBJECT, 'the next call goes through');
  });

  it('a 403 challenge that names the client is invalid_client; a 400 unauthorized_client (grant type) is not', async () => {
    const challenge: FetchLike = async (url, init) =>
      url.endsWith('/token')
        ? new Response('', {
            status: 403,
            headers: { 'www-authenticate': 'Basic realm="op", error="unauthorized_client"' },
          })
        : fetch(url, init as RequestInit);
    await rejects(exchangeCode(await exchangeOptions({ fetch: challenge })), 'invalid_client');

    // RFC 6749 §5.2: with 400 it says the client may not use this grant type, which new credentials do not fix.
    nextTokenAnswer(400, { error: 'unauthorized_client' });
    const err = await rejects(exchangeCode(await exchangeOptions()), 'exchange_failed');
    assert.equal(err.oauthError, 'unauthorized_client');
    nextTokenAnswer(403, { error: 'access_denied' });
    await rejects(exchangeCode(await exchangeOptions()), 'exchange_failed');
  });
});
