/**
 * A host site for the script-tag build, as a page uses it: the kit's files from dist/ (or IDC_DIST_DIR) under
 * `/kit/`, and the test's own HTML pages, optionally under a CSP with a fresh nonce per page (`NONCE` in a page's
 * HTML is replaced by it). Anything else is a 404. Used by the specs that load dist/idconnect-kit.iife.js.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { distDir } from '../support-journey/servers.js';
import { closeServer } from './integrator.js';

export const IIFE = 'idconnect-kit.iife.js';
export const SIBLING = 'idconnect-kit-flow.js';

export interface ScriptTagHost {
  origin: string;
  close(): Promise<void>;
}

export interface ScriptTagHostOptions {
  /** The `<title>` of every page. */
  title: string;
  /** The body of the page at `path` (`NONCE` is replaced by the page's nonce), or undefined for a 404. */
  page(path: string): string | undefined;
  /** The page's Content-Security-Policy for its nonce; none when absent. */
  csp?(nonce: string): string;
}

/** Fails the test early when the build it needs is missing. */
export function requireDistFiles(...files: string[]): void {
  for (const file of files) {
    if (!existsSync(distDir() + file)) throw new Error(`dist/ lacks ${file}: run \`npm run build\` before the e2e tests.`);
  }
}

/** Starts the host on a free port of 127.0.0.1; `page` is asked per request, so it may use values set later. */
export async function startScriptTagHost(options: ScriptTagHostOptions): Promise<ScriptTagHost> {
  const dist = distDir();
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  server.on('request', async (req, res) => {
    const path = new URL(req.url ?? '/', origin).pathname;
    const kitFile = /^\/kit\/([\w.-]+\.js)$/.exec(path)?.[1];
    if (kitFile && existsSync(dist + kitFile)) {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      res.end(await readFile(dist + kitFile));
      return;
    }
    const body = options.page(path);
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const nonce = randomBytes(16).toString('base64');
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      ...(options.csp ? { 'content-security-policy': options.csp(nonce) } : {}),
    });
    res.end(`<!doctype html><html lang="en"><meta charset="utf-8"><title>${options.title}</title>${body.replace(/NONCE/g, nonce)}</html>`);
  });
  return { origin, close: () => closeServer(server) };
}
