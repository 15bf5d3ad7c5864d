/**
 * The reference provider: an OpenID provider on `oidc-provider` plus the kit's routes (share tokens, share links,
 * per-recipient consent, reuse). Started in-process by the demo, the end-to-end tests and anyone trying the kit.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import Provider, { type AdapterFactory, type ClientMetadata } from 'oidc-provider';
import { accountRoutes } from './account-page.js';
import { Accounts, DEMO_ACCOUNTS, type AccountSeed } from './accounts.js';
import { MemoryAdapter, MemoryAdapterStorage } from './adapter.js';
import { apiNotFound, apiRoutes, grantActive } from './api.js';
import { livenessAsset, livenessScript, providerUiScript } from './assets.js';
import { ClientDirectory, demoClients, internalClient } from './clients.js';
import { providerConfiguration, type TtlOverrides } from './config.js';
import { Connections } from './connections.js';
import { ConsentSigner } from './consent-jwt.js';
import { Csrf } from './csrf.js';
import { devRoutes } from './dev-routes.js';
import { EmailCodes } from './email-codes.js';
import { interactionRoutes } from './interactions.js';
import { loadOrCreateKeys } from './keys.js';
import type { Handler, Kit } from './kit.js';
import { createSmtpMailer, MailCatcher, type Mailer, type SmtpMailerOptions } from './mail.js';
import { sharePageRoutes } from './share-pages.js';
import { ShareService } from './shares.js';
import { signInRoutes } from './signin.js';
import { signupRoutes } from './signup-pages.js';
import { openDatabase, type Database } from './storage/database.js';
import { MemoryKitStore, type KitStore } from './store.js';
import { MemoryOutbox, SqlOutbox } from './outbox.js';
import { Partnerships } from './partnerships.js';
import { LoginThrottle } from './throttle.js';
import { Webhooks, type WebhookOptions } from './webhooks.js';
import { Verification } from './verification.js';
import { Sandbox } from './sandbox.js';
import { verifyRoutes } from './verify-pages.js';
import { livenessRoutes, ownershipCheck } from './liveness/routes.js';
import { LivenessService, type LivenessOptions } from './liveness/service.js';
import { htmlSecurityHeaders, UI_SCRIPT_PATH } from './views.js';

export type { KitStore } from './store.js';
export { MemoryKitStore } from './store.js';
export { MemoryAdapter, MemoryAdapterStorage } from './adapter.js';

export interface StartProviderOptions {
  /** 0 (default) picks a free port */
  port?: number;
  /** interface to listen on; default 127.0.0.1 */
  host?: string;
  /**
   * issuer identifier; default `http://localhost:<port>`. Behind a proxy (TLS, several instances) the public URL:
   * every request is answered as addressed to it, whatever port the instance listens on and whatever Host the
   * proxy forwards.
   */
  issuer?: string;
  /**
   * a reverse proxy in front appends the client's address to `X-Forwarded-For`: per-address limits (sign-in
   * throttling) use that address instead of the proxy's. Only with a proxy that does so; default false.
   */
  trustProxy?: boolean;
  /** origin of the integrator demo; its redirect URIs are `<origin>/callback` and `<origin>/share-callback` */
  integratorOrigin?: string;
  /** origin of the recipient demo */
  recipientOrigin?: string;
  /** more clients next to the demo fixtures (extra metadata: idc_role, idc_allowed_donors, idc_levels) */
  extraClients?: ClientMetadata[];
  /** send `Cross-Origin-Opener-Policy: same-origin` on every HTML screen */
  coop?: boolean;
  /** one line per request on stdout */
  log?: boolean;
  /** JSON file with the signing keys, cookie keys and CSRF key; created when missing. Default: keys in memory. */
  keysFile?: string;
  /** oidc-provider storage; default an in-memory {@link MemoryAdapter} */
  adapter?: AdapterFactory;
  /** the kit's own records; default a {@link MemoryKitStore} (closed with the provider) */
  store?: KitStore;
  /** seeded accounts; default alice@example.com / alice-demo and bob@example.com / bob-demo */
  accounts?: readonly AccountSeed[];
  /** provider-side element bundle served at /assets/provider-ui.js */
  uiBundlePath?: string;
  /**
   * The demo configuration (`npm start`): a mail catcher (a real SMTP server in-process) receives every mail, the
   * `/dev/*` routes exist (`GET /dev/mail`, `POST /dev/reviews`), and so do the sandbox accounts with scripted
   * outcomes (`sandbox+…@example.com`, sandbox.ts). Never on by default.
   */
  dev?: boolean;
  /** where mail goes: an SMTP server, or any {@link Mailer}; with `dev` the mail catcher is the default */
  mail?: SmtpMailerOptions | Mailer;
  /**
   * A database instead of memory: `{ dataDir }` for the embedded one (PGlite, created when missing), `{ url }` for
   * a PostgreSQL server. A restart keeps every account, grant, consent and token. Ignored for what `store` or
   * `adapter` supply.
   */
  database?: { dataDir?: string; url?: string; poolSize?: number };
  /** seconds an access token (the integrator's connect token) lives; default 3600 */
  accessTokenTtl?: number;
  /** how long the rules take to decide a verification review; default 2000 ms */
  reviewDelayMs?: number;
  /**
   * The ownership check (selfie: liveness and face match, docs/security.md §42): decision thresholds
   * (`yaw`, `antispoof`, `liveness`, `match`, `minFaceSize`, `minFaceScore`), captures per account and hour, session
   * lifetime; and two test-only settings (`challenge`, `verification: false`). See demo/provider/README.md.
   */
  liveness?: LivenessOptions;
  /** the selfie element's bundle served at /assets/idconnect-kit-liveness.js (default dist/idconnect-kit-liveness.js) */
  livenessBundlePath?: string;
  /** webhook delivery timing (tests shorten it); deliveries come from the database's outbox when there is one */
  webhooks?: Pick<WebhookOptions, 'intervalMs' | 'timeoutMs' | 'backoffMs' | 'maxAgeMs'>;

  // ---- test-only options: for the kit's own tests (test/e2e, test/node/server); never set by the demo ----
  /**
   * Test-only. `true`: every refresh spends the refresh token and returns a new one (reuse of a spent one revokes the
   * grant); `false`: never rotate. Default: oidc-provider's own rule (rotate near the end of the token's life).
   */
  rotateRefreshTokens?: boolean;
  /** Test-only. oidc-provider lifetimes in seconds over the defaults (e.g. `{ RefreshToken: 1 }`); wins over `accessTokenTtl`. */
  ttl?: TtlOverrides;
  /** Test-only. Called with every incoming request before it is routed (request counters per path). */
  onRequest?: (req: IncomingMessage) => void;
}

