/**
 * Per-recipient share consent round trips: the integrator backend gets a single-use share link from the provider,
 * the kit opens it (popup or same tab), the provider's page (Allow / Deny) sends the browser back to
 * `redirectUri?token=<ES256 JWT>&state=…`, and the page gets the token — whose signature the test then checks with
 * jose against the provider's keys (the browser only reads `sharingAllowed` as a hint).
 */
import { compactVerify, createLocalJWKSet, jwtVerify } from 'jose';
import { test, expect, flowEvents } from './support/fixtures.js';

interface ShareEvent {
  kind: string;
  code?: string;
  resumed?: boolean;
  result?: { token: string; state: string; sharingAllowed: boolean };
}

for (const decision of ['Allow', 'Deny'] as const) {
  test(`share consent in a popup, ${decision}: the signed consent token comes back with sharingAllowed=${decision === 'Allow'}`, async ({
    page,
    servers,
  }) => {
    await page.goto(`${servers.integrator.origin}/share.html`);
    await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
    const state = await page.evaluate(() => (window as unknown as { shareState: string }).shareState);
    const popupOpened = page.waitForEvent('popup');
    await page.getByRole('button', { name: 'Continue to Recipient' }).click();
    const popup = await popupOpened;
    await popup.getByRole('button', { name: decision }).click();
    const [event] = (await flowEvents(page)) as ShareEvent[];
    expect(event, JSON.stringify(event)).toMatchObject({ kind: 'success', result: { state, sharingAllowed: decision === 'Allow' } });
    await expect.poll(() => popup.isClosed()).toBe(true);

    const token = event!.result!.token;
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(servers.provider.shareJwks), {
      issuer: servers.provider.issuer,
      audience: 'e2e-integrator',
      typ: 'share-consent+jwt',
      algorithms: ['ES256'],
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload).toMatchObject({ sharingAllowed: decision === 'Allow', state, forClientId: 'e2e-recipient' });
  });
}

test('regression: share consent with COOP on the provider page still arrives (BroadcastChannel)', async ({ page, servers }) => {
  servers.provider.setCoop(true);
  await page.goto(`${servers.integrator.origin}/share.html`);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const popupOpened = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Continue to Recipient' }).click();
  const popup = await popupOpened;
  await popup.getByRole('button', { name: 'Allow' }).waitFor();
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { handle: { popup: Window } }).handle.popup.closed))
    .toBe(true);
  await popup.waitForTimeout(3000);
  await popup.getByRole('button', { name: 'Allow' }).click();
  const [event] = (await flowEvents(page)) as ShareEvent[];
  expect(event, JSON.stringify(event)).toMatchObject({ kind: 'success', result: { sharingAllowed: true } });
  await compactVerify(event!.result!.token, createLocalJWKSet(servers.provider.shareJwks));
});

test('share consent by redirect: leave, Allow, return — the token, a clean address bar, single use', async ({ page, servers }) => {
  const sharePage = `${servers.integrator.origin}/share.html`;
  await page.goto(`${sharePage}?mode=redirect&state=redirect-state-1`);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const back = page.waitForRequest((r) => r.url().startsWith(`${sharePage}?`) && r.url().includes('token='));
  await page.getByRole('button', { name: 'Continue to Recipient' }).click();
  await page.waitForURL(`${servers.provider.issuer}/share/**`);
  await page.getByRole('button', { name: 'Allow' }).click();
  const returnUrl = (await back).url();
  const [event] = (await flowEvents(page)) as ShareEvent[];
  expect(event, JSON.stringify(event)).toMatchObject({
    kind: 'success',
    resumed: true,
    result: { state: 'redirect-state-1', sharingAllowed: true },
  });
  await expect(page).toHaveURL(sharePage);
  await page.goto(returnUrl);
  const [replay] = (await flowEvents(page)) as ShareEvent[];
  expect(replay).toMatchObject({ kind: 'error', code: 'state_not_found', resumed: true });
});

test('a javascript: share link from the backend is invalid_share_link and the popup is closed, never navigated', async ({
  page,
  servers,
}) => {
  await page.goto(`${servers.integrator.origin}/share.html?link=${encodeURIComponent('javascript:alert(document.domain)')}`);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  const popupOpened = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Continue to Recipient' }).click();
  const popup = await popupOpened;
  popup.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  const [event] = (await flowEvents(page)) as ShareEvent[];
  expect(event).toMatchObject({ kind: 'error', code: 'invalid_share_link' });
  await expect.poll(() => popup.isClosed()).toBe(true);
  expect(dialogs).toBe(0);
});
