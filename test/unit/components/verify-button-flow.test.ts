/**
 * The element around a running flow: pending, re-entry, result → event mapping, cancel, removal mid-flow,
 * back/forward-cache restore, redirect resume, warm-up. A test subclass hands the element a flow whose outcome the
 * test decides; the real flow runs in the last block (abort, resume with nothing to resume).
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../../src/components/verify-button/define.js';
import { IdcVerifyButton } from '../../../src/components/verify-button/verify-button.js';
import type { FlowStartOptions, PreparedFlow } from '../../../src/components/shared/flow-button.js';
import { startFlow } from '../../../src/flow/first-paint/hand-over.js';
import { IdcError, type VerifyOptions, type VerifyResult } from '../../../src/flow/index.js';
import { FlowCancelled } from '../../../src/flow/index.js';
import { AUTHORITY, CLIENT_ID, storedRedirect } from '../flow/helpers.js';
import {
  ALL_EVENTS,
  accessibleName,
  controlled,
  fakePopup as closablePopup,
  preparedBy,
  preparedInPopup,
  pressEnter,
  recordEvents,
  settle,
  type Controlled,
  type FakePopup,
} from './button-test-helpers.js';

const AUTH = 'https://id.example.test';
const RESULT: VerifyResult = {
  code: 'c0de',
  codeVerifier: 'v'.repeat(43),
  state: 's'.repeat(22),
  redirectUri: 'https://rp.example/cb',
  clientId: 'demo',
  issuer: AUTH,
  mode: 'popup',
  nonce: 'n'.repeat(22),
};

class TestVerifyButton extends IdcVerifyButton {
  flows: Controlled<VerifyResult>[] = [];
  options: VerifyOptions[] = [];
  resumeWith: () => Promise<VerifyResult | null> = () => Promise.resolve(null);
  resumeCalls = 0;
  warmCalls = 0;

  get current(): Controlled<VerifyResult> {
    return this.flows[this.flows.length - 1]!;
  }

  protected override prepareFlow(options: FlowStartOptions): PreparedFlow<VerifyResult> {
    this.options.push(this.verifyOptions(options));
    const flow = controlled<VerifyResult>();
    this.flows.push(flow);
    return preparedBy(flow, super.prepareFlow(options).ready, options.signal);
  }

  protected override resumeFlow(): Promise<VerifyResult | null> {
    this.resumeCalls += 1;
    return this.resumeWith();
  }

  protected override warm(): void {
    this.warmCalls += 1;
    super.warm();
  }
}
customElements.define('test-verify-button', TestVerifyButton);

declare global {
  interface HTMLElementTagNameMap {
    'test-verify-button': TestVerifyButton;
  }
}

function base(el: HTMLElement): HTMLButtonElement {
  return el.shadowRoot!.querySelector('button[part="base"]')!;
}

async function testButton(attrs = ''): Promise<TestVerifyButton> {
  const wrapper = await fixture<HTMLDivElement>(
    `<div lang="de-CH"><test-verify-button authority="${AUTH}" client-id="demo" ${attrs}></test-verify-button></div>`,
  );
  const el = wrapper.querySelector('test-verify-button')!;
  await el.updateComplete;
  return el;
}

describe('<idc-verify-button> around a flow', () => {
  let rec: ReturnType<typeof recordEvents>;
  beforeEach(() => {
    rec = recordEvents(ALL_EVENTS);
  });
  afterEach(() => rec.stop());
  const types = (): string[] => rec.events.map((e) => e.type);

  it('passes the attributes, the language and a signal to the flow', async () => {
    const el = await testButton(
      'mode="popup" fallback="redirect" timeout="42" scope="openid share offline_access" login-hint="alice@example.com" redirect-uri="https://rp.example/cb"',
    );
    base(el).click();
    const o = el.options[0]!;
    expect(o).to.include({
      authority: AUTH,
      clientId: 'demo',
      redirectUri: 'https://rp.example/cb',
      scope: 'openid share offline_access',
      mode: 'popup',
      fallback: 'redirect',
      loginHint: 'alice@example.com',
      uiLocales: 'de-CH',
      timeout: 42,
    });
    expect(o.signal).to.be.instanceOf(AbortSignal);
    expect(o.onFallback).to.be.a('function');
  });

  it('pending: reflected, aria-busy, spinner and localized pending label; accessible', async () => {
    const el = await testButton();
    base(el).click();
    expect(el.pending).to.equal(true);
    await el.updateComplete;
    expect(el.hasAttribute('pending')).to.equal(true);
    expect(base(el).getAttribute('aria-busy')).to.equal('true');
    expect(el.shadowRoot!.querySelector('[part="spinner"]')).to.exist;
    expect(el.shadowRoot!.querySelector('[part="pending-label"]')!.textContent).to.equal('Verifizierung läuft…');
    expect(await accessibleName(base(el))).to.equal('Verifizierung läuft…');
    expect(base(el).disabled).to.equal(false); // still focusable: a second click focuses the popup
    await expect(el).to.be.accessible();

    // Hosts cannot clear it either.
    el.removeAttribute('pending');
    (el as unknown as { pending: boolean }).pending = false;
    await el.updateComplete;
    expect(el.pending).to.equal(true);
    expect(el.hasAttribute('pending')).to.equal(true);
    el.current.resolve(RESULT);
    await settle(el);
    expect(el.hasAttribute('pending')).to.equal(false);
  });

  it('no re-entry while pending: a second click focuses the open window', async () => {
    const el = await testButton();
    base(el).click();
    await settle(el); // the lazy half has the flow now
    base(el).click();
    el.start();
    expect(el.flows).to.have.length(1);
    expect(el.current.focusCalls).to.equal(2);
    expect(types()).to.deep.equal(['idc-start']);
  });

  it('success: idc-success with the result, pending off before the event, then usable again', async () => {
    const el = await testButton();
    let pendingDuringEvent: boolean | undefined;
    el.addEventListener('idc-success', () => (pendingDuringEvent = el.pending));
    base(el).click();
    el.current.resolve(RESULT);
    await settle(el);
    expect(types()).to.deep.equal(['idc-start', 'idc-success']);
    expect(rec.events[1]!.detail).to.deep.equal(RESULT);
    expect(pendingDuringEvent).to.equal(false);
    base(el).click();
    expect(el.flows).to.have.length(2);
  });

  it('error: idc-error with toDetail(), localized alert text, no stack', async () => {
    const el = await testButton();
    base(el).click();
    el.current.reject(
      new IdcError('access_denied', { oauthError: 'access_denied', oauthErrorDescription: 'User said no' }),
    );
    await settle(el);
    expect(types()).to.deep.equal(['idc-start', 'idc-error']);
    expect(rec.events[1]!.detail).to.deep.equal({
      code: 'access_denied',
      message: 'Access was not granted.',
      retryable: true,
      oauthError: 'access_denied',
      oauthErrorDescription: 'User said no',
    });
    const line = el.shadowRoot!.querySelector('[part="error"]')!;
    await waitUntil(() => line.textContent!.trim() === 'Der Zugriff wurde nicht gewährt.', 'German error text');
    await expect(el).to.be.accessible();
  });

  it('anything else thrown becomes a coded IdcError', async () => {
    const el = await testButton();
    base(el).click();
    el.current.reject(new TypeError('Failed to fetch'));
    await settle(el);
    expect(rec.events[1]!.detail.code).to.equal('provider_error');
    expect(rec.events[1]!.detail).to.not.have.property('stack');
  });

  it('the user closes the popup: idc-cancel popup_closed, usable again', async () => {
    const el = await testButton();
    base(el).click();
    el.current.reject(new FlowCancelled('popup_closed'));
    await settle(el);
    expect(types()).to.deep.equal(['idc-start', 'idc-cancel']);
    expect(rec.events[1]!.detail).to.deep.equal({ reason: 'popup_closed' });
    expect(el.pending).to.equal(false);
  });

  it('cancel(): idc-cancel aborted once, the flow is cancelled, a late result is dropped', async () => {
    const el = await testButton();
    base(el).click();
    await settle(el);
    const flow = el.current;
    el.cancel();
    expect(el.pending).to.equal(false);
    expect(flow.cancelCalls).to.equal(1);
    expect(el.options[0]!.signal!.aborted).to.equal(true);
    flow.resolve(RESULT);
    await settle(el);
    expect(types()).to.deep.equal(['idc-start', 'idc-cancel']);
    expect(rec.events[1]!.detail).to.deep.equal({ reason: 'aborted' });
    el.cancel(); // nothing running: nothing happens
    expect(types()).to.have.length(2);
  });

  it('removed mid-flow: the flow is cancelled and nothing is emitted', async () => {
    const el = await testButton();
    base(el).click();
    const flow = el.current;
    el.remove();
    await settle();
    expect(flow.cancelCalls).to.equal(1);
    expect(el.pending).to.equal(false);
    flow.resolve(RESULT);
    await settle();
    expect(types()).to.deep.equal(['idc-start']);
  });

  it('moved within the page mid-flow: the flow keeps running', async () => {
    const el = await testButton();
    base(el).click();
    const other = document.createElement('div');
    document.body.append(other);
    other.append(el);
    await settle(el);
    expect(el.current.cancelCalls).to.equal(0);
    el.current.resolve(RESULT);
    await settle(el);
    expect(types()).to.deep.equal(['idc-start', 'idc-success']);
    other.remove();
  });

  it('restored from the back/forward cache: pending reset, nothing re-emitted', async () => {
    const el = await testButton('mode="redirect"');
    base(el).click();
    expect(el.pending).to.equal(true);
    await settle(el);
    window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
    expect(el.pending).to.equal(false);
    expect(el.current.cancelCalls).to.equal(1);
    await settle(el);
    expect(el.hasAttribute('pending')).to.equal(false);
    expect(types()).to.deep.equal(['idc-start']);
    // An ordinary (non-persisted) pageshow changes nothing.
    base(el).click();
    window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: false }));
    expect(el.pending).to.equal(true);
  });

  it('a flow that throws synchronously is reported, not left pending', async () => {
    class Throwing extends IdcVerifyButton {
      protected override prepareFlow(): PreparedFlow<VerifyResult> {
        return {
          ready: true,
          start: () => {
            throw new IdcError('crypto_unavailable');
          },
        };
      }
    }
    customElements.define('test-throwing-button', Throwing);
    const el = await fixture<Throwing>(
      html`<test-throwing-button authority=${AUTH} client-id="x"></test-throwing-button>`,
    );
    base(el).click();
    await settle(el);
    expect(types()).to.deep.equal(['idc-start', 'idc-error']);
    expect(rec.events[1]!.detail.code).to.equal('crypto_unavailable');
    expect(el.pending).to.equal(false);
  });

  describe('before the lazy half has taken the flow over', () => {
    class EarlyButton extends IdcVerifyButton {
      popup = closablePopup();
      proceeded: { aborted: boolean }[] = [];
      handed = controlled<VerifyResult>();
      protected override prepareFlow(options: FlowStartOptions): PreparedFlow<VerifyResult> {
        // The real hand-over of the flow functions (startFlow), with a popup of our own and a controlled lazy half.
        return {
          ready: true,
          start: () =>
            startFlow({ path: 'popup', popup: this.popup }, options.signal, () => {
              this.proceeded.push({ aborted: options.signal.aborted });
              return this.handed.handle;
            }),
        };
      }
    }
    customElements.define('test-early-button', EarlyButton);

    async function early(): Promise<EarlyButton> {
      const el = await fixture<EarlyButton>(html`<test-early-button authority=${AUTH} client-id="x"></test-early-button>`);
      return el;
    }

    it('a second click focuses the popup the first one opened', async () => {
      const el = await early();
      base(el).click();
      base(el).click();
      expect(el.popup.focusCalls).to.equal(1);
      expect(el.pending).to.equal(true);
      await settle(el);
      base(el).click(); // now the handle's focus()
      expect(el.handed.focusCalls).to.equal(1);
      expect(el.proceeded).to.have.length(1);
    });

    it('cancel() closes the popup at once; the lazy half gets an aborted flow and nothing more is emitted', async () => {
      const el = await early();
      base(el).click();
      el.cancel();
      expect(el.popup.closed, 'closed without waiting for the lazy half').to.equal(true);
      expect(el.pending).to.equal(false);
      await settle(el);
      expect(el.proceeded).to.deep.equal([{ aborted: true }]);
      el.handed.resolve({ code: 'late' } as VerifyResult);
      await settle(el);
      expect(types()).to.deep.equal(['idc-start', 'idc-cancel']);
    });

    it('removed from the page: the popup closes, no event', async () => {
      const el = await early();
      base(el).click();
      el.remove();
      await settle();
      expect(el.popup.closed).to.equal(true);
      expect(types()).to.deep.equal(['idc-start']);
    });
  });

  describe('a second click on a window that reads closed (closed by the user, or severed by COOP and lost)', () => {
    class PopupButton extends IdcVerifyButton {
      flows: Controlled<VerifyResult>[] = [];
      popups: FakePopup[] = [];
      signals: AbortSignal[] = [];
      launches = { count: 0 };
      get current(): Controlled<VerifyResult> {
        return this.flows[this.flows.length - 1]!;
      }
      protected override prepareFlow(options: FlowStartOptions): PreparedFlow<VerifyResult> {
        const flow = controlled<VerifyResult>();
        const popup = closablePopup();
        this.flows.push(flow);
        this.popups.push(popup);
        this.signals.push(options.signal);
        return preparedInPopup(flow, popup, this.launches, options.signal, super.prepareFlow(options).ready);
      }
    }
    customElements.define('test-popup-verify-button', PopupButton);

    async function popupButton(): Promise<PopupButton> {
      return fixture<PopupButton>(html`<test-popup-verify-button authority=${AUTH} client-id="x"></test-popup-verify-button>`);
    }

    it('after the lazy half took over: idc-cancel popup_closed, then a fresh flow launched inside the same click', async () => {
      const el = await popupButton();
      base(el).click();
      await settle(el);
      const stale = el.current;
      el.popups[0]!.closed = true;
      base(el).click();
      expect(el.launches.count, 'the new window opens inside the second click').to.equal(2);
      expect(stale.cancelCalls).to.equal(1);
      expect(el.signals[0]!.aborted).to.equal(true);
      expect(el.pending).to.equal(true);
      expect(types()).to.deep.equal(['idc-start', 'idc-cancel', 'idc-start']);
      expect(rec.events[1]!.detail).to.deep.equal({ reason: 'popup_closed' });
      await settle(el);
      stale.resolve(RESULT); // too late: nothing
      el.current.resolve(RESULT);
      await settle(el);
      expect(types()).to.deep.equal(['idc-start', 'idc-cancel', 'idc-start', 'idc-success']);
      expect(el.flows).to.have.length(2);
    });

    it('before the lazy half took over: the same; the stale flow reaches the lazy half aborted and says nothing', async () => {
      const el = await popupButton();
      base(el).click();
      el.popups[0]!.closed = true;
      base(el).click();
      expect(el.launches.count).to.equal(2);
      expect(types()).to.deep.equal(['idc-start', 'idc-cancel', 'idc-start']);
      await settle(el);
      expect(types()).to.have.length(3);
      expect(el.pending).to.equal(true);
    });

    it('still open: a second click only focuses it', async () => {
      const el = await popupButton();
      base(el).click();
      base(el).click();
      await settle(el);
      base(el).click();
      expect(el.popups[0]!.focusCalls).to.equal(1);
      expect(el.current.focusCalls).to.equal(1);
      expect(el.launches.count).to.equal(1);
      expect(types()).to.deep.equal(['idc-start']);
    });

    it('disabled in the meantime: a click does nothing, the flow keeps waiting', async () => {
      const el = await popupButton();
      base(el).click();
      await settle(el);
      el.popups[0]!.closed = true;
      el.disabled = true;
      el.start();
      expect(el.launches.count).to.equal(1);
      expect(el.current.cancelCalls).to.equal(0);
      expect(types()).to.deep.equal(['idc-start']);
    });
  });

  describe('redirect resume on first render', () => {
    // A response in the address bar (what the element looks for at all) for the tests that need one; the test
    // subclass's resumeFlow decides what it is.
    const original = location.href;
    const withResponse = (): void =>
      history.replaceState(history.state, '', `${location.pathname}${location.search}&code=c0de&state=${'s'.repeat(22)}`);
    afterEach(() => history.replaceState(history.state, '', original));

    async function connect(
      attrs: Record<string, string>,
      resumeWith: () => Promise<VerifyResult | null>,
    ): Promise<TestVerifyButton> {
      const el = document.createElement('test-verify-button');
      for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
      el.resumeWith = resumeWith;
      const wrapper = await fixture<HTMLDivElement>(html`<div></div>`);
      wrapper.append(el);
      await el.updateComplete;
      return el;
    }

    it('mode="redirect": a resumed result is idc-success', async () => {
      withResponse();
      const el = await connect({ authority: AUTH, 'client-id': 'demo', mode: 'redirect' }, () =>
        Promise.resolve({ ...RESULT, mode: 'redirect' as const }),
      );
      await settle(el);
      expect(el.resumeCalls).to.equal(1);
      expect(types()).to.deep.equal(['idc-success']);
      expect(rec.events[0]!.detail.mode).to.equal('redirect');
    });

    it('a resumed error is idc-error', async () => {
      withResponse();
      const el = await connect(
        { authority: AUTH, 'client-id': 'demo', fallback: 'redirect' },
        () => Promise.reject(new IdcError('state_not_found')),
      );
      await settle(el);
      expect(types()).to.deep.equal(['idc-error']);
      expect(rec.events[0]!.detail.code).to.equal('state_not_found');
    });

    it('nothing in the address bar: no element looks; a response that is not ours: no event, not pending', async () => {
      const a = await connect({ authority: AUTH, 'client-id': 'demo', mode: 'redirect' }, () => Promise.resolve(RESULT));
      const b = await connect({ authority: AUTH, 'client-id': 'demo' }, () => Promise.resolve(RESULT));
      await settle(a);
      expect([a.resumeCalls, b.resumeCalls]).to.deep.equal([0, 0]);
      withResponse();
      const c = await connect({ authority: AUTH, 'client-id': 'demo', mode: 'redirect' }, () => Promise.resolve(null));
      await settle(c);
      expect(c.resumeCalls).to.equal(1);
      expect(c.pending).to.equal(false);
      expect(types()).to.deep.equal([]);
    });

    it('busy while a callback in the address bar is being resumed; clicks wait', async () => {
      withResponse();
      let finish!: (r: VerifyResult | null) => void;
      const el = await connect(
        { authority: AUTH, 'client-id': 'demo', mode: 'redirect' },
        () => new Promise((resolve) => (finish = resolve)),
      );
      expect(el.pending).to.equal(true);
      expect(el.hasAttribute('pending')).to.equal(true);
      base(el).click();
      expect(el.flows).to.have.length(0);
      finish({ ...RESULT, mode: 'redirect' });
      await settle(el);
      expect(el.pending).to.equal(false);
      expect(types()).to.deep.equal(['idc-success']);
    });

    it('popup mode looks too when the address bar carries a response (the popup landed on this page)', async () => {
      withResponse();
      let finish!: (r: VerifyResult | null) => void;
      const el = await connect(
        { authority: AUTH, 'client-id': 'demo' },
        () => new Promise((resolve) => (finish = resolve)),
      );
      expect(el.resumeCalls).to.equal(1);
      expect(el.pending).to.equal(true);
      finish(null); // relayed to the opener: nothing for this page
      await settle(el);
      expect(el.pending).to.equal(false);
      expect(types()).to.deep.equal([]);
    });

    it('resumes once per element, not on every reconnect', async () => {
      withResponse();
      const el = await connect({ authority: AUTH, 'client-id': 'demo', mode: 'redirect' }, () => Promise.resolve(null));
      const parent = el.parentElement!;
      el.remove();
      parent.append(el);
      await settle(el);
      expect(el.resumeCalls).to.equal(1);
    });
  });

  it('warms the protocol on pointer enter, focus and idle', async () => {
    const el = await testButton();
    const before = el.warmCalls;
    base(el).dispatchEvent(new PointerEvent('pointerenter'));
    expect(el.warmCalls).to.equal(before + 1);
    el.focus();
    expect(el.warmCalls).to.equal(before + 2);
    const idle = await testButton();
    await waitUntil(() => idle.warmCalls > 0, 'warmed when idle', { timeout: 6000 });
  });
});

/** Reads the address bar at the end of its first update, in the same call as `firstUpdated` (nothing awaited yet). */
class WatchingButton extends IdcVerifyButton {
  searchAfterFirstUpdate?: string;
  protected override updated(changed: Map<PropertyKey, unknown>): void {
    super.updated(changed);
    this.searchAfterFirstUpdate ??= location.search;
  }
}
customElements.define('test-watching-button', WatchingButton);

