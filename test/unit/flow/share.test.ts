/** Share consent: link validation (item 17), token reading, state checks, and the popup round trip. */
import { expect } from '@open-wc/testing';
import { IdcError } from '../../../src/flow/errors.js';
import { resumeShareConsent, startShareConsent, validateShareLink } from '../../../src/flow/share.js';
import { completeShare } from '../../../src/flow/share-run.js';
import { CALLBACK, clearKitStorage, inGesture, settle, watchWindowOpen, waitFor } from './helpers.js';
import type { ShareConsentOptions } from '../../../src/flow/types.js';

/** An unsigned-looking JWT with the given payload (the browser never verifies it; the backend does). */
function jwt(payload: unknown): string {
  const part = (v: unknown) => btoa(JSON.stringify(v)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `${part({ alg: 'ES256', typ: 'share-consent+jwt' })}.${part(payload)}.c2lnbmF0dXJl`;
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

describe('share link validation (item 17)', () => {
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
  it('reads sharingAllowed from the unverified payload', () => {
    const token = jwt({ sharingAllowed: true, state: 'st' });
    expect(completeShare(new URLSearchParams({ token, state: 'st' }), 'st')).to.deep.equal({ token, state: 'st', sharingAllowed: true });
    const no = jwt({ sharingAllowed: false });
    expect(completeShare(new URLSearchParams({ token: no, state: 'st' }), undefined).sharingAllowed).to.equal(false);
  });

  it('a malformed token is invalid_response', () => {
    for (const token of ['not-a-jwt', 'a.b', 'a.b.c.d', `x.${btoa('[1]')}.y`, jwt({ sharingAllowed: 'yes' }), jwt({}), 'a.%%%.c', `a.${btoa('{"x":')}.c`]) {
      expect(codeOf(() => completeShare(new URLSearchParams({ token, state: 'st' }), 'st')), token).to.equal('invalid_response');
    }
  });

  it('another state than the expected one is state_mismatch', () => {
    const token = jwt({ sharingAllowed: true });
    expect(codeOf(() => completeShare(new URLSearchParams({ token, state: 'other' }), 'st'))).to.equal('state_mismatch');
  });

  it('an error response is access_denied / provider_error', () => {
    expect(codeOf(() => completeShare(new URLSearchParams({ error: 'access_denied', state: 'st' }), 'st'))).to.equal('access_denied');
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

  it('popup round trip: the share link sends the popup to redirectUri?token=…&state=…, the callback relays it', async () => {
    const opens = watchWindowOpen();
    try {
      const token = jwt({ sharingAllowed: true, state: 'share-state-1' });
      // The stand-in "provider share link" is our own callback URL with the response already in it.
      const link = `${CALLBACK}?${new URLSearchParams({ token, state: 'share-state-1' })}`;
      const [handle] = await inGesture(() =>
        startShareConsent({ shareLink: async () => link, state: 'share-state-1', redirectUri: CALLBACK }),
      );
      const { value } = await settle(handle.result);
      expect(value).to.deep.equal({ token, state: 'share-state-1', sharingAllowed: true });
      await waitFor(() => opens.windows[0]!.closed, 3000, 'the popup to close');
    } finally {
      opens.restore();
    }
  });

  it('a response with another state from our own popup is state_mismatch (not a silent wait)', async () => {
    const opens = watchWindowOpen();
    try {
      const token = jwt({ sharingAllowed: true });
      const link = `${CALLBACK}?${new URLSearchParams({ token, state: 'not-the-one' })}`;
      const [outcome] = await inGesture(() => settle(startShareConsent({ shareLink: link, state: 'expected-state', timeout: 5 }).result));
      expect(((await outcome).error as IdcError).code).to.equal('state_mismatch');
    } finally {
      opens.restore();
    }
  });
});

describe('resumeShareConsent', () => {
  const start = location.href;
  afterEach(() => {
    history.replaceState(null, '', start);
    clearKitStorage();
  });

  it('resolves a redirect response for the stored transaction, cleans the address bar, and is single-use', async () => {
    const token = jwt({ sharingAllowed: true });
    sessionStorage.setItem(
      'idconnect-kit-share.st-9',
      JSON.stringify({ data: { mode: 'redirect', kind: 'share' }, state: 'st-9', redirectUri: location.href, created: Date.now() }),
    );
    history.replaceState(null, '', `${location.pathname}?keep=1&token=${token}&state=st-9`);
    const pending = resumeShareConsent();
    expect(location.search, 'cleaned before any await').to.equal('?keep=1');
    expect(await pending).to.deep.equal({ token, state: 'st-9', sharingAllowed: true });
    history.replaceState(null, '', `${location.pathname}?token=${token}&state=st-9`);
    expect(((await settle(resumeShareConsent())).error as IdcError).code).to.equal('state_not_found');
  });

  it('a stored transaction expecting another state is state_mismatch', async () => {
    sessionStorage.setItem(
      'idconnect-kit-share.st-1',
      JSON.stringify({ data: { mode: 'redirect', kind: 'share' }, state: 'st-1', redirectUri: location.href, created: Date.now() }),
    );
    history.replaceState(null, '', `${location.pathname}?token=${jwt({ sharingAllowed: true })}&state=st-2`);
    expect(((await settle(resumeShareConsent())).error as IdcError).code).to.equal('state_mismatch');
  });

  it('nothing in the URL resolves null', async () => {
    expect(await resumeShareConsent()).to.equal(null);
  });
});
