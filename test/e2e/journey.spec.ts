/**
 * The whole demo journey through the three origins, in Debian Chromium against the real reference provider
 * (oidc-provider) and the two demo sites, each test with its own fresh servers on free ports:
 *
 * 1. connect the ID account in a popup (login form, Sign in, Allow on the connect consent screen);
 * 2. pick recipient 1 → it needs consent → consent in a popup → the recipient's backend redeems by API → applicant;
 * 3. recipient 2 needs its own consent (the popup appears again) → applicant;
 * 4. SDK-style: recipient 1 again (consent already given, no popup) → the recipient's page shows
 *    <idc-reuse-selection> → Share selected → applicant;
 * and, separately, the provider's screens refuse to be framed by a page on another origin.
 *
 * Step timings are printed and attached to the report as `journey-timings`.
 */
import { expect, type Page } from '@playwright/test';
import { startFramingSite, journeyTest } from './support-journey/servers.js';
import { axeViolations } from './support-journey/axe.js';
import { connect, consentInPopup, popupClosed, recipientItem } from './support-journey/steps.js';

const test = journeyTest();

/** Collects uncaught page errors and CSP violations reported on the demo's own pages. */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy|Trusted Type/i.test(msg.text())) {
      problems.push(`console: ${msg.text()}`);
    }
  });
  return problems;
}

