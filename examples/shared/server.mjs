/**
 * The one backend of every framework example: serves a built example app, the popup's callback page (the kit's
 * `idconnect-kit/callback` relay), and the integrator backend's two calls — `POST /api/exchange` (the `idc-success`
 * code → a connect token, with `exchangeCode` from `idconnect-kit/server`) and `POST /api/share-link` (a share-consent
 * link from the provider's Gateway API) — plus `POST /api/consent`, which verifies the consent token an
 * `idc-consent` event carried. The connect token stays here, in a per-browser session; the page only learns the
 * account's subject.
 *
 * The kit is loaded from the example's own installation (`<app>/node_modules/idconnect-kit`, the packed tarball), so
 * this file has no dependencies of its own. Nothing is stored on disk; a restart forgets every session.
 *
 * Command line: `node examples/shared/server.mjs --app examples/react-19 [--port 0] [--host 127.0.0.1]`, configured
 * by env: IDC_ISSUER (provider issuer, e.g. http://localhost:4000), IDC_CLIENT_ID, IDC_CLIENT_SECRET,
 * IDC_RECIPIENT_ID (whom share links are for), IDC_RECIPIENT_NAME (shown on the share button), IDC_CALLBACK_PATH
 * (the callback page's path, default `/callback.html`). It prints `listening on <origin>`; `<origin><callback path>`
 * must be a registered redirect URI of the client at the provider (the reference provider's demo client registers
 * `<INTEGRATOR_PORT origin>/callback`, README "Framework examples").
 * In-process: `startExampleServer({ appDir, issuer, clientId, … })` (the browser tests, test/e2e-examples).
 */
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};
const MAX_BODY_BYTES = 16 * 1024;
const SESSION_COOKIE = 'idc_example_sid';

const CALLBACK_PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Completing sign-in</title>
<p>Completing sign-in…</p>
<script type="module">import { handleCallback } from '/callback.js'; handleCallback();</script></html>`;

/** A failure answered as JSON `{ code, message }`. */
class HttpError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * Where a built app's static files are: `dist/browser` (the Angular application builder) or `dist` (Vite).
 * @param {string} appDir
 */
async function staticRoot(appDir) {
  for (const dir of [join(appDir, 'dist', 'browser'), join(appDir, 'dist')]) {
    if (await isFile(join(dir, 'index.html'))) return dir;
  }
  throw new Error(`${appDir} has no build (dist/index.html or dist/browser/index.html): run \`npm run build\` there.`);
}

