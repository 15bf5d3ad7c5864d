import { aTimeout, expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../src/components/consent-screen/define.js';
import type { IdcConsentScreen } from '../../../src/components/consent-screen/consent-screen.js';

const integrator = { name: 'Acme Shop', logoUrl: 'https://acme.example/logo.png', url: 'https://acme.example/' };
const recipient = {
  name: 'Northbank',
  clientId: 'demo-recipient',
  url: 'https://northbank.example/',
  privacyPolicyUrl: 'https://northbank.example/privacy',
};
const dataItems = [
  { id: 'passport', label: 'Passport (verified)' },
  { id: 'poa', label: 'Proof of address' },
];
const account = { email: 'alice@example.com' };

const $ = <T extends Element = HTMLElement>(el: HTMLElement, sel: string) => el.shadowRoot!.querySelector<T>(sel)!;
const allowButton = (el: HTMLElement) => $<HTMLButtonElement>(el, '[part="allow-button"]');
const declineButton = (el: HTMLElement) => $<HTMLButtonElement>(el, '[part="decline-button"]');
const armed = (el: IdcConsentScreen) => waitUntil(() => el.armed, 'Allow never armed', { timeout: 3000 });

function decisions(el: HTMLElement): string[] {
  const seen: string[] = [];
  el.addEventListener('idc-consent-decision', (e) => seen.push(e.detail.decision));
  return seen;
}

const connect = () =>
  fixture<IdcConsentScreen>(html`<idc-consent-screen
    kind="connect"
    .integrator=${integrator}
    .account=${account}
    arm-delay="300"
  ></idc-consent-screen>`);

const share = () =>
  fixture<IdcConsentScreen>(html`<idc-consent-screen
    kind="share"
    .integrator=${integrator}
    .recipient=${recipient}
    .dataItems=${dataItems}
    .account=${account}
    arm-delay="300"
  ></idc-consent-screen>`);

describe('<idc-consent-screen> accessibility in every state', () => {
  it('connect, not yet armed', async () => {
    const el = await connect();
    expect(el.armed).to.equal(false);
    await expect(el).to.be.accessible();
  });

  it('connect, armed', async () => {
    const el = await connect();
    await armed(el);
    await expect(el).to.be.accessible();
  });

  it('share, not yet armed and armed', async () => {
    const el = await share();
    await expect(el).to.be.accessible();
    await armed(el);
    await expect(el).to.be.accessible();
  });

  it('pending', async () => {
    const el = await share();
    el.pending = true;
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });

  it('dark theme', async () => {
    const el = await share();
    el.theme = 'dark';
    await armed(el);
    await expect(el).to.be.accessible();
  });

  it('Arabic, right to left', async () => {
    const wrap = await fixture<HTMLElement>(html`<div lang="ar">
      <idc-consent-screen kind="share" .integrator=${integrator} .recipient=${recipient} .dataItems=${dataItems}
        .account=${account}></idc-consent-screen>
    </div>`);
    const el = wrap.querySelector('idc-consent-screen')!;
    await el.updateComplete;
    expect($(el, '[part="base"]').getAttribute('dir')).to.equal('rtl');
    await expect(el).to.be.accessible();
  });
});

describe('<idc-consent-screen> structure and names', () => {
  it('has native Allow and Decline buttons named exactly so, of equal visual weight', async () => {
    const el = await share();
    await armed(el);
    const allow = allowButton(el);
    const decline = declineButton(el);
    expect(allow.localName).to.equal('button');
    expect(decline.localName).to.equal('button');
    expect(allow.textContent!.trim()).to.equal('Allow');
    expect(decline.textContent!.trim()).to.equal('Decline');
    for (const b of [allow, decline]) {
      expect(b.hasAttribute('aria-label')).to.equal(false);
      expect(b.hasAttribute('aria-labelledby')).to.equal(false);
    }
    const [a, d] = [getComputedStyle(allow), getComputedStyle(decline)];
    for (const prop of ['background-color', 'color', 'border-top-width', 'border-top-color', 'font-weight', 'font-size']) {
      expect(a.getPropertyValue(prop), prop).to.equal(d.getPropertyValue(prop));
    }
    expect(allow.getBoundingClientRect().width).to.be.closeTo(decline.getBoundingClientRect().width, 1);
    expect(allow.getBoundingClientRect().height).to.equal(decline.getBoundingClientRect().height);
  });

  it('connect: one h1 naming the integrator and the account service', async () => {
    const el = await connect();
    el.providerName = 'Northwind ID';
    await el.updateComplete;
    const h1s = el.shadowRoot!.querySelectorAll('h1');
    expect(h1s.length).to.equal(1);
    expect(h1s[0]!.textContent!.replace(/\s+/g, ' ').trim()).to.equal(
      'Acme Shop wants to connect to your Northwind ID account',
    );
    expect($(el, 'section').getAttribute('aria-labelledby')).to.equal(h1s[0]!.id);
  });

  it('connect without a provider name says "ID account", and links the integrator’s site by its host', async () => {
    const el = await connect();
    expect($(el, 'h1').textContent!.replace(/\s+/g, ' ').trim()).to.equal('Acme Shop wants to connect to your ID account');
    const site = $<HTMLAnchorElement>(el, '[part="link"]');
    expect(site.href).to.equal('https://acme.example/');
    expect(site.querySelector('bdi')!.textContent).to.equal('acme.example');
    expect(site.rel).to.contain('noopener');
    expect($(el, 'img[part="logo"]').getAttribute('src')).to.equal('https://acme.example/logo.png');
  });

  it('share: who asks, who receives (with privacy policy), what is shared, who is signed in', async () => {
    const el = await share();
    expect($(el, 'h1').textContent!.replace(/\s+/g, ' ').trim()).to.equal('Share your verified data with Northbank?');
    expect($(el, '[part="description"]').textContent!.replace(/\s+/g, ' ').trim()).to.equal(
      'Acme Shop asks to share this with Northbank.',
    );
    const h2 = [...el.shadowRoot!.querySelectorAll('h2')].map((h) => h.textContent!.trim());
    expect(h2).to.deep.equal(['What will be shared']);
    expect($<HTMLAnchorElement>(el, '[part="link"]').href).to.equal('https://northbank.example/');
    const items = [...el.shadowRoot!.querySelectorAll('[part="items"] li')].map((li) => li.textContent!.trim());
    expect(items).to.deep.equal(['Passport (verified)', 'Proof of address']);
    const policy = $<HTMLAnchorElement>(el, '[part="privacy-link"]');
    expect(policy.href).to.equal('https://northbank.example/privacy');
    expect(policy.rel).to.contain('noopener');
    expect(policy.textContent!.replace(/\s+/g, ' ').trim()).to.equal('Privacy policy of Northbank (opens in a new tab)');
    expect($(el, '[part="account"]').textContent!.replace(/\s+/g, ' ').trim()).to.equal(
      'Signed in as alice@example.com Not you?',
    );
  });

  it('accepts JSON attributes (for server-rendered pages under a strict CSP)', async () => {
    const el = await fixture<IdcConsentScreen>(html`<idc-consent-screen
      kind="share"
      integrator='{"name":"Acme Shop"}'
      recipient='{"name":"Northbank","clientId":"r"}'
      data-items='[{"id":"a","label":"Passport"}]'
      account='{"email":"bob@example.com"}'
    ></idc-consent-screen>`);
    expect(el.recipient!.name).to.equal('Northbank');
    expect($(el, '[part="items"] li').textContent!.trim()).to.equal('Passport');
    expect($(el, '[part="account"] bdi').textContent).to.equal('bob@example.com');
  });
});

describe('<idc-consent-screen> arming (anti-clickjacking, docs/security.md §27)', () => {
  it('ignores a click on Allow before the delay, accepts one after it', async () => {
    const el = await connect();
    el.armDelay = 1000;
    const seen = decisions(el);
    const allow = allowButton(el);
    expect(allow.getAttribute('aria-disabled')).to.equal('true');
    expect(allow.disabled).to.equal(false, 'not removed nor natively disabled: it stays focusable');
    const hint = $(el, '#' + allow.getAttribute('aria-describedby'));
    expect(hint.textContent).to.equal('Available in a moment.');
    allow.click();
    await aTimeout(200);
    allow.click();
    expect(seen).to.deep.equal([]);
    expect(el.pending).to.equal(false);
    await armed(el);
    await el.updateComplete;
    expect(allow.getAttribute('aria-disabled')).to.equal('false');
    expect(allow.hasAttribute('aria-describedby')).to.equal(false);
    allow.click();
    expect(seen).to.deep.equal(['allow']);
  });

  it('clamps armDelay to 300–1000 ms', async () => {
    const el = await connect();
    el.armDelay = 10;
    expect(el.armDelay).to.equal(300);
    el.armDelay = 60_000;
    expect(el.armDelay).to.equal(1000);
    el.armDelay = Number.NaN;
    expect(el.armDelay).to.equal(500);
    el.setAttribute('arm-delay', '0');
    expect(el.armDelay).to.equal(300);
    const fresh = document.createElement('idc-consent-screen');
    expect(fresh.armDelay).to.equal(500);
  });

  it('disarms when the window loses focus and re-arms after focus returns', async () => {
    const el = await connect();
    const seen = decisions(el);
    await armed(el);
    window.dispatchEvent(new Event('blur'));
    expect(el.armed).to.equal(false);
    await el.updateComplete;
    expect(allowButton(el).getAttribute('aria-disabled')).to.equal('true');
    allowButton(el).click();
    expect(seen).to.deep.equal([]);
    window.dispatchEvent(new Event('focus'));
    expect(el.armed).to.equal(false, 'the full delay runs again');
    await armed(el);
    allowButton(el).click();
    expect(seen).to.deep.equal(['allow']);
  });

  it('disarms while the page is hidden', async () => {
    const el = await connect();
    await armed(el);
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    try {
      document.dispatchEvent(new Event('visibilitychange'));
      expect(el.armed).to.equal(false);
    } finally {
      delete (document as { visibilityState?: unknown }).visibilityState;
    }
    document.dispatchEvent(new Event('visibilitychange'));
    await armed(el);
  });

  it('does not arm while the buttons are scrolled out of view', async () => {
    const wrap = await fixture<HTMLElement>(html`<div>
      <div style="block-size: 300vh"></div>
      <idc-consent-screen .integrator=${integrator} arm-delay="300"></idc-consent-screen>
    </div>`);
    const el = wrap.querySelector('idc-consent-screen')!;
    await el.updateComplete;
    await aTimeout(700);
    expect(el.armed).to.equal(false);
    el.scrollIntoView();
    await armed(el);
    window.scrollTo(0, 0);
  });

  // IntersectionObserver v2 (occlusion) exists in Chromium only; elsewhere this case is skipped, not faked.
  const v2 = 'isVisible' in IntersectionObserverEntry.prototype;
  (v2 ? it : it.skip)('disarms when something covers the buttons (IntersectionObserver v2)', async () => {
    const el = await connect();
    await armed(el);
    const cover = document.createElement('div');
    cover.style.cssText = 'position:fixed;inset:0;background:rgb(255 255 255 / 0.01);z-index:10';
    document.body.append(cover);
    try {
      await waitUntil(() => !el.armed, 'still armed under an overlay', { timeout: 3000 });
    } finally {
      cover.remove();
    }
    await armed(el);
  });

  it('ignores a press that started before arming and ended after it', async () => {
    const el = await connect();
    const seen = decisions(el);
    allowButton(el).dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, composed: true }));
    await armed(el);
    allowButton(el).dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, detail: 1 }));
    expect(seen).to.deep.equal([]);
    allowButton(el).dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, composed: true }));
    allowButton(el).dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, detail: 1 }));
    expect(seen).to.deep.equal(['allow']);
  });

  it('Decline works at once (refusing needs no protection)', async () => {
    const el = await connect();
    const seen = decisions(el);
    declineButton(el).click();
    expect(seen).to.deep.equal(['deny']);
  });
});

