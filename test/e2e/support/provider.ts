/**
 * A real OpenID provider for the e2e tests: `oidc-provider` 9 on 127.0.0.1 (random port), addressed as
 * http://localhost:<port> (another site than the integrator on 127.0.0.1), with its own minimal server-rendered
 * login (fields `email`/`password`, button "Sign in") and consent (Allow / Deny) pages. PKCE is required.
 *
 * Extras the tests switch on: `Cross-Origin-Opener-Policy: same-origin` on every page, and a share-link route that
 * plays the provider's per-recipient consent: `GET /share/:id` → Allow/Deny → `redirectUri?token=<ES256 JWT>&state=…`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import Provider, { type ClientMetadata } from 'oidc-provider';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';

export const ACCOUNT = { email: 'alice@example.com', password: 'alice-demo', sub: 'alice-0001' };

export interface TestProvider {
  /** Issuer and base URL, http://localhost:<port>. */
  issuer: string;
  /** Switches `Cross-Origin-Opener-Policy: same-origin` on every response. */
  setCoop(on: boolean): void;
  /** Creates a single-use share link that sends the browser to `redirectUri` with a signed consent JWT. */
  createShareLink(args: { redirectUri: string; state: string; audience: string; forClientId: string }): string;
  /** Public key set of the consent JWTs (the backend would fetch it from /share-jwks). */
  shareJwks: { keys: JWK[] };
  close(): Promise<void>;
}

export interface ProviderOptions {
  clients: ClientMetadata[];
  host?: string;
}

const HOST = '127.0.0.1';

export async function startProvider(options: ProviderOptions): Promise<TestProvider> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, options.host ?? HOST, resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://localhost:${port}`;

  const { privateKey: idTokenKey } = await generateKeyPair('RS256', { extractable: true });
  const { privateKey: shareKey, publicKey: sharePublic } = await generateKeyPair('ES256', { extractable: true });
  const shareKid = randomUUID();
  const shareJwks = { keys: [{ ...(await exportJWK(sharePublic)), kid: shareKid, alg: 'ES256', use: 'sig' }] };

  const provider = new Provider(issuer, {
    adapter: memoryAdapter(),
    clients: options.clients,
    jwks: { keys: [{ ...(await exportJWK(idTokenKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    pkce: { required: () => true },
    scopes: ['openid', 'email', 'share', 'offline_access'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    features: { devInteractions: { enabled: false } },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, email: ACCOUNT.email, email_verified: true }),
    }),
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('Error', `<h1>Error</h1><p>${escape(String(out.error))}: ${escape(String(out.error_description ?? ''))}</p>`);
    },
  });

  let coop = false;
  const shares = new Map<string, { redirectUri: string; state: string; audience: string; forClientId: string }>();
  const callback = provider.callback();

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (coop) res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    const url = new URL(req.url ?? '/', issuer);
    const interaction = /^\/interaction\/([\w-]+)(?:\/(login|confirm|abort))?$/.exec(url.pathname);
    const share = /^\/share\/([\w-]+)$/.exec(url.pathname);
    const handle = interaction
      ? handleInteraction(provider, req, res, interaction[1]!, interaction[2])
      : share
        ? handleShare(req, res, share[1]!, shares, { issuer, key: shareKey, kid: shareKid })
        : url.pathname === '/share-jwks'
          ? json(res, 200, shareJwks)
          : (callback(req, res) as unknown);
    Promise.resolve(handle).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`provider error: ${(err as Error).message}`);
    });
  });

  return {
    issuer,
    setCoop(on) {
      coop = on;
    },
    createShareLink(args) {
      const id = randomBytes(16).toString('hex');
      shares.set(id, args);
      return `${issuer}/share/${id}`;
    },
    shareJwks,
    close: () => closeServer(server),
  };
}

