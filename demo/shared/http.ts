/**
 * The demo's one set of node:http helpers, for the provider (demo/provider) and the two sites (demo/integrator,
 * demo/recipient): bodies read with a size cap, coded JSON errors, redirects, credentials from headers, cookie
 * sessions, security headers, static files and HTML escaping. No framework on purpose: each server should read in
 * one sitting.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, resolve, sep } from 'node:path';

/** Largest body the provider's routes read (its forms and API calls are small). */
export const BODY_LIMIT = 16 * 1024;
/** Largest body the sites read (a webhook delivery, a share call). */
const SITE_BODY_LIMIT = 64 * 1024;

/**
 * A refusal with an HTTP status and a stable code. The provider answers it as `{ code, message, error,
 * error_description }` ({@link sendJsonError}); the sites as `{ error: { code, message } }` ({@link sendError}).
 */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/**
 * An error of `idconnect-kit/server` as the site's own JSON error: the provider's code when it refused the call
 * (`partnership_inactive`, …), else the helper's; its status when it is a client error, else 502.
 */
export function idcToHttp(err: { code: string; message: string; retryable: boolean; providerCode?: string; status?: number }): HttpError {
  const status = err.status !== undefined && err.status >= 400 && err.status < 500 ? err.status : err.retryable ? 502 : 400;
  return new HttpError(status, err.providerCode ?? err.code, err.message);
}

/** The body as it came (a webhook's signature is over these exact bytes); more than `limit` bytes is a 413. */
export async function readRawBody(req: IncomingMessage, limit = SITE_BODY_LIMIT): Promise<Buffer> {
  const tooLarge = () => new HttpError(413, 'payload_too_large', `request body exceeds ${limit} bytes`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      // Drain without buffering the excess.
      req.resume();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The body as UTF-8 text (the provider's forms and API calls), at most {@link BODY_LIMIT} bytes by default. */
export async function readBody(req: IncomingMessage, limit = BODY_LIMIT): Promise<string> {
  const buf = await readRawBody(req, limit);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new HttpError(400, 'invalid_request', 'request body is not valid UTF-8');
  }
}

function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** A JSON object body (`application/json`); anything else is a 4xx. */
export async function readJsonObject(req: IncomingMessage, limit = BODY_LIMIT): Promise<Record<string, unknown>> {
  if (mediaType(req) !== 'application/json') {
    req.resume();
    throw new HttpError(415, 'unsupported_media_type', 'send the body as application/json');
  }
  const text = await readBody(req, limit);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'invalid_request', 'request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HttpError(400, 'invalid_request', 'request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

/** The sites' JSON bodies: {@link readJsonObject} with the sites' larger cap. */
export const readJson = (req: IncomingMessage): Promise<Record<string, unknown>> => readJsonObject(req, SITE_BODY_LIMIT);

/** An `application/x-www-form-urlencoded` body (the provider's own HTML forms). */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  if (mediaType(req) !== 'application/x-www-form-urlencoded') {
    req.resume();
    throw new HttpError(415, 'unsupported_media_type', 'send the form as application/x-www-form-urlencoded');
  }
  return new URLSearchParams(await readBody(req));
}

/** One form field that must appear exactly once. */
export function formField(form: URLSearchParams, name: string): string | undefined {
  const values = form.getAll(name);
  return values.length === 1 ? values[0] : undefined;
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/** `client_id:secret` from HTTP Basic, each form-urlencoded as RFC 6749 section 2.3.1 says. */
export function basicCredentials(req: IncomingMessage): { id: string; secret: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/]+=*)$/i.exec(req.headers.authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    const unescape = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { id: unescape(decoded.slice(0, colon)), secret: unescape(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

export function redirect(res: ServerResponse, location: string, headers: Record<string, string> = {}): void {
  res.writeHead(303, { Location: location, 'Content-Length': '0', 'Cache-Control': 'no-store', ...headers });
  res.end();
}

export function str(body: Record<string, unknown>, key: string, max = 4096): string {
  const value = body[key];
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new HttpError(400, 'invalid_request', `"${key}" must be a non-empty string.`);
  }
  return value;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

/** The provider's error body: `{ code, message }` as the contract has it, and the same as OAuth's `{ error, error_description }`. */
export function sendJsonError(res: ServerResponse, err: HttpError): void {
  sendJson(res, err.status, { code: err.code, message: err.message, error: err.code, error_description: err.message }, err.headers);
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