export interface RunningProvider {
  issuer: string;
  /** where the server listens (may differ from the issuer's host) */
  url: string;
  /** the oidc-provider instance, for tests and embedding */
  provider: Provider;
  /** with `dev`: the mail catcher every mail goes to */
  mailCatcher?: MailCatcher;
  /** the provider's own services (accounts, verification, shares, …), for tests and embedding */
  kit: Kit;
  close(): Promise<void>;
}

function isMailer(value: SmtpMailerOptions | Mailer): value is Mailer {
  return typeof (value as Mailer).send === 'function';
}

/** Mail without a configured server fails with a clear message instead of pretending to send. */
const NO_MAIL: Mailer = {
  send: () => Promise.reject(new Error('no mail server configured (startProvider({ mail }) or { dev: true })')),
};

const DEFAULT_UI_BUNDLE = fileURLToPath(new URL('../../dist/idconnect-kit-provider-ui.iife.js', import.meta.url));

function checkIssuer(issuer: string): string {
  const url = new URL(issuer);
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/' || url.search || url.hash) {
    throw new TypeError('issuer must be an http(s) origin without path, query or fragment');
  }
  if (url.protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
    throw new TypeError('a plain-http issuer is allowed for localhost only');
  }
  return url.origin;
}

function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startProvider(options: StartProviderOptions = {}): Promise<RunningProvider> {
  const host = options.host ?? '127.0.0.1';
  const coop = options.coop ?? false;
  const log = options.log ?? false;

  // the issuer may name the port, so listen first and build the provider after
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.writeHead(503).end();
  };
  const server = createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, (req, res) => handler(req, res));
  const port = await listen(server, options.port ?? 0, host);

  let database: Database | undefined;
  let mailCatcher: MailCatcher | undefined;
  let store: KitStore | undefined;
  let adapterStorage: MemoryAdapterStorage | undefined;
  let webhooks: Webhooks | undefined;
  let liveness: LivenessService | undefined;
  const ownStore = !options.store;
  const release = async () => {
    await webhooks?.stop();
    await liveness?.close();
    adapterStorage?.close();
    if (ownStore) await store?.close();
    await database?.close();
    await mailCatcher?.close();
  };
  try {
    if (options.database && (!options.store || !options.adapter)) database = await openDatabase(options.database);
    store = options.store ?? database?.store ?? new MemoryKitStore();
    const adapter = options.adapter ?? database?.adapter;
    if (!adapter) adapterStorage = new MemoryAdapterStorage();
    if (options.dev) mailCatcher = await MailCatcher.start({ host: '127.0.0.1' });
    const mailer: Mailer = options.mail
      ? isMailer(options.mail)
        ? options.mail
        : createSmtpMailer(options.mail)
      : mailCatcher
        ? createSmtpMailer({ host: '127.0.0.1', port: mailCatcher.port, from: '"ID account" <no-reply@id.localhost>' })
        : NO_MAIL;
    const issuer = checkIssuer(options.issuer ?? `http://localhost:${port}`);
    const keys = await loadOrCreateKeys(options.keysFile);
    const accounts = new Accounts(store);
    await accounts.seed(options.accounts ?? DEMO_ACCOUNTS);
    // the sandbox accounts (scripted outcomes for integrators' tests) exist in the demo configuration only
    const sandbox = options.dev ? new Sandbox({ store, accounts }) : undefined;
    await sandbox?.seed();

    const clientList = [
      ...demoClients(options.integratorOrigin ?? 'http://localhost:5173', options.recipientOrigin ?? 'http://localhost:5174'),
      ...(options.extraClients ?? []),
      internalClient(issuer),
    ];
    const provider = new Provider(
      issuer,
      providerConfiguration({
        clients: clientList,
        keys,
        accounts,
        adapter: adapter ?? MemoryAdapter.factory(adapterStorage!),
        coop,
        accessTokenTtl: options.accessTokenTtl ?? 3600,
        ttlOverrides: options.ttl,
        rotateRefreshTokens: options.rotateRefreshTokens,
      }),
    );
    // security headers on oidc-provider's own responses; its inline form-post scripts add their hash to this CSP
    provider.use(async (ctx, next) => {
      const headers = htmlSecurityHeaders(undefined, { coop, formActions: null });
      delete headers['Cache-Control'];
      ctx.set(headers);
      await next();
    });
    provider.on('server_error', (_ctx, err) => console.error('[provider] oidc-provider error:', err.name, err.message));

    const consentJwk = keys.jwks.keys.find((k) => k.kid === keys.consentKid)!;
    const clients = new ClientDirectory(clientList);
    const partnerships = new Partnerships(store, clients);
    // the fixtures' donors start as active partnerships (a store that already has them keeps them as they are)
    for (const recipient of clients.all().filter((c) => c.role === 'recipient')) {
      for (const donor of recipient.allowedDonors) await partnerships.create(donor, recipient.clientId, 'active');
    }
    webhooks = new Webhooks({
      outbox: database ? new SqlOutbox(database.client) : new MemoryOutbox(),
      clients,
      ...options.webhooks,
    });
    liveness = new LivenessService({ store, accounts, ...(options.liveness ? { options: options.liveness } : {}) });
    const kit: Kit = {
      provider,
      issuer,
      accounts,
      clients,
      store,
      emailCodes: new EmailCodes({ store, mailer, secret: keys.csrfKey }),
      throttle: new LoginThrottle(store),
      verification: new Verification({ store, accounts, reviewDelayMs: options.reviewDelayMs }),
      connections: new Connections(store, provider, (id) => clients.get(id)?.role === 'integrator'),
      csrf: new Csrf(keys.csrfKey),
      coop,
      uiBundlePath: options.uiBundlePath ?? DEFAULT_UI_BUNDLE,
      showDemoHint: !options.accounts,
      trustProxy: options.trustProxy ?? false,
      shares: new ShareService({
        store,
        accounts,
        clients,
        signer: new ConsentSigner(issuer, consentJwk),
        grantActive: (ctx) => grantActive(provider, ctx),
        partnerships,
        webhooks,
        ...(sandbox ? { linkTtl: (accountId: string, normal: number) => sandbox.linkTtl(accountId, normal) } : {}),
        ownership: ownershipCheck(issuer, liveness),
      }),
      partnerships,
      webhooks,
      ...(sandbox ? { sandbox } : {}),
      liveness,
      ...(options.livenessBundlePath ? { livenessBundlePath: options.livenessBundlePath } : {}),
    };

    const routes: [string, RegExp, Handler][] = [
      ...interactionRoutes,
      ...signupRoutes,
      ...signInRoutes,
      ...verifyRoutes,
      ...livenessRoutes,
      ...accountRoutes,
      ...sharePageRoutes,
      ...apiRoutes,
      ...(mailCatcher ? devRoutes(mailCatcher) : []),
      ['GET', new RegExp(`^${UI_SCRIPT_PATH.replace(/\./g, '\\.')}$`), providerUiScript],
      ['HEAD', new RegExp(`^${UI_SCRIPT_PATH.replace(/\./g, '\\.')}$`), providerUiScript],
      ['GET', /^\/assets\/idconnect-kit-liveness\.js$/, livenessScript],
      ['GET', /^\/assets\/liveness\/(human\.esm\.js|models\/(?:blazeface|facemesh)\.(?:json|bin))$/, livenessAsset],
    ];
    const oidc = provider.callback();
    // oidc-provider builds its absolute URLs (discovery, redirects to itself) from the request's origin; the
    // instance answers as its issuer, whatever it listens on and whatever Host a proxy or a client sends
    const issuerUrl = new URL(issuer);
    provider.proxy = true;

    const onRequest = options.onRequest;
    handler = (req, res) => {
      onRequest?.(req);
      const started = Date.now();
      if (log) res.on('finish', () => console.log(`[provider] ${req.method} ${req.url?.split('?')[0]} ${res.statusCode} ${Date.now() - started}ms`));
      req.headers.host = issuerUrl.host;
      req.headers['x-forwarded-host'] = issuerUrl.host;
      req.headers['x-forwarded-proto'] = issuerUrl.protocol.slice(0, -1);
      let url: URL;
      try {
        url = new URL(req.url ?? '/', issuer);
      } catch {
        res.writeHead(400).end();
        return;
      }
      const matching = routes.filter(([, pattern]) => pattern.test(url.pathname));
      const route = matching.find(([method]) => method === req.method);
      if (route) {
        const params = route[1].exec(url.pathname)!.slice(1);
        route[2](kit, req, res, params, url).catch((err: Error) => {
          console.error('[provider] route failed:', err?.name, err?.message);
          if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' }).end('server error');
        });
        return;
      }
      if (matching.length || url.pathname.startsWith('/api/') || url.pathname.startsWith('/dev/')) {
        req.resume();
        apiNotFound(res, matching.length ? 405 : 404, [...new Set(matching.map(([m]) => m))].join(', ') || undefined);
        return;
      }
      oidc(req, res);
    };

    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    if (log) console.log(`[provider] ${issuer} listening on ${url}`);
    return {
      issuer,
      url,
      provider,
      ...(mailCatcher ? { mailCatcher } : {}),
      kit,
      async close() {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await release();
      },
    };
  } catch (err) {
    server.close();
    await release();
    throw err;
  }
}
