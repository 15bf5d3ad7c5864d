/**
 * Email for the provider: a {@link Mailer} that sends over real SMTP (nodemailer), and, for the demo and the tests,
 * a {@link MailCatcher} — a real SMTP server (smtp-server) on loopback that keeps what it receives so people can
 * read it at `GET /dev/mail` ({@link devMailHandler}) and tests can wait for it ({@link MailCatcher.waitFor}).
 * The mail carries sign-in and sign-up codes, so nothing here ever puts a message body into an error or a log.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BlockList, isIP, type AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { sendJson } from '../shared/http.js';
import { messages as localeMessages } from './i18n.js';
import { escapeHtml, newNonce, page, sendHtml } from './views.js';

/** One email to one recipient; `text` is always sent, `html` as an alternative part when given. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  send(message: OutgoingMail): Promise<void>;
}

export interface SmtpMailerOptions {
  host: string;
  port: number;
  /** `From` header and envelope sender, e.g. `"ID Provider" <no-reply@example.com>` */
  from: string;
  /** implicit TLS from the first byte (port 465); otherwise STARTTLS (required unless the host is loopback) */
  secure?: boolean;
  auth?: { user: string; pass: string };
  /** insist on STARTTLS; default: for every host that is not loopback */
  requireTLS?: boolean;
}

/** Why a message was not sent, without the message: the nodemailer error code and the SMTP reply code, if any. */
export class MailSendError extends Error {
  readonly code: string | undefined;
  readonly responseCode: number | undefined;

  constructor(code: string | undefined, responseCode: number | undefined) {
    const detail = [code, responseCode].filter((part) => part !== undefined).join(' ');
    super(detail ? `mail not sent (${detail})` : 'mail not sent');
    this.name = 'MailSendError';
    this.code = code;
    this.responseCode = responseCode;
  }
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** `localhost` or a loopback IP literal (brackets allowed around IPv6). Other names are never resolved here. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (bare === 'localhost') return true;
  const family = isIP(bare);
  return family !== 0 && LOOPBACK.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

/** One plain mailbox address, nothing that could name a second recipient or break a header. */
const SINGLE_ADDRESS = /^[^\s@,;:<>()[\]"\\]{1,64}@[^\s@,;:<>()[\]"\\]{1,255}$/;

function checkPort(port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new TypeError('SMTP port must be an integer 1–65535');
  return port;
}

/**
 * A {@link Mailer} on nodemailer's SMTP transport, one connection per message. To a loopback host (a local catcher
 * or relay) it never attempts STARTTLS; to any other host it refuses to send unless the connection is encrypted,
 * by implicit TLS (`secure`) or STARTTLS, with the certificate verified.
 */
export function createSmtpMailer({ host, port, from, secure = false, auth, requireTLS }: SmtpMailerOptions): Mailer {
  if (!host) throw new TypeError('SMTP host is required');
  checkPort(port);
  if (!from || /[\r\n]/.test(from)) throw new TypeError('from must be a single-line address');
  const loopback = !(requireTLS ?? !isLoopbackHost(host));
  const transport = nodemailer.createTransport({
    host,
    port,
    secure,
    requireTLS: !secure && !loopback,
    ignoreTLS: !secure && loopback,
    auth: auth ? { user: auth.user, pass: auth.pass } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    dnsTimeout: 10_000,
    logger: false,
    debug: false,
  });

  return {
    async send({ to, subject, text, html }) {
      if (typeof to !== 'string' || !SINGLE_ADDRESS.test(to)) throw new TypeError('mail recipient must be one plain address');
      try {
        await transport.sendMail({
          from,
          to,
          subject,
          text,
          ...(html === undefined ? {} : { html }),
          disableFileAccess: true,
          disableUrlAccess: true,
        });
      } catch (err) {
        // the original error may quote the server's reply or the data sent: keep only its codes
        const { code, responseCode } = (err ?? {}) as { code?: unknown; responseCode?: unknown };
        throw new MailSendError(
          typeof code === 'string' && /^[A-Z0-9_]{1,32}$/.test(code) ? code : undefined,
          typeof responseCode === 'number' && Number.isInteger(responseCode) ? responseCode : undefined,
        );
      }
    },
  };
}

/** A message as the catcher keeps it: one entry per envelope recipient. */
export interface CaughtMail {
  to: string;
  subject: string;
  /** the plain-text part (or the HTML part as text), without trailing line breaks */
  text: string;
  /** when the catcher received it, ISO 8601 */
  sentAt: string;
}

export interface MailCatcherOptions {
  /** loopback interface to listen on; default 127.0.0.1 */
  host?: string;
  /** 0 (default) picks a free port */
  port?: number;
  /** how many messages to keep, oldest dropped first; default 200 */
  keep?: number;
}

export interface WaitForOptions {
  /** default 5000 */
  timeoutMs?: number;
  /** also accept a message already received at or after this time (Date, ISO string or epoch ms) */
  after?: Date | string | number;
}

interface Kept {
  mail: CaughtMail;
  /** lower-cased recipient */
  key: string;
  at: number;
}

interface Waiter {
  key: string;
  /** a message, or `undefined` when the catcher closes */
  deliver(mail: CaughtMail | undefined): void;
}

/** Largest message the catcher accepts; bigger ones get 552. */
export const CATCHER_SIZE_LIMIT = 1024 * 1024;

function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}

