import { aTimeout, expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../src/components/verify-button/define.js';
import { IdcVerifyButton } from '../../../src/components/verify-button/verify-button.js';
import { verifyButtonTable } from '../../../src/i18n/tables/verify-button.js';
import { errorTable } from '../../../src/i18n/tables/errors.js';
import { ALL_EVENTS, accessibleName, pressEnter, recordEvents, settle, spyWindowOpen } from './button-test-helpers.js';

const AUTH = 'https://id.example.test';

function base(el: IdcVerifyButton): HTMLButtonElement {
  return el.shadowRoot!.querySelector('button[part="base"]')!;
}
function errorLine(el: IdcVerifyButton): HTMLElement {
  return el.shadowRoot!.querySelector('[part="error"]')!;
}
function visibleLabel(el: IdcVerifyButton): string {
  return el.shadowRoot!.querySelector('[part="label"]')!.textContent!.trim();
}

async function verifyButton(attrs = ''): Promise<IdcVerifyButton> {
  const wrapper = await fixture<HTMLDivElement>(
    `<div><idc-verify-button authority="${AUTH}" client-id="demo" ${attrs}></idc-verify-button></div>`,
  );
  const el = wrapper.querySelector('idc-verify-button')!;
  await el.updateComplete;
  return el;
}

describe('<idc-verify-button>', () => {
  describe('accessibility in each state', () => {
    it('idle', async () => {
      const el = await verifyButton();
      await expect(el).to.be.accessible();
      expect(base(el).hasAttribute('aria-busy')).to.equal(false);
      expect(visibleLabel(el)).to.equal('Verify with ID');
      expect(await accessibleName(base(el))).to.equal('Verify with ID');
    });

    it('disabled', async () => {
      const el = await verifyButton('disabled');
      expect(base(el).disabled).to.equal(true);
      await expect(el).to.be.accessible();
    });

    it('error shown (invalid_config), described by the error line', async () => {
      const wrapper = await fixture<HTMLDivElement>(html`<div><idc-verify-button></idc-verify-button></div>`);
      const el = wrapper.querySelector('idc-verify-button')!;
      base(el).click();
      await waitUntil(() => errorLine(el).textContent!.trim() !== '', 'error line shown');
      expect(errorLine(el).textContent!.trim()).to.equal(errorTable.en.invalid_config);
      expect(errorLine(el).getAttribute('role')).to.equal('alert');
      expect(base(el).getAttribute('aria-describedby')).to.contain('error');
      await expect(el).to.be.accessible();
    });

    it('dark theme on a dark page', async () => {
      const wrapper = await fixture<HTMLDivElement>(html`<div style="background:#111;padding:8px">
        <idc-verify-button theme="dark" authority=${AUTH} client-id="demo"></idc-verify-button>
        <idc-verify-button theme="dark" variant="outline" authority=${AUTH} client-id="demo"></idc-verify-button>
      </div>`);
      await expect(wrapper).to.be.accessible();
    });

    it('Arabic, right to left', async () => {
      const wrapper = await fixture<HTMLDivElement>(
        html`<div lang="ar"><idc-verify-button authority=${AUTH} client-id="demo"></idc-verify-button></div>`,
      );
      const el = wrapper.querySelector('idc-verify-button')!;
      await el.updateComplete;
      const container = el.shadowRoot!.querySelector('[part="container"]')!;
      expect(container.getAttribute('dir')).to.equal('rtl');
      expect(container.getAttribute('lang')).to.equal('ar');
      expect(visibleLabel(el)).to.equal('التحقق باستخدام ID');
      await expect(wrapper).to.be.accessible();
    });

    for (const size of ['small', 'medium', 'large']) {
      for (const variant of ['filled', 'outline']) {
        it(`size ${size}, variant ${variant}, both shapes`, async () => {
          const wrapper = await fixture<HTMLDivElement>(`<div>
            <idc-verify-button size="${size}" variant="${variant}" authority="${AUTH}" client-id="x"></idc-verify-button>
            <idc-verify-button size="${size}" variant="${variant}" shape="pill" full-width authority="${AUTH}" client-id="x"></idc-verify-button>
          </div>`);
          await expect(wrapper).to.be.accessible();
          const [a, b] = wrapper.querySelectorAll('idc-verify-button');
          expect(base(b!).getBoundingClientRect().width).to.be.greaterThan(base(a!).getBoundingClientRect().width);
        });
      }
    }

    it('sizes differ in height', async () => {
      const wrapper = await fixture<HTMLDivElement>(`<div>
        <idc-verify-button size="small"></idc-verify-button>
        <idc-verify-button></idc-verify-button>
        <idc-verify-button size="large"></idc-verify-button></div>`);
      const heights = [...wrapper.querySelectorAll('idc-verify-button')].map((el) => base(el).getBoundingClientRect().height);
      expect(heights[0]).to.be.lessThan(heights[1]!);
      expect(heights[1]).to.be.lessThan(heights[2]!);
      expect(heights[0]).to.be.at.least(24); // WCAG 2.5.8 target size
    });
  });

  describe('attributes and properties', () => {
    const cases: [attr: string, prop: string, value: string, expected: unknown, reflects: boolean][] = [
      ['authority', 'authority', 'https://a.example', 'https://a.example', false],
      ['client-id', 'clientId', 'cid', 'cid', false],
      ['redirect-uri', 'redirectUri', 'https://rp.example/cb', 'https://rp.example/cb', false],
      ['scope', 'scope', 'openid share offline_access', 'openid share offline_access', false],
      ['mode', 'mode', 'redirect', 'redirect', false],
      ['fallback', 'fallback', 'redirect', 'redirect', false],
      ['provider-name', 'providerName', 'Northwind ID', 'Northwind ID', false],
      ['variant', 'variant', 'outline', 'outline', true],
      ['theme', 'theme', 'dark', 'dark', true],
      ['size', 'size', 'large', 'large', true],
      ['shape', 'shape', 'pill', 'pill', true],
      ['full-width', 'fullWidth', '', true, true],
      ['login-hint', 'loginHint', 'alice@example.com', 'alice@example.com', false],
      ['timeout', 'timeout', '30', 30, false],
      ['disabled', 'disabled', '', true, true],
    ];

    it('has the contract defaults', async () => {
      const el = document.createElement('idc-verify-button');
      expect(el.scope).to.equal('openid share');
      expect(el.mode).to.equal('popup');
      expect(el.fallback).to.equal('none');
      expect(el.providerName).to.equal('ID');
      expect(el.variant).to.equal('filled');
      expect(el.theme).to.equal('auto');
      expect(el.size).to.equal('medium');
      expect(el.shape).to.equal('rectangular');
      expect(el.fullWidth).to.equal(false);
      expect(el.timeout).to.equal(600);
      expect(el.disabled).to.equal(false);
      expect(el.pending).to.equal(false);
      expect(el.authority).to.equal(undefined);
      expect(el.clientId).to.equal(undefined);
      expect(el.redirectUri).to.equal(undefined);
      expect(el.loginHint).to.equal(undefined);
      const attached = await fixture<IdcVerifyButton>(html`<idc-verify-button></idc-verify-button>`);
      // Defaults are not written back as attributes.
      expect(attached.getAttributeNames()).to.deep.equal([]);
    });

    for (const [attr, prop, value, expected, reflects] of cases) {
      it(`${attr} ⇄ ${prop}`, async () => {
        const el = await fixture<IdcVerifyButton>(html`<idc-verify-button></idc-verify-button>`);
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

    it('pending is read-only for hosts', async () => {
      const el = await verifyButton();
      (el as unknown as { pending: boolean }).pending = true;
      await el.updateComplete;
      expect(el.pending).to.equal(false);
      expect(el.hasAttribute('pending')).to.equal(false);
      el.setAttribute('pending', '');
      await el.updateComplete;
      expect(el.hasAttribute('pending')).to.equal(false);
      expect(el.pending).to.equal(false);
      expect(base(el).hasAttribute('aria-busy')).to.equal(false);
    });

    it('the label follows provider-name', async () => {
      const el = await verifyButton('provider-name="Northwind ID"');
      expect(visibleLabel(el)).to.equal('Verify with Northwind ID');
      el.providerName = '<b>x</b>';
      await el.updateComplete;
      expect(visibleLabel(el)).to.equal('Verify with <b>x</b>'); // text, never HTML
    });

    it('the default slot replaces the label', async () => {
      const el = await fixture<IdcVerifyButton>(
        html`<idc-verify-button authority=${AUTH} client-id="x"><span>Get verified</span></idc-verify-button>`,
      );
      const slot = el.shadowRoot!.querySelector('slot')!;
      const assigned = slot.assignedNodes({ flatten: true }).map((n) => n.textContent).join('');
      expect(assigned).to.equal('Get verified');
      expect(await accessibleName(base(el))).to.equal('Get verified');
      await expect(el).to.be.accessible();
    });
  });

  describe('language', () => {
    it('uses the nearest [lang] and follows changes', async () => {
      const wrapper = await fixture<HTMLDivElement>(
        html`<div lang="de"><section><idc-verify-button></idc-verify-button></section></div>`,
      );
      const el = wrapper.querySelector('idc-verify-button')!;
      await el.updateComplete;
      expect(visibleLabel(el)).to.equal('Mit ID verifizieren');
      wrapper.lang = 'es';
      await waitUntil(() => visibleLabel(el) === 'Verificar con ID', 'Spanish after lang change');
      wrapper.lang = 'fr-CA';
      await waitUntil(() => visibleLabel(el) === 'Vérifier avec ID', 'French for fr-CA');
      el.lang = 'en';
      await waitUntil(() => visibleLabel(el) === 'Verify with ID', 'own lang wins');
      expect(el.shadowRoot!.querySelector('[part="container"]')!.getAttribute('dir')).to.equal('ltr');
    });

    it('falls back to navigator.languages, then English for unknown languages', async () => {
      const el = await fixture<IdcVerifyButton>(html`<idc-verify-button></idc-verify-button>`);
      const nav = (navigator.languages[0] ?? 'en').split('-')[0] as keyof typeof verifyButtonTable;
      const table = verifyButtonTable[nav] ?? verifyButtonTable.en;
      expect(visibleLabel(el)).to.equal(table.label.replace('{provider}', 'ID'));
      el.lang = 'ja';
      await el.updateComplete;
      expect(visibleLabel(el)).to.equal('Verify with ID');
      expect(el.shadowRoot!.querySelector('[part="container"]')!.getAttribute('lang')).to.equal('en');
    });

    it('every language has every key', () => {
      for (const lang of ['de', 'es', 'fr', 'ar'] as const) {
        expect(Object.keys(verifyButtonTable[lang]).sort()).to.deep.equal(Object.keys(verifyButtonTable.en).sort());
        for (const key of Object.keys(verifyButtonTable.en) as (keyof typeof verifyButtonTable.en)[]) {
          expect(verifyButtonTable[lang][key], `${lang}.${key}`).to.not.equal(verifyButtonTable.en[key]);
        }
      }
    });

    it('describes the popup with a localized hint', async () => {
      const el = await verifyButton('lang="de"');
      expect(base(el).getAttribute('aria-describedby')).to.equal('hint');
      expect(el.shadowRoot!.getElementById('hint')!.textContent).to.equal(verifyButtonTable.de.popupHint);
      el.mode = 'redirect';
      await el.updateComplete;
      expect(base(el).hasAttribute('aria-describedby')).to.equal(false);
    });
  });

  describe('starting', () => {
    let spy: ReturnType<typeof spyWindowOpen>;
    let rec: ReturnType<typeof recordEvents>;
    beforeEach(() => {
      spy = spyWindowOpen();
      rec = recordEvents(ALL_EVENTS);
    });
    afterEach(() => {
      spy.restore();
      rec.stop();
    });

    it('started without user activation: popup_blocked, and nothing opens (docs/security.md §2)', async () => {
      const el = await verifyButton();
      // First test of the file that starts a flow: no key press has happened on this page yet.
      el.start();
      await waitUntil(() => rec.events.some((e) => e.type === 'idc-error'), 'idc-error');
      expect(rec.events.map((e) => e.type)).to.deep.equal(['idc-start', 'idc-error']);
      expect(rec.events[1]!.detail.code).to.equal('popup_blocked');
      expect(spy.calls).to.have.length(0);
    });

    // ' ' is Space in both Playwright and Puppeteer's WebDriver BiDi (Firefox), which rejects the name "Space".
    for (const [name, key] of [['Enter', 'Enter'], ['Space', ' ']]) {
      it(`${name} on the focused button fires idc-start`, async () => {
        const el = await verifyButton();
        el.addEventListener('idc-start', (e) => e.preventDefault());
        el.focus();
        expect(el.shadowRoot!.activeElement).to.equal(base(el));
        await sendKeys({ press: key });
        await settle(el);
        expect(rec.events.map((e) => e.type)).to.deep.equal(['idc-start']);
        expect(rec.events[0]!.detail).to.deep.equal({ mode: 'popup' });
        expect(spy.calls).to.have.length(0);
      });
    }

    it('idc-start preventDefault: nothing opens, nothing else happens', async () => {
      const el = await verifyButton();
      el.addEventListener('idc-start', (e) => {
        expect(e.cancelable).to.equal(true);
        e.preventDefault();
      });
      base(el).click();
      expect(el.pending).to.equal(false);
      await settle(el);
      expect(spy.calls).to.have.length(0);
      expect(rec.events.map((e) => e.type)).to.deep.equal(['idc-start']);
      expect(el.hasAttribute('pending')).to.equal(false);
    });

    it('missing authority or client id: invalid_config, idc-start not fired, nothing opens', async () => {
      const cases = { 'client-id="x"': 'authority', [`authority="${AUTH}"`]: 'clientId', [`authority="${AUTH}" client-id="x" mode="tab"`]: 'mode' };
      for (const [attrs, named] of Object.entries(cases)) {
        const wrapper = await fixture<HTMLDivElement>(`<div><idc-verify-button ${attrs}></idc-verify-button></div>`);
        const el = wrapper.querySelector('idc-verify-button')!;
        base(el).click();
        expect(el.pending, 'not pending: nothing runs').to.equal(false);
        await waitUntil(() => rec.events.length > 0, 'the invalid_config error');
        const types = rec.events.map((e) => e.type);
        expect(types, attrs).to.deep.equal(['idc-error']);
        const detail = rec.events[0]!.detail;
        expect(detail.code).to.equal('invalid_config');
        expect(detail.retryable).to.equal(false);
        expect(detail.message, 'the message names what is wrong').to.contain(named);
        expect(spy.calls).to.have.length(0);
        rec.events.length = 0;
      }
    });

    it('disabled blocks start(), also when called directly', async () => {
      const el = await verifyButton('disabled');
      base(el).click();
      el.start();
      await settle(el);
      expect(rec.events).to.have.length(0);
      expect(spy.calls).to.have.length(0);
    });

    it('events bubble and compose out of a shadow root', async () => {
      const host = await fixture<HTMLDivElement>(html`<div></div>`);
      const root = host.attachShadow({ mode: 'open' });
      root.innerHTML = `<idc-verify-button client-id="x"></idc-verify-button>`;
      const el = root.querySelector('idc-verify-button')!;
      await el.updateComplete;
      setTimeout(() => base(el).click());
      const event = await oneEvent(document, 'idc-error');
      expect(event.bubbles).to.equal(true);
      expect(event.composed).to.equal(true);
      expect(event.target).to.equal(host); // retargeted: it crossed the shadow boundary
      expect(event.detail.code).to.equal('invalid_config');

      el.authority = AUTH;
      el.addEventListener('idc-start', (e) => e.preventDefault());
      setTimeout(() => base(el).click());
      const start = await oneEvent(document, 'idc-start');
      expect(start.bubbles && start.composed && start.cancelable).to.equal(true);
    });

    it('a blocked popup is popup_blocked, shown to the user, and the button works again', async () => {
      const el = await verifyButton('lang="fr"');
      await pressEnter(el);
      expect(spy.calls).to.have.length(1); // window.open was tried inside the key press
      await waitUntil(() => rec.events.some((e) => e.type === 'idc-error'), 'idc-error', { timeout: 3000 });
      const error = rec.events.find((e) => e.type === 'idc-error')!;
      expect(error.detail.code).to.equal('popup_blocked');
      expect(error.detail.retryable).to.equal(true);
      expect(el.pending).to.equal(false);
      await waitUntil(() => errorLine(el).textContent!.trim() === errorTable.fr.popup_blocked, 'French error line');
      await expect(el).to.be.accessible();

      await pressEnter(el);
      expect(spy.calls).to.have.length(2);
      await waitUntil(() => rec.events.filter((e) => e.type === 'idc-error').length === 2, 'second idc-error');
    });

    it('a blocked popup with fallback="redirect" asks first with a cancelable idc-fallback', async () => {
      const el = await verifyButton('fallback="redirect"');
      el.addEventListener('idc-fallback', (e) => e.preventDefault()); // stay on this page
      await pressEnter(el);
      await waitUntil(() => rec.events.some((e) => e.type === 'idc-fallback'), 'idc-fallback', { timeout: 3000 });
      const fallback = rec.events.find((e) => e.type === 'idc-fallback')!;
      expect(fallback.cancelable).to.equal(true);
      expect(fallback.detail.from).to.equal('popup');
      expect(fallback.detail.to).to.equal('redirect');
      expect(fallback.detail.reason).to.be.a('string');
      await waitUntil(() => !el.pending, 'not pending after the refused fallback', { timeout: 3000 });
      expect(location.search).to.contain('wtr-session-id'); // still here
    });

    it('define twice is harmless', async () => {
      // A second evaluation of the define module (a second copy of the kit) must not throw.
      const again = '../../../src/components/verify-button/define.ts?again';
      await import(again);
      expect(customElements.get('idc-verify-button')).to.equal(IdcVerifyButton);
    });

    it('a detached element starts nothing and emits nothing', async () => {
      const el = document.createElement('idc-verify-button');
      el.authority = AUTH;
      el.clientId = 'x';
      el.start();
      el.clientId = '';
      el.start();
      await aTimeout(10);
      expect(rec.events).to.have.length(0);
      expect(spy.calls).to.have.length(0);
    });
  });
});
