/**
 * `<idc-verify-button>` on the flow, against the real provider: a double click opens one popup, a cancelled
 * `idc-start` opens nothing, and the success event carries what the backend needs.
 */
import { test, expect, exchange, flowEvents, signInAndConsent, type FlowEvent } from './support/fixtures.js';
import { withPopupBlocker } from './support/browser.js';

test.use({ launchOptions: withPopupBlocker });

interface ElementEvent {
  kind: string;
  detail: Record<string, unknown>;
}

test.beforeEach(({ servers }) => {
  test.skip(!servers.integrator.hasElements, 'src/components/verify-button/define.ts is not there yet');
});

test('double click: one popup, one flow, and idc-success carries the code, verifier and nonce', async ({ page, servers }) => {
  await page.goto(`${servers.integrator.origin}/elements.html`);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  let popups = 0;
  page.on('popup', () => popups++);
  const popupOpened = page.waitForEvent('popup');
  await page.getByRole('button', { name: /Verify with ID/ }).dblclick();
  const popup = await popupOpened;
  await page.waitForTimeout(500);
  expect(popups).toBe(1);
  await signInAndConsent(popup);
  const events = (await flowEvents(page, 2)) as unknown as ElementEvent[];
  expect(events.map((e) => e.kind)).toEqual(['idc-start', 'idc-success']);
  const detail = events[1]!.detail as NonNullable<FlowEvent['result']>;
  expect(detail).toMatchObject({ mode: 'popup', clientId: 'e2e-integrator', issuer: servers.provider.issuer });
  const { claims } = await exchange(servers.provider.issuer, detail);
  expect(claims.nonce).toBe(detail.nonce);
});

test('a cancelled idc-start opens no window and starts nothing', async ({ page, servers }) => {
  await page.goto(`${servers.integrator.origin}/elements.html`);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  let popups = 0;
  page.on('popup', () => popups++);
  await page.evaluate(() => (window as unknown as { cancelNextStart(): void }).cancelNextStart());
  await page.getByRole('button', { name: /Verify with ID/ }).click();
  const events = (await flowEvents(page, 1)) as unknown as ElementEvent[];
  await page.waitForTimeout(500);
  expect(events.map((e) => e.kind)).toEqual(['idc-start']);
  expect(popups).toBe(0);
  expect(await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('idconnect-kit')))).toEqual([]);
  await expect(page.locator('idc-verify-button')).not.toHaveAttribute('pending', '');
});

test('popup mode, the page itself as callback: the element in the popup relays the result and the popup closes', async ({
  page,
  servers,
}) => {
  await page.goto(`${servers.integrator.origin}/elements.html?callback=page`);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const popupOpened = page.waitForEvent('popup');
  await page.getByRole('button', { name: /Verify with ID/ }).click();
  const popup = await popupOpened;
  await signInAndConsent(popup);
  const events = (await flowEvents(page, 2)) as unknown as ElementEvent[];
  expect(events.map((e) => e.kind)).toEqual(['idc-start', 'idc-success']);
  expect(events[1]!.detail).toMatchObject({ mode: 'popup', redirectUri: `${servers.integrator.origin}/elements.html` });
  await expect.poll(() => popup.isClosed(), { message: 'the element in the popup relays, then the popup closes' }).toBe(true);
  const { tokens } = await exchange(servers.provider.issuer, events[1]!.detail as NonNullable<FlowEvent['result']>);
  expect(tokens.access_token).toBeTruthy();
});
