import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../src/components/share-button/define.js';
import { IdcShareButton } from '../../../src/components/share-button/share-button.js';
import type { FlowStartOptions, PreparedFlow } from '../../../src/components/shared/flow-button.js';
import {
  FlowCancelled,
  IdcError,
  type ShareConsentOptions,
  type ShareConsentResult,
} from '../../../src/flow/index.js';
import { shareButtonTable } from '../../../src/i18n/tables/share-button.js';
import { errorTable } from '../../../src/i18n/tables/errors.js';
import {
  ALL_EVENTS,
  accessibleName,
  controlled,
  fakePopup,
  preparedBy,
  preparedInPopup,
  pressEnter,
  recordEvents,
  settle,
  spyWindowOpen,
  type Controlled,
  type FakePopup,
} from './button-test-helpers.js';
import { clearKitStorage, jwt } from '../flow/helpers.js';

const LINK = 'https://id.example.test/share/abc';
const CONSENT: ShareConsentResult = { token: 'h.p.s', state: 'st4te', sharingAllowed: true };

class TestShareButton extends IdcShareButton {
  flows: Controlled<ShareConsentResult>[] = [];
  options: ShareConsentOptions[] = [];
  resumeWith: () => Promise<ShareConsentResult | null> = () => Promise.resolve(null);
  /** Set: each flow "opens" a fake popup of its own (kept in `popups`), counted in `launches`. */
  inPopup = false;
  popups: FakePopup[] = [];
  launches = { count: 0 };

  get current(): Controlled<ShareConsentResult> {
    return this.flows[this.flows.length - 1]!;
  }
  protected override prepareFlow(options: FlowStartOptions): PreparedFlow<ShareConsentResult> {
    this.options.push(this.shareOptions(options));
    const flow = controlled<ShareConsentResult>();
    this.flows.push(flow);
    if (!this.inPopup) return preparedBy(flow, super.prepareFlow(options).ready, options.signal);
    const popup = fakePopup();
    this.popups.push(popup);
    return preparedInPopup(flow, popup, this.launches, options.signal, super.prepareFlow(options).ready);
  }
  protected override resumeFlow(): Promise<ShareConsentResult | null> {
    return this.resumeWith();
  }
}
customElements.define('test-share-button', TestShareButton);

declare global {
  interface HTMLElementTagNameMap {
    'test-share-button': TestShareButton;
  }
}

function base(el: HTMLElement): HTMLButtonElement {
  return el.shadowRoot!.querySelector('button[part="base"]')!;
}
function label(el: HTMLElement): string {
  return el.shadowRoot!.querySelector('[part="label"]')!.textContent!.trim();
}
function errorLine(el: HTMLElement): string {
  return el.shadowRoot!.querySelector('[part="error"]')!.textContent!.trim();
}

