/**
 * The ownership check end to end in Debian Chromium with its fake camera playing face videos (test/fixtures/faces →
 * .y4m, support-liveness/y4m.ts), against the real in-process provider (demo/provider, `startProvider`) and its own
 * decision (docs/security.md §42): a new account's document photo is person A (`doc-a.jpg`); the camera shows person A
 * turning left, right, left (`a-lrl`, which meets either challenge order), person B, nobody, two people, or person A
 * not moving. One browser per case (the video is a launch flag). The element loads its guidance model from the
 * provider (`model-base`), as on any provider page.
 */
import { test as base, expect, type Browser, type Page } from '@playwright/test';
import { SELFIE_KYC_LEVEL } from '../../demo/provider/clients.js';
import { startProvider, type RunningProvider } from '../../demo/provider/index.js';
import {
  allowAndExchange,
  faceFixture,
  passSelfie,
  signUp as signUpByHttp,
  startAuthorization,
  submitDocument as submitDocumentByHttp,
  VALID_DOCUMENT,
  waitForReview,
} from '../node/provider/account-helpers.js';
import { api, basic, consentTo, mintShareToken } from '../node/provider/helpers.js';
import { axeViolations } from './support-journey/axe.js';
import { distDir } from './support-journey/servers.js';
import { browserWithCamera, denyCamera } from './support-liveness/camera.js';
import { documentPhoto, headingViolations, livenessCheck, newAccountAtSelfie, runCheck } from './support-liveness/steps.js';

/** A recipient whose level takes a selfie (the reuse step's ownership check), fed by the demo integrator. */
const SELFIE_RECIPIENT = { id: 'e2e-selfie-bank', secret: 'e2e-selfie-bank-secret', name: 'Selfie Bank' };
const SELFIE_RECIPIENT_CLIENT = {
  client_id: SELFIE_RECIPIENT.id,
  client_secret: SELFIE_RECIPIENT.secret,
  client_name: SELFIE_RECIPIENT.name,
  redirect_uris: [],
  grant_types: [],
  response_types: [],
  token_endpoint_auth_method: 'client_secret_basic' as const,
  idc_role: 'recipient',
  idc_allowed_donors: ['demo-integrator'],
  idc_levels: { 'selfie-kyc-level': SELFIE_KYC_LEVEL },
};

interface Fixtures {
  provider: RunningProvider;
}

const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern
  provider: async ({}, use) => {
    const provider = await startProvider({
      host: '127.0.0.1',
      port: 0,
      dev: true,
      reviewDelayMs: 300,
      uiBundlePath: `${distDir()}idconnect-kit-provider-ui.iife.js`,
      livenessBundlePath: `${distDir()}idconnect-kit-liveness.js`,
      // one challenge order for every session: the looping fake camera cannot follow a random one
      liveness: { challenge: ['turn-left', 'turn-right'] },
      extraClients: [SELFIE_RECIPIENT_CLIENT],
    });
    try {
      await use(provider);
    } finally {
      await provider.close();
    }
  },
});

/** A page of a fresh Chromium whose camera plays `sequence`; closed after the test. */
async function cameraPage(sequence: string, options: { allow?: boolean } = {}): Promise<{ browser: Browser; page: Page }> {
  const browser = await browserWithCamera(sequence, options);
  const page = await browser.newPage();
  return { browser, page };
}

const alertOf = (page: Page) => livenessCheck(page).getByRole('alert');

test.describe.configure({ timeout: 120_000 });

