/**
 * A tiny static "integrator" site on 127.0.0.1 (random port): a test page that drives the kit's flow functions, its
 * callback pages, a share-consent page, and — once the buttons exist — a page with `<idc-verify-button>`. The kit is
 * bundled on the fly from src by esbuild (ESM, code splitting, so oidc-client-ts stays a lazy chunk as in the
 * package).
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const VERIFY_BUTTON_DEFINE = `${ROOT}src/components/verify-button/define.ts`;

/** Read at request time, so a test may fill it in after the provider started (it needs our origin first). */
export interface IntegratorConfig {
  authority: string;
  clientId: string;
  /**
   * Answers the page's `/api/share-link?state=…` (the integrator backend asking the provider for a link). A failure
   * is answered 502 `{ error }` (the page may have a link of its own, `?link=`).
   */
  shareLink?: (args: { state: string; redirectUri: string; displayMode: 'popup' | 'page' }) => Promise<string>;
}

export interface Integrator {
  origin: string;
  /** Whether the `<idc-verify-button>` page is available (src/components/verify-button/define.ts exists). */
  hasElements: boolean;
  close(): Promise<void>;
}

let bundle: Promise<Map<string, string>> | undefined;

/** Builds the kit once per worker: `/kit/kit.js`, `/kit/callback.js`, `/kit/elements.js` and their chunks. */
function kitBundle(): Promise<Map<string, string>> {
  bundle ??= (async () => {
    const entryPoints: Record<string, string> = {
      kit: `${ROOT}test/e2e/support/kit-entry.ts`,
      callback: `${ROOT}src/callback.ts`,
    };
    if (existsSync(VERIFY_BUTTON_DEFINE)) entryPoints.elements = VERIFY_BUTTON_DEFINE;
    const result = await build({
      entryPoints,
      bundle: true,
      format: 'esm',
      splitting: true,
      target: 'es2022',
      outdir: `${ROOT}.test-results/e2e-kit`,
      write: false,
      sourcemap: 'inline',
      tsconfig: `${ROOT}tsconfig.json`,
      logLevel: 'silent',
    });
    const files = new Map<string, string>();
    for (const file of result.outputFiles) files.set(file.path.slice(file.path.lastIndexOf('/') + 1), file.text);
    return files;
  })();
  return bundle;
}

export async function startIntegrator(config: IntegratorConfig): Promise<Integrator> {
  const files = await kitBundle();
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', origin);
    const path = url.pathname;
    if (path.startsWith('/kit/')) {
      const body = files.get(path.slice(5));
      if (body === undefined) return send(res, 404, 'text/plain', 'not found');
      return send(res, 200, 'text/javascript; charset=utf-8', body);
    }
    if (path === '/app.html') {
      const cfg = JSON.stringify({ authority: config.authority, clientId: config.clientId }).replace(/</g, '\\u003c');
      // no-cache, not no-store: a no-store page is never put in the back/forward cache, and one test needs it there.
      return send(res, 200, 'text/html; charset=utf-8', appPage(cfg), 'no-cache');
    }
    if (path === '/callback.html' || path === '/share-callback.html') return send(res, 200, 'text/html; charset=utf-8', CALLBACK_PAGE);
    if (path === '/share.html') return send(res, 200, 'text/html; charset=utf-8', sharePage());
    if (path === '/elements.html' && files.has('elements.js')) return send(res, 200, 'text/html; charset=utf-8', elementsPage(config));
    if (path === '/api/share-link' && config.shareLink) {
      // The backend registers where the provider sends the browser back: one of our two share return pages.
      const page = url.searchParams.get('return') === 'page';
      const back = page ? '/share.html' : '/share-callback.html';
      config
        .shareLink({ state: url.searchParams.get('state') ?? '', redirectUri: origin + back, displayMode: page ? 'page' : 'popup' })
        .then(
          (link) => send(res, 200, 'application/json', JSON.stringify({ link })),
          (err: Error) => send(res, 502, 'application/json', JSON.stringify({ error: err.message })),
        );
      return;
    }
    send(res, 404, 'text/plain', 'not found');
  });

  return { origin, hasElements: files.has('elements.js'), close: () => closeServer(server) };
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function send(res: ServerResponse, status: number, type: string, body: string, cache = 'no-store'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': cache }).end(body);
}

/** Shared by the test pages: records what the flow reports in `window.events` and on screen. */
const RECORDER = `
  window.events = [];
  const log = document.querySelector('#log');
  window.record = (kind, data) => {
    window.events.push({ kind, ...data });
    const li = document.createElement('li');
    li.textContent = kind + ' ' + JSON.stringify(data);
    log.append(li);
  };
  window.track = (handle) => {
    window.handle = handle;
    handle.result.then(
      (result) => record('success', { result }),
      (err) =>
        record(err.name === 'FlowCancelled' ? 'cancel' : 'error', {
          code: err.code,
          reason: err.reason,
          message: err.message,
          oauthError: err.oauthError,
          oauthErrorDescription: err.oauthErrorDescription,
        }),
    );
  };`;