describe('<idc-share-button>', () => {
  let rec: ReturnType<typeof recordEvents>;
  let spy: ReturnType<typeof spyWindowOpen>;
  beforeEach(() => {
    rec = recordEvents(ALL_EVENTS);
    spy = spyWindowOpen();
  });
  afterEach(() => {
    rec.stop();
    spy.restore();
  });
  const types = (): string[] => rec.events.map((e) => e.type);

  describe('accessibility in each state', () => {
    it('idle, with and without a recipient name', async () => {
      const wrapper = await fixture<HTMLDivElement>(html`<div>
        <idc-share-button recipient-name="Acme Bank" .shareLink=${LINK}></idc-share-button>
        <idc-share-button></idc-share-button>
      </div>`);
      const [named, plain] = wrapper.querySelectorAll('idc-share-button');
      await named!.updateComplete;
      expect(label(named!)).to.equal('Continue to Acme Bank');
      expect(label(plain!)).to.equal('Continue');
      await expect(wrapper).to.be.accessible();
    });

    it('disabled, dark, outline pill, large', async () => {
      const wrapper = await fixture<HTMLDivElement>(html`<div style="background:#111;padding:8px">
        <idc-share-button disabled recipient-name="Acme"></idc-share-button>
        <idc-share-button theme="dark" variant="outline" shape="pill" size="large" recipient-name="Acme"></idc-share-button>
        <idc-share-button theme="dark" size="small" full-width recipient-name="Acme"></idc-share-button>
      </div>`);
      await expect(wrapper).to.be.accessible();
    });

    it('pending', async () => {
      const el = await fixture<TestShareButton>(
        html`<test-share-button recipient-name="Acme" .shareLink=${LINK} state="st4te"></test-share-button>`,
      );
      base(el).click();
      await el.updateComplete;
      expect(el.pending).to.equal(true);
      expect(el.hasAttribute('pending')).to.equal(true);
      expect(base(el).getAttribute('aria-busy')).to.equal('true');
      expect(el.shadowRoot!.querySelector('[part="pending-label"]')!.textContent).to.equal(shareButtonTable.en.pending);
      await expect(el).to.be.accessible();
    });

    it('error shown, Arabic, right to left', async () => {
      const wrapper = await fixture<HTMLDivElement>(
        html`<div lang="ar"><idc-share-button recipient-name="Acme"></idc-share-button></div>`,
      );
      const el = wrapper.querySelector('idc-share-button')!;
      await el.updateComplete;
      expect(label(el)).to.equal('المتابعة إلى Acme');
      expect(el.shadowRoot!.querySelector('[part="container"]')!.getAttribute('dir')).to.equal('rtl');
      base(el).click(); // no shareLink: invalid_config
      await waitUntil(() => errorLine(el) === errorTable.ar.invalid_config, 'Arabic error line');
      await expect(wrapper).to.be.accessible();
    });
  });

  describe('attributes and properties', () => {
    const cases: [attr: string, prop: string, value: string, expected: unknown, reflects: boolean][] = [
      ['recipient-name', 'recipientName', 'Acme', 'Acme', false],
      ['state', 'state', 'xyz', 'xyz', false],
      ['redirect-uri', 'redirectUri', 'https://rp.example/share-callback', 'https://rp.example/share-callback', false],
      ['mode', 'mode', 'redirect', 'redirect', false],
      ['fallback', 'fallback', 'redirect', 'redirect', false],
      ['timeout', 'timeout', '90', 90, false],
      ['disabled', 'disabled', '', true, true],
      ['variant', 'variant', 'outline', 'outline', true],
      ['theme', 'theme', 'light', 'light', true],
      ['size', 'size', 'small', 'small', true],
      ['shape', 'shape', 'pill', 'pill', true],
      ['full-width', 'fullWidth', '', true, true],
    ];
    for (const [attr, prop, value, expected, reflects] of cases) {
      it(`${attr} ⇄ ${prop}`, async () => {
        const el = await fixture<IdcShareButton>(html`<idc-share-button></idc-share-button>`);
        el.setAttribute(attr, value);
        expect((el as unknown as Record<string, unknown>)[prop]).to.deep.equal(expected);
        el.removeAttribute(attr);
        await el.updateComplete;
        (el as unknown as Record<string, unknown>)[prop] = expected;
        await el.updateComplete;
        if (reflects) expect(el.getAttribute(attr)).to.equal(value);
        else expect(el.hasAttribute(attr)).to.equal(false);
      });
    }

    it('shareLink is a property only; pending is read-only', async () => {
      const el = await fixture<IdcShareButton>(html`<idc-share-button share-link=${LINK}></idc-share-button>`);
      expect(el.shareLink).to.equal(undefined);
      el.setAttribute('pending', '');
      (el as unknown as { pending: boolean }).pending = true;
      await el.updateComplete;
      expect(el.pending).to.equal(false);
      expect(el.hasAttribute('pending')).to.equal(false);
    });

    it('every language has every key, translated', () => {
      for (const lang of ['de', 'es', 'fr', 'ar'] as const) {
        for (const key of Object.keys(shareButtonTable.en) as (keyof typeof shareButtonTable.en)[]) {
          expect(shareButtonTable[lang][key], `${lang}.${key}`).to.be.a('string').and.not.equal(shareButtonTable.en[key]);
        }
      }
    });

    it('the label follows [lang] changes and the default slot replaces it', async () => {
      const wrapper = await fixture<HTMLDivElement>(html`<div lang="es">
        <idc-share-button recipient-name="Acme"></idc-share-button>
        <idc-share-button recipient-name="Acme">Share with Acme</idc-share-button>
      </div>`);
      const [el, slotted] = wrapper.querySelectorAll('idc-share-button');
      await el!.updateComplete;
      expect(label(el!)).to.equal('Continuar a Acme');
      wrapper.lang = 'de';
      await waitUntil(() => label(el!) === 'Weiter zu Acme', 'German');
      expect(await accessibleName(base(slotted!))).to.equal('Share with Acme');
      expect(await accessibleName(base(el!))).to.equal('Weiter zu Acme');
    });
  });

  describe('starting', () => {
    it('Enter and Space start it (idc-start observed and cancelled: nothing opens)', async () => {
      const el = await fixture<IdcShareButton>(html`<idc-share-button .shareLink=${LINK} state="st4te"></idc-share-button>`);
      el.addEventListener('idc-start', (e) => e.preventDefault());
      el.focus();
      await sendKeys({ press: 'Enter' });
      await sendKeys({ press: ' ' });
      await settle(el);
      expect(types()).to.deep.equal(['idc-start', 'idc-start']);
      expect(spy.calls).to.have.length(0);
    });

    it('no shareLink: invalid_config, nothing opens, no idc-start', async () => {
      const el = await fixture<IdcShareButton>(html`<idc-share-button></idc-share-button>`);
      base(el).click();
      await settle(el);
      expect(types()).to.deep.equal(['idc-error']);
      expect(rec.events[0]!.detail.code).to.equal('invalid_config');
      expect(spy.calls).to.have.length(0);
    });

    it('a string shareLink without state: invalid_config, nothing opens, no idc-start', async () => {
      const el = await fixture<IdcShareButton>(html`<idc-share-button .shareLink=${LINK}></idc-share-button>`);
      await pressEnter(el);
      await waitUntil(() => types().includes('idc-error'), 'idc-error', { timeout: 3000 });
      expect(types()).to.deep.equal(['idc-error']);
      expect(rec.events[0]!.detail.code).to.equal('invalid_config');
      expect(spy.calls).to.have.length(0);
      expect(el.pending).to.equal(false);
    });

    it('a function shareLink needs no state: the click starts (the flow generates one)', async () => {
      const el = await fixture<TestShareButton>(html`<test-share-button .shareLink=${() => Promise.resolve(LINK)}></test-share-button>`);
      base(el).click();
      expect(types()).to.deep.equal(['idc-start']);
      expect(el.options[0]!.state).to.equal(undefined);
      expect(el.pending).to.equal(true);
    });

    it('disabled blocks start', async () => {
      const el = await fixture<IdcShareButton>(html`<idc-share-button disabled .shareLink=${LINK}></idc-share-button>`);
      el.start();
      await settle(el);
      expect(types()).to.deep.equal([]);
    });

    it('a javascript: link is invalid_share_link, never opened', async () => {
      const el = await fixture<IdcShareButton>(
        html`<idc-share-button .shareLink=${'javascript:alert(1)'}></idc-share-button>`,
      );
      await pressEnter(el);
      await waitUntil(() => types().includes('idc-error'), 'idc-error', { timeout: 3000 });
      expect(rec.events.find((e) => e.type === 'idc-error')!.detail.code).to.equal('invalid_share_link');
      for (const call of spy.calls) expect(String(call[0] ?? '')).to.not.match(/^javascript:/i);
      expect(el.pending).to.equal(false);
    });

    it('a blocked popup is popup_blocked', async () => {
      const el = await fixture<IdcShareButton>(html`<idc-share-button .shareLink=${LINK} state="st4te"></idc-share-button>`);
      await pressEnter(el);
      expect(spy.calls).to.have.length(1);
      await waitUntil(() => types().includes('idc-error'), 'idc-error', { timeout: 3000 });
      expect(rec.events.find((e) => e.type === 'idc-error')!.detail.code).to.equal('popup_blocked');
    });

    it('events bubble and compose through a shadow root', async () => {
      const host = await fixture<HTMLDivElement>(html`<div></div>`);
      const root = host.attachShadow({ mode: 'open' });
      const el = document.createElement('idc-share-button');
      root.append(el);
      await el.updateComplete;
      setTimeout(() => base(el).click());
      const event = await oneEvent(document, 'idc-error');
      expect(event.bubbles && event.composed).to.equal(true);
      expect(event.target).to.equal(host);
    });
  });

  describe('around a flow', () => {
    it('passes shareLink, state, redirectUri and the look-independent options', async () => {
      const fetchLink = (): Promise<string> => Promise.resolve(LINK);
      const el = await fixture<TestShareButton>(html`<test-share-button
        .shareLink=${fetchLink}
        state="st4te"
        redirect-uri="https://rp.example/share-callback"
        mode="redirect"
        timeout="120"
      ></test-share-button>`);
      base(el).click();
      expect(el.options[0]).to.include({
        shareLink: fetchLink,
        state: 'st4te',
        redirectUri: 'https://rp.example/share-callback',
        mode: 'redirect',
        fallback: 'none',
        timeout: 120,
      });
      expect(rec.events[0]!.detail).to.deep.equal({ mode: 'redirect' });
    });

    it('consent: idc-consent with { token, state, sharingAllowed }', async () => {
      const el = await fixture<TestShareButton>(html`<test-share-button .shareLink=${LINK} state="st4te"></test-share-button>`);
      base(el).click();
      await settle(el);
      base(el).click(); // second click: focus, no new flow
      expect(el.flows).to.have.length(1);
      expect(el.current.focusCalls).to.equal(1);
      el.current.resolve(CONSENT);
      await settle(el);
      expect(types()).to.deep.equal(['idc-start', 'idc-consent']);
      expect(rec.events[1]!.detail).to.deep.equal(CONSENT);
      expect(el.pending).to.equal(false);
    });

    it('state mismatch is idc-error; closing the popup is idc-cancel', async () => {
      const el = await fixture<TestShareButton>(html`<test-share-button .shareLink=${LINK} state="st4te"></test-share-button>`);
      base(el).click();
      el.current.reject(new IdcError('state_mismatch'));
      await settle(el);
      base(el).click();
      el.current.reject(new FlowCancelled('popup_closed'));
      await settle(el);
      expect(types()).to.deep.equal(['idc-start', 'idc-error', 'idc-start', 'idc-cancel']);
      expect(rec.events[1]!.detail.code).to.equal('state_mismatch');
      expect(rec.events[3]!.detail.reason).to.equal('popup_closed');
    });

    it('removed mid-flow emits nothing', async () => {
      const el = await fixture<TestShareButton>(html`<test-share-button .shareLink=${LINK} state="st4te"></test-share-button>`);
      base(el).click();
      const flow = el.current;
      el.remove();
      await settle();
      flow.resolve(CONSENT);
      await settle();
      expect(flow.cancelCalls).to.equal(1);
      expect(types()).to.deep.equal(['idc-start']);
    });

    it('redirect return: resumed consent is idc-consent (no shareLink needed)', async () => {
      const original = location.href;
      history.replaceState(history.state, '', `${location.pathname}${location.search}&token=h.p.s&state=st4te`);
      try {
        const el = document.createElement('test-share-button');
        el.mode = 'redirect';
        el.resumeWith = () => Promise.resolve(CONSENT);
        const wrapper = await fixture<HTMLDivElement>(html`<div></div>`);
        wrapper.append(el);
        await settle(el);
        expect(types()).to.deep.equal(['idc-consent']);
      } finally {
        history.replaceState(history.state, '', original);
      }
    });
  });
});

