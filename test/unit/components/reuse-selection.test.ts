import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../src/components/reuse-selection/define.js';
import type {
  IdcReuseSelection,
  IdcReuseSelectDetail,
  ReuseDocument,
  ReuseRequirement,
} from '../../../src/components/reuse-selection/reuse-selection.js';
import { today } from '../../../src/components/reuse-selection/model.js';

const passportOld: ReuseDocument = {
  id: 'pp-old',
  type: 'passport',
  country: 'DE',
  issuedAt: '2019-05-01',
  expiresAt: '2099-05-01',
  status: 'verified',
};
const passportNew: ReuseDocument = {
  id: 'pp-new',
  type: 'passport',
  country: 'DE',
  issuedAt: '2023-02-10',
  expiresAt: '2099-02-10',
  status: 'verified',
};
const idCardExpiredByDate: ReuseDocument = {
  id: 'id-old',
  type: 'id_card',
  country: 'FR',
  issuedAt: '2010-01-01',
  expiresAt: '2020-01-01',
  status: 'verified',
};
const licenceRejected: ReuseDocument = { id: 'dl-rej', type: 'driving_license', country: 'ES', status: 'rejected' };
const permitPending: ReuseDocument = { id: 'rp-pend', type: 'residence_permit', status: 'pending' };
const permitVerified: ReuseDocument = { id: 'rp-ok', type: 'residence_permit', issuedAt: '2022-03-03', status: 'verified' };
const addressProof: ReuseDocument = {
  id: 'poa',
  type: 'proof_of_address',
  label: 'Utility bill (March)',
  issuedAt: '2024-03-05',
  status: 'verified',
};
const selfieExpired: ReuseDocument = { id: 'selfie-old', type: 'selfie', expiresAt: '2021-06-30', status: 'expired' };

const identity: ReuseRequirement = {
  id: 'identity',
  label: 'Identity document',
  accepts: ['passport', 'id_card', 'driving_license'],
  required: true,
};
const address: ReuseRequirement = { id: 'address', accepts: ['proof_of_address'], required: true };
const residence: ReuseRequirement = { id: 'residence', accepts: ['residence_permit'], required: false };
const selfie: ReuseRequirement = { id: 'selfie', accepts: ['selfie'], required: true };

