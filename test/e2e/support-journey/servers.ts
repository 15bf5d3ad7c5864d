/**
 * Starts the three demo origins for the journey test — the reference provider, the integrator site and the recipient
 * site — on free ports of 127.0.0.1, addressed as http://localhost:<port> (the kit opens share links only on https or
 * localhost). Ports are picked first so each server knows the others' origins before it starts (redirect URIs,
 * allowed origins).
 */
import { test as base } from '@playwright/test';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { demoClients } from '../../../demo/provider/clients.js';
import { startProvider, type StartProviderOptions } from '../../../demo/provider/index.js';
import type { Kit } from '../../../demo/provider/kit.js';
import { startIntegrator } from '../../../demo/integrator/server.js';
import { startRecipient } from '../../../demo/recipient/server.js';

export interface JourneyServers {
  provider: string;
  integrator: string;
  recipient: string;
  /** The provider's own services (accounts, store, …): for a test's arrangements the demo cannot make by itself. */
  providerKit: Kit;
  /** Lines the servers logged (codes and events only; they never log tokens). */
  logs: string[];
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const DIST_FILES = ['idconnect-kit.iife.js', 'idconnect-kit-provider-ui.iife.js', 'callback.js'];

/** A port nobody listens on right now (the small race until it is bound again is acceptable in tests). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The built kit: dist/, or IDC_DIST_DIR (a build elsewhere, e.g. while another build rewrites dist/). */
export function distDir(): string {
  const dir = process.env.IDC_DIST_DIR || fileURLToPath(new URL('../../../dist/', import.meta.url));
  return dir.endsWith('/') ? dir : `${dir}/`;
}

export function assertKitBuilt(): void {
  const dist = distDir();
  const missing = DIST_FILES.filter((f) => !existsSync(dist + f));
  if (missing.length) throw new Error(`dist/ lacks ${missing.join(', ')}: run \`npm run build\` before the e2e tests.`);
}

/** The name the provider's consent screen shows for a client (its registered `client_name`). */
export function providerClientName(clientId: string): string {
  const client = demoClients('http://localhost', 'http://localhost').find((c) => c.client_id === clientId);
  if (typeof client?.client_name !== 'string') throw new Error(`the provider has no demo client ${clientId}`);
  return client.client_name;
}

/** `providerOptions` adds to the provider's (e.g. `dev: true` for the mail catcher and `/dev/reviews`). */
export async function startJourneyServers(providerOptions: Partial<StartProviderOptions> = {}): Promise<JourneyServers> {
  assertKitBuilt();
  const [pp, ip, rp] = [await freePort(), await freePort(), await freePort()];
  const provider = `http://localhost:${pp}`;
  const integrator = `http://localhost:${ip}`;
  const recipient = `http://localhost:${rp}`;
  const logs: string[] = [];
  const log = (who: string) => (line: string) => logs.push(`[${who}] ${line}`);
  const started: { close(): Promise<void> | void }[] = [];
  let providerKit: Kit;
  try {
    const running = await startProvider({
      port: pp,
      host: HOST,
      issuer: provider,
      integratorOrigin: integrator,
      recipientOrigin: recipient,
      uiBundlePath: `${distDir()}idconnect-kit-provider-ui.iife.js`,
      livenessBundlePath: `${distDir()}idconnect-kit-liveness.js`,
      ...providerOptions,
    });
    started.push(running);
    providerKit = running.kit;
    started.push(
      await startIntegrator({
        port: ip,
        host: HOST,
        origin: integrator,
        providerIssuer: provider,
        recipientOrigin: recipient,
        distDir: distDir(),
        log: log('integrator'),
      }),
    );
    started.push(
      await startRecipient({
        port: rp,
        host: HOST,
        origin: recipient,
        providerIssuer: provider,
        distDir: distDir(),
        log: log('recipient'),
      }),
    );
  } catch (err) {
    await Promise.allSettled(started.map((s) => s.close()));
    throw err;
  }
  return {
    provider,
    integrator,
    recipient,
    providerKit,
    logs,
    close: async () => {
      await Promise.allSettled(started.map((s) => s.close()));
    },
  };
}

/** A page on yet another origin that tries to frame the given URLs (for the clickjacking check). */
export async function startFramingSite(urls: Record<string, string>): Promise<{ url: string; close(): Promise<void> }> {
  const frames = Object.entries(urls)
    .map(([id, src]) => `<iframe id="${id}" title="${id}" src="${src.replace(/"/g, '&quot;')}" width="600" height="400"></iframe>`)
    .join('\n');
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><title>framing check</title></head><body>${frames}</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * A Playwright `test` whose `servers` fixture starts the three demo origins for each test and closes them after;
 * `providerOptions` adds to the provider's (e.g. `{ dev: true }` for the mail catcher).
 */
export function journeyTest(providerOptions: Partial<StartProviderOptions> = {}) {
  return base.extend<{ servers: JourneyServers }>({
    // eslint-disable-next-line no-empty-pattern
    servers: async ({}, use) => {
      const servers = await startJourneyServers(providerOptions);
      try {
        await use(servers);
      } finally {
        await servers.close();
      }
    },
  });
}
