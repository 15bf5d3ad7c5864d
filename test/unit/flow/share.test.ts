/**
 * Share consent: link validation (docs/security.md §17), token reading, state checks (§35: every flow expects a state; the provider
 * adds only `token`, the state travels in the JWT), the popup round trip and the redirect return.
 */
import { expect } from '@open-wc/testing';
import { IdcError, type FlowCancelled } from '../../../src/flow/errors.js';
import { decodeJwtPayload, responseState } from '../../../src/flow/lazy/jwt.js';
import { readCallbackMessage } from '../../../src/flow/lazy/popup-session.js';
import { validateShareLink } from '../../../src/flow/first-paint/safe-url.js';
import { resumeShareConsent, startShareConsent } from '../../../src/flow/first-paint/share.js';
import { completeShare } from '../../../src/flow/lazy/share.js';
import {
  CALLBACK,
  clearKitStorage,
  inGesture,
  jwt,
  remoteSharePages,
  settle,
  shareProviderLink,
  sleep,
  watchWindowOpen,
  waitFor,
} from './helpers.js';
import type { ShareConsentOptions, ShareLinkContext } from '../../../src/flow/types.js';

/** The callback URL a provider sends the browser back to: `?token=<JWT>` (plus whatever else is given). */
function tokenReturn(token: string, extra: Record<string, string> = {}): string {
  return `${CALLBACK}?${new URLSearchParams({ token, ...extra })}`;
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(IdcError);
    return (err as IdcError).code;
  }
  throw new Error('expected a throw');
}

describe('share link validation (docs/security.md §17)', () => {
  it('accepts https and http on localhost / 127.0.0.1', () => {
    expect(validateShareLink('https://id.example/share/abc')).to.equal('https://id.example/share/abc');
    expect(validateShareLink('http://localhost:4000/share/abc')).to.equal('http://localhost:4000/share/abc');
    expect(validateShareLink('http://127.0.0.1:4000/share/abc')).to.equal('http://127.0.0.1:4000/share/abc');
  });

  it('refuses javascript:, data:, relative junk, plain http elsewhere and credentials in the URL', () => {
    for (const link of [
      'javascript:alert(1)',
      ' javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      '/share/abc',
      '//evil.example/share',
      'share/abc',
      'http://id.example/share/abc',
      'http://localhost.evil.example/share',
      'https://user:pass@id.example/share',
      'blob:https://id.example/1234',
      'file:///etc/passwd',
      '',
      'x'.repeat(5000),
    ]) {
      expect(codeOf(() => validateShareLink(link)), link.slice(0, 40)).to.equal('invalid_share_link');
    }
    for (const value of [undefined, null, 42, {}]) {
      expect(codeOf(() => validateShareLink(value))).to.equal('invalid_share_link');
    }
  });
});

