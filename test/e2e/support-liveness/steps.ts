/**
 * The user's steps around the ownership check, at the provider's real pages: a new account (sign-up, the code from
 * the provider's mail catcher, Confirm), its identity document with a test face's photo, and the selfie page with
 * `<idc-liveness-check>`; then what the element reports.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { expect, type Locator, type Page } from '@playwright/test';
import { FACES_DIR } from './y4m.js';

/** A document photo of test/fixtures/faces (`doc-a.jpg`: person A, `doc-b.jpg`: person B). */
export function documentPhoto(name: 'doc-a.jpg' | 'doc-b.jpg'): Buffer {
  return readFileSync(new URL(name, FACES_DIR));
}

/** The newest 6-digit code the provider mailed to `email` (its mail catcher, `GET /dev/mail?to=`). */
export async function mailedCode(provider: string, email: string): Promise<string> {
  let code: string | undefined;
  await expect
    .poll(async () => {
      const res = await fetch(`${provider}/dev/mail?to=${encodeURIComponent(email)}`);
      const mails = (await res.json()) as { text: string }[];
      code = /\b(\d{6})\b/.exec(mails[0]?.text ?? '')?.[1];
      return code;
    })
    .toMatch(/^\d{6}$/);
  return code!;
}

/** On the provider's login page: Create an account → sign-up → Confirm with the mailed code. */
export async function signUp(page: Page, provider: string, email: string): Promise<void> {
  await page.getByRole('link', { name: 'Create an account' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Create your ID account');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('a long demo password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check your email');
  await page.getByLabel('Code').fill(await mailedCode(provider, email));
  await page.getByRole('button', { name: 'Confirm', exact: true }).click();
}

/** The verification form, filled with a passport whose photo is `photo`, submitted (the selfie page follows). */
export async function submitDocument(page: Page, photo: Buffer): Promise<void> {
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Verify your identity');
  await page.getByLabel('Document type').selectOption('passport');
  await page.getByLabel(/Issuing country/).fill('NL');
  await page.getByLabel('Document number').fill('XN1234567');
  await page.getByLabel('Date of issue').fill('2022-01-10');
  await page.getByLabel('Expiry date').fill('2032-01-09');
  await page.getByLabel(/Photo of the front/).setInputFiles({ name: 'front.jpg', mimeType: 'image/jpeg', buffer: photo });
  await page.getByRole('button', { name: /^(Continue|Next|Submit for review)/ }).click();
}

/** A brand-new account at the selfie step of its verification (`/verify` → sign-up → document). */
export async function newAccountAtSelfie(page: Page, provider: string, photo: Buffer, email = `selfie-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@example.org`): Promise<string> {
  await page.goto(`${provider}/verify`);
  await signUp(page, provider, email);
  await submitDocument(page, photo);
  await expect(page.locator('idc-liveness-check')).toBeVisible();
  return email;
}

export function livenessCheck(page: Page): Locator {
  return page.locator('idc-liveness-check');
}

export type CheckOutcome =
  | { event: 'complete'; session: string }
  | { event: 'error'; code: string; reason?: string; retryable: boolean; message: string }
  | { event: 'cancel' };

/** Listens on the element for its next outcome (before the click that starts it). */
export async function nextOutcome(page: Page): Promise<() => Promise<CheckOutcome>> {
  await page.evaluate(() => {
    const el = document.querySelector('idc-liveness-check')!;
    const w = window as unknown as { __idcOutcome?: Promise<unknown> };
    w.__idcOutcome = new Promise((resolve) => {
      el.addEventListener('idc-liveness-complete', (e) => resolve({ event: 'complete', ...(e as CustomEvent).detail }), { once: true });
      el.addEventListener('idc-error', (e) => resolve({ event: 'error', ...(e as CustomEvent).detail }), { once: true });
      el.addEventListener('idc-cancel', () => resolve({ event: 'cancel' }), { once: true });
    });
  });
  return () => page.evaluate(() => (window as unknown as { __idcOutcome: Promise<CheckOutcome> }).__idcOutcome);
}

/** Start on the selfie page, by keyboard (the element's native button), and the outcome the element reports. */
export async function runCheck(page: Page, button: 'Start' | 'Try again' = 'Start'): Promise<CheckOutcome> {
  const outcome = await nextOutcome(page);
  await livenessCheck(page).getByRole('button', { name: button }).focus();
  await page.keyboard.press('Enter');
  return outcome();
}

/**
 * axe's heading rules (best practices, outside the WCAG tags test/e2e/support-journey/axe.ts runs): one `h1`
 * (`page-has-heading-one`) and no skipped heading level (`heading-order`), across the element's shadow root.
 */
export async function headingViolations(page: Page): Promise<string[]> {
  await page.evaluate(await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'rule', values: ['page-has-heading-one', 'heading-order'] } });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
  });
  return violations;
}