async function handleInteraction(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
  action: string | undefined,
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  const { prompt, params } = details;
  if (req.method === 'GET' && !action) {
    if (prompt.name === 'login') return html(res, loginPage(uid, String(params.login_hint ?? '')));
    return html(res, consentPage(uid, String(params.client_id), String(params.scope ?? '')));
  }
  if (req.method !== 'POST') return html(res, page('Not found', '<p>Not found</p>'), 404);
  const form = new URLSearchParams(await readBody(req));
  if (action === 'login') {
    if (form.get('email') !== ACCOUNT.email || form.get('password') !== ACCOUNT.password) {
      return html(res, loginPage(uid, form.get('email') ?? '', 'Wrong email or password.'), 401);
    }
    await provider.interactionFinished(req, res, { login: { accountId: ACCOUNT.sub } }, { mergeWithLastSubmission: false });
    return;
  }
  if (action === 'abort') {
    await provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'The user declined the request.' },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  // confirm
  const accountId = details.session!.accountId;
  const grant = details.grantId
    ? (await provider.Grant.find(details.grantId))!
    : new provider.Grant({ accountId, clientId: String(params.client_id) });
  const missing = prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

async function handleShare(
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
  shares: Map<string, { redirectUri: string; state: string; audience: string; forClientId: string }>,
  signer: { issuer: string; key: CryptoKey; kid: string },
): Promise<void> {
  const link = shares.get(id);
  if (!link) return html(res, page('Expired', '<p>This share link is used or expired.</p>'), 410);
  if (req.method === 'GET') {
    return html(
      res,
      page(
        'Share consent',
        `<h1>Share your verified identity with ${escape(link.forClientId)}?</h1>
         <form method="post"><button name="decision" value="allow">Allow</button>
         <button name="decision" value="deny">Deny</button></form>`,
      ),
    );
  }
  const form = new URLSearchParams(await readBody(req));
  shares.delete(id); // single use
  const token = await new SignJWT({ sharingAllowed: form.get('decision') === 'allow', forClientId: link.forClientId, state: link.state })
    .setProtectedHeader({ alg: 'ES256', kid: signer.kid, typ: 'share-consent+jwt' })
    .setIssuer(signer.issuer)
    .setAudience(link.audience)
    .setSubject(ACCOUNT.sub)
    .setIssuedAt()
    .setExpirationTime('5m')
    .setJti(randomUUID())
    .sign(signer.key);
  const back = new URL(link.redirectUri);
  back.searchParams.set('token', token);
  back.searchParams.set('state', link.state);
  res.writeHead(303, { location: back.href }).end();
}

/** Per-provider in-memory storage for oidc-provider's models (expiry honoured on read). */
function memoryAdapter() {
  const store = new Map<string, { payload: Record<string, unknown>; expiresAt: number }>();
  const live = (key: string) => {
    const hit = store.get(key);
    if (hit && hit.expiresAt <= Date.now()) store.delete(key);
    return store.get(key)?.payload;
  };
  return class MemoryAdapter {
    constructor(private readonly model: string) {}
    private key(id: string) {
      return `${this.model}:${id}`;
    }
    async upsert(id: string, payload: Record<string, unknown>, expiresIn: number) {
      store.set(this.key(id), { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
    }
    async find(id: string) {
      return live(this.key(id));
    }
    async findByUid(uid: string) {
      for (const [key, { payload }] of store) if (key.startsWith(`${this.model}:`) && payload.uid === uid) return live(key);
      return undefined;
    }
    async findByUserCode(userCode: string) {
      for (const [key, { payload }] of store) if (key.startsWith(`${this.model}:`) && payload.userCode === userCode) return live(key);
      return undefined;
    }
    async consume(id: string) {
      const payload = live(this.key(id));
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string) {
      store.delete(this.key(id));
    }
    async revokeByGrantId(grantId: string) {
      for (const [key, { payload }] of store) if (payload.grantId === grantId) store.delete(key);
    }
  };
}

function loginPage(uid: string, email: string, error = ''): string {
  return page(
    'Sign in',
    `<h1>Sign in</h1>${error ? `<p role="alert">${escape(error)}</p>` : ''}
     <form method="post" action="/interaction/${uid}/login">
       <label>Email <input name="email" type="email" autocomplete="username" value="${escape(email)}"></label>
       <label>Password <input name="password" type="password" autocomplete="current-password"></label>
       <button type="submit">Sign in</button>
     </form>`,
  );
}

function consentPage(uid: string, clientId: string, scope: string): string {
  return page(
    'Consent',
    `<h1>${escape(clientId)} asks for: ${escape(scope)}</h1>
     <form method="post" action="/interaction/${uid}/confirm"><button type="submit">Allow</button></form>
     <form method="post" action="/interaction/${uid}/abort"><button type="submit">Deny</button></form>`,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>${escape(title)}</title><body>${body}</body></html>`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function html(res: ServerResponse, body: string, status = 200): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*' }).end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > 10_000) req.destroy(new Error('body too large'));
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