test('same person as the document: the provider passes, and the review shows liveness and face_match passed', async ({ provider }) => {
  const { browser, page } = await cameraPage('a-lrl');
  try {
    const email = await newAccountAtSelfie(page, provider.issuer, documentPhoto('doc-a.jpg'));
    // one h1, the element's (the page's intro is no heading), and no heading level skipped (axe heading-order)
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(['Take a quick selfie']);
    await expect(page.getByRole('heading')).toHaveCount(1);
    expect(await headingViolations(page), 'axe: one h1, heading order').toEqual([]);
    expect.soft(await axeViolations(page), 'axe: selfie page before Start').toEqual([]);
    const outcome = await runCheck(page);
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ event: 'complete' });
    await expect(livenessCheck(page).getByRole('status')).toHaveText('Done. Your selfie was sent for checking.');
    expect.soft(await axeViolations(page), 'axe: selfie page after the check').toEqual([]);
    const submit = page.getByRole('button', { name: 'Submit for review' });
    await expect(submit).toBeEnabled();
    await submit.click();
    const account = (await provider.kit.accounts.findByEmail(email))!;
    await expect.poll(async () => (await provider.kit.verification.current(account.id))?.status, { timeout: 15_000 }).toBe('approved');
    const review = (await provider.kit.verification.current(account.id))!;
    expect(review.checks).toEqual(
      expect.arrayContaining([
        { type: 'liveness', result: 'passed' },
        { type: 'face_match', result: 'passed' },
      ]),
    );
    expect(review.ownership?.session).toBe((outcome as { session: string }).session);
  } finally {
    await browser.close();
  }
});

test('another person than the document: face_mismatch, and Try again runs a new session', async ({ provider }) => {
  const { browser, page } = await cameraPage('b-lrl');
  try {
    await newAccountAtSelfie(page, provider.issuer, documentPhoto('doc-a.jpg'));
    const first = await livenessCheck(page).getAttribute('session');
    const outcome = await runCheck(page);
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ event: 'error', code: 'face_mismatch', reason: 'face_mismatch', retryable: true });
    await expect(alertOf(page)).toHaveText('Your face did not match the photo on your document.');
    await expect(page.getByRole('button', { name: 'Submit for review' }), 'nothing to submit without a passed selfie').toBeHidden();
    expect.soft(await axeViolations(page), 'axe: selfie page after a mismatch').toEqual([]);
    await expect(livenessCheck(page).getByRole('button', { name: 'Try again' })).toBeFocused();
    const again = await runCheck(page, 'Try again');
    expect(again, JSON.stringify(again)).toMatchObject({ event: 'error', code: 'face_mismatch', reason: 'face_mismatch' });
    const second = await page.evaluate(() => document.querySelector('idc-liveness-check')!.session);
    expect(second).not.toBe(first);
  } finally {
    await browser.close();
  }
});

test('nobody in front of the camera: the guidance times out (liveness_failed, timeout); without the model, the provider says no_face', async ({ provider }) => {
  const { browser, page } = await cameraPage('noface');
  try {
    await newAccountAtSelfie(page, provider.issuer, documentPhoto('doc-a.jpg'));
    // with the guidance model: no face within 20 s ends the check on the page, nothing is uploaded (the contract)
    const outcome = await runCheck(page);
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ event: 'error', code: 'liveness_failed', reason: 'timeout', retryable: true });
    await expect(alertOf(page)).toHaveText('That took too long. Please try again.');
    // the model cannot load (blocked here): the element guides by time, uploads, and the provider decides
    await page.route('**/assets/liveness/**', (route) => route.abort());
    await page.reload();
    const decided = await runCheck(page);
    expect(decided, JSON.stringify(decided)).toMatchObject({ event: 'error', code: 'liveness_failed', reason: 'no_face', retryable: true });
    await expect(alertOf(page)).toHaveText('No face was seen. Keep your face in the oval, in good light.');
  } finally {
    await browser.close();
  }
});

test('two people in the picture: liveness_failed, multiple_faces', async ({ provider }) => {
  const { browser, page } = await cameraPage('two');
  try {
    await newAccountAtSelfie(page, provider.issuer, documentPhoto('doc-a.jpg'));
    const outcome = await runCheck(page);
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ event: 'error', code: 'liveness_failed', reason: 'multiple_faces' });
    await expect(alertOf(page)).toHaveText('More than one face was seen. Make sure you are alone in the picture.');
  } finally {
    await browser.close();
  }
});

test('a still face when the challenge needs motion: liveness_failed, challenge_not_met', async ({ provider }) => {
  const { browser, page } = await cameraPage('a-static');
  try {
    await newAccountAtSelfie(page, provider.issuer, documentPhoto('doc-a.jpg'));
    const outcome = await runCheck(page);
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ event: 'error', code: 'liveness_failed', reason: 'challenge_not_met' });
    await expect(alertOf(page)).toHaveText('The head movement was not seen. Follow each instruction while it is shown.');
  } finally {
    await browser.close();
  }
});