async function isFile(path) {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The kit as the example installed it (its `node` export conditions). */
async function loadKit(appDir) {
  const require = createRequire(join(resolve(appDir), 'package.json'));
  let serverPath;
  let callbackPath;
  try {
    serverPath = require.resolve('idconnect-kit/server');
    callbackPath = require.resolve('idconnect-kit/callback');
  } catch (err) {
    throw new Error(`idconnect-kit is not installed in ${appDir}: run \`npm run examples:install\` at the root.`, { cause: err });
  }
  const server = await import(pathToFileURL(serverPath).href);
  return { server, callbackJs: await readFile(callbackPath, 'utf8') };
}

/**
 * Starts the backend of one example.
 * @param {{
 *   appDir: string,
 *   issuer: string | (() => string),
 *   clientId: string,
 *   clientSecret: string,
 *   recipientId: string,
 *   recipientName?: string,
 *   callbackPath?: string,
 *   host?: string,
 *   port?: number,
 * }} options `issuer` may be a function: read per request, so a test can start the provider after this server
 * (the provider registers this server's origin).
 * @returns {Promise<{ origin: string, close(): Promise<void> }>}
 */
export async function startExampleServer(options) {
  const { appDir, clientId, clientSecret, recipientId, recipientName = 'Recipient', host = '127.0.0.1', port = 0 } = options;
  const callbackPath = options.callbackPath ?? '/callback.html';
  if (!/^\/[A-Za-z0-9._~/-]*$/.test(callbackPath)) throw new Error('startExampleServer: "callbackPath" must be a plain path.');
  for (const [name, value] of Object.entries({ appDir, clientId, clientSecret, recipientId })) {
    if (typeof value !== 'string' || !value) throw new Error(`startExampleServer: "${name}" is required.`);
  }
  const issuer = typeof options.issuer === 'function' ? options.issuer : () => options.issuer;
  const root = await staticRoot(appDir);
  const { server: kit, callbackJs } = await loadKit(appDir);
  /** @type {Map<string, { connectToken?: string, sub?: string, shareState?: string }>} */
  const sessions = new Map();

  const httpServer = createServer((req, res) => {
    handle(req, res).catch((err) => {
      const known = err instanceof HttpError;
      // The kit's server errors carry a stable `code` and never a secret (docs/security.md); anything else is hidden.
      const code = known ? err.code : typeof err?.code === 'string' ? err.code : 'internal_error';
      const status = known ? err.status : typeof err?.code === 'string' ? 502 : 500;
      if (!known && typeof err?.code !== 'string') console.error(err);
      sendJson(res, status, { code, message: known || typeof err?.code === 'string' ? err.message : 'Internal error.' });
    });
  });
  await new Promise((done, fail) => {
    httpServer.once('error', fail);
    httpServer.listen(port, host, () => done(undefined));
  });
  const address = httpServer.address();
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  const callbackUri = `${origin}${callbackPath}`;

  async function handle(req, res) {
    const url = new URL(req.url ?? '/', origin);
    const path = url.pathname;
    if (req.method === 'POST' && path.startsWith('/api/')) {
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
        throw new HttpError(415, 'unsupported_media_type', 'Send JSON.');
      }
      const body = await readJson(req);
      const session = sessionOf(req, res);
      return api(path, body, session, res);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'method_not_allowed', 'GET, HEAD or POST.');
    if (path === '/config.json') {
      return sendJson(res, 200, { issuer: issuer(), clientId, recipientName, redirectUri: callbackUri });
    }
    if (path === callbackPath || path === '/callback.html') return send(res, 200, TYPES['.html'], CALLBACK_PAGE);
    if (path === '/callback.js') return send(res, 200, TYPES['.js'], callbackJs);
    return serveStatic(path, res);
  }

  async function api(path, body, session, res) {
    switch (path) {
      case '/api/exchange': {
        const tokens = await kit.exchangeCode({
          issuer: issuer(),
          clientId,
          clientSecret,
          code: str(body, 'code'),
          codeVerifier: str(body, 'codeVerifier'),
          redirectUri: str(body, 'redirectUri'),
          nonce: str(body, 'nonce'),
        });
        session.connectToken = tokens.accessToken;
        session.sub = String(tokens.idTokenClaims.sub);
        return sendJson(res, 200, { sub: session.sub, scope: tokens.scope });
      }
      case '/api/share-link': {
        if (!session.connectToken) throw new HttpError(409, 'not_connected', 'Verify first: no connection yet.');
        // The element's state for this round trip; the backend keeps it and expects it back in the consent token.
        session.shareState = str(body, 'state');
        const gateway = kit.createGatewayClient({ issuer: issuer(), clientId, clientSecret });
        const created = await gateway.shareLink({
          connectToken: session.connectToken,
          redirectUri: callbackUri,
          forClientId: recipientId,
          displayMode: 'popup',
          state: session.shareState,
        });
        return sendJson(res, 200, { link: created.link });
      }
      case '/api/consent': {
        const expectedState = session.shareState;
        if (!expectedState || !session.sub) throw new HttpError(409, 'no_consent_pending', 'No share link was issued.');
        session.shareState = undefined; // single use, whatever the outcome
        const consent = await kit.verifyConsentToken(str(body, 'token'), {
          issuer: issuer(),
          audience: clientId,
          expectedState,
          forClientId: recipientId,
        });
        if (consent.sub !== session.sub) throw new HttpError(403, 'account_mismatch', 'The consent was given by another account.');
        return sendJson(res, 200, { sharingAllowed: consent.sharingAllowed, forClientId: consent.forClientId });
      }
      default:
        throw new HttpError(404, 'not_found', 'No such route.');
    }
  }

  async function serveStatic(path, res) {
    let decoded;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      throw new HttpError(400, 'invalid_path', 'The path is not valid percent-encoding.');
    }
    let file = normalize(join(root, decoded));
    if (file !== root && !file.startsWith(root + sep)) throw new HttpError(404, 'not_found', 'Not found.');
    if (!(await isFile(file))) {
      // A file-like path that is missing is a 404; anything else is the single-page app.
      if (extname(path)) throw new HttpError(404, 'not_found', 'Not found.');
      file = join(root, 'index.html');
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    return send(res, 200, type, await readFile(file));
  }

  function sessionOf(req, res) {
    const cookie = /(?:^|;\s*)idc_example_sid=([A-Za-z0-9_-]{20,64})/.exec(req.headers.cookie ?? '')?.[1];
    if (cookie && sessions.has(cookie)) return sessions.get(cookie);
    const id = randomBytes(24).toString('base64url');
    const session = {};
    sessions.set(id, session);
    res.setHeader('set-cookie', `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax`);
    return session;
  }

  return {
    origin,
    close: () =>
      new Promise((done) => {
        httpServer.close(() => done());
        httpServer.closeAllConnections();
      }),
  };
}

function send(res, status, type, body) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
}

function sendJson(res, status, value) {
  send(res, status, TYPES['.json'], JSON.stringify(value));
}

function readJson(req) {
  return new Promise((done, fail) => {
    let size = 0;
    const chunks = [];
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        fail(new HttpError(413, 'body_too_large', 'The request body is too large.'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        const value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
        done(value);
      } catch {
        fail(new HttpError(400, 'invalid_json', 'The body must be a JSON object.'));
      }
    });
    req.on('error', fail);
  });
}

function str(body, name) {
  const value = body[name];
  if (typeof value !== 'string' || !value || value.length > 8192) {
    throw new HttpError(400, 'invalid_request', `"${name}" must be a non-empty string.`);
  }
  return value;
}

/** `--name value` from the command line. */
function arg(name) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : undefined;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const env = (name) => {
    const value = process.env[name];
    if (!value) {
      console.error(`examples/shared/server.mjs: set ${name} (see the comment at the top of this file).`);
      process.exit(2);
    }
    return value;
  };
  const appDir = arg('app');
  if (!appDir) {
    console.error('usage: node examples/shared/server.mjs --app <example dir> [--port 0] [--host 127.0.0.1]');
    process.exit(2);
  }
  const running = await startExampleServer({
    appDir,
    issuer: env('IDC_ISSUER'),
    clientId: env('IDC_CLIENT_ID'),
    clientSecret: env('IDC_CLIENT_SECRET'),
    recipientId: env('IDC_RECIPIENT_ID'),
    recipientName: process.env.IDC_RECIPIENT_NAME,
    callbackPath: process.env.IDC_CALLBACK_PATH,
    host: arg('host'),
    port: Number(arg('port') ?? 0),
  });
  console.log(`listening on ${running.origin}`);
}
