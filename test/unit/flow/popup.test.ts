/**
 * The popup flow in real windows: synchronous open (docs/security.md §1), user activation (2), close detection and the COOP
 * severance hint (3, 4), message filtering (5), timeout and cleanup (7), storage fallback (13), no crypto (15),
 * cross-site frames (16), in-app browsers (18). fixtures/authorize.html stands in for the authorization endpoint.
 */
import { expect } from '@open-wc/testing';
import { FlowCancelled, IdcError } from '../../../src/flow/errors.js';
import { startVerify } from '../../../src/flow/first-paint/verify.js';
import type { VerifyOptions } from '../../../src/flow/types.js';
import {
  AUTHORITY,
  CALLBACK,
  CLIENT_ID,
  OTHER_ORIGIN,
  clearKitStorage,
  activationExpired,
  inGesture,
  remoteProvider,
  settle,
  sleep,
  useStandInProvider,
  waitFor,
  watchWindowOpen,
} from './helpers.js';

const options = (extra: Partial<VerifyOptions> = {}): VerifyOptions => ({
  authority: AUTHORITY,
  clientId: CLIENT_ID,
  redirectUri: CALLBACK,
  ...extra,
});

function kitKeys(): string[] {
  return Object.keys(sessionStorage).filter((k) => k.startsWith('idconnect-kit'));
}

/** The state the popup carried to the stand-in authorization endpoint. */
async function stateAtProvider(popup: Window): Promise<string> {
  await waitFor(() => {
    try {
      return popup.location.href.includes('authorize.html') && popup.document.title === 'waiting';
    } catch {
      return false;
    }
  }, 5000, 'the popup to reach the authorization endpoint');
  return new URL(popup.location.href).searchParams.get('state')!;
}

/** Posts a well-formed callback message on the state's channel and says whether a flow acknowledged it. */
async function flowAcks(state: string, params: string, waitMs = 400): Promise<boolean> {
  const channel = new BroadcastChannel(`idconnect-kit:${state}`);
  let acked = false;
  channel.onmessage = (e) => {
    if (e.data?.type === 'idconnect-kit:ack' && e.data.state === state) acked = true;
  };
  channel.postMessage({ type: 'idconnect-kit:callback', v: 1, state, params });
  await sleep(waitMs);
  channel.close();
  return acked;
}