test('camera permission denied: camera_denied, with Try again, and the page passes axe', async ({ provider }) => {
  const { browser, page } = await cameraPage('a-lrl', { allow: false });
  try {
    await newAccountAtSelfie(page, provider.issuer, documentPhoto('doc-a.jpg'));
    await denyCamera(page.context(), provider.issuer);
    const outcome = await runCheck(page);
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ event: 'error', code: 'camera_denied', retryable: true });
    await expect(alertOf(page)).toHaveText('Camera access is blocked. Allow the camera for this site in your browser, then try again.');
    await expect(livenessCheck(page).getByRole('button', { name: 'Try again' })).toBeFocused();
    expect.soft(await axeViolations(page), 'axe: camera denied').toEqual([]);
  } finally {
    await browser.close();
  }
});

test('SDK-style reuse of a level that takes a selfie: the provider-hosted selfie page, then the level passes', async ({ provider }) => {
  // Before: a verified account whose document photo is person A's, connected to the demo integrator and consenting
  // to share with the recipient. These steps run over HTTP as the node tests do (test/node/provider/liveness.test.ts;
  // the verification's selfie in a browser is the first test here and test/e2e/account-journey.spec.ts).
  const auth = await startAuthorization(provider);
  const email = `reuse-${Date.now()}@example.org`;
  const password = 'correct horse battery';
  const gate = await signUpByHttp(provider, auth, email, password);
  const submitted = await submitDocumentByHttp(auth.browser, gate.url, VALID_DOCUMENT, faceFixture('doc-a.jpg'));
  const selfieDone = await passSelfie(auth.browser, submitted.headers.get('location')!);
  const review = await auth.browser.follow(selfieDone.headers.get('location')!);
  expect(await waitForReview(auth.browser, 15_000)).toBe('approved');
  const consentPage = await auth.browser.follow(new URL(review.url).pathname + new URL(review.url).search);
  const tokens = await allowAndExchange(auth, consentPage);
  const conn = { browser: auth.browser, accessToken: tokens.access_token, idToken: undefined, idTokenClaims: undefined, scope: tokens.scope };
  await consentTo(provider, conn, SELFIE_RECIPIENT.id);

  // The recipient's backend (SDK-style): the documents it may use, and where the user proves they hold the account.
  const recipientAuth = basic(SELFIE_RECIPIENT.id, SELFIE_RECIPIENT.secret);
  const { token } = await mintShareToken(provider, conn.accessToken, SELFIE_RECIPIENT.id);
  const peek = () => api(provider, '/api/reuse/documents', { shareToken: token, levelName: 'selfie-kyc-level' }, recipientAuth);
  const before = (await peek()).json as { ownership: { url: string; status: string } };
  expect(before.ownership.status).toBe('required');

  // The user opens that page in a browser with a camera: signs in, takes the selfie.
  const { browser, page } = await cameraPage('a-lrl');
  try {
    await page.goto(before.ownership.url);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(livenessCheck(page).getByRole('button', { name: 'Start' })).toBeVisible();
    await expect(page.getByText(SELFIE_RECIPIENT.name).first()).toBeVisible();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(['Take a quick selfie']);
    expect(await headingViolations(page), 'axe: one h1, heading order').toEqual([]);
    expect.soft(await axeViolations(page), 'axe: reuse selfie page').toEqual([]);
    const outcome = await runCheck(page);
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ event: 'complete' });
  } finally {
    await browser.close();
  }

  // The recipient sees the ownership passed, and the level's fresh checks include liveness and face_match.
  expect(((await peek()).json as { ownership: { status: string } }).ownership.status).toBe('passed');
  const reused = await api(provider, '/api/reuse', { shareToken: token, levelName: 'selfie-kyc-level' }, recipientAuth);
  expect(reused.status, JSON.stringify(reused.json)).toBe(200);
  expect(reused.json.status).toBe('approved');
  expect(reused.json.checks).toEqual(
    expect.arrayContaining([
      { type: 'liveness', result: 'passed' },
      { type: 'face_match', result: 'passed' },
    ]),
  );
});