function appPage(cfg: string): string {
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>Integrator</title>
<script type="application/json" id="cfg">${cfg}</script>
<button id="verify">Verify with ID</button>
<ol id="log"></ol>
<script type="module">
  import * as kit from '/kit/kit.js';
  ${RECORDER}
  const cfg = JSON.parse(document.querySelector('#cfg').textContent);
  const query = new URLSearchParams(location.search);
  const mode = query.get('mode') || 'popup';
  window.kit = kit;
  window.options = () => ({
    authority: query.get('authority') || cfg.authority,
    clientId: cfg.clientId,
    mode,
    // ?callback=page: the page itself is the callback (the element's default), also in popup mode.
    redirectUri: location.origin + (mode === 'redirect' || query.get('callback') === 'page' ? '/app.html' : '/callback.html'),
    timeout: Number(query.get('timeout') || 600),
  });
  document.querySelector('#verify').addEventListener('click', () => track(kit.startVerify(options())));
  // ?autostart: start while the page loads, outside any user gesture. (Not from the test: Playwright's evaluate and
  // waitForFunction run with a user gesture, which would grant the page activation.)
  if (query.has('hide-activation-api')) Object.defineProperty(navigator, 'userActivation', { value: undefined });
  if (query.has('autostart')) {
    window.activationAtStart = navigator.userActivation?.isActive ?? null;
    track(kit.startVerify(options()));
  }
  kit.resumeVerify({ clientId: cfg.clientId, authority: cfg.authority }).then(
    (result) => result && record('success', { result, resumed: true }),
    (err) => record('error', { code: err.code, message: err.message, resumed: true }),
  );
  kit.preloadProtocol(cfg.authority);
  window.pageshows = [];
  addEventListener('pageshow', (e) => window.pageshows.push(e.persisted));
  document.body.dataset.ready = 'true';
</script></html>`;
}

const CALLBACK_PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Completing sign-in</title>
<p>Completing sign-in…</p>
<script type="module">
  import { handleCallback } from '/kit/callback.js';
  handleCallback().then((acked) => { document.title = acked ? 'relayed' : 'not relayed'; });
</script></html>`;

function sharePage(): string {
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>Share</title>
<button id="share">Continue to Recipient</button>
<ol id="log"></ol>
<script type="module">
  import * as kit from '/kit/kit.js';
  ${RECORDER}
  const query = new URLSearchParams(location.search);
  const mode = query.get('mode') || 'popup';
  const state = query.get('state') || 'share-state-' + crypto.randomUUID();
  window.shareState = state;
  const returnTo = mode === 'redirect' ? 'page' : 'callback';
  document.querySelector('#share').addEventListener('click', () =>
    track(
      kit.startShareConsent({
        shareLink: () =>
          fetch('/api/share-link?return=' + returnTo + '&state=' + encodeURIComponent(state))
            .then((r) => r.json())
            .then((j) => query.get('link') || j.link),
        state,
        redirectUri: location.origin + (mode === 'redirect' ? '/share.html' : '/share-callback.html'),
        mode,
      }),
    ),
  );
  kit.resumeShareConsent().then(
    (result) => result && record('success', { result, resumed: true }),
    (err) => record('error', { code: err.code, message: err.message, resumed: true }),
  );
  document.body.dataset.ready = 'true';
</script></html>`;
}

function elementsPage(config: IntegratorConfig): string {
  const attr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>Elements</title>
<idc-verify-button authority="${attr(config.authority)}" client-id="${attr(config.clientId)}"></idc-verify-button>
<ol id="log"></ol>
<script type="module">
  ${RECORDER}
  const button = document.querySelector('idc-verify-button');
  // ?callback=page: the page itself is the callback (the element's default), so the popup lands on this page.
  button.redirectUri = location.origin + (new URLSearchParams(location.search).get('callback') === 'page' ? '/elements.html' : '/callback.html');
  for (const name of ['idc-start', 'idc-success', 'idc-error', 'idc-cancel', 'idc-fallback']) {
    button.addEventListener(name, (e) => record(name, { detail: e.detail }));
  }
  window.cancelNextStart = () => button.addEventListener('idc-start', (e) => e.preventDefault(), { once: true });
  await import('/kit/elements.js');
  await customElements.whenDefined('idc-verify-button');
  await button.updateComplete;
  document.body.dataset.ready = 'true';
</script></html>`;
}