describe('<idc-share-button>: a second click while pending', () => {
  let rec: ReturnType<typeof recordEvents>;
  beforeEach(() => {
    rec = recordEvents(ALL_EVENTS);
  });
  afterEach(() => rec.stop());
  const types = (): string[] => rec.events.map((e) => e.type);

  async function popupButton(): Promise<TestShareButton> {
    const el = await fixture<TestShareButton>(html`<test-share-button .shareLink=${LINK} state="st4te"></test-share-button>`);
    el.inPopup = true;
    return el;
  }

  it('window still open: focuses it, before and after the lazy half took the flow over; no new flow', async () => {
    const el = await popupButton();
    base(el).click();
    base(el).click();
    expect(el.popups[0]!.focusCalls, 'the popup itself, no handle yet').to.equal(1);
    await settle(el);
    base(el).click();
    expect(el.current.focusCalls, "then the handle's focus()").to.equal(1);
    expect(el.launches.count).to.equal(1);
    expect(types()).to.deep.equal(['idc-start']);
  });

  it('window reads closed (the lazy half has the flow): idc-cancel popup_closed, then a fresh flow in the same click', async () => {
    const el = await popupButton();
    base(el).click();
    await settle(el);
    const stale = el.current;
    el.popups[0]!.closed = true; // closed by the user, or severed by the provider's COOP
    base(el).click();
    // Synchronously, inside that click: the stale flow let go, the new window "opened".
    expect(el.launches.count, 'launched inside the second click').to.equal(2);
    expect(stale.cancelCalls).to.equal(1);
    expect(el.pending).to.equal(true);
    expect(types()).to.deep.equal(['idc-start', 'idc-cancel', 'idc-start']);
    expect(rec.events[1]!.detail).to.deep.equal({ reason: 'popup_closed' });
    await settle(el);
    // The stale flow ending late (its own popup_closed, or a late result) reports nothing more.
    stale.resolve(CONSENT);
    await settle(el);
    expect(types()).to.have.length(3);
    el.current.resolve(CONSENT);
    await settle(el);
    expect(types()).to.deep.equal(['idc-start', 'idc-cancel', 'idc-start', 'idc-consent']);
    expect(el.pending).to.equal(false);
  });

  it('window reads closed before the lazy half took over: the same, and the first flow reaches the lazy half aborted', async () => {
    const el = await popupButton();
    base(el).click();
    el.popups[0]!.closed = true;
    base(el).click();
    expect(el.launches.count).to.equal(2);
    expect(types()).to.deep.equal(['idc-start', 'idc-cancel', 'idc-start']);
    expect(el.options[0]!.signal!.aborted, 'the stale flow is aborted').to.equal(true);
    expect(el.options[1]!.signal!.aborted).to.equal(false);
    await settle(el);
    expect(types()).to.have.length(3);
    expect(el.pending).to.equal(true);
  });

  it('a host that cancels the new idc-start still ends the stale flow (not pending, nothing opens)', async () => {
    const el = await popupButton();
    base(el).click();
    await settle(el);
    el.popups[0]!.closed = true;
    el.addEventListener('idc-start', (e) => e.preventDefault());
    base(el).click();
    expect(types()).to.deep.equal(['idc-start', 'idc-cancel', 'idc-start']);
    expect(el.launches.count).to.equal(1);
    expect(el.pending).to.equal(false);
  });
});

