/**
 * The per-recipient consent in both display modes of a share link — `popup` (compact, for a small window) and
 * `page` (the full page with the provider's header) — each coming back as the product documents return it: only
 * `?token=<JWT>`, the state inside the signed token. The kit routes the result by the JWT's state claim.
 */
import { expect, type Page } from '@playwright/test';
import { axeViolations } from './support-journey/axe.js';
import { journeyTest } from './support-journey/servers.js';
import { allow, connect, popupClosed, recipientItem } from './support-journey/steps.js';

const test = journeyTest();

/** Shares with one recipient through the consent popup; resolves the popup's callback URL and its body class. */
async function consentIn(page: Page, name: string, integrator: string) {
  const item = recipientItem(page, name);
  await item.getByRole('button', { name: `Share with ${name}` }).click();
  const popupPromise = page.waitForEvent('popup');
  await item.getByRole('button', { name: `Continue to ${name}` }).click();
  const popup = await popupPromise;
  let callback: URL | undefined;
  popup.on('framenavigated', (frame) => {
    if (frame === popup.mainFrame() && frame.url().startsWith(`${integrator}/share-callback`)) callback ??= new URL(frame.url());
  });
  await expect(popup.locator('idc-consent-screen')).toBeVisible();
  const layout = await popup.locator('body').getAttribute('class');
  const hasHeader = await popup.locator('header.site').count();
  expect.soft(await axeViolations(popup), `axe: share consent (${layout})`).toEqual([]);
  await allow(popup);
  await popupClosed(popup);
  await expect(item.getByRole('status')).toHaveText(`Shared with ${name}. Continue at ${name}`);
  return { callback: callback!, layout, hasHeader };
}

test('share consent in popup and page display modes, each returning only the token', async ({ page, servers }) => {
  test.setTimeout(60_000);
  await connect(page, servers.integrator);

  const compact = await consentIn(page, 'Regulated Bank', servers.integrator);
  expect(compact.layout).toBe('layout-popup');
  expect(compact.hasHeader).toBe(0);
  expect([...compact.callback.searchParams.keys()]).toEqual(['token']);

  await page.getByRole('radio', { name: /As a full page/ }).check();
  const full = await consentIn(page, 'Second Exchange', servers.integrator);
  expect(full.layout).toBe('layout-page');
  expect(full.hasHeader).toBe(1);
  expect([...full.callback.searchParams.keys()]).toEqual(['token']);
  // the state travels inside the signed token: the kit read it from there to route the result to this page
  const claims = JSON.parse(Buffer.from(full.callback.searchParams.get('token')!.split('.')[1]!, 'base64url').toString());
  expect(typeof claims.state).toBe('string');
  expect(claims.forClientId).toBe('demo-recipient-2');
});
