/**
 * A brand-new user, end to end in Debian Chromium against the real provider and the demo sites: from the
 * integrator's Verify button, create an ID account, read the code from the provider's real SMTP mail catcher,
 * confirm, verify an identity document and prove with a selfie (Chromium's fake camera) that it is theirs, wait for
 * the review, allow the connection, share with a recipient and see the recipient's applicant; then Withdraw and Disconnect on the provider's account page, and the integrator's
 * next calls fail as the contract says. Every new screen is checked with axe; the sign-up is done by keyboard.
 */
import { expect, type Page } from '@playwright/test';
import { axeViolations } from './support-journey/axe.js';
import { journeyTest } from './support-journey/servers.js';
import { allow, consentInPopup, popupClosed, recipientItem } from './support-journey/steps.js';
import { chromiumLaunchOptions, CHROMIUM_ARGS } from './support/browser.js';
import { documentPhoto, mailedCode } from './support-liveness/steps.js';
import { fakeCameraArgs } from './support-liveness/y4m.js';

const test = journeyTest({ dev: true, reviewDelayMs: 500 });
// The verification ends with the ownership check: Chromium's fake camera shows person A turning left, right, left
// (test/fixtures/faces `a-lrl`), the person on the document photo the user uploads (`doc-a.jpg`).
test.use({ launchOptions: chromiumLaunchOptions({ args: [...CHROMIUM_ARGS, ...fakeCameraArgs('a-lrl')] }) });

async function expectNoAxeViolations(page: Page, what: string): Promise<void> {
  expect.soft(await axeViolations(page), `axe: ${what}`).toEqual([]);
}