const $ = <T extends Element = HTMLElement>(el: HTMLElement, sel: string) => el.shadowRoot!.querySelector<T>(sel)!;
const $$ = <T extends Element = HTMLElement>(el: HTMLElement, sel: string) => [
  ...el.shadowRoot!.querySelectorAll<T>(sel),
];
const fieldset = (el: HTMLElement, i: number) => $$<HTMLFieldSetElement>(el, 'fieldset')[i]!;
const radios = (el: HTMLElement, i: number) => [...fieldset(el, i).querySelectorAll<HTMLInputElement>('input[type=radio]')];
const text = (node: Element | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
const submitButton = (el: HTMLElement) => $<HTMLButtonElement>(el, '[part="submit-button"]');

function mount(documents: unknown, requirements: unknown, lang?: string, theme?: string) {
  return fixture<HTMLElement>(html`<div lang=${lang ?? 'en'}>
    <idc-reuse-selection
      .documents=${documents}
      .requirements=${requirements}
      .recipient=${{ name: 'Northbank' }}
      theme=${theme ?? 'light'}
    ></idc-reuse-selection>
  </div>`).then(async (wrap) => {
    const el = wrap.querySelector('idc-reuse-selection')!;
    await el.updateComplete;
    return el;
  });
}

async function submit(el: IdcReuseSelection): Promise<IdcReuseSelectDetail> {
  const event = oneEvent(el, 'idc-reuse-select');
  submitButton(el).click();
  return (await event).detail;
}

const allDocs = [passportOld, passportNew, idCardExpiredByDate, licenceRejected, permitPending, addressProof, selfieExpired];

describe('<idc-reuse-selection> accessibility in every state', () => {
  it('all reusable', async () => {
    await expect(await mount([passportNew, addressProof, permitVerified], [identity, address, residence])).to.be.accessible();
  });
  it('some expired, rejected and pending', async () => {
    await expect(await mount(allDocs, [identity, residence])).to.be.accessible();
  });
  it('some missing (will be collected)', async () => {
    await expect(await mount([addressProof, selfieExpired], [identity, address, selfie])).to.be.accessible();
  });
  it('optional left out', async () => {
    const el = await mount([passportNew, permitVerified], [identity, residence]);
    radios(el, 1).at(-1)!.click();
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });
  it('pending', async () => {
    const el = await mount(allDocs, [identity, address]);
    submitButton(el).click();
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });
  it('dark theme', async () => {
    await expect(await mount(allDocs, [identity, address, residence, selfie], 'en', 'dark')).to.be.accessible();
  });
  it('Arabic, right to left', async () => {
    const el = await mount(allDocs, [identity, address, residence, selfie], 'ar');
    expect($(el, 'form').getAttribute('dir')).to.equal('rtl');
    await expect(el).to.be.accessible();
  });
  it('no requirements', async () => {
    const el = await mount(allDocs, []);
    expect($$(el, 'fieldset')).to.have.length(0);
    await expect(el).to.be.accessible();
    expect(await submit(el)).to.deep.equal({ selections: [], missing: [] });
  });
});

describe('<idc-reuse-selection> what is offered', () => {
  it('one fieldset with a legend per requirement; optional ones are marked', async () => {
    const el = await mount(allDocs, [identity, address, residence]);
    const legends = $$(el, 'fieldset > legend').map(text);
    expect(legends).to.deep.equal(['Identity document', 'Proof of address', 'Residence permit (optional)']);
    expect($(el, 'h1').textContent!.replace(/\s+/g, ' ').trim()).to.equal('Share documents with Northbank');
  });

  it('names a requirement without label by the accepted types', async () => {
    const el = await mount([], [{ id: 'x', accepts: ['passport', 'id_card', 'driving_license'], required: true }]);
    expect(text($(el, 'legend'))).to.equal('Passport, ID card, or Driving license');
  });

  it('preselects the newest reusable document, whatever the order given', async () => {
    for (const order of [
      [passportOld, passportNew],
      [passportNew, passportOld],
    ]) {
      const el = await mount(order, [identity]);
      const checked = radios(el, 0).filter((r) => r.checked);
      expect(checked.map((r) => r.value)).to.deep.equal(['pp-new']);
      expect(radios(el, 0)[0]!.value).to.equal('pp-new', 'newest listed first');
    }
  });

  it('shows expired, rejected and pending matches disabled, with the reason as text', async () => {
    const el = await mount(allDocs, [identity, residence, selfie]);
    const options = [...fieldset(el, 0).querySelectorAll('label')];
    const byId = (id: string) => options.find((o) => o.querySelector('input')!.value === id)!;
    for (const id of ['id-old', 'dl-rej']) {
      expect(byId(id).querySelector('input')!.disabled, id).to.equal(true);
      expect(byId(id).getAttribute('part')).to.contain('option-blocked');
    }
    expect(text(byId('id-old'))).to.equal('ID card France · Issued Jan 1, 2010 · Expired on Jan 1, 2020');
    expect(text(byId('dl-rej'))).to.equal('Driving license Spain · Rejected');
    expect(byId('pp-new').querySelector('input')!.disabled).to.equal(false);
    expect(text(byId('pp-new'))).to.equal('Passport Germany · Issued Feb 10, 2023 · Expires Feb 10, 2099');
    const pending = fieldset(el, 1).querySelector('label')!;
    expect(text(pending)).to.equal('Residence permit Under review');
    expect(pending.querySelector('input')!.disabled).to.equal(true);
    expect(text(fieldset(el, 2).querySelector('label'))).to.equal('Selfie Expired on Jun 30, 2021');
  });

  it('a verified document expiring today is still reusable; yesterday it is not', async () => {
    const now = new Date();
    const yesterday = today(new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1));
    const el = await mount(
      [
        { id: 'a', type: 'passport', expiresAt: today(), status: 'verified' },
        { id: 'b', type: 'passport', expiresAt: yesterday, status: 'verified' },
      ],
      [identity],
    );
    const [a, b] = radios(el, 0);
    expect([a!.value, a!.disabled, a!.checked]).to.deep.equal(['a', false, true]);
    expect([b!.value, b!.disabled]).to.deep.equal(['b', true]);
  });

  it('a rejected or pending document cannot be selected, even by clicking it', async () => {
    const el = await mount([licenceRejected, permitPending, passportNew], [identity, residence]);
    const rejected = radios(el, 0).find((r) => r.value === 'dl-rej')!;
    rejected.click();
    fieldset(el, 1).querySelector('label')!.click();
    await el.updateComplete;
    expect(rejected.checked).to.equal(false);
    expect(await submit(el)).to.deep.equal({
      selections: [{ requirementId: 'identity', documentId: 'pp-new' }],
      missing: [],
    });
  });

  it('says "will be collected" for a required requirement with nothing reusable', async () => {
    const el = await mount([idCardExpiredByDate], [identity, address]);
    for (const i of [0, 1]) {
      expect(text(fieldset(el, i).querySelector('[part="note"]'))).to.equal('Nothing to reuse; it will be collected next.');
    }
    expect(radios(el, 1)).to.have.length(0);
  });

  it('offers "Don’t share" only for optional requirements', async () => {
    const el = await mount([passportNew, permitVerified], [identity, residence]);
    expect(radios(el, 0).map((r) => r.value)).to.deep.equal(['pp-new']);
    expect(radios(el, 1).map((r) => r.value)).to.deep.equal(['rp-ok', '']);
    expect(text(radios(el, 1)[1]!.closest('label'))).to.equal('Don’t share');
  });

  it('names documents by label, else by their localized type, else "Document"', async () => {
    const el = await mount(
      [addressProof, { id: 'tax', type: 'tax_form', status: 'verified' }, { ...passportNew, label: '' }],
      [{ id: 'any', accepts: ['proof_of_address', 'tax_form', 'passport'], required: true }],
    );
    const names = [...fieldset(el, 0).querySelectorAll('.name')].map(text);
    expect(names).to.deep.equal(['Utility bill (March)', 'Passport', 'Document']);
  });
});

