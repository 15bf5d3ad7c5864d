/**
 * The two buttons with the real flow in real windows, where only a browser can tell: a token-only share return
 * (`?token=<JWT>`, the state in the token) through the element, and the second-click rule — a pending button whose
 * window reads closed because the provider's real Cross-Origin-Opener-Policy severed it (and it is lost behind other
 * windows) ends the stale flow with `popup_closed` and opens a fresh window inside the same click.
 *
 * Every click here is a trusted mouse click (`trustedClick`), never a key press: a key press goes to the focused
 * window, which a popup may have taken. (The file lives with the flow tests, whose neighbours in a concurrent run do
 * not depend on keyboard focus either.)
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../../src/components/share-button/define.js';
import '../../../src/components/verify-button/define.js';
import type { IdcShareButton } from '../../../src/components/share-button/share-button.js';
import type { IdcVerifyButton } from '../../../src/components/verify-button/verify-button.js';
import { ALL_EVENTS, recordEvents } from '../components/button-test-helpers.js';
import {
  AUTHORITY,
  CALLBACK,
  CLIENT_ID,
  clearKitStorage,
  jwt,
  remoteProvider,
  remoteSharePages,
  shareProviderLink,
  sleep,
  trustedClick,
  useStandInProvider,
  waitFor,
  watchWindowOpen,
} from './helpers.js';

function base(el: HTMLElement): HTMLButtonElement {
  return el.shadowRoot!.querySelector('button[part="base"]')!;
}

describe('the buttons in real windows', () => {
  let rec: ReturnType<typeof recordEvents>;
  let opens: ReturnType<typeof watchWindowOpen>;
  beforeEach(() => {
    rec = recordEvents(ALL_EVENTS);
    opens = watchWindowOpen();
  });
  afterEach(() => {
    rec.stop();
    opens.restore();
    clearKitStorage();
  });
  const types = (): string[] => rec.events.map((e) => e.type);

  /** Clicks the button for real and reports how many windows had opened when the click handler ran. */
  async function click(el: HTMLElement): Promise<number> {
    let openedInClick = -1;
    el.addEventListener('click', () => (openedInClick = opens.calls), { once: true });
    await trustedClick(base(el));
    return openedInClick;
  }

  it('<idc-share-button>, no state: shareLink({ state }) gets a generated one, ?token= alone comes back as idc-consent', async () => {
    const given: string[] = [];
    const shareLink = async ({ state }: { state: string }): Promise<string> => {
      given.push(state);
      return `${CALLBACK}?token=${jwt({ sharingAllowed: true, state })}`; // the stand-in provider answers at once
    };
    const el = await fixture<IdcShareButton>(
      html`<idc-share-button .shareLink=${shareLink} redirect-uri=${CALLBACK}></idc-share-button>`,
    );
    expect(await click(el), 'the popup opened inside the click').to.equal(1);
    await waitUntil(() => types().length >= 2, 'the result', { timeout: 5000 });
    expect(types()).to.deep.equal(['idc-start', 'idc-consent']);
    expect(given).to.have.length(1);
    expect(given[0]).to.match(/^[A-Za-z0-9_-]{22}$/);
    expect(rec.events[1]!.detail).to.deep.include({ state: given[0], sharingAllowed: true });
    await waitFor(() => opens.windows[0]!.closed, 3000, 'the popup to close');
  });

  it('<idc-share-button> severed by COOP and lost: a second click ends it (popup_closed) and opens a fresh window', async function () {
    this.timeout(20_000);
    const pages = remoteSharePages();
    const given: string[] = [];
    const shareLink = async ({ state }: { state: string }): Promise<string> => {
      given.push(state);
      return shareProviderLink({ id: `sever-${given.length}`, coop: true });
    };
    try {
      const el = await fixture<IdcShareButton>(
        html`<idc-share-button .shareLink=${shareLink} redirect-uri=${CALLBACK}></idc-share-button>`,
      );
      expect(await click(el)).to.equal(1);
      expect((await pages.arrived('sever-1')).hasOpener, 'severed').to.equal(false);
      await waitFor(() => opens.windows[0]!.closed, 3000, 'the severed handle to read closed');
      expect(el.pending, 'still waiting: a severed window is not a cancel').to.equal(true);
      // The user comes back to this page and clicks the spinner again.
      expect(await click(el), 'window.open ran inside the second click').to.equal(2);
      expect(types()).to.deep.equal(['idc-start', 'idc-cancel', 'idc-start']);
      expect(rec.events[1]!.detail).to.deep.equal({ reason: 'popup_closed' });
      await pages.arrived('sever-2');
      expect(given).to.have.length(2);
      expect(given[1]).not.to.equal(given[0]);
      // The lost window answers after all: its flow is not waiting any more, nothing happens.
      pages.go('sever-1', `${CALLBACK}?token=${jwt({ sharingAllowed: true, state: given[0] })}`);
      await sleep(600);
      expect(types()).to.have.length(3);
      // The new one completes, over the channel named from its token's claim.
      const token = jwt({ sharingAllowed: true, state: given[1] });
      pages.go('sever-2', `${CALLBACK}?token=${token}`);
      await waitUntil(() => types().includes('idc-consent'), 'idc-consent', { timeout: 5000 });
      expect(types()).to.deep.equal(['idc-start', 'idc-cancel', 'idc-start', 'idc-consent']);
      expect(rec.events[3]!.detail).to.deep.equal({ token, state: given[1], sharingAllowed: true });
    } finally {
      pages.close();
    }
  });

  it('<idc-verify-button> severed by COOP and lost: a second click ends it (popup_closed) and opens a fresh window', async function () {
    this.timeout(20_000);
    useStandInProvider({ coop: true });
    const provider = remoteProvider();
    try {
      const el = await fixture<IdcVerifyButton>(
        html`<idc-verify-button authority=${AUTHORITY} client-id=${CLIENT_ID} redirect-uri=${CALLBACK} login-hint="remote"></idc-verify-button>`,
      );
      expect(await click(el)).to.equal(1);
      const first = await provider.arrived();
      expect(first.hasOpener, 'severed').to.equal(false);
      await waitFor(() => opens.windows[0]!.closed, 3000, 'the severed handle to read closed');
      expect(el.pending, 'still waiting: a severed window is not a cancel').to.equal(true);
      expect(await click(el), 'window.open ran inside the second click').to.equal(2);
      expect(types()).to.deep.equal(['idc-start', 'idc-cancel', 'idc-start']);
      expect(rec.events[1]!.detail).to.deep.equal({ reason: 'popup_closed' });
      const second = await provider.arrived();
      expect(second.state).not.to.equal(first.state);
      provider.respond(first.state, 'stale-code'); // the lost window answers after all: nobody waits for it
      await sleep(600);
      expect(types()).to.have.length(3);
      provider.respond(second.state, 'fresh-code');
      await waitUntil(() => types().includes('idc-success'), 'idc-success', { timeout: 5000 });
      expect(types()).to.deep.equal(['idc-start', 'idc-cancel', 'idc-start', 'idc-success']);
      expect(rec.events[3]!.detail).to.include({ code: 'fresh-code', state: second.state });
    } finally {
      provider.close();
    }
  });

  it('<idc-verify-button>, window still open: a second real click only brings it to the front', async () => {
    useStandInProvider();
    const provider = remoteProvider();
    try {
      const el = await fixture<IdcVerifyButton>(
        html`<idc-verify-button authority=${AUTHORITY} client-id=${CLIENT_ID} redirect-uri=${CALLBACK} login-hint="remote"></idc-verify-button>`,
      );
      expect(await click(el)).to.equal(1);
      const { state } = await provider.arrived();
      expect(opens.windows[0]!.closed).to.equal(false);
      expect(await click(el), 'no new window').to.equal(1);
      await sleep(200);
      expect(opens.calls).to.equal(1);
      expect(types()).to.deep.equal(['idc-start']);
      provider.respond(state, 'the-code');
      await waitUntil(() => types().includes('idc-success'), 'idc-success', { timeout: 5000 });
      expect(rec.events[1]!.detail).to.include({ code: 'the-code', state });
    } finally {
      provider.close();
    }
  });
});