test('a new user signs up, verifies, connects and shares; Withdraw and Disconnect take effect', async ({ page, context, servers }) => {
  test.setTimeout(180_000);
  const email = `new-${Date.now()}@example.org`;

  await page.goto(servers.integrator);
  const popupPromise = page.waitForEvent('popup');
  await page.getByRole('button', { name: /^Verify with/ }).click();
  const popup = await popupPromise;

  // sign-up, by keyboard only
  await popup.getByRole('link', { name: 'Create an account' }).focus();
  await popup.keyboard.press('Enter');
  await expect(popup.getByRole('heading', { level: 1 })).toHaveText('Create your ID account');
  await expectNoAxeViolations(popup, 'sign-up page');
  await expect(popup.getByLabel('Email')).toBeFocused();
  await popup.keyboard.type(email);
  await popup.keyboard.press('Tab');
  await popup.keyboard.type('a long demo password');
  await popup.keyboard.press('Enter');

  // the code from the mail catcher
  await expect(popup.getByRole('heading', { level: 1 })).toHaveText('Check your email');
  await expectNoAxeViolations(popup, 'confirm page');
  const code = await mailedCode(servers.provider, email);
  await popup.getByLabel('Code').fill(code);
  await popup.getByRole('button', { name: 'Confirm', exact: true }).click();

  // verification: a form error first (no photo of a real image), then the real thing
  await expect(popup.getByRole('heading', { level: 1 })).toHaveText('Verify your identity');
  await expectNoAxeViolations(popup, 'verify page');
  await popup.getByLabel('Document type').selectOption('passport');
  await popup.getByLabel(/Issuing country/).fill('NL');
  await popup.getByLabel('Document number').fill('XN1234567');
  await popup.getByLabel('Date of issue').fill('2022-01-10');
  await popup.getByLabel('Expiry date').fill('2032-01-09');
  await popup.getByLabel(/Photo of the front/).setInputFiles({ name: 'front.png', mimeType: 'image/png', buffer: Buffer.from('not an image') });
  await popup.getByRole('button', { name: 'Submit for review' }).click();
  await expect(popup.getByText('Upload a JPEG or PNG photo.')).toBeVisible();
  await expectNoAxeViolations(popup, 'verify page with errors');
  await expect(popup.getByLabel('Document number')).toHaveValue('XN1234567');
  await popup.getByLabel(/Photo of the front/).setInputFiles({ name: 'front.jpg', mimeType: 'image/jpeg', buffer: documentPhoto('doc-a.jpg') });
  await popup.getByRole('button', { name: 'Submit for review' }).click();

  // the ownership check: the selfie, judged by the provider against the document photo; then Submit for review
  const check = popup.locator('idc-liveness-check');
  await expect(check.getByRole('button', { name: 'Start' })).toBeVisible();
  await expectNoAxeViolations(popup, 'selfie page');
  const submit = popup.getByRole('button', { name: 'Submit for review' });
  await expect(submit, 'nothing to submit before the selfie passed').toBeHidden();
  await check.getByRole('button', { name: 'Start' }).focus();
  await popup.keyboard.press('Enter');
  await expect(check.getByRole('status')).toHaveText('Done. Your selfie was sent for checking.', { timeout: 60_000 });
  await expect(submit).toBeFocused();
  await popup.keyboard.press('Enter');
  await expect(popup.getByRole('heading', { level: 1 })).toHaveText('Review in progress');
  await expectNoAxeViolations(popup, 'review page');

  // the review decides by itself and the page moves on to the connect consent
  await allow(popup);
  await popupClosed(popup);
  await expect(page.getByRole('status').filter({ hasText: `Connected as ${email}` })).toBeVisible();

  // share with a recipient: per-recipient consent, then the recipient's applicant
  const bank = recipientItem(page, 'Regulated Bank');
  await bank.getByRole('button', { name: 'Share with Regulated Bank' }).click();
  await consentInPopup(page, 'Regulated Bank', 'demo-recipient');
  await expect(bank.getByRole('status')).toHaveText('Shared with Regulated Bank. Continue at Regulated Bank');
  const recipientPage = await context.newPage();
  await recipientPage.goto((await bank.getByRole('link', { name: 'Continue at Regulated Bank' }).getAttribute('href'))!);
  await recipientPage.getByRole('row', { name: /Regulated Bank/ }).getByRole('link').first().click();
  await expect(recipientPage.getByRole('heading', { level: 1 })).toHaveText('Regulated Bank: applicant created');
  await expect(recipientPage.getByRole('cell', { name: 'passport', exact: true })).toBeVisible();
  // a new user has a passport, no proof of address: the recipient's fresh checks reject, and say why
  await expect(recipientPage.getByTestId('applicant-status')).toHaveText('rejected (RED: ADDRESS_NOT_PROVIDED)');

  // the account page: what was allowed, and Withdraw
  const account = await context.newPage();
  await account.goto(`${servers.provider}/account`);
  await expect(account.getByRole('heading', { level: 1 })).toHaveText('Your ID account');
  await expectNoAxeViolations(account, 'account page');
  await expect(account.getByRole('heading', { name: 'Acme Marketplace', exact: true })).toBeVisible();
  await expect(account.getByRole('cell', { name: 'Passport' })).toBeVisible();
  await account.getByRole('button', { name: 'Withdraw' }).click();
  await expect(account.getByRole('status')).toHaveText('Sharing with Regulated Bank through Acme Marketplace is withdrawn.');
  await expect(account.getByText('You have not allowed any sharing.')).toBeVisible();

  // the integrator's next share for that recipient asks for consent again
  await page.reload();
  await bank.getByRole('button', { name: 'Share with Regulated Bank' }).click();
  await expect(bank.getByRole('status')).toContainText('needs your consent');

  // Disconnect: the integrator's next call is refused and the page is back at step 1
  await account.getByRole('button', { name: 'Disconnect' }).click();
  await expect(account.getByRole('status')).toHaveText('Acme Marketplace is disconnected. It can no longer create share tokens for you.');
  await expectNoAxeViolations(account, 'account page after Disconnect');
  const exchange = recipientItem(page, 'Second Exchange');
  await exchange.getByRole('button', { name: 'Share with Second Exchange' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'connection_revoked' }).first()).toBeVisible();
  await expect(page.getByRole('button', { name: /^Verify with/ })).toBeVisible();
});

test('the account screens read right to left in Arabic and pass axe', async ({ browser, servers }) => {
  const context = await browser.newContext({ locale: 'ar' });
  try {
    const page = await context.newPage();
    await page.goto(`${servers.provider}/account`);
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
    await page.locator('a[href$="/signup"]').click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'ar');
    await expect(page.locator('input[name="password"]')).toHaveAttribute('minlength', '10');
    await expectNoAxeViolations(page, 'sign-up page in Arabic');
  } finally {
    await context.close();
  }
});
