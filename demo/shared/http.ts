/**
 * Small node:http helpers shared by the two demo sites (integrator and recipient): JSON bodies with a size cap,
 * coded JSON errors, cookie sessions, security headers, static files and HTML escaping. No framework on purpose:
 * each site should read in one sitting.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, resolve, sep } from 'node:path';

/** An error a route throws to answer with `{ error: { code, message } }` and an HTTP status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BODY = 64 * 1024;

/**
 * An error of `idconnect-kit/server` as the site's own JSON error: the provider's code when it refused the call
 * (`partnership_inactive`, …), else the helper's; its status when it is a client error, else 502.
 */
export function idcToHttp(err: { code: string; message: string; retryable: boolean; providerCode?: string; status?: number }): HttpError {
  const status = err.status !== undefined && err.status >= 400 && err.status < 500 ? err.status : err.retryable ? 502 : 400;
  return new HttpError(status, err.providerCode ?? err.code, err.message);
}

/** The body as it came (a webhook's signature is over these exact bytes), at most 64 kB. */
export async function readRawBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'invalid_request', 'The request body is too large.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) throw new HttpError(415, 'invalid_request', 'Send application/json.');
  const raw = await readRawBody(req);
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid_request', 'The request body is not valid JSON.');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, 'invalid_request', 'The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

export function str(body: Record<string, unknown>, key: string, max = 4096): string {
  const value = body[key];
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new HttpError(400, 'invalid_request', `"${key}" must be a non-empty string.`);
  }
  return value;
}

export function sendJson(res: ServerResponse, status: number, data: unknown): void {
  const body = JSON.stringify(data);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

export function sendError(res: ServerResponse, err: unknown, log: (line: string) => void): void {
  if (err instanceof HttpError) {
    sendJson(res, err.status, { error: { code: err.code, message: err.message } });
    return;
  }
  // Never echo internals (or tokens inside them) to the browser; log the code and message only.
  const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : 'server_error';
  log(`error ${code}: ${(err as Error)?.message ?? String(err)}`);
  sendJson(res, 500, { error: { code, message: 'Something went wrong on the server.' } });
}

/** Headers for the demo sites' own pages: no framing, no referrer (callback URLs carry codes), own scripts only. */
export function pageHeaders(connectSrc: string[] = []): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      `connect-src 'self' ${connectSrc.join(' ')}`.trim(),
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "object-src 'none'",
    ].join('; '),
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  };
}

export function sendHtml(res: ServerResponse, html: string, connectSrc: string[] = [], status = 200): void {
  res.writeHead(status, pageHeaders(connectSrc));
  res.end(html);
}

/** Escapes text for HTML element content and double-quoted attribute values. */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Fills `{{name}}` placeholders with escaped values; an unknown placeholder is a programming error. */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`template value missing: ${name}`);
    return esc(values[name]);
  });
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

/**
 * Serves `relPath` from `root` if it is a file inside it (no `..` escapes, no dotfiles). Returns false when there is
 * nothing to serve so the caller can answer 404.
 */
export async function serveStatic(res: ServerResponse, root: string, relPath: string): Promise<boolean> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(relPath);
  } catch {
    return false;
  }
  if (decoded.includes('\0') || decoded.split('/').some((part) => part.startsWith('.'))) return false;
  const base = resolve(root);
  const file = resolve(base, `.${sep}${decoded}`);
  if (!file.startsWith(base + sep)) return false;
  const type = TYPES[extname(file)];
  if (!type) return false;
  try {
    if (!(await stat(file)).isFile()) return false;
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
    res.end(body);
    return true;
  } catch {
    return false;
  }
}

