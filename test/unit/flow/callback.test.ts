/**
 * The callback relay (`idconnect-kit/callback`) in real windows: it posts our shape to the opener with target origin
 * = its own origin (never "*"), also on the BroadcastChannel named from the state, closes once acknowledged, and
 * stays out of a redirect flow. Plus the redirect resume (docs/security.md §9).
 */
import { expect } from '@open-wc/testing';
import { handleCallback } from '../../../src/callback/relay.js';
import type { IdcError } from '../../../src/flow/errors.js';
import { resumeVerify } from '../../../src/flow/first-paint/verify.js';
import {
  AUTHORITY,
  CALLBACK,
  CLIENT_ID,
  OTHER_ORIGIN,
  clearKitStorage,
  inGesture,
  jwt,
  settle,
  sleep,
  storedRedirect,
  trustedClick,
  waitFor,
} from './helpers.js';

const STATE = `${'a'.repeat(32)};${'B'.repeat(22)}`;

function callbackUrl(params: Record<string, string>): string {
  return `${CALLBACK}?${new URLSearchParams(params)}`;
}

function nextMessage(filter: (e: MessageEvent) => boolean, timeoutMs = 3000): Promise<MessageEvent | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      window.removeEventListener('message', onMessage);
      resolve(null);
    }, timeoutMs);
    function onMessage(e: MessageEvent) {
      if (!filter(e)) return;
      clearTimeout(timer);
      window.removeEventListener('message', onMessage);
      resolve(e);
    }
    window.addEventListener('message', onMessage);
  });
}

