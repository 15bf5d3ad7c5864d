/**
 * A real oidc-provider on 127.0.0.1:<random port> for the exchangeCode and refreshConnection tests: one confidential
 * client with PKCE (S256), and a tiny interaction route that signs in a fixed account and grants the requested scopes,
 * so an authorization can be driven with plain HTTP requests (no browser, no HTML form).
 *
 * Refresh tokens: oidc-provider's default `issueRefreshToken` issues one when the client may use the `refresh_token`
 * grant and `offline_access` was granted (which needs `prompt=consent`). Rotation is off unless asked for, and
 * {@link TestProvider.revokeGrant} plays the user disconnecting the integrator at the provider.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

export const CLIENT_ID = 'test-integrator';
export const CLIENT_SECRET = 'test-integrator-secret-0123456789';
export const REDIRECT_URI = 'https://integrator.example/callback';
export const ACCOUNT_ID = 'alice-subject-1';

export interface ProviderOptions {
  /** Rotate refresh tokens: every refresh returns a new one and spends the old (reuse then revokes the grant). */
  rotateRefreshTokens?: boolean;
  /** Refresh token lifetime in seconds. Default 600. */
  refreshTokenTtl?: number;
}

export interface TestProvider {
  issuer: string;
  /** Requests seen per path (e.g. `/.well-known/openid-configuration`, `/token`). */
  requests: Map<string, number>;
  /** Runs `/auth` → interaction → resume and returns the code from the redirect to REDIRECT_URI. */
  authorize(params?: { nonce?: string; scope?: string; prompt?: string }): Promise<{ code: string; codeVerifier: string; iss: string }>;
  /** Destroys the grant behind a refresh token, as when the user disconnects the integrator at the provider. */
  revokeGrant(refreshToken: string): Promise<void>;
  close(): Promise<void>;
}

export function pkcePair(): { codeVerifier: string; codeChallenge: string } {
  const codeVerifier = randomBytes(32).toString('base64url');
  const codeChallenge = createHash('sha256').update(codeVerifier).digest('base64url');
  return { codeVerifier, codeChallenge };
}

export async function startProvider(options: ProviderOptions = {}): Promise<TestProvider> {
  const requests = new Map<string, number>();
  // Set once the port (and so the issuer) is known; the server answers 503 until then.
  const ready: { provider?: Provider } = {};

  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.set(path, (requests.get(path) ?? 0) + 1);
    const { provider } = ready;
    if (!provider) {
      res.statusCode = 503;
      res.end();
      return;
    }
    if (req.method === 'GET' && path.startsWith('/interaction/')) {
      void finishInteraction(provider, req, res);
      return;
    }
    provider.callback()(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'test-rs256', alg: 'RS256', use: 'sig' };

  ready.provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    pkce: { required: () => true },
    ttl: {
      AuthorizationCode: 60,
      Interaction: 600,
      Session: 600,
      Grant: 600,
      AccessToken: 600,
      IdToken: 600,
      RefreshToken: options.refreshTokenTtl ?? 600,
    },
    rotateRefreshToken: () => options.rotateRefreshTokens === true,
    scopes: ['openid', 'email', 'offline_access'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    features: { devInteractions: { enabled: false } },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, email: 'alice@example.com', email_verified: true }),
    }),
    // Keep test output clean: render errors as short text.
    renderError: (ctx, out) => {
      ctx.type = 'text/plain';
      ctx.body = `${out.error}: ${out.error_description ?? ''}`;
    },
  });

  async function authorize(params: { nonce?: string; scope?: string; prompt?: string } = {}) {
    const { codeVerifier, codeChallenge } = pkcePair();
    const jar = new Map<string, string>();
    const auth = new URL('/auth', issuer);
    auth.search = new URLSearchParams({
      client_id: CLIENT_ID,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: params.scope ?? 'openid email',
      state: randomBytes(16).toString('base64url'),
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
      ...(params.nonce ? { nonce: params.nonce } : {}),
      ...(params.prompt ? { prompt: params.prompt } : {}),
    }).toString();

    let next = auth.href;
    for (let hop = 0; hop < 6; hop += 1) {
      const response = await fetch(next, {
        redirect: 'manual',
        headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      for (const line of response.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const eq = pair!.indexOf('=');
        jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
      }
      const location = response.headers.get('location');
      if (!location) throw new Error(`authorization stopped at ${response.status}: ${await response.text()}`);
      const target = new URL(location, next);
      if (target.href.startsWith(REDIRECT_URI)) {
        const code = target.searchParams.get('code');
        if (!code) throw new Error(`no code in the redirect: ${target.search}`);
        return { code, codeVerifier, iss: target.searchParams.get('iss') ?? '' };
      }
      next = target.href;
    }
    throw new Error('too many redirects');
  }

  async function revokeGrant(refreshToken: string) {
    const provider = ready.provider!;
    const token = await provider.RefreshToken.find(refreshToken);
    if (!token?.grantId) throw new Error('no such refresh token');
    const grant = await provider.Grant.find(token.grantId);
    if (!grant) throw new Error('no such grant');
    await grant.destroy();
  }

  return {
    issuer,
    requests,
    authorize,
    revokeGrant,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The whole "login + consent" screen: sign in ACCOUNT_ID and grant what was asked. */
async function finishInteraction(provider: Provider, req: http.IncomingMessage, res: http.ServerResponse) {
  try {
    const details = await provider.interactionDetails(req, res);
    const grant = new provider.Grant({ accountId: ACCOUNT_ID, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: ACCOUNT_ID }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  } catch (err) {
    res.statusCode = 500;
    res.end(String(err));
  }
}
