/**
 * A lasting connection (scope `offline_access`): the demo integrator keeps the connect token and the refresh token
 * on its server, renews the token with `refreshConnection()` when it has expired, and stays connected across a
 * restart of the provider (embedded database) and of the integrator (its connections file) — until the user presses Disconnect in their ID account, after which
 * its next share call fails with `connection_revoked` and the page shows it is no longer connected.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import * as client from 'openid-client';
import { startIntegrator, type RunningSite } from '../../../demo/integrator/server.js';
import { startProvider, type RunningProvider } from '../../../demo/provider/index.js';
import { freePort } from '../../e2e/support-journey/servers.js';
import { ALICE, Browser, csrfFrom, oidcConfig } from './helpers.js';

let dir: string;
let port: number;
let provider: RunningProvider;
let integrator: RunningSite;
const logs: string[] = [];
const cookies = new Map<string, string>();

const providerOptions = () => ({
  port,
  host: '127.0.0.1',
  database: { dataDir: join(dir, 'db') },
  keysFile: join(dir, 'keys.json'),
  accessTokenTtl: 2,
  integratorOrigin: integrator?.url ?? `http://localhost:${integratorPort}`,
});
let integratorPort: number;
const integratorOptions = () => ({
  port: integratorPort,
  providerIssuer: `http://localhost:${port}`,
  connectionsFile: join(dir, 'integrator-connections.json'),
  log: (l: string) => logs.push(l),
});

/** The integrator's own API, as its page calls it (same origin, its session cookie). */
async function site(path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const init = {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      origin: integrator.url,
      'content-type': 'application/json',
      cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  };
  // once more on a network error: right after a restart fetch may pick a pooled socket of the closed server
  const res = await fetch(new URL(path, integrator.url), init).catch(() => fetch(new URL(path, integrator.url), init));
  for (const line of res.headers.getSetCookie()) {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return { status: res.status, json: await res.json() };
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'idc-lasting-'));
  port = await freePort();
  integratorPort = await freePort();
  integrator = await startIntegrator(integratorOptions());
  provider = await startProvider(providerOptions());
});

after(async () => {
  await integrator?.close();
  await provider?.close();
  await rm(dir, { recursive: true, force: true });
});

it('stays connected past the access token and across a provider restart, until Disconnect', async () => {
  // connect as the integrator page does: PKCE in the browser, the code to the integrator's backend
  const browser = new Browser(provider.issuer);
  const config = await oidcConfig(provider.issuer);
  const verifier = client.randomPKCECodeVerifier();
  const authUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: `${integrator.url}/callback`,
    scope: 'openid email share offline_access',
    prompt: 'consent',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state: 'lasting-state',
  });
  let step = await browser.follow(authUrl.href);
  step = await browser.follow(new URL(step.url).pathname + '/login', { form: { ...ALICE, csrf: csrfFrom(step.html) } });
  const uid = /\/interaction\/([\w-]+)/.exec(step.url)![1];
  step = await browser.follow(`/interaction/${uid}/consent`, { form: { csrf: csrfFrom(step.html), decision: 'allow' } });
  const code = step.external!.searchParams.get('code');
  const connected = await site('/api/connect', { code, codeVerifier: verifier, issuer: provider.issuer });
  assert.equal(connected.status, 200, JSON.stringify(connected.json));
  assert.equal(connected.json.connected, true);

  // past the access token's lifetime (2 s): the next call renews it and goes through
  await new Promise((r) => setTimeout(r, 2500));
  const shared = await site('/api/share', { forClientId: 'demo-recipient-2', mode: 'api' });
  assert.equal(shared.status, 200, JSON.stringify(shared.json));
  assert.ok(logs.includes('renewed the connect token'), 'the integrator refreshed');

  // the provider restarts on the same database and keys: still connected, sharing still works
  await provider.close();
  provider = await startProvider(providerOptions());
  assert.equal((await site('/api/session')).json.connected, true);
  const afterRestart = await site('/api/share', { forClientId: 'demo-recipient-2', mode: 'api' });
  assert.equal(afterRestart.status, 200, JSON.stringify(afterRestart.json));
  // and so does the integrator (as under `npm start`, where both run in one process): its file keeps the connection
  await integrator.close();
  integrator = await startIntegrator(integratorOptions());
  assert.equal((await site('/api/session')).json.connected, true, 'connected after the integrator restarted');
  assert.equal((await site('/api/share', { forClientId: 'demo-recipient-2', mode: 'api' })).status, 200);
  const account = await browser.follow('/account');
  assert.match(account.html, /Acme Marketplace/, 'the provider session and the connection survived too');

  // the user disconnects the integrator in their ID account: the integrator's next call fails as the contract says
  const done = await browser.follow('/account/disconnect', { form: { csrf: csrfFrom(account.html), client: 'demo-integrator' } });
  assert.match(done.html, /is disconnected/);
  const refused = await site('/api/share', { forClientId: 'demo-recipient-2', mode: 'api' });
  assert.equal(refused.status, 401);
  assert.equal(refused.json.error.code, 'connection_revoked');
  assert.equal((await site('/api/session')).json.connected, false);
});