test('journey: connect, per-recipient consent, API redeem for two recipients, then SDK-style reuse', async ({
  page,
  context,
  servers,
}, testInfo) => {
  test.setTimeout(120_000);
  const timings: Record<string, number> = {};
  const timed = async (name: string, body: () => Promise<void>) => {
    const started = performance.now();
    await test.step(name, body);
    timings[name] = Math.round(performance.now() - started);
  };
  const problems = watchProblems(page);

  await timed('connect the ID account in a popup', async () => {
    await connect(page, servers.integrator);
  });
  expect.soft(await axeViolations(page), 'axe: integrator page, connected').toEqual([]);

  const bank = recipientItem(page, 'Regulated Bank');
  await timed('recipient 1: consent in a popup, redeem by API', async () => {
    await bank.getByRole('button', { name: 'Share with Regulated Bank' }).click();
    await expect(bank.getByRole('status')).toContainText('needs your consent');
    await expect(bank.getByRole('button', { name: 'Continue to Regulated Bank' })).toBeVisible();
    expect.soft(await axeViolations(page), 'axe: integrator page, consent needed').toEqual([]);
    await consentInPopup(page, 'Regulated Bank', 'demo-recipient');
    await expect(bank.getByRole('status')).toHaveText('Shared with Regulated Bank. Continue at Regulated Bank');
    // the integrator never learns the recipient's verdict: nothing of it on its page, nor in what its backend kept
    await expect(page.locator('main')).not.toContainText(/approved|rejected|GREEN|RED|applicant|app_/);
    const session = await page.evaluate(() => fetch('/api/session').then((r) => r.text()));
    expect(session).not.toMatch(/approved|rejected|GREEN|applicant|app_/);
  });

  await timed('recipient 1: the recipient site shows the verdict, confirmed by its verified webhook', async () => {
    const href = await bank.getByRole('link', { name: 'Continue at Regulated Bank' }).getAttribute('href');
    expect(href).toBe(`${servers.recipient}/`);
    const recipientPage = await context.newPage();
    await recipientPage.goto(href!);
    await recipientPage.getByRole('row', { name: /Regulated Bank/ }).getByRole('link').first().click();
    await expect(recipientPage.getByRole('heading', { level: 1 })).toHaveText('Regulated Bank: applicant created');
    await expect(recipientPage.getByText('API (redeemed by the server)')).toBeVisible();
    await expect(recipientPage.getByTestId('applicant-status')).toHaveText('approved (GREEN)');
    await expect(recipientPage.getByRole('cell', { name: 'passport', exact: true })).toBeVisible();
    await expect(async () => {
      await recipientPage.reload();
      await expect(recipientPage.getByTestId('applicant-webhook')).toContainText('applicantReviewed GREEN received and verified', { timeout: 500 });
    }).toPass({ timeout: 10_000 });
    expect.soft(await axeViolations(recipientPage), 'axe: recipient applicant page').toEqual([]);
    await recipientPage.close();
  });

  const exchange = recipientItem(page, 'Second Exchange');
  await timed('recipient 2: needs its own consent (popup again), redeem by API', async () => {
    await exchange.getByRole('button', { name: 'Share with Second Exchange' }).click();
    await expect(exchange.getByRole('status')).toContainText('needs your consent');
    await consentInPopup(page, 'Second Exchange', 'demo-recipient-2');
    await expect(exchange.getByRole('status')).toHaveText('Shared with Second Exchange. Continue at Second Exchange');
  });

  await timed('SDK-style: reuse selection on the recipient site', async () => {
    await page.getByRole('radio', { name: /choose the documents on the recipient/ }).check();
    // Consent for Regulated Bank was given above: no popup, the share token goes straight to the recipient.
    let popups = 0;
    page.on('popup', () => popups++);
    await bank.getByRole('button', { name: 'Share with Regulated Bank' }).click();
    const cont = bank.getByRole('link', { name: 'Continue at Regulated Bank to choose your documents' });
    await expect(cont).toBeVisible();
    expect(popups).toBe(0);
    await expect(bank.getByRole('button', { name: 'Continue to Regulated Bank' })).toHaveCount(0);

    const href = await cont.getAttribute('href');
    expect(href?.startsWith(`${servers.recipient}/reuse/`)).toBe(true);
    await cont.click();
    await expect(page).toHaveURL(href!);
    const share = page.getByRole('button', { name: 'Share selected' });
    await expect(share).toBeVisible();
    expect.soft(await axeViolations(page), 'axe: recipient reuse page').toEqual([]);
    await share.click();
    await expect(page).toHaveURL(new RegExp(`^${servers.recipient}/applicants/`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Regulated Bank: applicant created');
    await expect(page.getByText('SDK (documents chosen by you)')).toBeVisible();
    await expect(page.getByRole('cell', { name: 'passport', exact: true })).toBeVisible();
    await expect(page.getByRole('cell', { name: 'proof_of_address', exact: true })).toBeVisible();
  });

  expect(problems).toEqual([]);
  const total = Object.values(timings).reduce((a, b) => a + b, 0);
  await testInfo.attach('journey-timings', {
    body: JSON.stringify({ ...timings, total }, null, 2),
    contentType: 'application/json',
  });
  console.log(`journey timings (ms): ${JSON.stringify({ ...timings, total })}`);
});

test('declined consent shares nothing; the provider\'s login and share-consent screens refuse to be framed', async ({
  page,
  servers,
}) => {
  test.setTimeout(60_000);
  await connect(page, servers.integrator);
  const exchange = recipientItem(page, 'Second Exchange');

  await test.step('declining on the consent screen shares nothing and says so', async () => {
    await exchange.getByRole('button', { name: 'Share with Second Exchange' }).click();
    const popupPromise = page.waitForEvent('popup');
    await exchange.getByRole('button', { name: 'Continue to Second Exchange' }).click();
    const popup = await popupPromise;
    await popup.getByRole('button', { name: 'Decline', exact: true }).click();
    await popupClosed(popup);
    await expect(exchange.getByRole('alert')).toContainText(/declined|not granted/i);
    await expect(exchange.getByRole('alert')).toContainText(/\((consent_declined|access_denied)\)/);
    await expect(exchange.getByRole('link')).toHaveCount(0);
    const recipientHome = await page.request.get(servers.recipient);
    expect(await recipientHome.text()).toContain('No applicants yet');
  });

  // Ask again: still no consent, so the integrator shows the share button once more.
  await exchange.getByRole('button', { name: 'Share with Second Exchange' }).click();
  await expect(exchange.getByRole('button', { name: 'Continue to Second Exchange' })).toBeVisible();

  // A real share link for the pending consent, asked for through the integrator's backend (same session cookie).
  const linkResponse = await page.request.post(`${servers.integrator}/api/share-link`, {
    data: { forClientId: 'demo-recipient-2', displayMode: 'popup' },
    headers: { origin: servers.integrator },
  });
  expect(linkResponse.status()).toBe(200);
  const { link } = (await linkResponse.json()) as { link: string };
  expect(link.startsWith(`${servers.provider}/share/`)).toBe(true);

  // A fresh login screen: start an authorization request and follow it to the provider's interaction page.
  const authorize = new URL(`${servers.provider}/auth`);
  authorize.search = new URLSearchParams({
    client_id: 'demo-integrator',
    response_type: 'code',
    redirect_uri: `${servers.integrator}/callback`,
    scope: 'openid share',
    state: 'framing-check-state-0123456789',
    nonce: 'framing-check-nonce-0123456789',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
    prompt: 'login',
  }).toString();
  const loginResponse = await page.request.get(authorize.href);
  expect(loginResponse.status()).toBe(200);
  const loginUrl = loginResponse.url();
  expect(loginUrl.startsWith(servers.provider)).toBe(true);

  // Unframed, both screens work and say they must not be framed.
  const shareResponse = await page.request.get(link);
  expect(shareResponse.status()).toBe(200);
  for (const response of [loginResponse, shareResponse]) {
    const headers = response.headers();
    expect(headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(headers['x-frame-options']?.toUpperCase()).toBe('DENY');
  }
  expect(await loginResponse.text()).toMatch(/name="?password/);

  // Framed by a page on another origin, the browser refuses to render them.
  const framing = await startFramingSite({ login: loginUrl, share: link });
  try {
    const refusals: string[] = [];
    page.on('console', (msg) => {
      if (/frame-ancestors|X-Frame-Options/i.test(msg.text())) refusals.push(msg.text());
    });
    await page.goto(framing.url, { waitUntil: 'load' });
    // Chromium names only the framed origin: one refusal per frame, both for the provider's frame-ancestors.
    await expect.poll(() => refusals.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    for (const refusal of refusals) {
      expect(refusal).toContain(`'${servers.provider}/'`);
      expect(refusal).toContain("frame-ancestors 'none'");
    }
    for (const id of ['login', 'share']) {
      const frame = page.frameLocator(`#${id}`);
      await expect(frame.getByRole('button')).toHaveCount(0);
      await expect(frame.locator('input')).toHaveCount(0);
    }
    const frames = page.frames().slice(1);
    expect(frames).toHaveLength(2);
    for (const frame of frames) expect(frame.url().startsWith(servers.provider)).toBe(false);
  } finally {
    await framing.close();
  }
});
