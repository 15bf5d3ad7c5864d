/**
 * The account journey's rules on their own clock: e-mail codes (10 minutes, 5 tries, single use, send limits) and
 * the login throttle's 15-minute window. The mails go to a recording mailer here; the SMTP leg is covered by
 * mail.test.ts and account.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EmailCodes } from '../../../demo/provider/email-codes.js';
import { messages } from '../../../demo/provider/i18n.js';
import type { Mailer, OutgoingMail } from '../../../demo/provider/mail.js';
import { MemoryKitStore } from '../../../demo/provider/store.js';
import { addressKey, LoginThrottle } from '../../../demo/provider/throttle.js';
import { Accounts } from '../../../demo/provider/accounts.js';
import { Verification } from '../../../demo/provider/verification.js';

const m = messages('en');

function setup() {
  const sent: OutgoingMail[] = [];
  const mailer: Mailer = { send: async (mail) => void sent.push(mail) };
  const store = new MemoryKitStore();
  const codes = new EmailCodes({ store, mailer, secret: 'test-secret' });
  const codeOf = (i = sent.length - 1) => /\b(\d{6})\b/.exec(sent[i]!.text)![1]!;
  return { sent, store, codes, codeOf };
}

describe('e-mail codes', () => {
  it('are 6 digits, work once, and expire after 10 minutes', async () => {
    const { codes, codeOf, store } = setup();
    const t0 = Date.now();
    await codes.start('flow-a', { purpose: 'login', email: 'A@Example.org', accountExists: true, m }, t0);
    assert.match(codeOf(), /^\d{6}$/);
    assert.deepEqual(await codes.pending('flow-a'), { purpose: 'login', email: 'a@example.org' });
    assert.deepEqual(await codes.check('flow-a', codeOf(), t0 + 1000), { status: 'ok', purpose: 'login', email: 'a@example.org' });
    assert.equal((await codes.check('flow-a', codeOf(), t0 + 2000)).status, 'expired', 'single use');

    await codes.start('flow-b', { purpose: 'login', email: 'b@example.org', accountExists: true, m }, t0);
    assert.equal((await codes.check('flow-b', codeOf(), t0 + 600_001)).status, 'expired', 'dead after 10 minutes');
    await store.close();
  });

  it('belong to their flow: the right code in another flow is wrong', async () => {
    const { codes, codeOf, store } = setup();
    await codes.start('flow-a', { purpose: 'login', email: 'a@example.org', accountExists: true, m });
    await codes.start('flow-b', { purpose: 'login', email: 'b@example.org', accountExists: true, m });
    assert.equal((await codes.check('flow-b', codeOf(0))).status, 'wrong');
    await store.close();
  });

  it('allow 5 tries: the fifth wrong one ends the code, concurrent guesses do not share a try', async () => {
    const { codes, codeOf, store } = setup();
    await codes.start('flow', { purpose: 'signup', email: 'new@example.org', passwordHash: 'h', accountExists: false, m });
    const wrong = codeOf() === '000000' ? '111111' : '000000';
    const results = await Promise.all([codes.check('flow', wrong), codes.check('flow', wrong)]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['expired', 'wrong'], 'the record is out while one guess is checked');
    for (let i = 0; i < 3; i++) assert.equal((await codes.check('flow', wrong)).status, 'wrong');
    assert.equal((await codes.check('flow', wrong)).status, 'exhausted');
    assert.equal((await codes.check('flow', codeOf())).status, 'expired');
    await store.close();
  });

  it('send nothing that works for a taken sign-up address or an unknown sign-in address', async () => {
    const { codes, sent, store } = setup();
    await codes.start('taken', { purpose: 'signup', email: 'owner@example.org', passwordHash: 'h', accountExists: true, m });
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.subject, 'About your ID account');
    assert.doesNotMatch(sent[0]!.text, /\d{6}/);
    await codes.start('unknown', { purpose: 'login', email: 'nobody@example.org', accountExists: false, m });
    assert.equal(sent.length, 1, 'no mail to an unknown address');
    assert.deepEqual(await codes.pending('unknown'), { purpose: 'login', email: 'nobody@example.org' }, 'the page looks the same');
    await store.close();
  });

  it('limit mails per address: one per 30 s, five per hour; a resend keeps the purpose and password', async () => {
    const { codes, sent, store, codeOf } = setup();
    const t0 = Date.now();
    const ask = (at: number) => codes.start('f', { purpose: 'signup', email: 'r@example.org', passwordHash: 'hash-1', accountExists: false, m }, at);
    assert.deepEqual(await ask(t0), { ok: true });
    assert.deepEqual(await ask(t0 + 10_000), { ok: false, retryAfterSecs: 20 });
    for (let i = 1; i <= 4; i++) assert.deepEqual(await ask(t0 + i * 31_000), { ok: true });
    const sixth = await ask(t0 + 5 * 31_000);
    assert.equal(sixth.ok, false, 'the sixth mail within the hour waits');
    assert.ok(!sixth.ok && sixth.retryAfterSecs > 3000);
    assert.equal(sent.length, 5);
    const resent = await codes.resend('f', m, async () => false);
    assert.equal(resent?.ok, false, 'resend is limited the same way');
    const ok = await codes.check('f', codeOf());
    assert.deepEqual(ok, { status: 'ok', purpose: 'signup', email: 'r@example.org', passwordHash: 'hash-1' });
    assert.equal(await codes.resend('gone', m, async () => false), undefined, 'no code step, nothing to resend');
    await store.close();
  });
});

describe('login throttle', () => {
  it('allows 5 attempts per account and 20 per address in 15 minutes; a success hands its slot back', async () => {
    const store = new MemoryKitStore();
    const throttle = new LoginThrottle(store);
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) assert.equal((await throttle.reserve('Alice@Example.com', '10.0.0.1', t0 + i)).ok, true);
    const blocked = await throttle.reserve('alice@example.com', '10.0.0.9', t0 + 10);
    assert.deepEqual(blocked, { ok: false, until: t0 + 900_000 }, 'the account, from any address');
    assert.equal((await throttle.reserve('alice@example.com', '10.0.0.9', t0 + 900_001)).ok, true, 'the window moved on');
    for (let i = 0; i < 20; i++) await throttle.reserve(`user${i}@example.org`, '10.0.0.2', t0);
    assert.equal((await throttle.reserve('someone@example.org', '10.0.0.2', t0 + 1)).ok, false, 'the address, for any account');
    const ok = await throttle.reserve('bob@example.org', '10.0.0.3', t0);
    assert.ok(ok.ok);
    for (let i = 0; i < 3; i++) await throttle.reserve('bob@example.org', '10.0.0.3', t0);
    await throttle.release('bob@example.org', '10.0.0.3', ok.stamp);
    for (let i = 0; i < 5; i++) assert.equal((await throttle.reserve('bob@example.org', '10.0.0.4', t0)).ok, true, 'a success starts the account afresh');
    await store.close();
  });

  it('never lets concurrent attempts pass the limit (each is counted before it is made)', async () => {
    const store = new MemoryKitStore();
    const throttle = new LoginThrottle(store);
    const results = await Promise.all(Array.from({ length: 40 }, () => throttle.reserve('target@example.org', '10.0.0.5')));
    assert.equal(results.filter((r) => r.ok).length, 5);
    await store.close();
  });

  it('counts an IPv6 client by its /64 and unwraps v4-mapped addresses', () => {
    assert.equal(addressKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(addressKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64');
    assert.equal(addressKey('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(addressKey('::ffff:127.0.0.1'), '127.0.0.1');
    assert.equal(addressKey('192.0.2.7'), '192.0.2.7');
  });
});

describe('verification submissions', () => {
  it('allow 10 a day per account (each stores an image and costs a decode)', async () => {
    const store = new MemoryKitStore();
    const verification = new Verification({ store, accounts: new Accounts(store) });
    const t0 = Date.now();
    for (let i = 0; i < Verification.SUBMISSIONS_PER_DAY; i++) assert.equal(await verification.countSubmission('acc-1', t0 + i), true);
    assert.equal(await verification.countSubmission('acc-1', t0 + 100), false);
    assert.equal(await verification.countSubmission('acc-2', t0 + 100), true, 'per account');
    assert.equal(await verification.countSubmission('acc-1', t0 + 86_400_001), true, 'a day later');
    await store.close();
  });
});
