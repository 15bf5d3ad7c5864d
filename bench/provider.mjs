// A minimal real OpenID provider (oidc-provider) for the benchmark: one public client with PKCE, listening on
// 127.0.0.1 with a random port. The benchmark only needs the authorization endpoint to be reached; oidc-provider's
// built-in development login page answers there.
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

/**
 * @param {{ clientId: string, redirectUris: string[] }} options
 * @returns {Promise<{ issuer: string, authorizationEndpoint: string, close: () => Promise<void> }>}
 */
export async function startBenchProvider({ clientId, redirectUris }) {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        token_endpoint_auth_method: 'none',
        redirect_uris: redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    scopes: ['openid', 'email', 'share', 'offline_access'],
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AuthorizationCode: 60, IdToken: 3600, AccessToken: 3600 },
    // The kit's pages run on another origin and fetch the discovery document.
    clientBasedCORS: () => true,
  });
  // The dev interactions warn on every request; the benchmark output stays readable without them.
  provider.on('server_error', (_ctx, err) => console.error('bench provider error:', err));
  server.on('request', provider.callback());
  return {
    issuer,
    authorizationEndpoint: `${issuer}/auth`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
