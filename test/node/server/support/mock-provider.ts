/**
 * An OpenID provider nobody here wrote: `oauth2-mock-server` from npm (issue #11 item 5), on 127.0.0.1 with a
 * random port, for the interop tests of the server helpers (test/node/server/interop.test.ts) and of the built kit
 * in a browser (test/e2e/interop.spec.ts).
 *
 * What the library does on its own: discovery (listing only `none` in `token_endpoint_auth_methods_supported`), an
 * `/authorize` that redirects straight back with a code (no login screen), a `/token` that checks a PKCE verifier
 * against the challenge of its code, and RS256 ID tokens signed with a generated key (`iss` the issuer, `sub`
 * `johndoe`, `aud` the client id as the request carried it — the HTTP Basic user name is NOT form-urldecoded, so an
 * encoded id comes back encoded — and the authorization's `nonce`). It checks no client credentials and no
 * redirect URI: the tests read what the kit sent from {@link MockProvider.tokenRequests} instead.
 *
 * Added here, with the library's event hooks: PKCE is required (an authorization without an S256 challenge is
 * answered `invalid_request`, a code exchange without a verifier `invalid_grant`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { Events, OAuth2Server } from 'oauth2-mock-server';
import type { MutableRedirectUri, MutableResponse, TokenRequestIncomingMessage } from 'oauth2-mock-server';

/** The version of oauth2-mock-server under test (its package.json; the package does not export that file). */
export const MOCK_SERVER_VERSION = (
  JSON.parse(readFileSync(new URL('../../../../node_modules/oauth2-mock-server/package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/** The subject of every ID token the mock signs. */
export const MOCK_SUBJECT = 'johndoe';

/** A token request as the mock received it. */
export interface RecordedTokenRequest {
  /** The `Authorization` header, exactly as sent (undefined without one). */
  authorization: string | undefined;
  /** The form body, parsed. */
  body: Record<string, unknown>;
}

export interface MockAuthorization {
  code: string;
  codeVerifier: string;
  nonce: string;
  state: string;
}

export interface MockProvider {
  /** `http://127.0.0.1:<port>` */
  issuer: string;
  server: OAuth2Server;
  /** Every token request that got an answer, in order. */
  tokenRequests: RecordedTokenRequest[];
  /** An authorization with PKCE S256 and a nonce, as a browser would make it: the code of the redirect back. */
  authorize(redirectUri: string): Promise<MockAuthorization>;
  close(): Promise<void>;
}

export async function startMockProvider(): Promise<MockProvider> {
  const server = new OAuth2Server();
  await server.issuer.keys.generate('RS256');
  await server.start(0, '127.0.0.1');
  // The library names the issuer `http://localhost:<port>`; the tests address it as it listens.
  const issuer = `http://127.0.0.1:${server.address().port}`;
  server.issuer.url = issuer;

  server.service.on(Events.BeforeAuthorizeRedirect, (redirect: MutableRedirectUri, req: IncomingMessage) => {
    const query = new URL(req.url ?? '/', issuer).searchParams;
    if (query.get('code_challenge_method') === 'S256' && /^[A-Za-z0-9_-]{43}$/.test(query.get('code_challenge') ?? '')) return;
    redirect.url.searchParams.delete('code');
    redirect.url.searchParams.set('error', 'invalid_request');
    redirect.url.searchParams.set('error_description', 'PKCE with S256 is required');
  });

  const tokenRequests: RecordedTokenRequest[] = [];
  server.service.on(Events.BeforeResponse, (response: MutableResponse, req: TokenRequestIncomingMessage) => {
    tokenRequests.push({ authorization: req.headers.authorization, body: { ...req.body } });
    if (req.body.grant_type === 'authorization_code' && typeof req.body.code_verifier !== 'string') {
      response.statusCode = 400;
      response.body = { error: 'invalid_grant', error_description: 'code_verifier required' };
    }
  });

  return {
    issuer,
    server,
    tokenRequests,
    async authorize(redirectUri) {
      const codeVerifier = randomBytes(32).toString('base64url');
      const nonce = randomBytes(16).toString('base64url');
      const state = randomBytes(16).toString('base64url');
      const url = new URL('/authorize', issuer);
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: 'unused-by-the-mock',
        redirect_uri: redirectUri,
        scope: 'openid',
        code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
        code_challenge_method: 'S256',
        nonce,
        state,
      }).toString();
      const response = await fetch(url, { redirect: 'manual' });
      const location = new URL(response.headers.get('location') ?? 'about:blank');
      const code = location.searchParams.get('code');
      if (response.status !== 302 || !code || location.searchParams.get('state') !== state) {
        throw new Error(`the mock did not redirect back with a code: ${response.status} ${location.href}`);
      }
      return { code, codeVerifier, nonce, state };
    },
    close: () => server.stop(),
  };
}
