import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest request body any of the kit's routes reads. */
export const BODY_LIMIT = 16 * 1024;

/** A refusal with an HTTP status and a stable `error` code; routes answer it as `{ error, error_description }`. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, description: string, headers: Record<string, string> = {}) {
    super(description);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
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

/** `{ code, message }` as the contract has it, and the same as OAuth's `{ error, error_description }`. */
export function sendJsonError(res: ServerResponse, err: HttpError): void {
  sendJson(res, err.status, { code: err.code, message: err.message, error: err.code, error_description: err.message }, err.headers);
}

/** Reads the whole body, refusing more than {@link BODY_LIMIT} bytes (413) without buffering the excess. */
export async function readBody(req: IncomingMessage, limit = BODY_LIMIT): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw new HttpError(413, 'payload_too_large', `request body exceeds ${limit} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw new HttpError(413, 'payload_too_large', `request body exceeds ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  const buf = Buffer.concat(chunks);
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
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (mediaType(req) !== 'application/json') {
    req.resume();
    throw new HttpError(415, 'unsupported_media_type', 'send the body as application/json');
  }
  const text = await readBody(req);
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