describe('handleCallback relay', () => {
  afterEach(clearKitStorage);

  it('posts our exact shape to the opener from this origin, and closes its window once acknowledged', async () => {
    const url = callbackUrl({ code: 'relay-code', state: STATE, iss: AUTHORITY });
    const received = nextMessage((e) => e.data?.type === 'idconnect-kit:callback');
    // Opened in a click: WebKit blocks window.open without one (Chromium and Firefox run without a popup blocker).
    const [popup] = (await inGesture(() => window.open(url, 'plain-popup'))) as [Window];
    expect(popup, 'the window opened').to.be.ok;
    const event = (await received)!;
    expect(event, 'a message arrived').not.to.equal(null);
    expect(event.origin).to.equal(location.origin);
    expect(event.source).to.equal(popup);
    expect(event.data).to.deep.equal({
      type: 'idconnect-kit:callback',
      v: 1,
      state: STATE,
      params: `?${new URLSearchParams({ code: 'relay-code', state: STATE, iss: AUTHORITY })}`,
    });
    expect(popup.closed, 'not closed before the ack').to.equal(false);
    const channel = new BroadcastChannel(`idconnect-kit:${STATE}`);
    channel.postMessage({ type: 'idconnect-kit:ack', state: STATE });
    channel.close();
    await waitFor(() => popup.closed, 3000, 'the callback window to close');
  });

  it('relays on the BroadcastChannel named from the state when there is no opener (COOP)', async () => {
    const channel = new BroadcastChannel(`idconnect-kit:${STATE}`);
    const received = new Promise<unknown>((resolve) => (channel.onmessage = (e) => resolve(e.data)));
    await inGesture(() => window.open(callbackUrl({ code: 'channel-code', state: STATE }), '_blank', 'noopener'));
    try {
      const data = (await Promise.race([received, sleep(3000)])) as { params?: string } | undefined;
      expect(data).to.include({ type: 'idconnect-kit:callback', v: 1, state: STATE });
      expect(new URLSearchParams(data!.params).get('code')).to.equal('channel-code');
    } finally {
      channel.onmessage = null;
      channel.postMessage({ type: 'idconnect-kit:ack', state: STATE }); // lets that window close
      channel.close();
    }
  });

  it('token only (share consent): routes by the state claim of the JWT — opener message and channel — then closes', async () => {
    const token = jwt({ sharingAllowed: true, state: STATE });
    const url = callbackUrl({ token });
    const channel = new BroadcastChannel(`idconnect-kit:${STATE}`);
    const onChannel = new Promise<unknown>((resolve) => (channel.onmessage = (e) => resolve(e.data)));
    const received = nextMessage((e) => e.data?.type === 'idconnect-kit:callback');
    try {
      const [popup] = (await inGesture(() => window.open(url, 'token-popup'))) as [Window];
      const event = (await received)!;
      expect(event, 'a message arrived').not.to.equal(null);
      expect(event.origin).to.equal(location.origin);
      expect(event.data).to.deep.equal({ type: 'idconnect-kit:callback', v: 1, state: STATE, params: `?${new URLSearchParams({ token })}` });
      expect(await Promise.race([onChannel, sleep(3000)])).to.deep.equal(event.data);
      channel.postMessage({ type: 'idconnect-kit:ack', state: STATE });
      await waitFor(() => popup.closed, 3000, 'the callback window to close');
    } finally {
      channel.onmessage = null;
      channel.close();
    }
  });

  it('token only, no opener (COOP): relays on the channel named from the claim, read exactly', async () => {
    const state = 'host-state_~!*()';
    const channel = new BroadcastChannel(`idconnect-kit:${state}`);
    const received = new Promise<unknown>((resolve) => (channel.onmessage = (e) => resolve(e.data)));
    const token = jwt({ sharingAllowed: false, state });
    await inGesture(() => window.open(callbackUrl({ token }), '_blank', 'noopener'));
    try {
      const data = (await Promise.race([received, sleep(3000)])) as { params?: string } | undefined;
      expect(data).to.include({ type: 'idconnect-kit:callback', v: 1, state });
      expect(new URLSearchParams(data!.params).get('token')).to.equal(token);
    } finally {
      channel.onmessage = null;
      channel.postMessage({ type: 'idconnect-kit:ack', state }); // lets that window close
      channel.close();
    }
  });

  it('a state parameter, when the provider adds one, is what routes the message (the flow compares it with the claim)', async () => {
    const start = location.href;
    const channel = new BroadcastChannel('idconnect-kit:param-state');
    const received = new Promise<unknown>((resolve) => (channel.onmessage = (e) => resolve(e.data)));
    history.replaceState(null, '', `${location.pathname}?${new URLSearchParams({ token: jwt({ sharingAllowed: true, state: STATE }), state: 'param-state' })}`);
    try {
      const relayed = handleCallback();
      expect(await Promise.race([received, sleep(3000)])).to.include({ state: 'param-state' });
      expect(await relayed).to.equal(false); // nobody acknowledged
    } finally {
      channel.close();
      history.replaceState(null, '', start);
    }
  });

  it('does nothing in a share redirect flow: the token-only return finds its record by the claim', async () => {
    const start = location.href;
    sessionStorage.setItem(`idconnect-kit-share.${STATE}`, JSON.stringify({ data: { mode: 'redirect', kind: 'share' }, state: STATE }));
    const channel = new BroadcastChannel(`idconnect-kit:${STATE}`);
    let heard = false;
    channel.onmessage = () => (heard = true);
    const token = jwt({ sharingAllowed: true, state: STATE });
    history.replaceState(null, '', `${location.pathname}?token=${token}`);
    try {
      expect(await handleCallback()).to.equal(false);
      await sleep(200);
      expect(heard, 'nothing relayed').to.equal(false);
      expect(location.search, 'the URL is left to the element').to.equal(`?token=${token}`);
    } finally {
      channel.close();
      history.replaceState(null, '', start);
    }
  });

  it('never posts with "*": an opener on another origin receives nothing', async () => {
    const frame = document.createElement('iframe');
    const target = callbackUrl({ code: 'x', state: STATE });
    const ready = nextMessage((e) => e.data?.type === 'probe-ready', 5000);
    let clicked = false;
    void nextMessage((e) => e.data?.type === 'probe-clicked', 8000).then((e) => (clicked = e !== null));
    const result = nextMessage((e) => e.data?.type === 'probe-result', 8000);
    frame.src = `${OTHER_ORIGIN}/test/unit/flow/fixtures/opener-probe.html#${encodeURIComponent(target)}`;
    frame.style.cssText = 'position:fixed;inset-inline-start:0;inset-block-start:0;width:200px;height:100px;border:0';
    document.body.append(frame);
    try {
      expect(await ready, 'the probe page loaded').not.to.equal(null);
      // The probe opens its popup in a click (WebKit blocks it without one). Chromium routes clicks into a
      // cross-origin frame only once its hit-test data arrived, a little after load: click until one lands.
      for (let i = 0; i < 20 && !clicked; i += 1) {
        await trustedClick(frame);
        await sleep(100);
      }
      expect(clicked, 'a click reached the probe').to.equal(true);
      const event = await result;
      expect(event?.data).to.deep.equal({ type: 'probe-result', received: 0, opened: true });
    } finally {
      frame.remove();
    }
  });

  it('does nothing in a redirect flow: the transaction is stored as redirect in this tab', async () => {
    const start = location.href;
    sessionStorage.setItem(`idconnect-kit.${'a'.repeat(32)}`, JSON.stringify({ data: { mode: 'redirect' } }));
    const channel = new BroadcastChannel(`idconnect-kit:${STATE}`);
    let heard = false;
    channel.onmessage = () => (heard = true);
    history.replaceState(null, '', `${location.pathname}?code=c&state=${encodeURIComponent(STATE)}`);
    try {
      expect(await handleCallback()).to.equal(false);
      await sleep(200);
      expect(heard, 'nothing relayed').to.equal(false);
      expect(location.search, 'the URL is left to the element').to.contain('code=c');
    } finally {
      channel.close();
      history.replaceState(null, '', start);
    }
  });

  it('ignores pages without a response (no state, or no code/error/token) and tokens that name no state', async () => {
    const start = location.href;
    try {
      const tokens = ['not-a-jwt', 'a.b.c', jwt({ sharingAllowed: true }), jwt({ sharingAllowed: true, state: 7 }), jwt({ state: '' })];
      const searches = ['', '?code=c', `?state=${encodeURIComponent(STATE)}`, '?foo=bar', ...tokens.map((t) => `?token=${t}`)];
      for (const search of searches) {
        history.replaceState(null, '', `${location.pathname}${search}`);
        expect(await handleCallback(), search).to.equal(false);
      }
    } finally {
      history.replaceState(null, '', start);
    }
  });
});