describe('share response', () => {
  it('token only (the product model): the state and sharingAllowed come from the unverified payload', () => {
    const token = jwt({ sharingAllowed: true, state: 'st' });
    expect(completeShare(new URLSearchParams({ token }), 'st')).to.deep.equal({ token, state: 'st', sharingAllowed: true });
    const no = jwt({ sharingAllowed: false, state: 'st' });
    expect(completeShare(new URLSearchParams({ token: no }), 'st').sharingAllowed).to.equal(false);
  });

  it('a state parameter the provider adds is accepted when it equals the claim', () => {
    const token = jwt({ sharingAllowed: true, state: 'st' });
    expect(completeShare(new URLSearchParams({ token, state: 'st' }), 'st')).to.deep.equal({ token, state: 'st', sharingAllowed: true });
  });

  it('a state parameter that differs from the claim is state_mismatch, whichever of the two is expected', () => {
    const token = jwt({ sharingAllowed: true, state: 'st' });
    expect(codeOf(() => completeShare(new URLSearchParams({ token, state: 'other' }), 'st'))).to.equal('state_mismatch');
    expect(codeOf(() => completeShare(new URLSearchParams({ token, state: 'other' }), 'other'))).to.equal('state_mismatch');
  });

  it('a claim that is not the expected state is state_mismatch; so is a token without a state claim', () => {
    expect(codeOf(() => completeShare(new URLSearchParams({ token: jwt({ sharingAllowed: true, state: 'other' }) }), 'st'))).to.equal(
      'state_mismatch',
    );
    for (const payload of [{ sharingAllowed: true }, { sharingAllowed: true, state: 42 }]) {
      const token = jwt(payload);
      expect(codeOf(() => completeShare(new URLSearchParams({ token }), 'st'))).to.equal('state_mismatch');
      expect(codeOf(() => completeShare(new URLSearchParams({ token, state: 'st' }), 'st'))).to.equal('state_mismatch');
    }
  });

  it('nothing is expected (a redirect record without a state): state_mismatch', () => {
    const token = jwt({ sharingAllowed: true, state: 'st' });
    expect(codeOf(() => completeShare(new URLSearchParams({ token }), undefined))).to.equal('state_mismatch');
  });

  it('a malformed token is invalid_response', () => {
    for (const token of ['not-a-jwt', 'a.b', 'a.b.c.d', `x.${btoa('[1]')}.y`, jwt({ sharingAllowed: 'yes', state: 'st' }), jwt({}), 'a.%%%.c', `a.${btoa('{"x":')}.c`]) {
      expect(codeOf(() => completeShare(new URLSearchParams({ token, state: 'st' }), 'st')), token).to.equal('invalid_response');
      expect(codeOf(() => completeShare(new URLSearchParams({ token }), 'st')), token).to.equal('invalid_response');
    }
  });

  it('an error response (no token) carries its state as a parameter: access_denied / provider_error', () => {
    expect(codeOf(() => completeShare(new URLSearchParams({ error: 'access_denied', state: 'st' }), 'st'))).to.equal('access_denied');
    expect(codeOf(() => completeShare(new URLSearchParams({ error: 'access_denied', state: 'x' }), 'st'))).to.equal('state_mismatch');
    expect(codeOf(() => completeShare(new URLSearchParams({ state: 'st' }), 'st'))).to.equal('invalid_response');
  });

  it('responseState: the state parameter, else the claim of the token (UTF-8), else null', () => {
    const token = jwt({ sharingAllowed: true, state: 'claimed' });
    expect(responseState(new URLSearchParams({ token }))).to.equal('claimed');
    expect(responseState(new URLSearchParams({ token, state: 'param' }))).to.equal('param');
    expect(responseState(new URLSearchParams({ code: 'c', state: 'param' }))).to.equal('param');
    expect(responseState(new URLSearchParams({ token: jwt({ sharingAllowed: true, state: 'é✓' }) }))).to.equal('é✓');
    for (const t of [jwt({ sharingAllowed: true }), jwt({ state: 1 }), 'a.b.c', 'not-a-jwt']) {
      expect(responseState(new URLSearchParams({ token: t })), t).to.equal(null);
    }
    expect(responseState(new URLSearchParams({ code: 'c' }))).to.equal(null);
    // Unpadded base64url of every length the encoder produces decodes (atob's forgiving-base64).
    for (const state of ['a', 'ab', 'abc', 'abcd', 'abcde']) expect(decodeJwtPayload(jwt({ state }))?.state).to.equal(state);
  });

  it('a callback message is routed by the state its response carries: token only, its claim', () => {
    const token = jwt({ sharingAllowed: true, state: 'st' });
    const message = (state: string, params: string) => ({ type: 'idconnect-kit:callback', v: 1, state, params });
    const expected = { kind: 'share' as const, state: 'st' };
    expect(readCallbackMessage(message('st', `?token=${token}`), expected)?.get('token')).to.equal(token);
    // A message that names another state than the one in its token is not ours: a forger cannot re-label a token.
    const other = jwt({ sharingAllowed: true, state: 'other' });
    expect(readCallbackMessage(message('st', `?token=${other}`), expected)).to.equal(null);
    expect(readCallbackMessage(message('other', `?token=${other}`), expected)).to.equal(null);
    // With a state parameter the message's state is that parameter (the flow then finds the claim differs).
    expect(readCallbackMessage(message('st', `?token=${other}&state=st`), expected)).not.to.equal(null);
    expect(readCallbackMessage(message('st', `?token=not-a-jwt`), expected)).to.equal(null);
  });
});

