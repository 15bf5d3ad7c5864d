import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { createButton } from '../../../src/create-button.js';
import { IdcVerifyButton } from '../../../src/components/verify-button/verify-button.js';
import { IdcError } from '../../../src/flow/errors.js';
import { spyWindowOpen } from './button-test-helpers.js';

const AUTH = 'https://id.example.test';

describe('createButton()', () => {
  it('creates, configures and appends a registered <idc-verify-button>', async () => {
    const container = await fixture<HTMLDivElement>(html`<div id="verify-here"></div>`);
    const el = createButton({
      container: '#verify-here',
      authority: AUTH,
      clientId: 'demo',
      providerName: 'Northwind ID',
      variant: 'outline',
      size: 'large',
      shape: 'pill',
      fullWidth: true,
      mode: 'redirect',
      fallback: 'none',
      loginHint: 'alice@example.com',
      timeout: 120,
      lang: 'fr',
    });
    expect(customElements.get('idc-verify-button')).to.equal(IdcVerifyButton);
    expect(el).to.be.instanceOf(IdcVerifyButton);
    expect(el.parentElement).to.equal(container);
    expect(el.clientId).to.equal('demo');
    expect(el.loginHint).to.equal('alice@example.com');
    expect(el.timeout).to.equal(120);
    expect(el.mode).to.equal('redirect');
    await el.updateComplete;
    expect(el.getAttribute('variant')).to.equal('outline');
    expect(el.hasAttribute('full-width')).to.equal(true);
    expect(el.shadowRoot!.querySelector('[part="label"]')!.textContent!.trim()).to.equal('Vérifier avec Northwind ID');
    await expect(container).to.be.accessible();
  });

  it('wires onStart, onError, onCancel and onSuccess', async () => {
    const container = await fixture<HTMLDivElement>(html`<div></div>`);
    const seen: string[] = [];
    const spy = spyWindowOpen();
    try {
      const el = createButton({
        container,
        authority: AUTH,
        clientId: 'demo',
        onStart: (e) => {
          seen.push(`start:${e.detail.mode}`);
          e.preventDefault();
        },
        onError: (d) => seen.push(`error:${d.code}`),
        onCancel: (d) => seen.push(`cancel:${d.reason}`),
        onSuccess: (d) => seen.push(`success:${d.code}`),
      });
      await el.updateComplete;
      el.shadowRoot!.querySelector('button')!.click();
      el.clientId = '';
      el.start();
      await waitUntil(() => seen.length === 2, 'the invalid_config error');
      el.dispatchEvent(new CustomEvent('idc-cancel', { detail: { reason: 'popup_closed' } }));
      el.dispatchEvent(new CustomEvent('idc-success', { detail: { code: 'c' } }));
      expect(seen).to.deep.equal(['start:popup', 'error:invalid_config', 'cancel:popup_closed', 'success:c']);
      expect(spy.calls).to.have.length(0);
    } finally {
      spy.restore();
    }
  });

  it('bad options throw a coded invalid_config error', () => {
    const bad: unknown[] = [
      undefined,
      { container: '#does-not-exist', authority: AUTH, clientId: 'x' },
      { container: document.body, clientId: 'x' },
      { container: document.body, authority: AUTH, clientId: '' },
    ];
    for (const options of bad) {
      let thrown: unknown;
      try {
        createButton(options as Parameters<typeof createButton>[0]);
      } catch (err) {
        thrown = err;
      }
      expect(thrown, JSON.stringify(options)).to.be.instanceOf(IdcError);
      expect((thrown as IdcError).code).to.equal('invalid_config');
    }
    expect(document.querySelectorAll('body > idc-verify-button')).to.have.length(0);
  });
});
