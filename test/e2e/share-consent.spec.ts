/**
 * Per-recipient share consent round trips against the reference provider: alice has connected the integrator (its
 * backend holds her connect token), the backend gets a single-use share link from the provider's API, the kit opens
 * it (popup or same tab), the provider's share consent (Allow / Decline) sends the browser back to
 * `redirectUri?token=<ES256 JWT>` (the state inside the JWT), and the page gets the token — whose signature the test
 * then checks with jose against the provider's keys (the browser only reads `sharingAllowed` as a hint).
 */
import { compactVerify, jwtVerify } from 'jose';
import { CLIENT_ID, RECIPIENT_ID, test, expect, connectAlice, decide, flowEvents, providerJwks } from './support/fixtures.js';

interface ShareEvent {
  kind: string;
  code?: string;
  resumed?: boolean;
  result?: { token: string; state: string; sharingAllowed: boolean };
}

for (const decision of ['Allow', 'Decline'] as const) {
  test(`share consent in a popup, ${decision}: the signed consent token comes back with sharingAllowed=${decision === 'Allow'}`, async ({
    page,
    servers,
  }) => {
    await connectAlice(page, servers);
    await page.goto(`${servers.integrator.origin}/share.html`);
    await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
    const state = await page.evaluate(() => (window as unknown as { shareState: string }).shareState);
    const popupOpened = page.waitForEvent('popup');
    await page.getByRole('button', { name: 'Continue to Recipient' }).click();
    const popup = await popupOpened;
    await decide(popup, decision);
    const [event] = (await flowEvents(page)) as ShareEvent[];
    expect(event, JSON.stringify(event)).toMatchObject({ kind: 'success', result: { state, sharingAllowed: decision === 'Allow' } });
    await expect.poll(() => popup.isClosed()).toBe(true);

    const token = event!.result!.token;
    const { payload, protectedHeader } = await jwtVerify(token, await providerJwks(servers.provider.issuer), {
      issuer: servers.provider.issuer,
      audience: CLIENT_ID,
      typ: 'share-consent+jwt',
      algorithms: ['ES256'],
    });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload).toMatchObject({ sharingAllowed: decision === 'Allow', state, forClientId: RECIPIENT_ID });
  });
}

test.describe('provider with COOP', () => {
  test.use({ providerOptions: { coop: true } });

  test('regression: share consent with COOP on the provider page still arrives (BroadcastChannel)', async ({ page, servers }) => {
    await connectAlice(page, servers);
    await page.goto(`${servers.integrator.origin}/share.html`);
    await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
    const popupOpened = page.waitForEvent('popup');
    await page.getByRole('button', { name: 'Continue to Recipient' }).click();
    const popup = await popupOpened;
    await popup.getByRole('button', { name: 'Allow', exact: true }).waitFor();
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { handle: { popup: Window } }).handle.popup.closed))
      .toBe(true);
    await popup.waitForTimeout(3000);
    await decide(popup, 'Allow');
    const [event] = (await flowEvents(page)) as ShareEvent[];
    expect(event, JSON.stringify(event)).toMatchObject({ kind: 'success', result: { sharingAllowed: true } });
    await compactVerify(event!.result!.token, await providerJwks(servers.provider.issuer));
  });
});

test('share consent by redirect: leave, Allow, return — the token, a clean address bar, single use', async ({ page, servers }) => {
  await connectAlice(page, servers);
  const sharePage = `${servers.integrator.origin}/share.html`;
  await page.goto(`${sharePage}?mode=redirect&state=redirect-state-1`);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const back = page.waitForRequest((r) => r.url().startsWith(`${sharePage}?`) && r.url().includes('token='));
  await page.getByRole('button', { name: 'Continue to Recipient' }).click();
  await page.waitForURL(`${servers.provider.issuer}/share/**`);
  await decide(page, 'Allow');
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