describe('startShareConsent', () => {
  afterEach(clearKitStorage);

  it('a bad string link is invalid_share_link before any window opens', async () => {
    const opens = watchWindowOpen();
    try {
      const [outcome] = await inGesture(() => settle(startShareConsent({ shareLink: 'javascript:alert(1)' }).result));
      expect(((await outcome).error as IdcError).code).to.equal('invalid_share_link');
      expect(opens.calls).to.equal(0);
    } finally {
      opens.restore();
    }
  });

  it('no link at all is invalid_config (a setup mistake), and nothing opens', async () => {
    const opens = watchWindowOpen();
    try {
      for (const shareLink of [undefined, '']) {
        const [outcome] = await inGesture(() => settle(startShareConsent({ shareLink } as ShareConsentOptions).result));
        const error = (await outcome).error as IdcError;
        expect(error.code, String(shareLink)).to.equal('invalid_config');
        expect(error.message).to.contain('shareLink');
      }
      expect(opens.calls).to.equal(0);
    } finally {
      opens.restore();
    }
  });

  it('a string link without state is invalid_config, and nothing opens', async () => {
    const opens = watchWindowOpen();
    try {
      const [outcome] = await inGesture(() => settle(startShareConsent({ shareLink: 'https://id.example/share/abc' }).result));
      const error = (await outcome).error as IdcError;
      expect(error.code).to.equal('invalid_config');
      expect(error.message).to.contain('state');
      expect(opens.calls).to.equal(0);
    } finally {
      opens.restore();
    }
  });

  it('a state that is not 1–512 printable ASCII characters is invalid_config', async () => {
    const opens = watchWindowOpen();
    try {
      for (const state of ['', 'é', 'tab\there', 'x'.repeat(513), 42]) {
        const options = { shareLink: async () => 'https://id.example/share/abc', state } as unknown as ShareConsentOptions;
        const [outcome] = await inGesture(() => settle(startShareConsent(options).result));
        expect(((await outcome).error as IdcError).code, String(state).slice(0, 10)).to.equal('invalid_config');
      }
      await waitFor(() => opens.windows.every((w) => !w || w.closed), 2000, 'every popup to close');
    } finally {
      opens.restore();
    }
  });

  it('a function link is awaited after the popup opened, then validated: junk closes the popup', async () => {
    const opens = watchWindowOpen();
    try {
      let calledAfterOpen = false;
      const [outcome] = await inGesture(() =>
        settle(
          startShareConsent({
            shareLink: async () => {
              calledAfterOpen = opens.calls === 1;
              return 'data:text/html,hi';
            },
          }).result,
        ),
      );
      expect(((await outcome).error as IdcError).code).to.equal('invalid_share_link');
      expect(calledAfterOpen, 'shareLink() ran after window.open').to.equal(true);
      await waitFor(() => opens.windows[0]!.closed, 2000, 'the popup to close');
    } finally {
      opens.restore();
    }
  });

  it('a shareLink() that rejects ends the flow with a coded error, popup closed', async () => {
    const opens = watchWindowOpen();
    try {
      const [outcome] = await inGesture(() =>
        settle(startShareConsent({ shareLink: () => Promise.reject(new Error('backend down')) }).result),
      );
      expect(((await outcome).error as IdcError).code).to.equal('network');
      await waitFor(() => opens.windows[0]!.closed, 2000, 'the popup to close');
    } finally {
      opens.restore();
    }
  });

  it('popup round trip, token only: the provider returns redirectUri?token=<JWT>, the callback routes it by the claim', async () => {
    const opens = watchWindowOpen();
    try {
      const token = jwt({ sharingAllowed: true, state: 'share-state-1' });
      const contexts: ShareLinkContext[] = [];
      // The stand-in "provider share link" is our own callback URL with the response already in it.
      const [handle] = await inGesture(() =>
        startShareConsent({
          shareLink: async (context) => {
            contexts.push(context);
            return tokenReturn(token);
          },
          state: 'share-state-1',
          redirectUri: CALLBACK,
        }),
      );
      const { value, error } = await settle(handle.result);
      expect(error).to.equal(undefined);
      expect(value).to.deep.equal({ token, state: 'share-state-1', sharingAllowed: true });
      expect(contexts, "shareLink() gets the host's state").to.deep.equal([{ state: 'share-state-1' }]);
      await waitFor(() => opens.windows[0]!.closed, 3000, 'the popup to close');
    } finally {
      opens.restore();
    }
  });

  it('no state from the host: the kit generates one (128 bits), hands it to shareLink({ state }) and expects it', async () => {
    const opens = watchWindowOpen();
    try {
      const states: string[] = [];
      const start = () =>
        startShareConsent({
          shareLink: async ({ state }) => {
            states.push(state);
            return tokenReturn(jwt({ sharingAllowed: false, state }));
          },
          redirectUri: CALLBACK,
        });
      const [first] = await inGesture(start);
      const one = await settle(first.result);
      const [second] = await inGesture(start);
      const two = await settle(second.result);
      expect(states).to.have.length(2);
      for (const state of states) expect(state).to.match(/^[A-Za-z0-9_-]{22}$/); // 16 random bytes, base64url
      expect(states[0]).not.to.equal(states[1]);
      expect(one.value).to.deep.include({ state: states[0], sharingAllowed: false });
      expect(two.value).to.deep.include({ state: states[1], sharingAllowed: false });
    } finally {
      opens.restore();
    }
  });

  it('a token whose claim is another state, from our own popup, is state_mismatch (not a silent wait)', async () => {
    const opens = watchWindowOpen();
    try {
      const link = tokenReturn(jwt({ sharingAllowed: true, state: 'not-the-one' }));
      const [outcome] = await inGesture(() => settle(startShareConsent({ shareLink: link, state: 'expected-state', timeout: 5 }).result));
      expect(((await outcome).error as IdcError).code).to.equal('state_mismatch');
    } finally {
      opens.restore();
    }
  });

  it('a response with another state parameter from our own popup is state_mismatch (not a silent wait)', async () => {
    const opens = watchWindowOpen();
    try {
      const token = jwt({ sharingAllowed: true, state: 'not-the-one' });
      const link = tokenReturn(token, { state: 'not-the-one' });
      const [outcome] = await inGesture(() => settle(startShareConsent({ shareLink: link, state: 'expected-state', timeout: 5 }).result));
      expect(((await outcome).error as IdcError).code).to.equal('state_mismatch');
    } finally {
      opens.restore();
    }
  });

  it('a state parameter that differs from the claim is state_mismatch, even when the parameter is the expected one', async () => {
    const opens = watchWindowOpen();
    try {
      const link = tokenReturn(jwt({ sharingAllowed: true, state: 'other' }), { state: 'expected-state' });
      const [outcome] = await inGesture(() => settle(startShareConsent({ shareLink: link, state: 'expected-state', timeout: 5 }).result));
      expect(((await outcome).error as IdcError).code).to.equal('state_mismatch');
    } finally {
      opens.restore();
    }
  });

  it('results for another state, or for a flow that is no longer waiting, are ignored and never acknowledged', async () => {
    const opens = watchWindowOpen();
    const pages = remoteSharePages();
    try {
      const states: string[] = [];
      const [handle] = await inGesture(() =>
        startShareConsent({
          shareLink: async ({ state }) => {
            states.push(state);
            return shareProviderLink({ id: 'ignored' });
          },
        }),
      );
      let settled = false;
      void handle.result.then(
        () => (settled = true),
        () => (settled = true),
      );
      await pages.arrived('ignored');
      const state = states[0]!;
      const post = async (channelState: string, params: string): Promise<boolean> => {
        const channel = new BroadcastChannel(`idconnect-kit:${channelState}`);
        let acked = false;
        channel.onmessage = (e) => (acked ||= e.data?.type === 'idconnect-kit:ack');
        channel.postMessage({ type: 'idconnect-kit:callback', v: 1, state: channelState, params });
        window.postMessage({ type: 'idconnect-kit:callback', v: 1, state: channelState, params }, location.origin);
        await sleep(300);
        channel.close();
        return acked;
      };
      // A token for another state, on its own channel and on ours (re-labelled), and by postMessage from this page.
      const other = jwt({ sharingAllowed: true, state: 'someone-else' });
      expect(await post('someone-else', `?token=${other}`)).to.equal(false);
      expect(await post(state, `?token=${other}`)).to.equal(false);
      expect(settled, 'still waiting').to.equal(false);
      handle.cancel();
      expect(((await settle(handle.result)).error as FlowCancelled).reason).to.equal('aborted');
      // The right token, too late: nobody listens any more.
      expect(await post(state, `?token=${jwt({ sharingAllowed: true, state })}`)).to.equal(false);
    } finally {
      pages.close();
      opens.restore();
    }
  });

  it('behind a real COOP at the provider: the token-only result comes over the channel named from the claim', async () => {
    const opens = watchWindowOpen();
    const pages = remoteSharePages();
    try {
      const states: string[] = [];
      const [handle] = await inGesture(() =>
        startShareConsent({
          shareLink: async ({ state }) => {
            states.push(state);
            return shareProviderLink({ id: 'coop', coop: true });
          },
          redirectUri: CALLBACK,
        }),
      );
      const { hasOpener } = await pages.arrived('coop');
      expect(hasOpener, 'COOP severed the share page from its opener').to.equal(false);
      await waitFor(() => opens.windows[0]!.closed, 3000, 'the severed handle to report closed');
      const token = jwt({ sharingAllowed: true, state: states[0] });
      pages.go('coop', tokenReturn(token)); // the user allows: the provider sends the window to the callback
      const { value, error } = await settle(handle.result);
      expect(error).to.equal(undefined);
      expect(value).to.deep.equal({ token, state: states[0], sharingAllowed: true });
    } finally {
      pages.close();
      opens.restore();
    }
  });

  it('redirect mode without a state: the transaction is stored under the generated state shareLink() got', async () => {
    const setItem = Storage.prototype.setItem;
    const written: [string, string][] = [];
    // Let the storage probe through, catch the transaction, then refuse it so that the page never leaves.
    Storage.prototype.setItem = function (key: string, value: string) {
      if (!key.startsWith('idconnect-kit-share.')) return setItem.call(this, key, value);
      written.push([key, value]);
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    try {
      const states: string[] = [];
      const here = location.href;
      const [outcome] = await inGesture(() =>
        settle(
          startShareConsent({
            mode: 'redirect',
            shareLink: async ({ state }) => {
              states.push(state);
              return 'https://id.example/share/abc';
            },
          }).result,
        ),
      );
      expect(((await outcome).error as IdcError).code).to.equal('storage_unavailable');
      expect(location.href).to.equal(here);
      expect(states).to.have.length(1);
      expect(written).to.have.length(1);
      expect(written[0]![0]).to.equal(`idconnect-kit-share.${states[0]}`);
      expect(JSON.parse(written[0]![1])).to.deep.include({ state: states[0], data: { mode: 'redirect', kind: 'share' } });
    } finally {
      Storage.prototype.setItem = setItem;
    }
  });
});

describe('resumeShareConsent', () => {
  const start = location.href;
  afterEach(() => {
    history.replaceState(null, '', start);
    clearKitStorage();
  });

  function storeRecord(state: string): void {
    sessionStorage.setItem(
      `idconnect-kit-share.${state}`,
      JSON.stringify({ data: { mode: 'redirect', kind: 'share' }, state, redirectUri: location.href, created: Date.now() }),
    );
  }

  it('token only: resolves the stored transaction by the claim, cleans the address bar first, and is single-use', async () => {
    const token = jwt({ sharingAllowed: true, state: 'st-9' });
    storeRecord('st-9');
    history.replaceState(null, '', `${location.pathname}?keep=1&token=${token}#frag`);
    const pending = resumeShareConsent();
    expect(location.search, 'cleaned before any await').to.equal('?keep=1');
    expect(location.hash).to.equal('#frag');
    expect(await pending).to.deep.equal({ token, state: 'st-9', sharingAllowed: true });
    history.replaceState(null, '', `${location.pathname}?token=${token}`);
    expect(((await settle(resumeShareConsent())).error as IdcError).code).to.equal('state_not_found');
  });

  it('a provider that adds a state parameter: accepted when it equals the claim, state_mismatch when not', async () => {
    const token = jwt({ sharingAllowed: true, state: 'st-9' });
    storeRecord('st-9');
    history.replaceState(null, '', `${location.pathname}?token=${token}&state=st-9`);
    expect(await resumeShareConsent()).to.deep.equal({ token, state: 'st-9', sharingAllowed: true });
    storeRecord('st-9');
    history.replaceState(null, '', `${location.pathname}?token=${token}&state=st-2`);
    expect(((await settle(resumeShareConsent())).error as IdcError).code).to.equal('state_mismatch');
    expect(location.search).to.equal('');
  });

  it('a stored transaction expecting another state is state_mismatch', async () => {
    storeRecord('st-1');
    history.replaceState(null, '', `${location.pathname}?token=${jwt({ sharingAllowed: true, state: 'st-2' })}`);
    expect(((await settle(resumeShareConsent())).error as IdcError).code).to.equal('state_mismatch');
  });

  it("the host's state wins over the stored one", async () => {
    storeRecord('st-1');
    const token = jwt({ sharingAllowed: false, state: 'host-state' });
    history.replaceState(null, '', `${location.pathname}?token=${token}`);
    expect(await resumeShareConsent({ state: 'host-state' })).to.deep.equal({ token, state: 'host-state', sharingAllowed: false });
  });

  it('nothing in the URL resolves null', async () => {
    expect(await resumeShareConsent()).to.equal(null);
  });
});
