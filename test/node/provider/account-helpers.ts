/**
 * Steps of the account journey as a browser takes them (server-rendered forms, no script): start a sign-in for the
 * integrator, sign up, read the code from the provider's real SMTP mail catcher, confirm, verify an identity
 * document, and finish the connect consent.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import * as client from 'openid-client';
import type { RunningProvider } from '../../../demo/provider/index.js';
import { Browser, CALLBACK, csrfFrom, decodeEntities, oidcConfig } from './helpers.js';

/** A photo-like JPEG (noise over gradients) that the review's readability rule accepts; `flat` makes a blank one. */
export function documentPhoto({ width = 640, height = 400, flat = false } = {}): Buffer {
  const data = Buffer.alloc(width * height * 4);
  let seed = 7;
  for (let i = 0; i < width * height; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const noise = flat ? 0 : (seed % 120) - 60;
    const base = flat ? 200 : 60 + ((i % width) * 120) / width;
    const v = Math.max(0, Math.min(255, Math.round(base + noise)));
    data.set([v, v, Math.min(255, v + 20), 255], i * 4);
  }
  return Buffer.from(jpeg.encode({ data, width, height }, 85).data);
}

export const VALID_DOCUMENT = {
  documentType: 'passport',
  country: 'NL',
  number: 'XN1234567',
  issuedAt: '2022-01-10',
  expiresAt: '2032-01-09',
};

export interface Authorization {
  browser: Browser;
  uid: string;
  html: string;
  url: string;
  verifier: string;
  state: string;
  config: Awaited<ReturnType<typeof oidcConfig>>;
}

/** Starts the integrator's authorization request and stops on the login page. */
export async function startAuthorization(provider: RunningProvider, { scope = 'openid email share', prompt }: { scope?: string; prompt?: string } = {}): Promise<Authorization> {
  const browser = new Browser(provider.issuer);
  const config = await oidcConfig(provider.issuer);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const authUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...(prompt ? { prompt } : {}),
  });
  const step = await browser.follow(authUrl.href);
  assert.match(step.html, /name="password"/, 'the login page');
  const uid = /\/interaction\/([\w-]+)/.exec(step.url)![1]!;
  return { browser, uid, html: step.html, url: step.url, verifier, state, config };
}

/** The 6-digit code of the newest mail to `email` (waits for it to arrive over SMTP). */
export async function codeFromMail(provider: RunningProvider, email: string, after: number): Promise<string> {
  const mail = await provider.mailCatcher!.waitFor(email, { timeoutMs: 5000, after });
  const code = /\b(\d{6})\b/.exec(mail.text)?.[1];
  assert.ok(code, `the mail carries a 6-digit code: ${mail.subject}`);
  return code;
}

/** Sign-up → code from the mail catcher → Confirm. Resolves with the page the sign-in continues to. */
export async function signUp(provider: RunningProvider, auth: Authorization, email: string, password = 'correct horse battery') {
  const form = await auth.browser.follow(`/interaction/${auth.uid}/signup`);
  assert.equal(form.res.status, 200);
  const sent = Date.now();
  const posted = await auth.browser.request(`/interaction/${auth.uid}/signup`, {
    form: { csrf: csrfFrom(form.html), email, password },
  });
  assert.equal(posted.status, 303, `sign-up continues to the confirm page (${posted.status})`);
  const confirm = await auth.browser.follow(`/interaction/${auth.uid}/confirm`);
  assert.match(confirm.html, /autocomplete="one-time-code"/);
  const code = await codeFromMail(provider, email, sent);
  return auth.browser.follow(`/interaction/${auth.uid}/confirm`, { form: { csrf: csrfFrom(confirm.html), code } });
}

/** Posts the verification form (multipart) as the browser would. */
export async function submitDocument(
  browser: Browser,
  verifyUrl: string,
  fields: Record<string, string> = VALID_DOCUMENT,
  photo: Buffer = documentPhoto(),
  filename = 'front.jpg',
) {
  const page = await browser.follow(verifyUrl);
  assert.equal(page.res.status, 200, `the verify page (${page.res.status})`);
  const body = new FormData();
  body.set('csrf', csrfFrom(page.html));
  for (const [name, value] of Object.entries(fields)) body.set(name, value);
  body.set('front', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), filename);
  const action = decodeEntities(/<form class="login" method="post" action="([^"]+)"/.exec(page.html)![1]!);
  return browser.request(action, { multipart: body });
}

