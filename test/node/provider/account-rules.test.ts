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
import { LoginThrottle } from '../../../demo/provider/throttle.js';

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
  it('blocks an account after 5 failures and an address after 20, for the rest of the 15-minute window', async () => {
    const store = new MemoryKitStore();
    const throttle = new LoginThrottle(store);
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) {
      assert.equal(await throttle.blockedUntil('Alice@Example.com', '10.0.0.1', t0 + i), undefined);
      await throttle.recordFailure('alice@example.com', '10.0.0.1', t0 + i);
    }
    assert.equal(await throttle.blockedUntil('alice@example.com', '10.0.0.9', t0 + 10), t0 + 900_000, 'the account, from any address');
    assert.equal(await throttle.blockedUntil('alice@example.com', '10.0.0.9', t0 + 900_000), undefined, 'the window moved on');
    for (let i = 0; i < 20; i++) await throttle.recordFailure(`user${i}@example.org`, '10.0.0.2', t0);
    assert.ok(await throttle.blockedUntil('someone@example.org', '10.0.0.2', t0 + 1), 'the address, for any account');
    await throttle.recordSuccess('ALICE@example.com');
    assert.equal(await throttle.blockedUntil('alice@example.com', '10.0.0.9', t0 + 10), undefined, 'a success clears the account');
    await store.close();
  });
});
