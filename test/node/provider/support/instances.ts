/**
 * Several provider instances behind one issuer, as a deployment runs them: each a child process of
 * `demo/provider/main.ts` (so one can be killed with SIGKILL), all on one database and one keys file, and a small
 * round-robin HTTP proxy in front that owns the issuer's port. Used by multi-instance.test.ts and by
 * bench/provider-load.mjs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { freePort } from './postgres.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface Instance {
  /** where it listens, e.g. http://127.0.0.1:41234 (not the issuer) */
  url: string;
  port: number;
  child: ChildProcess;
  /** what it printed, for a failing test's message */
  output(): string;
  /** resolves when the process has exited */
  exited: Promise<void>;
  /** SIGTERM (a clean stop) and wait */
  stop(): Promise<void>;
}

/**
 * Starts `node --import tsx demo/provider/main.ts` with `env` (PROVIDER_ISSUER, DATABASE_URL or PROVIDER_DATA_DIR,
 * PROVIDER_KEYS_FILE, …) on a free loopback port; resolves once it says it is ready.
 */
export async function spawnInstance(env: Record<string, string>, timeoutMs = 60_000): Promise<Instance> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'demo/provider/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PROVIDER_LOG: '0', ...env, PROVIDER_PORT: String(port), PROVIDER_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`instance not ready after ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = () => {
      if (output.includes('Provider ready')) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`instance exited before it was ready (${child.exitCode ?? child.signalCode}):\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    child,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface ProxiedRequest {
  /** index of the upstream that answered */
  upstream: number;
  method: string;
  path: string;
  status: number;
}

export interface RoundRobinProxy {
  port: number;
  /** requests in the order they were answered */
  readonly log: ProxiedRequest[];
  /** connections an upstream refused (a dead instance), each retried on the next upstream */
  readonly refused: number[];
  setUpstreams(urls: string[]): void;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host']);

/**
 * A round-robin reverse proxy on 127.0.0.1: each request (not each connection) goes to the next upstream, with
 * the upstream's own Host (as a naive proxy does: the instances answer as their issuer all the same) and the
 * client's address appended to X-Forwarded-For. A refused connection (an instance that is gone) is retried on the
 * next upstream, as a load balancer's health check would route around it.
 */
export async function startRoundRobinProxy(port = 0): Promise<RoundRobinProxy> {
  let upstreams: URL[] = [];
  let next = 0;
  const log: ProxiedRequest[] = [];
  const refused: number[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, attempt: number, index: number): void => {
    const target = upstreams[index]!;
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    const forwardedFor = req.headers['x-forwarded-for'];
    headers['x-forwarded-for'] = [forwardedFor, req.socket.remoteAddress].filter(Boolean).join(', ');
    headers['content-length'] = String(body.length);
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
      (up) => {
        const raw: string[] = [];
        for (let i = 0; i < up.rawHeaders.length; i += 2) {
          if (!HOP_BY_HOP.has(up.rawHeaders[i]!.toLowerCase())) raw.push(up.rawHeaders[i]!, up.rawHeaders[i + 1]!);
        }
        log.push({ upstream: index, method: req.method ?? 'GET', path: (req.url ?? '/').split('?')[0]!, status: up.statusCode ?? 0 });
        res.writeHead(up.statusCode ?? 502, raw);
        up.pipe(res);
      },
    );
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED' && attempt + 1 < upstreams.length) {
        refused.push(index);
        forward(req, res, body, attempt + 1, (index + 1) % upstreams.length);
        return;
      }
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy: ${err.code ?? err.message}`);
    });
    upstream.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (upstreams.length === 0) {
        res.writeHead(503).end('proxy: no upstream');
        return;
      }
      const index = next++ % upstreams.length;
      forward(req, res, Buffer.concat(chunks), 0, index);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    log,
    refused,
    setUpstreams(urls) {
      upstreams = urls.map((u) => new URL(u));
      next = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