describe('<idc-reuse-selection> events', () => {
  it('all reusable: the newest of each, nothing missing', async () => {
    const el = await mount([passportOld, passportNew, addressProof, permitVerified], [identity, address, residence]);
    expect(await submit(el)).to.deep.equal({
      selections: [
        { requirementId: 'identity', documentId: 'pp-new' },
        { requirementId: 'address', documentId: 'poa' },
        { requirementId: 'residence', documentId: 'rp-ok' },
      ],
      missing: [],
    });
  });

  it('some expired: the expired requirement is missing', async () => {
    const el = await mount([idCardExpiredByDate, addressProof], [identity, address]);
    expect(await submit(el)).to.deep.equal({
      selections: [{ requirementId: 'address', documentId: 'poa' }],
      missing: ['identity'],
    });
  });

  it('some missing: required ones are listed, optional ones are not', async () => {
    const el = await mount([passportNew], [identity, address, residence, selfie]);
    const detail = await submit(el);
    expect(detail).to.deep.equal({
      selections: [{ requirementId: 'identity', documentId: 'pp-new' }],
      missing: ['address', 'selfie'],
    });
    expect(text(fieldset(el, 2).querySelector('[part="note"]'))).to.equal('Nothing to reuse; it will be skipped.');
  });

  it('optional left out with "Don’t share"', async () => {
    const el = await mount([passportNew, permitVerified], [identity, residence]);
    radios(el, 1).find((r) => r.value === '')!.click();
    expect(await submit(el)).to.deep.equal({
      selections: [{ requirementId: 'identity', documentId: 'pp-new' }],
      missing: [],
    });
  });

  it('an older document can be chosen instead of the newest', async () => {
    const el = await mount([passportOld, passportNew], [identity]);
    radios(el, 0).find((r) => r.value === 'pp-old')!.click();
    expect(await submit(el)).to.deep.equal({
      selections: [{ requirementId: 'identity', documentId: 'pp-old' }],
      missing: [],
    });
  });

  it('one document may satisfy two requirements', async () => {
    const el = await mount([passportNew], [identity, { id: 'nationality', accepts: ['passport'], required: true }]);
    expect((await submit(el)).selections).to.deep.equal([
      { requirementId: 'identity', documentId: 'pp-new' },
      { requirementId: 'nationality', documentId: 'pp-new' },
    ]);
  });

  it('submits once, then is pending; bubbles and is composed', async () => {
    const el = await mount([passportNew], [identity]);
    const seen: IdcReuseSelectDetail[] = [];
    const listener = (e: Event) => seen.push((e as CustomEvent<IdcReuseSelectDetail>).detail);
    document.addEventListener('idc-reuse-select', listener);
    const event = oneEvent(document, 'idc-reuse-select');
    submitButton(el).click();
    $<HTMLFormElement>(el, 'form').requestSubmit();
    const e = await event;
    document.removeEventListener('idc-reuse-select', listener);
    expect(e.bubbles && e.composed).to.equal(true);
    await el.updateComplete;
    expect(seen).to.have.length(1);
    expect(el.pending).to.equal(true);
    expect(submitButton(el).disabled).to.equal(true);
    expect($(el, '[part="actions"]').getAttribute('aria-busy')).to.equal('true');
    expect(text($(el, '[role="status"]'))).to.equal('Please wait…');
  });

  it('Cancel sends idc-cancel {reason: "user"}', async () => {
    const el = await mount([passportNew], [identity]);
    const seen: string[] = [];
    el.addEventListener('idc-reuse-select', () => seen.push('select'));
    const event = oneEvent(document, 'idc-cancel');
    $<HTMLButtonElement>(el, '[part="cancel-button"]').click();
    const e = await event;
    expect(e.detail).to.deep.equal({ reason: 'user' });
    expect(e.bubbles && e.composed).to.equal(true);
    expect(seen).to.deep.equal([]);
  });

  it('new documents reset the choice to the new newest', async () => {
    const el = await mount([passportOld], [identity]);
    el.documents = [passportOld, passportNew];
    await el.updateComplete;
    expect(el.selection.selections).to.deep.equal([{ requirementId: 'identity', documentId: 'pp-new' }]);
  });

  it('keyboard only: arrow keys between radios, Tab between groups, Space on the submit button', async () => {
    const wrap = await fixture<HTMLElement>(html`<div lang="en">
      <button id="start">start</button>
      <idc-reuse-selection
        .documents=${[passportOld, passportNew, addressProof, permitVerified]}
        .requirements=${[identity, address, residence]}
        .recipient=${{ name: 'Northbank' }}
      ></idc-reuse-selection>
    </div>`);
    const el = wrap.querySelector('idc-reuse-selection')!;
    await el.updateComplete;
    const active = () => el.shadowRoot!.activeElement as HTMLInputElement | HTMLButtonElement | null;
    wrap.querySelector<HTMLButtonElement>('#start')!.focus();
    await sendKeys({ press: 'Tab' });
    expect(active()!.value).to.equal('pp-new');
    await sendKeys({ press: 'ArrowDown' });
    expect(active()!.value).to.equal('pp-old');
    expect((active() as HTMLInputElement).checked).to.equal(true);
    await sendKeys({ press: 'Tab' });
    expect(active()!.value).to.equal('poa');
    await sendKeys({ press: 'Tab' });
    expect(active()!.value).to.equal('rp-ok');
    await sendKeys({ press: 'ArrowDown' });
    expect(active()!.value).to.equal('');
    await sendKeys({ press: 'Tab' });
    expect(active()!.getAttribute('part')).to.equal('cancel-button');
    await sendKeys({ press: 'Tab' });
    expect(active()!.getAttribute('part')).to.equal('submit-button');
    const event = oneEvent(el, 'idc-reuse-select');
    await sendKeys({ press: ' ' }); // Space; Firefox's WebDriver BiDi keyboard rejects the name "Space".
    expect((await event).detail).to.deep.equal({
      selections: [
        { requirementId: 'identity', documentId: 'pp-old' },
        { requirementId: 'address', documentId: 'poa' },
      ],
      missing: [],
    });
  });

  it('keyboard only: Enter on the submit button submits', async () => {
    const el = await mount([passportNew], [identity]);
    submitButton(el).focus();
    const event = oneEvent(el, 'idc-reuse-select');
    await sendKeys({ press: 'Enter' });
    expect((await event).detail.selections).to.have.length(1);
  });
});