describe('startVerify in a popup', () => {
  let opens: ReturnType<typeof watchWindowOpen>;
  beforeEach(() => {
    useStandInProvider();
    opens = watchWindowOpen();
  });
  afterEach(() => {
    opens.restore();
    clearKitStorage();
  });

  it('opens a blank window synchronously, before any await, then completes with the code', async () => {
    let openedSync = false;
    let blankAtOpen = false;
    const [outcome] = await inGesture(() => {
      const result = settle(startVerify(options({ loginHint: 'respond' })).result);
      openedSync = opens.calls === 1;
      blankAtOpen = opens.windows[0]?.location.href === 'about:blank';
      return result;
    });
    expect(openedSync, 'window.open ran inside startVerify').to.equal(true);
    expect(blankAtOpen, 'the window starts blank').to.equal(true);
    const { value, error } = await outcome;
    expect(error).to.equal(undefined);
    expect(value).to.include({ code: 'unit-code', clientId: CLIENT_ID, issuer: AUTHORITY, redirectUri: CALLBACK, mode: 'popup' });
    expect(value!.codeVerifier).to.match(/^[A-Za-z0-9\-._~]{43,128}$/);
    expect(value!.nonce).to.match(/^[A-Za-z0-9_-]{22}$/);
    await waitFor(() => opens.windows[0]!.closed, 3000, 'the popup to close');
    expect(kitKeys(), 'no transaction left behind').to.deep.equal([]);
  });

  it('a denial at the provider is access_denied with its description', async () => {
    const { error } = await (await inGesture(() => settle(startVerify(options({ loginHint: 'deny' })).result)))[0];
    expect(error).to.be.instanceOf(IdcError);
    expect((error as IdcError).toDetail()).to.include({ code: 'access_denied', oauthError: 'access_denied', oauthErrorDescription: 'The user said no' });
    await waitFor(() => opens.windows[0]!.closed, 3000, 'the popup to close');
  });

  it('a response from another issuer is issuer_mismatch', async () => {
    const { error } = await (await inGesture(() => settle(startVerify(options({ loginHint: 'wrong-iss' })).result)))[0];
    expect((error as IdcError).code).to.equal('issuer_mismatch');
  });

  it('a response without iss is issuer_mismatch when the metadata announces iss, accepted when it does not', async () => {
    const strict = await (await inGesture(() => settle(startVerify(options({ loginHint: 'no-iss' })).result)))[0];
    expect((strict.error as IdcError).code).to.equal('issuer_mismatch');
    useStandInProvider({ issParameter: false });
    const lenient = await (await inGesture(() => settle(startVerify(options({ loginHint: 'no-iss' })).result)))[0];
    expect(lenient.value?.code).to.equal('unit-code');
  });

  it('without user activation it opens nothing and says why (popup_blocked)', async () => {
    await activationExpired(); // the previous test's clicks, still active for 5 s in WebKit
    const { error } = await settle(startVerify(options({ loginHint: 'respond' })).result);
    expect((error as IdcError).code).to.equal('popup_blocked');
    expect((error as IdcError).message).to.match(/user gesture/);
    expect(opens.calls).to.equal(0);
  });

  it('window.open returning null is popup_blocked with no transaction left behind', async () => {
    window.open = () => null;
    const reasons: string[] = [];
    const { error } = await (await inGesture(() =>
      settle(
        startVerify(
          options({
            fallback: 'redirect',
            onFallback: (detail) => {
              reasons.push(detail.reason);
              return false; // the host (idc-fallback cancelled) keeps the page
            },
          }),
        ).result,
      ),
    ))[0];
    expect((error as IdcError).code).to.equal('popup_blocked');
    expect(reasons).to.deep.equal(['popup_blocked']);
    await sleep(100);
    expect(kitKeys()).to.deep.equal([]);
  });

  it('the user closes the still-blank window: popup_closed at once', async () => {
    const [outcome] = await inGesture(() => {
      const result = settle(startVerify(options({ loginHint: 'wait' })).result);
      opens.windows[0]!.close();
      return result;
    });
    const { error } = await outcome;
    expect(error).to.be.instanceOf(FlowCancelled);
    expect((error as FlowCancelled).reason).to.equal('popup_closed');
  });

  it('the user closes the window at the provider: popup_closed after the grace period', async function () {
    this.timeout(15_000);
    const [outcome] = await inGesture(() => settle(startVerify(options({ loginHint: 'wait' })).result));
    const popup = opens.windows[0]!;
    await stateAtProvider(popup);
    await sleep(4200); // a person reading the login page, then closing it
    popup.close();
    const closedAt = performance.now();
    const { error } = await outcome;
    expect((error as FlowCancelled).reason).to.equal('popup_closed');
    expect(performance.now() - closedAt).to.be.below(4000);
  });

  describe('behind a real Cross-Origin-Opener-Policy at the provider (docs/security.md §3, §4)', () => {
    // The stand-in's authorization page is served with `Cross-Origin-Opener-Policy: same-origin`: navigating the
    // popup there severs it from this page, exactly as a provider's COOP does — the opener sees `closed === true`
    // while the window stays open (and keeps the focus), and the callback page in it has no `window.opener`.
    let provider: ReturnType<typeof remoteProvider>;
    beforeEach(() => {
      useStandInProvider({ coop: true });
      provider = remoteProvider();
    });
    afterEach(() => provider.close());

    async function severedFlow() {
      const [outcome] = await inGesture(() => settle(startVerify(options({ loginHint: 'remote' })).result));
      let settled = false;
      void outcome.then(() => (settled = true));
      const popup = opens.windows[0]!;
      const { state, hasOpener } = await provider.arrived();
      expect(hasOpener, 'COOP severed the provider page from its opener').to.equal(false);
      await waitFor(() => popup.closed, 3000, 'the severed handle to report closed');
      return { outcome, state, settled: () => settled };
    }

    it('regression: the closed flip right after navigation is not a cancel — the channel still completes', async () => {
      const { outcome, state, settled } = await severedFlow();
      await sleep(3000); // longer than poll + grace: a naive closed check would have cancelled by now
      expect(settled(), 'still waiting while the user signs in').to.equal(false);
      // The user finishes; the provider sends the severed window to the callback, which relays on the channel.
      provider.respond(state, 'after-coop');
      const { value, error } = await outcome;
      expect(error).to.equal(undefined);
      expect(value!.code).to.equal('after-coop');
    });

    it('the user closing that window and coming back to the page ends the flow with popup_closed', async () => {
      const { outcome, state, settled } = await severedFlow();
      await sleep(700);
      expect(settled(), 'a severed handle alone does not cancel').to.equal(false);
      provider.closeWindow(state); // the user gives up and closes the provider's window…
      await sleep(300);
      // …and is back on this page. Firefox and WebKit move the focus back for real; headless Chromium sends no
      // focus change, so the event is dispatched as well (a second focus event changes nothing).
      window.dispatchEvent(new FocusEvent('focus'));
      const { error } = await outcome;
      expect(error).to.be.instanceOf(FlowCancelled);
      expect((error as FlowCancelled).reason).to.equal('popup_closed');
    });
  });

  it('timeout: `timeout` error, popup closed, state removed, a late result is not delivered', async () => {
    const [outcome] = await inGesture(() => settle(startVerify(options({ loginHint: 'wait', timeout: 1.5 })).result));
    const popup = opens.windows[0]!;
    const state = await stateAtProvider(popup);
    expect(kitKeys().length, 'transaction stored while pending').to.equal(1);
    const { error } = await outcome;
    expect((error as IdcError).code).to.equal('timeout');
    expect(popup.closed).to.equal(true);
    expect(kitKeys()).to.deep.equal([]);
    expect(await flowAcks(state, `?code=late&state=${encodeURIComponent(state)}`), 'nobody listens any more').to.equal(false);
  });

  it('abort (signal) and cancel(): FlowCancelled aborted, popup closed, listeners released', async () => {
    const controller = new AbortController();
    const [outcome] = await inGesture(() => settle(startVerify(options({ loginHint: 'wait', signal: controller.signal })).result));
    const popup = opens.windows[0]!;
    const state = await stateAtProvider(popup);
    controller.abort();
    const { error } = await outcome;
    expect((error as FlowCancelled).reason).to.equal('aborted');
    expect(popup.closed).to.equal(true);
    expect(await flowAcks(state, `?code=late&state=${encodeURIComponent(state)}`)).to.equal(false);
    expect(kitKeys()).to.deep.equal([]);

    const [handle] = await inGesture(() => startVerify(options({ loginHint: 'wait' })));
    const second = opens.windows[1]!;
    await stateAtProvider(second);
    handle.cancel();
    expect(((await settle(handle.result)).error as FlowCancelled).reason).to.equal('aborted');
    expect(second.closed).to.equal(true);
  });

  it('an already aborted signal opens nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const { error } = await (await inGesture(() => settle(startVerify(options({ signal: controller.signal })).result)))[0];
    expect((error as FlowCancelled).reason).to.equal('aborted');
    expect(opens.calls).to.equal(0);
  });

  it('forged messages are ignored silently: foreign origin, wrong state, wrong shape; the real one wins', async () => {
    const [outcome] = await inGesture(() => settle(startVerify(options({ loginHint: 'wait' })).result));
    let settled = false;
    void outcome.then(() => (settled = true));
    const popup = opens.windows[0]!;
    const state = await stateAtProvider(popup);
    const good = (code: string, s = state) => `?${new URLSearchParams({ code, state: s, iss: AUTHORITY })}`;

    // 1. A page on another origin posts a perfectly shaped message with the right state.
    const frame = document.createElement('iframe');
    const foreignDone = new Promise<void>((resolve) =>
      window.addEventListener('message', function onDone(e) {
        if (e.data?.type === 'foreign-done') {
          window.removeEventListener('message', onDone);
          resolve();
        }
      }),
    );
    frame.src = `${OTHER_ORIGIN}/test/unit/flow/fixtures/foreign-poster.html#${encodeURIComponent(state)}`;
    document.body.append(frame);
    await foreignDone;
    frame.remove();
    // 2. Same origin, wrong state; 3. right state, wrong shapes.
    window.postMessage({ type: 'idconnect-kit:callback', v: 1, state: 'x', params: good('wrong-state', 'x') }, location.origin);
    window.postMessage({ type: 'other', v: 1, state, params: good('wrong-type') }, location.origin);
    window.postMessage({ type: 'idconnect-kit:callback', v: 2, state, params: good('wrong-version') }, location.origin);
    window.postMessage({ type: 'idconnect-kit:callback', v: 1, state, params: `?code=mismatch&state=other` }, location.origin);
    window.postMessage(`{"type":"idconnect-kit:callback","v":1,"state":"${state}"}`, location.origin);
    const channel = new BroadcastChannel(`idconnect-kit:${state}`);
    channel.postMessage({ type: 'idconnect-kit:callback', v: 1, state, params: 42 });
    channel.postMessage({ type: 'idconnect-kit:callback', v: 1, state, params: `?state=${encodeURIComponent(state)}` });
    channel.close();
    await sleep(400);
    expect(settled, 'still waiting after the forgeries').to.equal(false);

    popup.location.href = `${CALLBACK}${good('real-code')}`;
    const { value } = await outcome;
    expect(value!.code).to.equal('real-code');
  });
});

