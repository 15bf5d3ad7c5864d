/**
 * The provider's consent screens in Debian Chromium: the real element bundle under the real CSP (nonce +
 * strict-dynamic + Trusted Types) with zero violations, and the decision posted by the page's own script.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser as Chromium, type Page } from '@playwright/test';
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { RunningProvider } from '../../../demo/provider/index.js';
import { ALICE, CALLBACK, INTEGRATOR, SHARE_CALLBACK, connect, createShareLink, start } from './helpers.js';

const BUNDLE = fileURLToPath(new URL('../../../dist/idconnect-kit-provider-ui.iife.js', import.meta.url));
const CHROME = process.env['CHROME_PATH'] || '/usr/bin/chromium';
const missing = !existsSync(BUNDLE) ? 'dist/ has no provider UI bundle: run `npm run build`' : !existsSync(CHROME) ? `no ${CHROME}` : undefined;

describe('consent screens in Chromium', { skip: missing }, () => {
  let provider: RunningProvider;
  let chrome: Chromium;
  before(async () => {
    provider = await start({ uiBundlePath: BUNDLE });
    chrome = await chromium.launch({
      executablePath: CHROME,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  });
  after(async () => {
    await chrome?.close();
    await provider?.close();
  });

  /** A page that records CSP / Trusted Types violations and script errors, with the integrator site stubbed. */
  async function newPage(): Promise<{ page: Page; problems: string[] }> {
    const page = await chrome.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
    });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    await page.route('http://localhost:5173/**', (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>integrator</title>' }),
    );
    return { page, problems };
  }

  it('connect: login form, then Allow on <idc-consent-screen> brings the code back, no violations', async () => {
    const { page, problems } = await newPage();
    const verifier = client.randomPKCECodeVerifier();
    const auth = new URL('/auth', provider.issuer);
    auth.search = new URLSearchParams({
      client_id: INTEGRATOR.id,
      response_type: 'code',
      scope: 'openid email share',
      redirect_uri: CALLBACK,
      state: 'browser-state',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString();
    await page.goto(auth.href);
    await page.getByLabel('Email').fill(ALICE.email);
    await page.getByLabel('Password').fill(ALICE.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('Acme Marketplace').first().waitFor();
    await page.getByRole('button', { name: 'Allow', exact: true }).click();
    await page.waitForURL((url) => url.href.startsWith(CALLBACK));
    const back = new URL(page.url());
    assert.equal(back.searchParams.get('state'), 'browser-state');
    assert.equal(back.searchParams.get('iss'), provider.issuer);
    assert.match(back.searchParams.get('code') ?? '', /^[\w-]{20,}$/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('share: the recipient is named, Allow redirects with a verifiable consent JWT, no violations', async () => {
    const alice = await connect(provider);
    const link = await createShareLink(provider, alice.accessToken, { state: 'browser-share' });
    const { page, problems } = await newPage();
    // sign in within the browser through the link itself (the provider's own first-party login)
    await page.goto(link);
    await page.getByLabel('Email').fill(ALICE.email);
    await page.getByLabel('Password').fill(ALICE.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(link);
    await page.getByText('Regulated Bank').first().waitFor();
    await page.getByRole('button', { name: 'Allow', exact: true }).click();
    await page.waitForURL((url) => url.href.startsWith(SHARE_CALLBACK));
    const back = new URL(page.url());
    assert.equal(back.searchParams.has('state'), false, 'token only; the state is a claim');
    const { payload } = await jwtVerify(back.searchParams.get('token')!, createRemoteJWKSet(new URL('/jwks', provider.issuer)), {
      issuer: provider.issuer,
      audience: INTEGRATOR.id,
      algorithms: ['ES256'],
      typ: 'share-consent+jwt',
    });
    assert.equal(payload['sharingAllowed'], true);
    assert.equal(payload['state'], 'browser-share');
    assert.deepEqual(problems, []);
    await page.close();
  });
});
