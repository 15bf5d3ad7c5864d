import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunningProvider } from '../../../demo/provider/index.js';
import {
  ALICE,
  BOB,
  Browser,
  CALLBACK,
  INTEGRATOR,
  assertScreenHeaders,
  connect,
  createShareLink,
  csrfFrom,
  decideShare,
  start,
} from './helpers.js';

/** Every HTML screen the provider can show, fetched from a running provider. */
interface Screen {
  res: Response;
  html: string;
}

async function collectScreens(provider: RunningProvider): Promise<Map<string, Screen>> {
  const screens = new Map<string, Screen>();
  const add = async (name: string, got: Response | Screen) => {
    screens.set(name, got instanceof Response ? { res: got, html: await got.text() } : got);
  };
  const browser = new Browser(provider.issuer);
  const auth = new URL('/auth', provider.issuer);
  auth.search = new URLSearchParams({
    client_id: INTEGRATOR.id,
    response_type: 'code',
    scope: 'openid share',
    redirect_uri: CALLBACK,
    state: 's',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  }).toString();
  const login = await browser.follow(auth.href);
  await add('login', login);
  const uid = /\/interaction\/([\w-]+)/.exec(login.url)![1];
  await add(
    'login error',
    await browser.request(`/interaction/${uid}/login`, {
      form: { email: ALICE.email, password: 'nope', csrf: csrfFrom(login.html) },
    }),
  );
  const consent = await browser.follow(`/interaction/${uid}/login`, {
    form: { email: ALICE.email, password: ALICE.password, csrf: csrfFrom(login.html) },
  });
  await add('connect consent', consent);

  const alice = await connect(provider);
  const link = await createShareLink(provider, alice.accessToken);
  await add('share consent', await alice.browser.follow(link));
  const bob = await connect(provider, { account: BOB });
  await add('share wrong account', await bob.browser.request(new URL(link).pathname));
  await decideShare(alice, link, 'allow');
  await add('share link used', await alice.browser.request(new URL(link).pathname));
  await add('share link invalid', await alice.browser.request('/share/nope'));
  await add('share sign-in return forged', await alice.browser.request('/share-resume?state=x'));
  await add('interaction expired', await browser.request('/interaction/gone'));

  // oidc-provider's own pages
  const badRedirect = new URL(auth);
  badRedirect.searchParams.set('redirect_uri', 'http://localhost:5173/other');
  await add('oidc error page', await fetch(badRedirect));
  await add('logout confirm', await alice.browser.request('/session/end'));

  // switching account: oidc-provider's auto-submitting form-post page on the way to end_session_confirm
  const link2 = await createShareLink(provider, alice.accessToken);
  const switchLogin = await bob.browser.follow(`${new URL(link2).pathname}/login?switch=1`);
  const switchUid = /\/interaction\/([\w-]+)/.exec(switchLogin.url)![1];
  const afterLogin = await bob.browser.request(`/interaction/${switchUid}/login`, {
    form: { email: ALICE.email, password: ALICE.password, csrf: csrfFrom(switchLogin.html) },
  });
  await add('form post', await bob.browser.request(afterLogin.headers.get('location')!));
  const logout = screens.get('logout confirm')!.html;
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(logout)![1]!;
  const ended = await alice.browser.follow('/session/end/confirm', { form: { xsrf, logout: 'yes' } });
  assert.equal(new URL(ended.url).pathname, '/session/end/success');
  await add('signed out', ended);
  return screens;
}

describe('security headers on every HTML screen', () => {
  let provider: RunningProvider;
  let screens: Map<string, Screen>;
  before(async () => {
    provider = await start();
    screens = await collectScreens(provider);
  });
  after(() => provider.close());

  it('collects every screen', () => {
    assert.equal(screens.size, 13);
  });

  for (const name of [
    'login',
    'login error',
    'connect consent',
    'share consent',
    'share wrong account',
    'share link used',
    'share link invalid',
    'share sign-in return forged',
    'interaction expired',
    'oidc error page',
    'logout confirm',
    'signed out',
  ]) {
    it(`${name}: nonce CSP with strict-dynamic and Trusted Types, never framed, no referrer`, async () => {
      const { res, html } = screens.get(name)!;
      assertScreenHeaders(res);
      assert.equal(res.headers.get('cross-origin-opener-policy'), null);
      const nonce = /'nonce-([^']+)'/.exec(res.headers.get('content-security-policy')!)![1];
      for (const tag of html.match(/<(script|style)\b[^>]*>/g) ?? []) {
        assert.ok(tag.includes(`nonce="${nonce}"`) || tag.includes('type="application/json"'), `${name}: ${tag}`);
      }
      assert.doesNotMatch(html, /\son[a-z]+=|javascript:/i, `${name}: no inline handlers`);
      assert.match(html, /<html lang="\w+" dir="(ltr|rtl)">/);
    });
  }

  it("oidc-provider's form-post page runs only by the hash oidc-provider adds to our CSP", async () => {
    const { res, html } = screens.get('form post')!;
    assert.equal(res.status, 200);
    assertScreenHeaders(res, { nonce: false });
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    const hash = createHash('sha256').update(script).digest('base64');
    assert.ok(res.headers.get('content-security-policy')!.includes(`'sha256-${hash}'`), 'hash of the inline script');
  });
});

describe('Cross-Origin-Opener-Policy option', () => {
  it('coop: true sends same-origin on the screens', async () => {
    const provider = await start({ coop: true });
    try {
      const screens = await collectScreens(provider);
      for (const [name, { res }] of screens) {
        assert.equal(res.headers.get('cross-origin-opener-policy'), 'same-origin', name);
      }
    } finally {
      await provider.close();
    }
  });
});

describe('GET /assets/provider-ui.js', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'idc-provider-ui-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('answers 503 with what to do when the bundle is missing', async () => {
    const provider = await start({ uiBundlePath: join(dir, 'missing.js') });
    try {
      const res = await fetch(new URL('/assets/provider-ui.js', provider.issuer));
      assert.equal(res.status, 503);
      assert.match(res.headers.get('content-type')!, /text\/plain/);
      assert.match(await res.text(), /npm run build/);
    } finally {
      await provider.close();
    }
  });

  it('serves the bundle as JavaScript, read at request time', async () => {
    const file = join(dir, 'ui.js');
    await writeFile(file, 'window.first = 1;');
    const provider = await start({ uiBundlePath: file });
    try {
      const url = new URL('/assets/provider-ui.js', provider.issuer);
      const res = await fetch(url);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type')!, /^text\/javascript/);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(await res.text(), 'window.first = 1;');
      await writeFile(file, 'window.second = 2;');
      assert.equal(await (await fetch(url)).text(), 'window.second = 2;');
    } finally {
      await provider.close();
    }
  });
});
