/**
 * With Chromium's real popup blocker on (Playwright turns it off by default, which would prove nothing): the blank
 * window opened synchronously inside the click survives the blocker even though discovery, the lazy protocol chunk
 * and PKCE hashing are awaited before it is navigated; a start outside a user gesture opens nothing.
 */
import { test, expect, exchange, flowEvents, signInAndConsent, openVerifyPopup } from './support/fixtures.js';
import { withPopupBlocker } from './support/browser.js';

test.use({ launchOptions: withPopupBlocker });

test('popup blocker on: a click opens the popup (opened before any await) and the flow completes', async ({ page, servers }) => {
  // A cold start: nothing preloaded, so the popup must already be open while discovery and the chunk load.
  const popup = await openVerifyPopup(page, servers);
  await signInAndConsent(popup);
  const [event] = await flowEvents(page);
  expect(event!.kind, JSON.stringify(event)).toBe('success');
  const { tokens } = await exchange(servers.provider.issuer, event!.result!);
  expect(tokens.access_token).toBeTruthy();
});

test('popup blocker on: a start without a user gesture is popup_blocked and opens no window', async ({ page, servers }) => {
  let popups = 0;
  page.on('popup', () => popups++);
  await page.goto(`${servers.integrator.origin}/app.html?autostart`);
  expect(await page.evaluate(() => (window as unknown as { activationAtStart: unknown }).activationAtStart)).toBe(false);
  const [event] = await flowEvents(page);
  expect(event).toMatchObject({ kind: 'error', code: 'popup_blocked' });
  expect(event!.message).toMatch(/user gesture/);
  await page.waitForTimeout(300);
  expect(popups).toBe(0);
  const stored = await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('idconnect-kit')));
  expect(stored, 'no transaction left behind').toEqual([]);
});

test('popup blocker on: the browser blocks window.open itself (no activation API answer) — popup_blocked, nothing stored', async ({
  page,
  servers,
}) => {
  let popups = 0;
  page.on('popup', () => popups++);
  // The User Activation API hidden (as in older browsers): the kit really calls window.open and the blocker says no.
  await page.goto(`${servers.integrator.origin}/app.html?autostart&hide-activation-api`);
  expect(await page.evaluate(() => (window as unknown as { activationAtStart: unknown }).activationAtStart)).toBe(null);
  const [event] = await flowEvents(page);
  expect(event).toMatchObject({ kind: 'error', code: 'popup_blocked' });
  await page.waitForTimeout(300);
  expect(popups).toBe(0);
  expect(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('idconnect-kit')))).toEqual([]);
});
