/**
 * The sandbox accounts (demo/provider/sandbox.ts) driven as an integrator's own browser test would drive them: the
 * demo's three origins with the provider in its demo configuration (`dev`, as `npm start`), the integrator page's
 * `<idc-verify-button>` and `<idc-share-button>`, the provider's real login form — and from there no click: each
 * account's scripted outcome must reach the page as the kit's own events, with the detail the contract names.
 */
import { expect, type Page } from '@playwright/test';
import { SANDBOX_PASSWORD, SANDBOX_SLOW_MS } from '../../demo/provider/sandbox.js';
import { journeyTest } from './support-journey/servers.js';
import { recipientItem } from './support-journey/steps.js';

const test = journeyTest({ dev: true });

interface KitEvent {
  type: string;
  at: number;
  detail: Record<string, unknown> | null;
}

/** Every `idc-*` event the page's elements fire (they bubble and are composed), recorded before any script runs. */
const RECORD_EVENTS = () => {
  const seen: unknown[] = [];
  (window as unknown as { idcEvents: unknown[] }).idcEvents = seen;
  for (const type of ['idc-start', 'idc-success', 'idc-error', 'idc-cancel', 'idc-consent', 'idc-fallback']) {
    document.addEventListener(type, (e) => seen.push({ type, at: performance.now(), detail: (e as CustomEvent).detail ?? null }), true);
  }
};

async function kitEvents(page: Page): Promise<KitEvent[]> {
  return page.evaluate(() => (window as unknown as { idcEvents: KitEvent[] }).idcEvents);
}

/** Waits for the first event of that type after the ones already seen, and returns it. */
async function nextEvent(page: Page, types: string[], after = 0): Promise<KitEvent> {
  await expect
    .poll(async () => (await kitEvents(page)).slice(after).some((e) => types.includes(e.type)), { timeout: 20_000 })
    .toBe(true);
  return (await kitEvents(page)).slice(after).find((e) => types.includes(e.type))!;
}

const OUTCOMES = ['idc-success', 'idc-error', 'idc-cancel', 'idc-consent'];

/**
 * Opens the integrator page, clicks Verify, and signs in as the sandbox account on the provider's real login form.
 * Resolves once Sign in is pressed, not when the provider has answered (the slow account answers late).
 */
async function signIn(page: Page, integrator: string, name: string): Promise<Page> {
  await page.addInitScript(RECORD_EVENTS);
  await page.goto(integrator);
  const verify = page.getByRole('button', { name: /^Verify with/ });
  await expect(verify).toBeEnabled();
  const popupPromise = page.waitForEvent('popup');
  await verify.click();
  const popup = await popupPromise;
  await popup.getByLabel('Email').fill(`sandbox+${name}@example.com`);
  await popup.getByLabel('Password').fill(SANDBOX_PASSWORD);
  // a click waits for the navigation it starts; the slow provider's answer is what the test watches instead
  await popup.getByRole('button', { name: 'Sign in', exact: true }).dispatchEvent('click');
  return popup;
}

/** Signs in as an account whose connect step is allowed by script: no click on any consent screen. */
async function connect(page: Page, integrator: string, name: string): Promise<void> {
  const popup = await signIn(page, integrator, name);
  const outcome = await nextEvent(page, OUTCOMES);
  expect(outcome.type, JSON.stringify(outcome)).toBe('idc-success');
  expect(typeof outcome.detail?.['code']).toBe('string');
  await expect.poll(() => popup.isClosed()).toBe(true);
  await expect(page.getByRole('status').filter({ hasText: `Connected as sandbox+${name}@example.com` })).toBeVisible();
}

/** Asks to share with Regulated Bank, which needs consent, and presses the share button; resolves its popup. */
async function startShare(page: Page): Promise<{ popup: Page; before: number }> {
  const bank = recipientItem(page, 'Regulated Bank');
  await bank.getByRole('button', { name: 'Share with Regulated Bank' }).click();
  await expect(bank.getByRole('status')).toContainText('needs your consent');
  const before = (await kitEvents(page)).length;
  const popupPromise = page.waitForEvent('popup');
  await bank.getByRole('button', { name: 'Continue to Regulated Bank' }).click();
  return { popup: await popupPromise, before };
}

test('sandbox+approve: idc-success without a consent click, then idc-consent with sharingAllowed true', async ({ page, servers }) => {
  await connect(page, servers.integrator, 'approve');
  const { popup, before } = await startShare(page);
  const consent = await nextEvent(page, OUTCOMES, before);
  expect(consent.type, JSON.stringify(consent)).toBe('idc-consent');
  expect(consent.detail).toMatchObject({ sharingAllowed: true });
  expect(typeof consent.detail?.['token']).toBe('string');
  await expect.poll(() => popup.isClosed()).toBe(true);
  // the integrator's backend verified the token and handed the share token to the bank
  await expect(recipientItem(page, 'Regulated Bank').getByRole('status')).toHaveText('Shared with Regulated Bank. Continue at Regulated Bank');
});

test('sandbox+deny: the connect consent answers access_denied → idc-error access_denied', async ({ page, servers }) => {
  const popup = await signIn(page, servers.integrator, 'deny');
  const outcome = await nextEvent(page, OUTCOMES);
  expect(outcome.type, JSON.stringify(outcome)).toBe('idc-error');
  expect(outcome.detail).toMatchObject({ code: 'access_denied', oauthError: 'access_denied', retryable: true });
  await expect.poll(() => popup.isClosed()).toBe(true);
  await expect(page.locator('main > p#error')).toContainText('(access_denied)');
});

