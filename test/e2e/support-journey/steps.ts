/**
 * Steps of the demo journey that several tests share: connecting the ID account through the provider's popup, and
 * answering the provider's consent screens.
 */
import { expect, type Page } from '@playwright/test';
import { providerClientName } from './servers.js';

export const ALICE = { email: 'alice@example.com', password: 'alice-demo' } as const;

/** Presses the consent screen's Allow once it is armed (it ignores clicks for 300 ms–1 s; docs/security.md §27). */
export async function allow(popup: Page): Promise<void> {
  const button = popup.getByRole('button', { name: 'Allow', exact: true });
  await expect(button).toBeVisible();
  await expect(button).not.toHaveAttribute('aria-disabled', 'true');
  await button.click();
}

/**
 * Waits until the popup has closed. A popup the callback closes at once may be gone before the caller starts
 * waiting, and `waitForEvent('close')` would then wait for an event that has already happened.
 */
export async function popupClosed(popup: Page): Promise<void> {
  if (!popup.isClosed()) await popup.waitForEvent('close');
}

/** Clicks the integrator's verify button, signs in as Alice in the popup and allows the connection. */
export async function connect(page: Page, integrator: string): Promise<void> {
  await page.goto(integrator);
  const verify = page.getByRole('button', { name: /^Verify with/ });
  await expect(verify).toBeEnabled();
  const popupPromise = page.waitForEvent('popup');
  await verify.click();
  const popup = await popupPromise;
  await popup.locator('input[name="email"]').fill(ALICE.email);
  await popup.locator('input[name="password"]').fill(ALICE.password);
  await popup.getByRole('button', { name: 'Sign in', exact: true }).click();
  await allow(popup);
  await popupClosed(popup);
  await expect(page.getByRole('status').filter({ hasText: `Connected as ${ALICE.email}` })).toBeVisible();
}

/** The list item of one recipient on the integrator page. */
export function recipientItem(page: Page, name: string) {
  return page.getByRole('listitem').filter({ has: page.getByRole('heading', { name, exact: true }) });
}

/**
 * Picks a recipient that has no consent yet: the integrator shows the share button, the provider's share-consent
 * screen opens in a popup and names the recipient, Alice allows, and the popup closes.
 */
export async function consentInPopup(page: Page, name: string, clientId: string): Promise<void> {
  const item = recipientItem(page, name);
  const continueButton = item.getByRole('button', { name: `Continue to ${name}` });
  await expect(continueButton).toBeVisible();
  const popupPromise = page.waitForEvent('popup');
  await continueButton.click();
  const popup = await popupPromise;
  // The provider's screen names the recipient by its registration at the provider.
  await expect(popup.getByText(providerClientName(clientId)).first()).toBeVisible();
  await allow(popup);
  await popupClosed(popup);
}