describe('<idc-consent-screen> decisions', () => {
  it('sends one bubbling, composed decision, then is pending', async () => {
    const el = await share();
    await armed(el);
    const outside = oneEvent(document, 'idc-consent-decision');
    const seen = decisions(el);
    allowButton(el).click();
    allowButton(el).click();
    declineButton(el).click();
    const event = await outside;
    expect(event.detail).to.deep.equal({ decision: 'allow' });
    expect(event.bubbles && event.composed).to.equal(true);
    expect(seen).to.deep.equal(['allow']);
    await el.updateComplete;
    expect(el.pending).to.equal(true);
    expect(el.hasAttribute('pending')).to.equal(true);
    expect($(el, '[part="actions"]').getAttribute('aria-busy')).to.equal('true');
    expect(allowButton(el).disabled && declineButton(el).disabled).to.equal(true);
    expect($<HTMLButtonElement>(el, '[part="switch-account"]').disabled).to.equal(true);
    expect($(el, '[role="status"]').textContent!.trim()).to.equal('Please wait…');
  });

  it('Decline sends deny once', async () => {
    const el = await share();
    const seen = decisions(el);
    declineButton(el).click();
    declineButton(el).click();
    expect(seen).to.deep.equal(['deny']);
  });

  it('after the host resets pending, Allow waits the full delay again', async () => {
    const el = await connect();
    const seen = decisions(el);
    await armed(el);
    allowButton(el).click();
    el.pending = false;
    await el.updateComplete;
    expect(el.armed).to.equal(false);
    allowButton(el).click();
    expect(seen).to.deep.equal(['allow']);
    await armed(el);
    allowButton(el).click();
    expect(seen).to.deep.equal(['allow', 'allow']);
  });

  it('"Not you?" sends idc-switch-account with an empty detail', async () => {
    const el = await share();
    const event = oneEvent(el, 'idc-switch-account');
    $<HTMLButtonElement>(el, '[part="switch-account"]').click();
    const e = await event;
    expect(e.detail).to.deep.equal({});
    expect(e.bubbles && e.composed).to.equal(true);
  });

  it('keyboard only: Tab to Allow once armed, Enter allows', async () => {
    const before = await fixture<HTMLElement>(html`<div>
      <button id="start">start</button>
      <idc-consent-screen .integrator=${{ name: 'Acme Shop' }} .account=${account} arm-delay="300"></idc-consent-screen>
    </div>`);
    const el = before.querySelector('idc-consent-screen')!;
    await el.updateComplete;
    const seen = decisions(el);
    await armed(el);
    before.querySelector<HTMLButtonElement>('#start')!.focus();
    const path: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      await sendKeys({ press: 'Tab' });
      path.push(el.shadowRoot!.activeElement?.getAttribute('part') ?? '');
    }
    expect(path).to.deep.equal(['switch-account', 'decline-button', 'allow-button']);
    await sendKeys({ press: 'Enter' });
    expect(seen).to.deep.equal(['allow']);
  });

  it('keyboard only: Enter and Space on Allow before arming do nothing; once armed, Enter allows', async () => {
    const el = await connect();
    el.armDelay = 1000;
    const seen = decisions(el);
    allowButton(el).focus();
    await sendKeys({ press: 'Enter' });
    // ' ' is Space for Playwright, WebDriver and Puppeteer's WebDriver BiDi (Firefox), which rejects the name "Space".
    await sendKeys({ press: ' ' });
    expect(el.armed, 'still unarmed when the keys arrived').to.equal(false);
    expect(seen).to.deep.equal([]);
    // The same keys do reach the button: once armed, Enter on it allows.
    await armed(el);
    expect(el.shadowRoot!.activeElement, 'focus stayed on Allow').to.equal(allowButton(el));
    await sendKeys({ press: 'Enter' });
    expect(seen).to.deep.equal(['allow']);
  });
});