describe('<idc-reuse-selection> hostile and malformed input', () => {
  const hostile = ['<img src=x onerror="window.__idcPwned=1">', '<script>window.__idcPwned=1</script>', '\u202Etxt.exe'];
  for (const value of hostile) {
    it(`renders ${JSON.stringify(value)} as text`, async () => {
      const wrap = await fixture<HTMLElement>(html`<div>
        <idc-reuse-selection
          .documents=${[{ ...passportNew, label: value }, { ...licenceRejected, label: value }]}
          .requirements=${[{ ...identity, label: value }]}
          .recipient=${{ name: value }}
        ></idc-reuse-selection>
      </div>`);
      const el = wrap.querySelector('idc-reuse-selection')!;
      await el.updateComplete;
      expect($$(el, 'img, script').length).to.equal(0);
      expect((window as { __idcPwned?: unknown }).__idcPwned).to.equal(undefined);
      const bdis = $$(el, 'h1 bdi, legend bdi, .name bdi');
      expect(bdis).to.have.length(4);
      for (const bdi of bdis) {
        expect(bdi.textContent).to.equal(value);
        expect(bdi.children.length).to.equal(0);
      }
    });
  }

  it('survives missing or malformed properties', async () => {
    const el = await mount(null, [{ id: 'r', accepts: null, required: true }, null, 'junk']);
    expect($$(el, 'fieldset')).to.have.length(1);
    const odd = await mount(
      [
        { id: 'a', type: 'passport', status: 'verified', expiresAt: 'soon', country: 'not a country', issuedAt: 'x' },
        { id: 'b', type: 'passport', status: 'weird' },
      ],
      [identity],
    );
    expect(radios(odd, 0).every((r) => r.disabled)).to.equal(true, 'unknown status or malformed expiry: not reusable');
    expect(text(odd.shadowRoot!.querySelector('label'))).to.contain('Not reusable');
    expect(await submit(odd)).to.deep.equal({ selections: [], missing: ['identity'] });
  });
});

