/**
 * A stand-in Gateway API on 127.0.0.1:<random port> for the failure cases the reference provider never produces
 * (a 500, a non-JSON answer, a redirect, an answer that never comes): each test sets the handler, and every request
 * is recorded (method, path, headers, body).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type FakeHandler = (req: SeenRequest, res: http.ServerResponse) => void;

export interface FakeGateway {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  requests: SeenRequest[];
  /** Sets how the next requests are answered (default: 404 JSON). */
  handle(handler: FakeHandler): void;
  close(): Promise<void>;
}

/** Answers `status` with `body` (a string as is, anything else as JSON). */
export function answer(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json', ...headers });
  res.end(text);
}

export async function startFakeGateway(): Promise<FakeGateway> {
  const requests: SeenRequest[] = [];
  let handler: FakeHandler = (_req, res) => answer(res, 404, { code: 'not_found', message: 'no such route' });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const seen = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(seen);
      handler(seen, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    handle: (next) => {
      handler = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