describe('<idc-consent-screen> hostile input (docs/security.md §28)', () => {
  const hostile = [
    '<img src=x onerror="window.__idcPwned=1">',
    '<script>window.__idcPwned=1</script>',
    '\u202Eevil.com\u202C Bank',
    '{recipient} {integrator}',
  ];

  for (const value of hostile) {
    it(`renders ${JSON.stringify(value)} as text`, async () => {
      const el = await fixture<IdcConsentScreen>(html`<idc-consent-screen
        kind="share"
        .integrator=${{ name: value }}
        .recipient=${{ name: value, clientId: 'x' }}
        .dataItems=${[{ id: 'a', label: value }]}
        .account=${{ email: value }}
      ></idc-consent-screen>`);
      await aTimeout(50);
      const root = el.shadowRoot!;
      expect(root.querySelectorAll('img, script, iframe, object').length).to.equal(0);
      expect((window as { __idcPwned?: unknown }).__idcPwned).to.equal(undefined);
      const bdis = [...root.querySelectorAll('bdi')];
      expect(bdis.length).to.be.at.least(5);
      for (const bdi of bdis) {
        expect(bdi.textContent).to.equal(value);
        expect(bdi.children.length).to.equal(0);
      }
    });
  }

  it('shows logos only over https', async () => {
    const cases: [string, boolean][] = [
      ['https://cdn.example/logo.png', true],
      ['http://cdn.example/logo.png', false],
      ['javascript:alert(1)', false],
      ['data:image/svg+xml,<svg onload=alert(1)>', false],
      ['//cdn.example/logo.png', false],
      ['logo.png', false],
    ];
    for (const [logoUrl, shown] of cases) {
      const el = await fixture<IdcConsentScreen>(
        html`<idc-consent-screen .integrator=${{ name: 'Acme', logoUrl }}></idc-consent-screen>`,
      );
      const img = el.shadowRoot!.querySelector('img');
      expect(!!img, logoUrl).to.equal(shown);
      if (img) expect(img.getAttribute('src')).to.equal(logoUrl);
      if (img) expect(img.alt).to.equal('');
    }
  });

  it('refuses javascript: and other non-http(s) links', async () => {
    for (const bad of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', ' javascript:alert(1)', 'data:text/html,x', 'vbscript:x']) {
      const el = await fixture<IdcConsentScreen>(html`<idc-consent-screen
        kind="share"
        .integrator=${{ name: 'Acme', url: bad }}
        .recipient=${{ name: 'Bank', clientId: 'b', url: bad, privacyPolicyUrl: bad }}
      ></idc-consent-screen>`);
      const root = el.shadowRoot!;
      expect(root.querySelectorAll('a').length, bad).to.equal(0);
      expect(root.querySelector('[part="privacy-link"]')).to.equal(null);
      expect(root.querySelector('h1')!.textContent).to.contain('Bank');
    }
    const ok = await fixture<IdcConsentScreen>(html`<idc-consent-screen
      kind="share"
      .integrator=${{ name: 'Acme' }}
      .recipient=${{ name: 'Bank', clientId: 'b', privacyPolicyUrl: 'http://localhost:5174/privacy' }}
    ></idc-consent-screen>`);
    expect(ok.shadowRoot!.querySelector<HTMLAnchorElement>('[part="privacy-link"]')!.href).to.equal(
      'http://localhost:5174/privacy',
    );
  });

  it('isolates names so a U+202E in one cannot reorder the sentence', async () => {
    const el = await fixture<IdcConsentScreen>(html`<idc-consent-screen
      .integrator=${{ name: '\u202Egnp.exe' }}
    ></idc-consent-screen>`);
    const bdi = $(el, 'h1 bdi');
    expect(bdi.localName).to.equal('bdi');
    expect(bdi.textContent).to.equal('\u202Egnp.exe');
    // The rest of the heading is outside the isolate.
    expect($(el, 'h1').textContent!.trim().endsWith('wants to connect to your ID account')).to.equal(true);
  });
});