/** Drops trailing CR/LF (a loop, not a regex: `[\r\n]+$` is quadratic on long runs of line breaks). */
function withoutTrailingBreaks(text: string): string {
  let end = text.length;
  while (end > 0 && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
  return text.slice(0, end);
}

const normalize = (address: string) => address.trim().toLowerCase();

function epochMs(value: Date | string | number): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : value;
  if (!Number.isFinite(ms)) throw new TypeError('after must be a valid time');
  return ms;
}

/** A real SMTP server on loopback that keeps the newest messages in memory: the demo's inbox. */
export class MailCatcher {
  readonly host: string;
  readonly #server: SMTPServer;
  readonly #keep: number;
  /** newest first */
  #kept: Kept[] = [];
  readonly #waiters = new Set<Waiter>();
  #closing: Promise<void> | undefined;

  private constructor(host: string, keep: number) {
    this.host = host;
    this.#keep = keep;
    this.#server = new SMTPServer({
      name: 'localhost',
      banner: 'idconnect-kit mail catcher',
      disabledCommands: ['STARTTLS', 'AUTH'],
      authOptional: true,
      size: CATCHER_SIZE_LIMIT,
      rejectOversized: true,
      maxRecipients: 50,
      maxClients: 20,
      disableReverseLookup: true,
      socketTimeout: 30_000,
      closeTimeout: 1_000,
      logger: false,
      onData: (stream, session, callback) => {
        this.#receive(stream, session).then(
          () => callback(),
          (err: Error) => callback(err),
        );
      },
    });
    // connection-level failures (a client hanging up mid-command) are the client's problem, not the catcher's
    this.#server.on('error', () => {});
  }

  static async start({ host = '127.0.0.1', port = 0, keep = 200 }: MailCatcherOptions = {}): Promise<MailCatcher> {
    if (!isLoopbackHost(host)) throw new TypeError('the mail catcher listens on loopback only');
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError('port must be an integer 0–65535');
    if (!Number.isInteger(keep) || keep < 1) throw new TypeError('keep must be a positive integer');
    const catcher = new MailCatcher(host, keep);
    const net = catcher.#server.server;
    await new Promise<void>((resolve, reject) => {
      const failed = (err: Error) => reject(err);
      net.once('error', failed);
      catcher.#server.listen(port, host, () => {
        net.off('error', failed);
        resolve();
      });
    });
    return catcher;
  }

  /** the port the catcher listens on */
  get port(): number {
    return (this.#server.server.address() as AddressInfo).port;
  }

  /** Kept messages, newest first; only those to `to` (compared case-insensitively) when given. */
  messages(to?: string): CaughtMail[] {
    const key = to === undefined ? undefined : normalize(to);
    return this.#kept.filter((entry) => key === undefined || entry.key === key).map((entry) => ({ ...entry.mail }));
  }

  /**
   * The first message to `to` received after this call — or, with `after`, the oldest one already kept that
   * arrived at or after that time. Rejects when `timeoutMs` passes first or the catcher closes.
   */
  waitFor(to: string, { timeoutMs = 5_000, after }: WaitForOptions = {}): Promise<CaughtMail> {
    const key = normalize(to);
    if (after !== undefined) {
      const since = epochMs(after);
      const already = this.#kept.findLast((entry) => entry.key === key && entry.at >= since);
      if (already) return Promise.resolve({ ...already.mail });
    }
    if (this.#closing) return Promise.reject(new Error('mail catcher is closed'));
    return new Promise<CaughtMail>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`no mail to ${to} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        key,
        deliver: (mail) => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          if (mail) resolve(mail);
          else reject(new Error('mail catcher is closed'));
        },
      };
      this.#waiters.add(waiter);
    });
  }

  /** Stops listening (open sessions get a second to finish); pending {@link waitFor} calls reject. */
  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      for (const waiter of [...this.#waiters]) waiter.deliver(undefined);
      this.#server.close(() => resolve());
    });
    return this.#closing;
  }

  async #receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size <= CATCHER_SIZE_LIMIT) chunks.push(chunk); // past the limit: drain, keep nothing
    }
    if (stream.sizeExceeded || size > CATCHER_SIZE_LIMIT) throw smtpError(552, 'Error: message exceeds fixed maximum message size');
    let subject: string;
    let text: string;
    try {
      const parsed = await simpleParser(Buffer.concat(chunks), {
        skipImageLinks: true,
        skipTextToHtml: true,
        maxHtmlLengthToParse: CATCHER_SIZE_LIMIT,
      });
      subject = parsed.subject ?? '';
      // transfer encodings differ in whether a final line break survives: drop trailing ones for a stable text
      text = withoutTrailingBreaks(parsed.text ?? '');
    } catch {
      throw smtpError(554, 'Error: message could not be parsed');
    }
    const at = Date.now();
    const sentAt = new Date(at).toISOString();
    for (const { address } of session.envelope.rcptTo) {
      const entry: Kept = { mail: { to: address, subject, text, sentAt }, key: normalize(address), at };
      this.#kept.unshift(entry);
      for (const waiter of [...this.#waiters]) {
        if (waiter.key === entry.key) waiter.deliver({ ...entry.mail });
      }
    }
    if (this.#kept.length > this.#keep) this.#kept.length = this.#keep;
  }
}

export type DevMailHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

/** Quality of `type` in an Accept header (0 when absent), and where it was listed. */
function acceptQuality(accept: string, type: string): { q: number; index: number } {
  const ranges = accept.split(',');
  for (let index = 0; index < ranges.length; index++) {
    const [range = '', ...params] = ranges[index]!.split(';').map((part) => part.trim().toLowerCase());
    if (range !== type) continue;
    const q = params.map((p) => /^q=([\d.]+)$/.exec(p)?.[1]).find((v) => v !== undefined);
    return { q: q === undefined ? 1 : Number(q) || 0, index };
  }
  return { q: 0, index: Infinity };
}

function wantsJson(req: IncomingMessage, url: URL): boolean {
  if (url.searchParams.has('to') || url.searchParams.get('format') === 'json') return true;
  const accept = req.headers.accept ?? '';
  const json = acceptQuality(accept, 'application/json');
  const html = acceptQuality(accept, 'text/html');
  return json.q > 0 && (json.q > html.q || (json.q === html.q && json.index < html.index));
}

const MAIL_STYLES = `.mail{list-style:none;padding:0;margin:0;display:grid;gap:1rem}
.mail article{border:1px solid GrayText;border-radius:.375rem;padding:.75rem 1rem}
.mail h2{font-size:1.05rem;margin:0 0 .25rem;overflow-wrap:anywhere}
.mail p{margin:0 0 .5rem;overflow-wrap:anywhere}
.mail pre{margin:0;white-space:pre-wrap;overflow-wrap:anywhere;font-size:.875rem}`;

function mailPage(list: CaughtMail[], nonce: string): string {
  const items = list
    .map(
      (mail) => `<li><article>
<h2>${escapeHtml(mail.subject || '(no subject)')}</h2>
<p class="hint">To ${escapeHtml(mail.to)} · <time datetime="${escapeHtml(mail.sentAt)}">${escapeHtml(mail.sentAt)}</time></p>
<pre>${escapeHtml(mail.text)}</pre>
</article></li>`,
    )
    .join('\n');
  const count = list.length === 1 ? '1 message' : `${list.length} messages`;
  return `<style nonce="${nonce}">${MAIL_STYLES}</style>
<h1>Mail catcher</h1>
<p class="intro">${list.length ? `${count}, newest first.` : 'No messages yet.'} JSON: add <code>?format=json</code> or <code>?to=&lt;email&gt;</code>.</p>
${list.length ? `<ol class="mail">\n${items}\n</ol>` : ''}`;
}

/**
 * `GET /dev/mail`: the catcher's messages, newest first. JSON (`[{ to, subject, text, sentAt }]`) for `?to=<email>`
 * (only mail to that address), `?format=json` or `Accept: application/json`; otherwise an HTML page for people.
 * A developer tool: mount it only where the catcher runs, never on a provider that sends real mail.
 */
export function devMailHandler(catcher: MailCatcher): DevMailHandler {
  return async (req, res, url) => {
    req.resume();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { error: 'method_not_allowed', error_description: 'use GET' }, { Allow: 'GET, HEAD' });
      return;
    }
    const to = url.searchParams.get('to');
    if (to !== null && (!to.trim() || to.length > 320)) {
      sendJson(res, 400, { error: 'invalid_request', error_description: 'to must be an email address' });
      return;
    }
    const list = catcher.messages(to ?? undefined);
    if (wantsJson(req, url)) {
      sendJson(res, 200, list, { Vary: 'Accept' });
      return;
    }
    const nonce = newNonce();
    const html = page({ m: localeMessages('en'), title: 'Mail catcher', nonce, body: mailPage(list, nonce) });
    res.setHeader('Vary', 'Accept');
    sendHtml(res, 200, html, nonce);
  };
}
