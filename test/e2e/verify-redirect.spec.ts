/**
 * Redirect mode against the real provider: the page leaves, comes back with the code in the address bar, resumes,
 * cleans the address bar before anything else, and a reload or a replay of the callback URL gets nothing.
 */
import { test, expect, exchange, flowEvents, signInAndConsent } from './support/fixtures.js';

test('redirect: leave, sign in, return — the result, a clean address bar, then a reload resubmits nothing', async ({ page, servers }) => {
  const app = `${servers.integrator.origin}/app.html`;
  await page.goto(`${app}?mode=redirect`);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const callback = page.waitForRequest((r) => r.url().startsWith(`${app}?`) && r.url().includes('code='));
  await page.getByRole('button', { name: 'Verify with ID' }).click();
  await page.waitForURL(`${servers.provider.issuer}/**`);
  await signInAndConsent(page);
  const callbackUrl = (await callback).url();

  const [event] = await flowEvents(page);
  expect(event, JSON.stringify(event)).toMatchObject({ kind: 'success', resumed: true });
  expect(event!.result).toMatchObject({ mode: 'redirect', redirectUri: app, issuer: servers.provider.issuer });
  await expect(page).toHaveURL(app); // code, state, iss gone
  const stored = await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('idconnect-kit')));
  expect(stored, 'the transaction is used up').toEqual([]);
  const { tokens } = await exchange(servers.provider.issuer, event!.result!);
  expect(tokens.access_token).toBeTruthy();

  // Reload: the address bar is clean, so nothing is resubmitted and nothing is reported.
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => (window as unknown as { events: unknown[] }).events)).toEqual([]);

  // Replaying the callback URL (history, a shared link): the state is single-use.
  await page.goto(callbackUrl);
  const [replay] = await flowEvents(page);
  expect(replay).toMatchObject({ kind: 'error', code: 'state_not_found', resumed: true });
  await expect(page).toHaveURL(app);
});

test('redirect: Decline at the provider comes back as access_denied, address bar cleaned', async ({ page, servers }) => {
  const app = `${servers.integrator.origin}/app.html`;
  await page.goto(`${app}?mode=redirect`);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await page.getByRole('button', { name: 'Verify with ID' }).click();
  await page.waitForURL(`${servers.provider.issuer}/**`);
  await signInAndConsent(page, 'Decline');
  const [event] = await flowEvents(page);
  expect(event).toMatchObject({ kind: 'error', code: 'access_denied', resumed: true });
  await expect(page).toHaveURL(app);
});