export function randomId(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** How a site keeps what must outlive a restart of its process: a JSON file (mode 0600) of each session's part. */
export interface SessionPersistence<T> {
  file: string;
  save(data: T): unknown;
  load(saved: unknown): T;
}

/**
 * Cookie sessions, in memory (optionally saved to a file, see {@link SessionPersistence}). The cookie is HttpOnly
 * and SameSite=Lax; the name is per site because cookies are not port-scoped: `localhost:5173` and `localhost:5174`
 * (and the provider on `:4000`) share one cookie jar.
 */
export class Sessions<T> {
  private readonly store = new Map<string, { data: T; expires: number }>();

  constructor(
    private readonly cookieName: string,
    private readonly create: () => T,
    private readonly ttlMs = 60 * 60 * 1000,
    private readonly persistence?: SessionPersistence<T>,
  ) {
    if (!persistence) return;
    try {
      const saved = JSON.parse(readFileSync(persistence.file, 'utf8')) as Record<string, { data: unknown; expires: number }>;
      for (const [id, entry] of Object.entries(saved)) {
        if (entry.expires > Date.now()) this.store.set(id, { data: persistence.load(entry.data), expires: entry.expires });
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') console.warn(`sessions: ignoring ${persistence.file}: ${(err as Error).message}`);
    }
  }

  /** Writes the sessions to the persistence file (call after changing what it keeps). */
  save(): void {
    const { persistence } = this;
    if (!persistence) return;
    const out: Record<string, { data: unknown; expires: number }> = {};
    for (const [id, entry] of this.store) if (entry.expires > Date.now()) out[id] = { data: persistence.save(entry.data), expires: entry.expires };
    mkdirSync(dirname(persistence.file), { recursive: true, mode: 0o700 });
    writeFileSync(persistence.file, JSON.stringify(out), { mode: 0o600 });
  }

  /** The caller's session, or a new one (then the Set-Cookie header is added to `res`). */
  get(req: IncomingMessage, res: ServerResponse): T {
    const id = readCookie(req, this.cookieName);
    const now = Date.now();
    const found = id ? this.store.get(id) : undefined;
    if (found && found.expires > now) {
      found.expires = now + this.ttlMs;
      return found.data;
    }
    if (id) this.store.delete(id);
    for (const [key, value] of this.store) if (value.expires <= now) this.store.delete(key);
    const fresh = randomId();
    const data = this.create();
    this.store.set(fresh, { data, expires: now + this.ttlMs });
    res.setHeader(
      'set-cookie',
      `${this.cookieName}=${fresh}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${Math.floor(this.ttlMs / 1000)}`,
    );
    return data;
  }

  /** Forgets the caller's session (sign out). */
  destroy(req: IncomingMessage, res: ServerResponse): void {
    const id = readCookie(req, this.cookieName);
    if (id && this.store.delete(id)) this.save();
    res.setHeader('set-cookie', `${this.cookieName}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
  }
}

export function readCookie(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * Browser-facing POST routes accept only same-origin requests: the cookie is SameSite=Lax, but every port of
 * localhost is the same *site*, so Lax alone would let the other demo origins post here.
 */
export function requireSameOrigin(req: IncomingMessage, origin: string): void {
  if (req.headers.origin !== origin) {
    throw new HttpError(403, 'forbidden_origin', 'This request must come from the site’s own pages.');
  }
}

/** POSTs JSON to a peer backend and returns its JSON; failures become HttpError with the peer's code. */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch {
    throw new HttpError(502, 'upstream_unreachable', `Could not reach ${new URL(url).origin}.`);
  }
  let data: unknown;
  try {
    data = await response.json();
  } catch {
    throw new HttpError(502, 'upstream_invalid_response', `${new URL(url).origin} did not answer with JSON.`);
  }
  const record = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  if (!response.ok) {
    const { code, message } = errorOf(record);
    throw new HttpError(response.status >= 500 ? 502 : response.status, code, message);
  }
  return record;
}

/** Reads `{ error: { code, message } }`, `{ error: 'code', error_description }` or `{ code, message }`. */
function errorOf(record: Record<string, unknown>): { code: string; message: string } {
  const e = record.error;
  if (e && typeof e === 'object') {
    const o = e as Record<string, unknown>;
    return { code: String(o.code ?? 'upstream_error'), message: String(o.message ?? o.description ?? '') };
  }
  if (typeof e === 'string') return { code: e, message: String(record.error_description ?? record.message ?? '') };
  if (typeof record.code === 'string') return { code: record.code, message: String(record.message ?? '') };
  return { code: 'upstream_error', message: 'The other server refused the request.' };
}

/** A started demo server: its public origin and a `close()` that also drops kept-alive connections. */
export interface RunningSite {
  url: string;
  close(): Promise<void>;
}

/** Listens on `host:port` (0 = a free port) and answers the site's origin (given, else `http://localhost:<port>`). */
export async function listen(server: Server, port: number, host: string, origin?: string): Promise<RunningSite> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: origin ?? `http://localhost:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