test('sandbox+rejected: the rejection page with its reason, closed by the provider → idc-cancel popup_closed, no code', async ({
  page,
  servers,
}) => {
  const popup = await signIn(page, servers.integrator, 'rejected');
  await expect(popup.getByRole('heading', { name: 'We could not verify your document' })).toBeVisible();
  await expect(popup.getByText('The document has expired. Use a valid document.')).toBeVisible();
  const outcome = await nextEvent(page, OUTCOMES);
  expect(outcome.type, JSON.stringify(outcome)).toBe('idc-cancel');
  expect(outcome.detail).toEqual({ reason: 'popup_closed' });
  expect(popup.isClosed()).toBe(true);
  expect((await kitEvents(page)).map((e) => e.type)).not.toContain('idc-success');
  await expect(page.locator('#connect-status')).toHaveText('The sign-in window was closed before finishing.');
});

test(`sandbox+slow: each step answered after ${SANDBOX_SLOW_MS} ms, the buttons pending meanwhile, then success`, async ({
  page,
  servers,
}) => {
  test.setTimeout(90_000);
  const verify = page.locator('idc-verify-button');
  const popup = await signIn(page, servers.integrator, 'slow');
  const signedInAt = await page.evaluate(() => performance.now());
  // the sign-in and the connect consent are each answered SANDBOX_SLOW_MS late: the kit is still waiting
  await page.waitForTimeout(SANDBOX_SLOW_MS);
  await expect(verify).toHaveAttribute('pending');
  expect((await kitEvents(page)).map((e) => e.type)).toEqual(['idc-start']);
  const outcome = await nextEvent(page, OUTCOMES);
  expect(outcome.type, JSON.stringify(outcome)).toBe('idc-success');
  expect(outcome.at - signedInAt).toBeGreaterThanOrEqual(2 * SANDBOX_SLOW_MS - 200);
  await expect.poll(() => popup.isClosed()).toBe(true);
  await expect(verify).not.toHaveAttribute('pending');

  const { popup: sharePopup, before } = await startShare(page);
  const shareButton = page.locator('idc-share-button');
  const clickedAt = await page.evaluate(() => performance.now());
  await expect(shareButton).toHaveAttribute('pending');
  const consent = await nextEvent(page, OUTCOMES, before);
  expect(consent.type, JSON.stringify(consent)).toBe('idc-consent');
  expect(consent.detail).toMatchObject({ sharingAllowed: true });
  expect(consent.at - clickedAt).toBeGreaterThanOrEqual(SANDBOX_SLOW_MS - 200);
  await expect.poll(() => sharePopup.isClosed()).toBe(true);
  console.log(`sandbox+slow: connect ${Math.round(outcome.at - signedInAt)} ms after Sign in, share ${Math.round(consent.at - clickedAt)} ms after the click`);
});

test('sandbox+popup-closed: the provider closes the connect window → idc-cancel popup_closed', async ({ page, servers }) => {
  const popup = await signIn(page, servers.integrator, 'popup-closed');
  await expect(popup.getByRole('heading', { name: 'Test account' })).toBeVisible();
  const shownAt = await page.evaluate(() => performance.now());
  const outcome = await nextEvent(page, OUTCOMES);
  console.log(`sandbox+popup-closed: idc-cancel ${Math.round(outcome.at - shownAt)} ms after the closing page appeared`);
  expect(outcome.type, JSON.stringify(outcome)).toBe('idc-cancel');
  expect(outcome.detail).toEqual({ reason: 'popup_closed' });
  expect(popup.isClosed()).toBe(true);
  await expect(page.locator('#connect-status')).toHaveText('The sign-in window was closed before finishing.');
});

test('sandbox+consent-declined: connects; the share consent is declined → idc-consent sharingAllowed false', async ({ page, servers }) => {
  await connect(page, servers.integrator, 'consent-declined');
  const { popup, before } = await startShare(page);
  const consent = await nextEvent(page, OUTCOMES, before);
  expect(consent.type, JSON.stringify(consent)).toBe('idc-consent');
  expect(consent.detail).toMatchObject({ sharingAllowed: false });
  await expect.poll(() => popup.isClosed()).toBe(true);
  // the backend verified the signed token and shares nothing
  await expect(recipientItem(page, 'Regulated Bank').locator('p.error')).toContainText('(consent_declined)');
});

test('sandbox+share-closed: connects; the provider closes the share window → idc-cancel popup_closed', async ({ page, servers }) => {
  await connect(page, servers.integrator, 'share-closed');
  const { popup, before } = await startShare(page);
  const outcome = await nextEvent(page, OUTCOMES, before);
  expect(outcome.type, JSON.stringify(outcome)).toBe('idc-cancel');
  expect(outcome.detail).toEqual({ reason: 'popup_closed' });
  expect(popup.isClosed()).toBe(true);
  await expect(recipientItem(page, 'Regulated Bank').getByRole('status')).toContainText('The consent window was closed.');
});

test('sandbox+link-expired: the share link is expired when opened → idc-error provider_error, oauthError link_expired', async ({
  page,
  servers,
}) => {
  await connect(page, servers.integrator, 'link-expired');
  const { popup, before } = await startShare(page);
  await expect(popup.getByText('This sharing link has expired.')).toBeVisible();
  const outcome = await nextEvent(page, OUTCOMES, before);
  expect(outcome.type, JSON.stringify(outcome)).toBe('idc-error');
  expect(outcome.detail).toMatchObject({ code: 'provider_error', oauthError: 'link_expired' });
  await expect.poll(() => popup.isClosed()).toBe(true);
  await expect(recipientItem(page, 'Regulated Bank').locator('p.error')).toContainText('(provider_error)');
});
