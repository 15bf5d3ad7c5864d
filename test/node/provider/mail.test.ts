/**
 * The provider's mail: createSmtpMailer sending over real SMTP on loopback to a MailCatcher, the catcher's
 * keeping and waiting, and GET /dev/mail (JSON and the HTML page) on a throwaway HTTP server.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import {
  CATCHER_SIZE_LIMIT,
  MailCatcher,
  MailSendError,
  createSmtpMailer,
  devMailHandler,
  isLoopbackHost,
  type CaughtMail,
  type Mailer,
} from '../../../demo/provider/mail.js';

const FROM = '"ID Provider" <no-reply@provider.test>';

let catcher: MailCatcher;
let mailer: Mailer;
let http: Server;
let base: string;
let counter = 0;

/** A fresh address per test, so tests sharing the catcher never see each other's mail. */
const address = (name: string) => `${name}-${++counter}@example.test`;

before(async () => {
  catcher = await MailCatcher.start();
  mailer = createSmtpMailer({ host: '127.0.0.1', port: catcher.port, from: FROM });
  const handler = devMailHandler(catcher);
  http = createServer((req, res) => {
    handler(req, res, new URL(req.url ?? '/', 'http://localhost')).catch((err: Error) => {
      res.writeHead(500).end(err.message);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

after(async () => {
  await new Promise<void>((resolve) => {
    http.close(() => resolve());
    http.closeAllConnections();
  });
  await catcher.close();
});

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('createSmtpMailer → MailCatcher', () => {
  it('delivers over SMTP; the catcher keeps to, subject, text and an ISO sentAt', async () => {
    const to = address('alice');
    const before = Date.now();
    await mailer.send({ to, subject: 'Your sign-in code', text: 'Your code is 482913.\nIt expires in 10 minutes.' });
    const [mail, ...rest] = catcher.messages(to);
    assert.equal(rest.length, 0);
    assert.equal(mail!.to, to);
    assert.equal(mail!.subject, 'Your sign-in code');
    assert.equal(mail!.text, 'Your code is 482913.\nIt expires in 10 minutes.');
    assert.equal(new Date(mail!.sentAt).toISOString(), mail!.sentAt);
    assert.ok(Date.parse(mail!.sentAt) >= before - 1000 && Date.parse(mail!.sentAt) <= Date.now());
  });

  it('keeps the text part when an HTML alternative is sent too, and non-ASCII intact', async () => {
    const to = address('html');
    await mailer.send({ to, subject: 'Bestätigung – 123456', text: 'Code: 123456 ✓', html: '<p>Code: <b>123456</b></p>' });
    const [mail] = catcher.messages(to);
    assert.equal(mail!.subject, 'Bestätigung – 123456');
    assert.equal(mail!.text, 'Code: 123456 ✓');
  });

  it('lists newest first and filters by recipient case-insensitively', async () => {
    const to = address('Carol');
    const other = address('dave');
    await mailer.send({ to, subject: 'first', text: '1' });
    await mailer.send({ to: other, subject: 'other', text: 'x' });
    await mailer.send({ to: to.toUpperCase(), subject: 'second', text: '2' });
    assert.deepEqual(
      catcher.messages(to.toLowerCase()).map((m) => m.subject),
      ['second', 'first'],
    );
    assert.deepEqual(
      catcher.messages(to.toUpperCase()).map((m) => m.subject),
      ['second', 'first'],
    );
    const all = catcher.messages().map((m) => m.subject);
    assert.deepEqual(all.slice(0, 3), ['second', 'other', 'first']);
  });

  it('returns copies: changing a result does not change the catcher', async () => {
    const to = address('copy');
    await mailer.send({ to, subject: 'original', text: 't' });
    catcher.messages(to)[0]!.subject = 'changed';
    assert.equal(catcher.messages(to)[0]!.subject, 'original');
  });

  it('a line break in the subject cannot add a header or a recipient', async () => {
    const to = address('inject');
    await mailer.send({ to, subject: 'hi\r\nBcc: evil@example.test\r\nX-Extra: 1', text: 't' });
    assert.deepEqual(
      catcher.messages().filter((m) => m.subject.startsWith('hi')).map((m) => m.to),
      [to],
    );
    assert.doesNotMatch(catcher.messages(to)[0]!.subject, /[\r\n]/);
    assert.deepEqual(catcher.messages('evil@example.test'), []);
  });

  it('refuses a recipient that is not one plain address, before connecting', async () => {
    for (const to of ['a@example.test, b@example.test', 'Name <a@example.test>', 'a@example.test\r\nBcc: b@x.test', 'nobody']) {
      await assert.rejects(mailer.send({ to, subject: 's', text: 't' }), TypeError);
    }
  });

  it('a mailer pointed at a closed port rejects with a short error that does not carry the message', async () => {
    const closed = createSmtpMailer({ host: '127.0.0.1', port: await freePort(), from: FROM });
    const secret = 'sign-in code 739204';
    const err: unknown = await closed.send({ to: 'x@example.test', subject: secret, text: secret }).then(
      () => assert.fail('expected a rejection'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof MailSendError);
    assert.ok(err.message.length < 80, err.message);
    assert.match(err.message, /^mail not sent/);
    assert.ok(!err.message.includes('739204'));
    assert.ok(!JSON.stringify({ ...err, stack: err.stack }).includes('739204'));
    assert.equal(err.cause, undefined);
  });

  it('when TLS is required (the default off loopback), refuses to send unless the server offers STARTTLS', async () => {
    // tests reach loopback only: `requireTLS` gives a loopback server the treatment every other host gets
    const external = '127.0.0.1';
    let received = 0;
    const plain = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _session, callback) {
        stream.resume();
        stream.on('end', () => {
          received++;
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => plain.listen(0, external, resolve));
    try {
      const port = (plain.server.address() as AddressInfo).port;
      const remote = createSmtpMailer({ host: external, port, from: FROM, requireTLS: true });
      const err: unknown = await remote
        .send({ to: 'x@example.test', subject: 'code 246810', text: 'code 246810' })
        .then(() => assert.fail('expected a rejection'), (e: unknown) => e);
      assert.ok(err instanceof MailSendError);
      assert.equal(err.code, 'ETLS');
      assert.ok(!err.message.includes('246810'));
      assert.equal(received, 0);
    } finally {
      await new Promise<void>((resolve) => plain.close(() => resolve()));
    }
  });

  it('the catcher answers an oversized message with 552 and keeps nothing', async () => {
    const to = address('big');
    const err: unknown = await mailer
      .send({ to, subject: 'big', text: 'x'.repeat(CATCHER_SIZE_LIMIT + 1024) })
      .then(() => assert.fail('expected a rejection'), (e: unknown) => e);
    assert.ok(err instanceof MailSendError);
    assert.equal(err.responseCode, 552);
    assert.deepEqual(catcher.messages(to), []);
  });

  it('checks its options', () => {
    assert.throws(() => createSmtpMailer({ host: '', port: 25, from: FROM }), TypeError);
    assert.throws(() => createSmtpMailer({ host: 'mail.example.test', port: 0, from: FROM }), TypeError);
    assert.throws(() => createSmtpMailer({ host: 'mail.example.test', port: 25, from: 'a@b.test\r\nBcc: c@d.test' }), TypeError);
  });

  it('knows which hosts are loopback', () => {
    for (const host of ['localhost', '127.0.0.1', '127.8.9.10', '::1', '[::1]', 'LOCALHOST']) assert.ok(isLoopbackHost(host), host);
    for (const host of ['example.com', '10.0.0.1', '0.0.0.0', '::', 'localhost.example.com']) assert.ok(!isLoopbackHost(host), host);
  });
});

describe('MailCatcher', () => {
  it('keeps only the newest `keep` messages', async () => {
    const small = await MailCatcher.start({ keep: 3 });
    try {
      const send = createSmtpMailer({ host: '127.0.0.1', port: small.port, from: FROM });
      for (let i = 1; i <= 5; i++) await send.send({ to: 'keep@example.test', subject: `m${i}`, text: `${i}` });
      assert.deepEqual(
        small.messages().map((m) => m.subject),
        ['m5', 'm4', 'm3'],
      );
    } finally {
      await small.close();
    }
  });

  it('listens on loopback only and checks its options', async () => {
    await assert.rejects(MailCatcher.start({ host: '0.0.0.0' }), TypeError);
    await assert.rejects(MailCatcher.start({ keep: 0 }), TypeError);
    await assert.rejects(MailCatcher.start({ port: -1 }), TypeError);
  });

  it('waitFor resolves with the next message to that address', async () => {
    const to = address('wait');
    await mailer.send({ to, subject: 'old', text: 'old' });
    const waiting = catcher.waitFor(to.toUpperCase(), { timeoutMs: 5000 });
    await mailer.send({ to: address('someone-else'), subject: 'not this', text: '-' });
    await mailer.send({ to, subject: 'new', text: 'code 111222' });
    const mail: CaughtMail = await waiting;
    assert.equal(mail.subject, 'new');
    assert.equal(mail.text, 'code 111222');
  });

  it('waitFor with `after` returns a message that already arrived since then', async () => {
    const to = address('after');
    const since = new Date();
    await mailer.send({ to, subject: 'one', text: '1' });
    await mailer.send({ to, subject: 'two', text: '2' });
    assert.equal((await catcher.waitFor(to, { after: since, timeoutMs: 100 })).subject, 'one');
    assert.equal((await catcher.waitFor(to, { after: since.toISOString(), timeoutMs: 100 })).subject, 'one');
    await assert.rejects(catcher.waitFor(to, { after: Date.now() + 60_000, timeoutMs: 50 }), /no mail to/);
  });

  it('waitFor rejects after the timeout', async () => {
    const started = Date.now();
    await assert.rejects(catcher.waitFor(address('nobody'), { timeoutMs: 100 }), /no mail to .* within 100 ms/);
    assert.ok(Date.now() - started >= 90);
  });

  it('close() rejects pending waitFor calls and later ones', async () => {
    const own = await MailCatcher.start();
    const waiting = own.waitFor('x@example.test', { timeoutMs: 10_000 });
    await own.close();
    await assert.rejects(waiting, /closed/);
    await assert.rejects(own.waitFor('x@example.test', { timeoutMs: 10 }), /closed/);
    await own.close();
  });
});

describe('GET /dev/mail', () => {
  it('?to= answers JSON for that address only, newest first, case-insensitive', async () => {
    const to = address('json');
    await mailer.send({ to, subject: 'a', text: 'A' });
    await mailer.send({ to: address('json-other'), subject: 'nope', text: '-' });
    await mailer.send({ to, subject: 'b', text: 'B' });
    const res = await fetch(`${base}/dev/mail?to=${encodeURIComponent(to.toUpperCase())}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = (await res.json()) as CaughtMail[];
    assert.deepEqual(
      body.map((m) => [m.to, m.subject, m.text]),
      [
        [to, 'b', 'B'],
        [to, 'a', 'A'],
      ],
    );
    assert.deepEqual(Object.keys(body[0]!).sort(), ['sentAt', 'subject', 'text', 'to']);
    assert.ok(body[0]!.sentAt >= body[1]!.sentAt);
  });

  it('answers JSON of every message for Accept: application/json and for ?format=json', async () => {
    const to = address('all');
    await mailer.send({ to, subject: 'newest', text: '-' });
    for (const res of [
      await fetch(`${base}/dev/mail`, { headers: { accept: 'application/json' } }),
      await fetch(`${base}/dev/mail?format=json`),
    ]) {
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      const body = (await res.json()) as CaughtMail[];
      assert.deepEqual(body, catcher.messages());
      assert.equal(body[0]!.to, to);
    }
  });

  it('serves people an escaped HTML page with the strict CSP, newest first', async () => {
    const to = address('html-page');
    await mailer.send({ to, subject: 'older', text: 'plain' });
    await mailer.send({ to, subject: '<script>alert(1)</script> code', text: 'Code <b>654321</b> & "more"' });
    const res = await fetch(`${base}/dev/mail`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-[^']+' 'strict-dynamic'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    const html = await res.text();
    assert.match(html, /<title>Mail catcher<\/title>/);
    assert.ok(!html.includes('<script>alert(1)</script>'));
    assert.ok(html.includes('&#60;script&#62;alert(1)&#60;/script&#62; code'));
    assert.ok(html.includes('<pre>Code &#60;b&#62;654321&#60;/b&#62; &#38; &#34;more&#34;'));
    assert.ok(!/<script\b/i.test(html), 'no script elements at all');
    assert.ok(!/\son[a-z]+=/i.test(html), 'no inline handlers');
    // every style element carries the response's nonce
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    for (const tag of html.match(/<style\b[^>]*>/g) ?? []) assert.ok(tag.includes(`nonce="${nonce}"`), tag);
    const newer = html.indexOf('alert(1)');
    const older = html.indexOf('>older<');
    assert.ok(newer > 0 && older > newer, 'newest first');
    assert.ok(html.includes(escapeForCheck(to)));
  });

  it('refuses other methods and an empty ?to=', async () => {
    const post = await fetch(`${base}/dev/mail`, { method: 'POST', body: 'x' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
    const empty = await fetch(`${base}/dev/mail?to=`);
    assert.equal(empty.status, 400);
  });
});

/** Addresses in the fixtures hold no characters escapeHtml changes. */
function escapeForCheck(value: string): string {
  assert.ok(!/[&<>"']/.test(value));
  return value;
}