describe('<idc-consent-screen> language', () => {
  it('follows the nearest [lang] ancestor, and changes with it', async () => {
    const wrap = await fixture<HTMLElement>(html`<div lang="de">
      <section lang="es-MX"><idc-consent-screen .integrator=${{ name: 'Acme' }}></idc-consent-screen></section>
    </div>`);
    const el = wrap.querySelector('idc-consent-screen')!;
    await el.updateComplete;
    expect(allowButton(el).textContent!.trim()).to.equal('Permitir');
    expect(declineButton(el).textContent!.trim()).to.equal('Rechazar');
    wrap.querySelector('section')!.removeAttribute('lang');
    await waitUntil(() => allowButton(el).textContent!.trim() === 'Zulassen', 'did not follow the lang change');
    expect(declineButton(el).textContent!.trim()).to.equal('Ablehnen');
    expect($(el, 'section').getAttribute('lang')).to.equal('de');
    wrap.setAttribute('lang', 'fr-CA');
    await waitUntil(() => allowButton(el).textContent!.trim() === 'Autoriser');
    wrap.setAttribute('lang', 'ja');
    await waitUntil(() => allowButton(el).textContent!.trim() === 'Allow', 'unknown languages fall back to English');
    wrap.setAttribute('lang', 'ar');
    await waitUntil(() => allowButton(el).textContent!.trim() === 'السماح');
    expect($(el, 'section').getAttribute('dir')).to.equal('rtl');
  });

  it('renders a real translation in every language', async () => {
    const expected: Record<string, [string, string]> = {
      en: ['Allow', 'Decline'],
      de: ['Zulassen', 'Ablehnen'],
      es: ['Permitir', 'Rechazar'],
      fr: ['Autoriser', 'Refuser'],
      ar: ['السماح', 'رفض'],
    };
    for (const [lang, [allow, decline]] of Object.entries(expected)) {
      const wrap = await fixture<HTMLElement>(html`<div lang=${lang}>
        <idc-consent-screen kind="share" .integrator=${{ name: 'A' }} .recipient=${{ name: 'B', clientId: 'b' }}
          .dataItems=${dataItems}></idc-consent-screen>
      </div>`);
      const el = wrap.querySelector('idc-consent-screen')!;
      await el.updateComplete;
      expect(allowButton(el).textContent!.trim(), lang).to.equal(allow);
      expect(declineButton(el).textContent!.trim(), lang).to.equal(decline);
      if (lang !== 'en') expect($(el, 'h1').textContent).not.to.contain('Share your');
    }
  });
});

describe('<idc-consent-screen> lifecycle', () => {
  it('a removed element stops its timer and emits nothing', async () => {
    const el = await connect();
    const seen = decisions(el);
    el.remove();
    await aTimeout(500);
    expect(el.armed).to.equal(false);
    allowButton(el).click();
    declineButton(el).click();
    expect(seen).to.deep.equal([]);
  });

  it('re-arms after being moved in the page (disconnected and connected again)', async () => {
    const el = await connect();
    await armed(el);
    const parent = el.parentElement!;
    el.remove();
    expect(el.armed).to.equal(false);
    parent.append(el);
    await armed(el);
    const seen = decisions(el);
    allowButton(el).click();
    expect(seen).to.deep.equal(['allow']);
  });

  it('defining twice is harmless', async () => {
    await import('../../../src/components/consent-screen/define.js');
    expect(customElements.get('idc-consent-screen')).to.be.a('function');
  });
});