declare global {
  interface HTMLElementTagNameMap {
    'test-watching-button': WatchingButton;
  }
}

describe('<idc-verify-button> with the real flow', () => {
  // An http://localhost authority (allowed for development) where the test server has no metadata: HTTP 404.
  const NO_ISSUER = `${location.origin}/no-issuer-here`;
  let rec: ReturnType<typeof recordEvents>;
  let spy: { restore(): void } | undefined;
  beforeEach(() => {
    rec = recordEvents(ALL_EVENTS);
  });
  afterEach(() => {
    rec.stop();
    spy?.restore();
    spy = undefined;
  });

  it('cancel() during a real flow: idc-cancel aborted, the window is closed', async () => {
    let popup: Window | null = null;
    const original = window.open;
    spy = { restore: () => (window.open = original) };
    window.open = ((...args: Parameters<typeof window.open>) => (popup = original.apply(window, args))) as typeof window.open;
    const el = await fixture<IdcVerifyButton>(
      html`<idc-verify-button authority=${NO_ISSUER} client-id="demo"></idc-verify-button>`,
    );
    // Cancel in the same task as the key press's click, while the flow is surely still running.
    let pendingBeforeCancel: boolean | undefined;
    el.addEventListener('click', () => {
      pendingBeforeCancel = el.pending;
      el.cancel();
    });
    await pressEnter(el);
    expect(popup).to.not.equal(null);
    expect(pendingBeforeCancel).to.equal(true);
    expect(el.pending).to.equal(false);
    await waitUntil(() => popup!.closed, 'popup closed', { timeout: 3000 });
    await settle(el);
    expect(rec.events.map((e) => e.type)).to.deep.equal(['idc-start', 'idc-cancel']);
  });

  it('no provider metadata at the authority: a coded idc-error, the window closed, not pending', async () => {
    let popup: Window | null = null;
    const original = window.open;
    spy = { restore: () => (window.open = original) };
    window.open = ((...args: Parameters<typeof window.open>) => (popup = original.apply(window, args))) as typeof window.open;
    const el = await fixture<IdcVerifyButton>(
      html`<idc-verify-button authority=${NO_ISSUER} client-id="demo" timeout="5"></idc-verify-button>`,
    );
    await pressEnter(el);
    await waitUntil(() => rec.events.some((e) => e.type === 'idc-error'), 'idc-error', { timeout: 6000 });
    const error = rec.events.find((e) => e.type === 'idc-error')!;
    expect(error.detail.code).to.equal('discovery_failed');
    expect(el.pending).to.equal(false);
    await waitUntil(() => popup!.closed, 'popup closed', { timeout: 3000 });
  });

  it('redirect return (docs/security.md §9): the address bar is clean after the first update, before the lazy half runs; then idc-success', async () => {
    const state = await storedRedirect();
    const original = location.href;
    const response = new URLSearchParams({ keep: 'me', code: 'redirect-code', state, iss: AUTHORITY });
    history.replaceState(history.state, '', `${location.pathname}?${response}`);
    try {
      const el = document.createElement('test-watching-button');
      el.setAttribute('authority', AUTHORITY);
      el.setAttribute('client-id', CLIENT_ID);
      el.setAttribute('mode', 'redirect');
      document.body.append(el);
      await el.updateComplete;
      expect(el.searchAfterFirstUpdate, 'cleaned inside the first update, not after a load').to.equal('?keep=me');
      expect(el.pending, 'busy while the lazy half takes the transaction').to.equal(true);
      await waitUntil(() => rec.events.length > 0, 'the resumed result');
      expect(rec.events.map((e) => e.type)).to.deep.equal(['idc-success']);
      expect(rec.events[0]!.detail).to.include({ code: 'redirect-code', state, mode: 'redirect', clientId: CLIENT_ID });
      el.remove();
    } finally {
      history.replaceState(history.state, '', original);
      sessionStorage.clear();
    }
  });

  it('redirect mode with nothing in the address bar resumes to nothing', async () => {
    const el = await fixture<IdcVerifyButton>(
      html`<idc-verify-button authority=${AUTH} client-id="demo" mode="redirect"></idc-verify-button>`,
    );
    await settle(el);
    expect(el.pending).to.equal(false);
    expect(rec.events).to.have.length(0);
  });
});
