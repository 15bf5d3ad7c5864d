/**
 * Back from the provider after a redirect start, with Chromium's back/forward cache ON (Playwright disables it by
 * default, which would prove nothing): the restored page works again.
 */
import { test, expect, flowEvents, signInAndConsent } from './support/fixtures.js';
import { chromiumLaunchOptions } from './support/browser.js';

test.use({ launchOptions: chromiumLaunchOptions({ ignoreDefaultArgs: ['--disable-back-forward-cache'] }) });

test('regression: Back from the provider restores the page from bfcache and a second start is not stuck in flow_in_progress', async ({
  page,
  servers,
}) => {
  const app = `${servers.integrator.origin}/app.html`;
  await page.goto(`${app}?mode=redirect`);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  await page.getByRole('button', { name: 'Verify with ID' }).click();
  await page.waitForURL(`${servers.provider.issuer}/**`);
  await page.getByLabel('Email').waitFor();
  await page.goBack({ waitUntil: 'commit' }); // a bfcache restore fires no load event
  await expect.poll(() => page.evaluate(() => (window as unknown as { pageshows: boolean[] }).pageshows)).toEqual([false, true]);
  await page.getByRole('button', { name: 'Verify with ID' }).click();
  await page.waitForURL(`${servers.provider.issuer}/**`);
  await signInAndConsent(page);
  const events = await flowEvents(page);
  expect(events.map((e) => e.kind)).toEqual(['success']);
});