describe('resumeVerify (redirect return, docs/security.md §9)', () => {
  const start = location.href;
  afterEach(() => {
    history.replaceState(null, '', start);
    clearKitStorage();
  });

  it('cleans the address bar before any await, resolves the result, and the state is single-use', async () => {
    const state = await storedRedirect();
    const search = new URLSearchParams({ keep: 'me', code: 'redirect-code', state, iss: AUTHORITY, session_state: 'x' });
    history.replaceState(null, '', `${location.pathname}?${search}#frag`);
    const pending = resumeVerify({ clientId: CLIENT_ID, authority: AUTHORITY });
    expect(location.search, 'cleaned synchronously').to.equal('?keep=me');
    expect(location.hash).to.equal('#frag');
    const result = await pending;
    expect(result).to.include({ code: 'redirect-code', state, mode: 'redirect', issuer: AUTHORITY, clientId: CLIENT_ID });
    // A reload (or a replay) of the same URL finds nothing.
    history.replaceState(null, '', `${location.pathname}?${search}`);
    expect(((await settle(resumeVerify({ clientId: CLIENT_ID }))).error as IdcError).code).to.equal('state_not_found');
  });

  it('checks iss before acting on the error', async () => {
    const state = await storedRedirect();
    history.replaceState(null, '', `${location.pathname}?${new URLSearchParams({ error: 'access_denied', state, iss: 'https://x.example' })}`);
    expect(((await settle(resumeVerify({ clientId: CLIENT_ID }))).error as IdcError).code).to.equal('issuer_mismatch');
    const again = await storedRedirect();
    history.replaceState(null, '', `${location.pathname}?${new URLSearchParams({ error: 'access_denied', state: again, iss: AUTHORITY })}`);
    expect(((await settle(resumeVerify({ clientId: CLIENT_ID }))).error as IdcError).code).to.equal('access_denied');
  });

  it("leaves another client's transaction (and its URL) alone; ignores other libraries' states", async () => {
    const state = await storedRedirect();
    const search = `?${new URLSearchParams({ code: 'c', state, iss: AUTHORITY })}`;
    history.replaceState(null, '', `${location.pathname}${search}`);
    expect(await resumeVerify({ clientId: 'someone-else' })).to.equal(null);
    expect(await resumeVerify({ clientId: CLIENT_ID, authority: 'https://other.example' })).to.equal(null);
    expect(location.search).to.equal(search);
    history.replaceState(null, '', `${location.pathname}?code=c&state=not-ours`);
    expect(await resumeVerify({ clientId: CLIENT_ID })).to.equal(null);
    expect(location.search).to.equal('?code=c&state=not-ours');
  });

  it('a kit-shaped state with no transaction is state_not_found, and the URL is cleaned', async () => {
    history.replaceState(null, '', `${location.pathname}?code=c&state=${encodeURIComponent(STATE)}`);
    const { error } = await settle(resumeVerify({ clientId: CLIENT_ID }));
    expect((error as IdcError).code).to.equal('state_not_found');
    expect(location.search).to.equal('');
  });

  it('nothing in the URL resolves null; a token response is not a verify response', async () => {
    expect(await resumeVerify({ clientId: CLIENT_ID })).to.equal(null);
    history.replaceState(null, '', `${location.pathname}?token=t&state=${encodeURIComponent(STATE)}`);
    expect(await resumeVerify({ clientId: CLIENT_ID })).to.equal(null);
  });
});
