/**
 * The ownership check through the demo sites (docs/security.md §38, §42), in Debian Chromium whose fake camera plays
 * person A turning left, right, left (test/fixtures/faces `a-lrl`, support-liveness/y4m.ts), against the real provider
 * and the two demo sites (support-journey/servers.ts) with the challenge fixed (the looping video cannot follow a
 * random one):
 *
 * connect as alice at the integrator → share with "Regulated Insurer" (demo-recipient-3, whose first and only level
 * is `selfie-kyc-level`): its consent screen lists the selfie → the recipient's SDK-style reuse page offers
 * **Take the selfie** → the provider's selfie page (signed in already) runs `<idc-liveness-check>` → back at the
 * recipient, `<idc-reuse-selection>` → the applicant is approved with `liveness` and `face_match` passed.
 *
 * Arranged: alice's seeded passport gets the document photo of person A (`doc-a.jpg`, cleaned by the provider's own
 * sanitizer as an upload is). The demo seeds alice without a photo, and a verified account cannot submit another
 * document, so the test stores it as the verification would (demo/provider/verification.ts).
 */
import { expect, type Browser, type Page } from '@playwright/test';
import { sanitizeImage } from '../../demo/provider/uploads.js';
import { axeViolations } from './support-journey/axe.js';
import { journeyTest } from './support-journey/servers.js';
import { ALICE, allow, connect, popupClosed, recipientItem } from './support-journey/steps.js';
import { browserWithCamera } from './support-liveness/camera.js';
import { documentPhoto, livenessCheck, runCheck } from './support-liveness/steps.js';

const INSURER = { clientId: 'demo-recipient-3', name: 'Regulated Insurer' };

const test = journeyTest({
  reviewDelayMs: 300,
  // one challenge order for every session: the looping fake camera cannot follow a random one
  liveness: { challenge: ['turn-left', 'turn-right'] },
});

test.describe.configure({ timeout: 150_000 });

/** Collects uncaught page errors of a page (and of the pages it opens). */
function watchErrors(page: Page, into: string[]): void {
  page.on('pageerror', (err) => into.push(`${page.url()}: ${err.message}`));
}

test('a recipient whose level takes a selfie: consent lists it, Take the selfie at the provider, reuse approved with liveness and face_match', async ({
  servers,
}) => {
  const kit = servers.providerKit;
  const alice = (await kit.accounts.findByEmail(ALICE.email))!;
  const passport = (await kit.accounts.documents(alice.id)).find((d) => d.type === 'passport' && d.status === 'verified')!;
  const photo = sanitizeImage(documentPhoto('doc-a.jpg'));
  await kit.store.set('document-image', passport.id, {
    accountId: alice.id,
    type: photo.type,
    width: photo.width,
    height: photo.height,
    data: photo.bytes.toString('base64'),
  });

  let browser: Browser | undefined;
  const errors: string[] = [];
  try {
    browser = await browserWithCamera('a-lrl');
    const context = await browser.newContext();
    const page = await context.newPage();
    watchErrors(page, errors);
    context.on('page', (p) => watchErrors(p, errors));

    await test.step('connect at the integrator; the insurer is offered like the other recipients', async () => {
      await connect(page, servers.integrator);
      await expect(page.getByRole('heading', { level: 3 })).toHaveText(['Regulated Bank', 'Second Exchange', INSURER.name]);
    });

    const insurer = recipientItem(page, INSURER.name);
    await test.step('share with the insurer: its consent screen lists the selfie', async () => {
      // "Right away" stays picked: the recipient still takes the SDK-style flow, as its level needs the user there
      await expect(page.getByRole('radio', { name: /^Right away/ })).toBeChecked();
      await insurer.getByRole('button', { name: `Share with ${INSURER.name}` }).click();
      const popupPromise = page.waitForEvent('popup');
      await insurer.getByRole('button', { name: `Continue to ${INSURER.name}` }).click();
      const popup = await popupPromise;
      await expect(popup.getByText(INSURER.name).first()).toBeVisible();
      await expect(popup.getByText('Selfie', { exact: true })).toBeVisible();
      await expect(popup.getByText('Proof of address')).toHaveCount(0);
      await allow(popup);
      await popupClosed(popup);
      await expect(insurer.getByRole('status')).toHaveText(
        `Shared with ${INSURER.name}. Continue at ${INSURER.name} to choose your documents`,
      );
    });

    await test.step('the recipient’s reuse page asks for the selfie first', async () => {
      const cont = insurer.getByRole('link', { name: `Continue at ${INSURER.name} to choose your documents` });
      const href = (await cont.getAttribute('href'))!;
      expect(href.startsWith(`${servers.recipient}/reuse/`), href).toBe(true);
      await cont.click();
      await expect(page).toHaveURL(href);
      await expect(page.getByRole('heading', { name: 'Show it’s you' })).toBeVisible();
      await expect(page.locator('idc-reuse-selection')).toBeHidden();
      expect.soft(await axeViolations(page), 'axe: recipient reuse page, selfie needed').toEqual([]);
    });

    await test.step('Take the selfie on the provider’s page (signed in already from the connect)', async () => {
      const take = page.getByRole('link', { name: 'Take the selfie' });
      expect(new URL((await take.getAttribute('href'))!).origin).toBe(servers.provider);
      const tabPromise = context.waitForEvent('page');
      await take.click();
      const selfie = await tabPromise;
      await expect(livenessCheck(selfie).getByRole('button', { name: 'Start' })).toBeVisible();
      await expect(selfie.getByText(INSURER.name).first()).toBeVisible();
      const outcome = await runCheck(selfie);
      expect(outcome, JSON.stringify(outcome)).toMatchObject({ event: 'complete' });
      await expect(selfie.getByText(`Selfie checked. Return to ${INSURER.name} to continue.`)).toBeVisible();
      await selfie.close();
    });

    await test.step('back at the recipient: the documents, Share selected, the applicant approved', async () => {
      // The page checks again when its tab is shown or focused. Headless Chromium keeps every tab "visible" and
      // sends no focus event on bringToFront (tried: the page then stays at the selfie step), so the test sends the
      // focus event a person returning to the tab causes.
      await page.bringToFront();
      await page.evaluate(() => window.dispatchEvent(new Event('focus')));
      await expect(page.getByRole('heading', { name: 'Show it’s you' })).toBeHidden();
      const share = page.getByRole('button', { name: 'Share selected' });
      await expect(share).toBeVisible();
      expect.soft(await axeViolations(page), 'axe: recipient reuse page, selfie passed').toEqual([]);
      await share.click();
      await expect(page).toHaveURL(new RegExp(`^${servers.recipient}/applicants/`));
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(`${INSURER.name}: applicant created`);
      await expect(page.getByText('selfie-kyc-level')).toBeVisible();
      await expect(page.getByTestId('applicant-status')).toHaveText('approved (GREEN)');
      await expect(page.getByRole('listitem')).toHaveText(['identity: passed', 'selfie: passed', 'liveness: passed', 'face_match: passed']);
      await expect(page.getByRole('cell', { name: 'passport', exact: true })).toBeVisible();
      // the provider's applicantReviewed webhook reaches the recipient, signed with the insurer's own secret
      await expect(async () => {
        await page.reload();
        await expect(page.getByTestId('applicant-webhook')).toContainText('applicantReviewed GREEN received and verified', { timeout: 500 });
      }).toPass({ timeout: 15_000 });
    });
    expect(errors).toEqual([]);
    expect(servers.logs.join('\n')).toContain(`${INSURER.clientId} created applicant`);
  } finally {
    await browser?.close();
  }
});
