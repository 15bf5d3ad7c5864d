/**
 * The popup flow against the reference provider (demo/provider), in Debian Chromium: the page gets a code, the test's own Node code
 * (playing the integrator backend) exchanges it with the PKCE verifier and gets tokens. Plus the ways a popup ends
 * otherwise: closed by the user, denied, wrong issuer, and a provider with Cross-Origin-Opener-Policy.
 */
import { ACCOUNT, DECLINED_DESCRIPTION, test, expect, exchange, flowEvents, signInAndConsent, openVerifyPopup } from './support/fixtures.js';

test('popup: sign in and consent, the page gets a code, the backend exchanges it for tokens', async ({ page, servers }) => {
  const popup = await openVerifyPopup(page, servers);
  await signInAndConsent(popup);
  const [event] = await flowEvents(page);
  expect(event!.kind).toBe('success');
  const result = event!.result!;
  expect(result).toMatchObject({
    clientId: 'e2e-integrator',
    issuer: servers.provider.issuer,
    mode: 'popup',
    redirectUri: `${servers.integrator.origin}/callback.html`,
  });
  await expect.poll(() => popup.isClosed(), { message: 'the callback closes the popup' }).toBe(true);

  const { tokens, claims } = await exchange(servers.provider.issuer, result);
  expect(tokens.access_token).toBeTruthy();
  expect(claims).toMatchObject({ sub: ACCOUNT.sub, aud: 'e2e-integrator', iss: servers.provider.issuer, nonce: result.nonce });
  expect(tokens.scope?.split(' ')).toEqual(expect.arrayContaining(['openid', 'share']));
});

test('popup whose callback is the page itself (the default redirectUri): resumeVerify in the popup relays and closes it', async ({
  page,
  servers,
}) => {
  await page.goto(`${servers.integrator.origin}/app.html?callback=page`);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const popupOpened = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Verify with ID' }).click();
  const popup = await popupOpened;
  await signInAndConsent(popup);
  const [event] = await flowEvents(page);
  expect(event, JSON.stringify(event)).toMatchObject({ kind: 'success', result: { mode: 'popup', redirectUri: `${servers.integrator.origin}/app.html` } });
  expect(event!.resumed, 'the opener got it from its own flow, not a resume').toBeUndefined();
  await expect.poll(() => popup.isClosed()).toBe(true);
  const { tokens } = await exchange(servers.provider.issuer, event!.result!);
  expect(tokens.access_token).toBeTruthy();
});

test.describe('provider with COOP', () => {
  test.use({ providerOptions: { coop: true } });

  test('regression: the provider sends COOP same-origin — the opener handle is severed, the result still arrives by BroadcastChannel', async ({
    page,
    servers,
  }) => {
    const popup = await openVerifyPopup(page, servers);
    await popup.getByLabel('Email').waitFor();
    // What makes this case hard: for the opener the popup looks closed while the user is still signing in.
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { handle: { popup: Window } }).handle.popup.closed))
      .toBe(true);
    await popup.waitForTimeout(3000); // longer than the closed-poll + grace period of a naive implementation
    await signInAndConsent(popup);
    const [event] = await flowEvents(page);
    expect(event!.kind, JSON.stringify(event)).toBe('success');
    await expect.poll(() => popup.isClosed(), { message: 'the callback closes itself after the ack' }).toBe(true);
    const { claims } = await exchange(servers.provider.issuer, event!.result!);
    expect(claims.sub).toBe(ACCOUNT.sub);
  });
});

test('the user closes the popup at the login page: cancel popup_closed, and the button works again', async ({ page, servers }) => {
  const popup = await openVerifyPopup(page, servers);
  await popup.getByLabel('Email').waitFor();
  await popup.waitForTimeout(4500); // reading the page for a moment, as a person would
  await popup.close();
  const [event] = await flowEvents(page);
  expect(event).toMatchObject({ kind: 'cancel', reason: 'popup_closed' });

  const again = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Verify with ID' }).click();
  await signInAndConsent(await again);
  const events = await flowEvents(page, 2);
  expect(events[1]!.kind).toBe('success');
});

test('Decline at the consent screen: access_denied with the provider description', async ({ page, servers }) => {
  const popup = await openVerifyPopup(page, servers);
  await signInAndConsent(popup, 'Decline');
  const [event] = await flowEvents(page);
  expect(event).toMatchObject({
    kind: 'error',
    code: 'access_denied',
    oauthError: 'access_denied',
    oauthErrorDescription: DECLINED_DESCRIPTION,
  });
  await expect.poll(() => popup.isClosed()).toBe(true);
});

test('regression: mix-up — a response from another issuer carrying our state is issuer_mismatch', async ({ page, servers }) => {
  const other = await servers.otherProvider();
  await page.goto(`${servers.integrator.origin}/app.html`);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const authRequest = page.context().waitForEvent('request', (r) => r.url().startsWith(`${servers.provider.issuer}/auth?`));
  const popupOpened = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Verify with ID' }).click();
  const popup = await popupOpened;
  // The attacker's issuer gets our very request (state, PKCE challenge, nonce, redirect URI) and answers it.
  const request = new URL((await authRequest).url());
  await popup.getByLabel('Email').waitFor(); // the real provider's login page is up; now the user is lured away
  const response = page.context().waitForEvent('request', (r) => r.url().startsWith(`${servers.integrator.origin}/callback.html?`));
  await popup.goto(`${other.issuer}/auth${request.search}`);
  await signInAndConsent(popup);
  const callback = new URL((await response).url()).searchParams;
  expect(callback.get('code'), 'the other issuer did issue a code').toBeTruthy();
  expect(callback.get('iss')).toBe(other.issuer);
  expect(callback.get('state')).toBe(request.searchParams.get('state'));
  const [event] = await flowEvents(page);
  expect(event).toMatchObject({ kind: 'error', code: 'issuer_mismatch' });
});

test('a provider that cannot be reached: discovery_failed, the blank popup is closed again', async ({ page, servers }) => {
  await page.goto(`${servers.integrator.origin}/app.html?authority=${encodeURIComponent('http://localhost:9')}`);
  await expect(page.locator('body')).toHaveAttribute('data-ready', 'true');
  const popupOpened = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Verify with ID' }).click();
  const popup = await popupOpened;
  const [event] = await flowEvents(page);
  expect(event).toMatchObject({ kind: 'error', code: 'discovery_failed' });
  await expect.poll(() => popup.isClosed()).toBe(true);
});