describe('<idc-reuse-selection> language', () => {
  it('formats dates and countries with Intl in the element’s language', async () => {
    const el = await mount([passportNew], [identity], 'de');
    const label = text(fieldset(el, 0).querySelector('label'));
    const date = new Intl.DateTimeFormat('de', { dateStyle: 'medium', timeZone: 'UTC' }).format(Date.UTC(2023, 1, 10));
    expect(label).to.equal(`Reisepass Deutschland · Ausgestellt am ${date} · Gültig bis 10.02.2099`);
    expect(date).to.equal('10.02.2023');
    expect(text(submitButton(el))).to.equal('Auswahl teilen');
  });

  it('follows the nearest [lang] and its changes, with English for unknown languages', async () => {
    const el = await mount([passportNew], [identity], 'fr');
    expect(text(submitButton(el))).to.equal('Partager la sélection');
    expect(text(fieldset(el, 0).querySelector('.name'))).to.equal('Passeport');
    el.parentElement!.setAttribute('lang', 'es');
    await waitUntil(() => text(submitButton(el)) === 'Compartir selección');
    el.parentElement!.setAttribute('lang', 'ar');
    await waitUntil(() => text(submitButton(el)) === 'مشاركة المحدد');
    expect(text(fieldset(el, 0).querySelector('.meta'))).to.contain('ألمانيا');
    expect($(el, 'form').getAttribute('dir')).to.equal('rtl');
    el.parentElement!.setAttribute('lang', 'sw');
    await waitUntil(() => text(submitButton(el)) === 'Share selected');
  });

  it('a malformed lang tag does not break the dates', async () => {
    const el = await mount([passportNew], [identity], 'en_US!!');
    expect(text(fieldset(el, 0).querySelector('.meta'))).to.contain('2023');
  });
});