describe('environment checks', () => {
  let opens: ReturnType<typeof watchWindowOpen>;
  beforeEach(() => {
    useStandInProvider();
    opens = watchWindowOpen();
  });
  afterEach(() => {
    opens.restore();
    clearKitStorage();
  });

  it('no crypto.subtle (insecure context): crypto_unavailable before anything opens', async () => {
    Object.defineProperty(crypto, 'subtle', { value: undefined, configurable: true });
    try {
      const { error } = await (await inGesture(() => settle(startVerify(options()).result)))[0];
      expect((error as IdcError).code).to.equal('crypto_unavailable');
      expect(opens.calls).to.equal(0);
    } finally {
      delete (crypto as { subtle?: unknown }).subtle;
    }
    expect(typeof crypto.subtle?.digest, 'restored').to.equal('function');
  });

  describe('storage that throws (docs/security.md §13)', () => {
    const setItem = Storage.prototype.setItem;
    beforeEach(() => {
      Storage.prototype.setItem = function () {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      };
    });
    afterEach(() => {
      Storage.prototype.setItem = setItem;
    });

    it('popup mode keeps the transaction in memory and completes', async () => {
      const { value, error } = await (await inGesture(() => settle(startVerify(options({ loginHint: 'respond' })).result)))[0];
      expect(error).to.equal(undefined);
      expect(value!.code).to.equal('unit-code');
      expect(kitKeys()).to.deep.equal([]);
    });

    it('redirect mode reports storage_unavailable before leaving the page', async () => {
      const here = location.href;
      const { error } = await (await inGesture(() => settle(startVerify(options({ mode: 'redirect' })).result)))[0];
      expect((error as IdcError).code).to.equal('storage_unavailable');
      expect(location.href).to.equal(here);
      expect(opens.calls).to.equal(0);
    });
  });

  it('in-app browsers take the redirect path; when the host declines the fallback, the popup is tried', async () => {
    Object.defineProperty(navigator, 'userAgent', {
      value: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Instagram 300.0.0.0',
      configurable: true,
    });
    try {
      const reasons: string[] = [];
      const { value } = await (await inGesture(() =>
        settle(
          startVerify(
            options({
              loginHint: 'respond',
              onFallback: (detail) => {
                reasons.push(`${detail.from}>${detail.to}:${detail.reason}`);
                return false;
              },
            }),
          ).result,
        ),
      ))[0];
      expect(reasons).to.deep.equal(['popup>redirect:in_app_browser']);
      expect(value!.code).to.equal('unit-code');
    } finally {
      delete (navigator as { userAgent?: string }).userAgent;
    }
  });

  it('inside a cross-site iframe a redirect start is a coded error, the frame stays (never a hang)', async () => {
    const frame = document.createElement('iframe');
    const result = new Promise<{ context: string; outcome: string; stayed: boolean }>((resolve) =>
      window.addEventListener('message', function onResult(e) {
        if (e.data?.type === 'frame-result') {
          window.removeEventListener('message', onResult);
          resolve(e.data);
        }
      }),
    );
    frame.src = `${OTHER_ORIGIN}/test/unit/flow/fixtures/frame-redirect.html#${encodeURIComponent(AUTHORITY)}`;
    document.body.append(frame);
    try {
      expect(await result).to.deep.equal({ type: 'frame-result', context: 'cross-site-frame', outcome: 'storage_unavailable', stayed: true });
    } finally {
      frame.remove();
    }
  });
});