/** Polls the review status until it is decided. */
export async function waitForReview(browser: Browser, timeoutMs = 5000): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await browser.request('/verify/status', { headers: { accept: 'application/json' } });
    const { status } = (await res.json()) as { status: string };
    if (status !== 'pending' || Date.now() > until) return status;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Allows the connect consent on the page `step` shows, and exchanges the code. */
export async function allowAndExchange(auth: Authorization, step: { html: string; url: string }) {
  assert.match(step.html, /<idc-consent-screen kind="connect">/, 'the connect consent');
  const uid = /\/interaction\/([\w-]+)/.exec(step.url)![1]!;
  const done = await auth.browser.follow(`/interaction/${uid}/consent`, { form: { csrf: csrfFrom(step.html), decision: 'allow' } });
  assert.ok(done.external, 'back at the integrator');
  return client.authorizationCodeGrant(auth.config, done.external, { pkceCodeVerifier: auth.verifier, expectedState: auth.state });
}

// ---- the ownership check (selfie) of the verification, with the test faces of test/fixtures/faces ----

const FACES = new URL('../../fixtures/faces/', import.meta.url);

/** A test face's file (test/fixtures/faces/README.md): `doc-a.jpg`, `frames/a-lr-01.jpg`, … */
export function faceFixture(name: string): Buffer {
  return readFileSync(new URL(name, FACES));
}

/** The frames and times of a fixture sequence (`a-lr`, `a-lrl`, `a-static`, `b-lrl`, `noface`, `two`). */
export function captureFrames(sequence: string): { frames: Buffer[]; t: number[] } {
  const manifest = JSON.parse(faceFixture('manifest.json').toString('utf8')) as { sequences: { name: string; frames: string[]; t: number[] }[] };
  const s = manifest.sequences.find((x) => x.name === sequence);
  assert.ok(s, `a fixture sequence named ${sequence}`);
  return { frames: s.frames.map((f) => faceFixture(f)), t: s.t };
}

/** The capture upload as `<idc-liveness-check>` sends it: repeated `frame` (JPEG) and `t` fields. */
export function captureBody({ frames, t }: { frames: Buffer[]; t: number[] }): FormData {
  const body = new FormData();
  frames.forEach((frame, i) => {
    body.append('frame', new Blob([new Uint8Array(frame)], { type: 'image/jpeg' }), `frame-${i}.jpg`);
    body.append('t', String(t[i]));
  });
  return body;
}

/** The element's attributes on a selfie page. */
export function selfieSession(html: string): { session: string; challenge: string[]; uploadUrl: string } {
  const tag = /<idc-liveness-check ([^>]*)>/.exec(html)?.[1];
  assert.ok(tag, 'the page hosts <idc-liveness-check>');
  const attr = (name: string) => decodeEntities(new RegExp(`${name}="([^"]*)"`).exec(tag)![1]!);
  return { session: attr('session'), challenge: attr('challenge').split(' '), uploadUrl: attr('upload-url') };
}

/**
 * The selfie step of the verification as the page runs it: the selfie page, the capture upload (person A turning
 * left, right, left: meets either challenge order), then **Submit for review**. Resolves with the last response.
 */
export async function passSelfie(browser: Browser, selfieUrl: string, sequence = 'a-lrl') {
  const selfie = await browser.follow(selfieUrl);
  assert.equal(selfie.res.status, 200, `the selfie page (${selfie.res.status})`);
  const { session, uploadUrl } = selfieSession(selfie.html);
  const upload = await browser.request(uploadUrl, { multipart: captureBody(captureFrames(sequence)) });
  const answer = (await upload.json()) as { status?: string; code?: string; reason?: string };
  assert.equal(upload.status, 200, `the capture passes: ${JSON.stringify(answer)}`);
  assert.deepEqual(answer, { status: 'passed', session });
  const action = decodeEntities(/<form class="login" id="selfie-form" method="post" action="([^"]+)"/.exec(selfie.html)![1]!);
  return browser.request(action, { form: { csrf: csrfFrom(selfie.html), session } });
}