describe('<idc-share-button> with the real flow: token-only redirect returns', () => {
  let rec: ReturnType<typeof recordEvents>;
  beforeEach(() => {
    rec = recordEvents(ALL_EVENTS);
  });
  afterEach(() => {
    rec.stop();
    clearKitStorage();
  });
  const types = (): string[] => rec.events.map((e) => e.type);

  it('redirect return with ?token= only: the address bar is clean after the first update; idc-consent', async () => {
    const original = location.href;
    const token = jwt({ sharingAllowed: false, state: 'st-redirect' });
    sessionStorage.setItem(
      'idconnect-kit-share.st-redirect',
      JSON.stringify({ data: { mode: 'redirect', kind: 'share' }, state: 'st-redirect', redirectUri: location.href, created: Date.now() }),
    );
    history.replaceState(history.state, '', `${location.pathname}?keep=me&token=${token}`);
    try {
      const el = document.createElement('idc-share-button');
      el.mode = 'redirect';
      document.body.append(el);
      await el.updateComplete;
      expect(location.search, 'cleaned before anything was awaited').to.equal('?keep=me');
      await waitUntil(() => rec.events.length > 0, 'the resumed result');
      expect(types()).to.deep.equal(['idc-consent']);
      expect(rec.events[0]!.detail).to.deep.equal({ token, state: 'st-redirect', sharingAllowed: false });
      el.remove();
    } finally {
      history.replaceState(history.state, '', original);
    }
  });

  it('redirect return whose claim is not the expected state: idc-error state_mismatch', async () => {
    const original = location.href;
    sessionStorage.setItem(
      'idconnect-kit-share.st-a',
      JSON.stringify({ data: { mode: 'redirect', kind: 'share' }, state: 'st-a', redirectUri: location.href, created: Date.now() }),
    );
    history.replaceState(history.state, '', `${location.pathname}?token=${jwt({ sharingAllowed: true, state: 'st-b' })}`);
    try {
      const el = document.createElement('idc-share-button');
      el.mode = 'redirect';
      document.body.append(el);
      await waitUntil(() => rec.events.length > 0, 'the resumed result');
      expect(types()).to.deep.equal(['idc-error']);
      expect(rec.events[0]!.detail.code).to.equal('state_mismatch');
      el.remove();
    } finally {
      history.replaceState(history.state, '', original);
    }
  });
});
