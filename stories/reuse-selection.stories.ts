import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../src/components/reuse-selection/define.js';
import type {
  ReuseDocument,
  ReuseRecipient,
  ReuseRequirement,
} from '../src/components/reuse-selection/reuse-selection.js';
import { logged } from './support.js';

// One arg per attribute of the manifest, named as the property it sets (object-valued ones are bound as properties),
// plus `lang` for the story's wrapper; controls and descriptions come from custom-elements.json
// (.storybook/manifest-arg-types.ts). Events are logged in the Actions panel.
interface Args {
  theme: 'light' | 'dark' | 'auto';
  lang: string;
  pending: boolean;
  recipient: ReuseRecipient;
  documents: ReuseDocument[];
  requirements: ReuseRequirement[];
}

const passport: ReuseDocument = {
  id: 'pp-2023',
  type: 'passport',
  country: 'DE',
  issuedAt: '2023-02-10',
  expiresAt: '2033-02-09',
  status: 'verified',
};
const olderPassport: ReuseDocument = {
  id: 'pp-2016',
  type: 'passport',
  country: 'DE',
  issuedAt: '2016-05-01',
  expiresAt: '2026-04-30',
  status: 'verified',
};
const expiredId: ReuseDocument = {
  id: 'id-2010',
  type: 'id_card',
  country: 'FR',
  issuedAt: '2010-01-01',
  expiresAt: '2020-01-01',
  status: 'verified',
};
const rejectedLicence: ReuseDocument = { id: 'dl', type: 'driving_license', country: 'ES', status: 'rejected' };
const pendingPermit: ReuseDocument = { id: 'rp', type: 'residence_permit', country: 'NL', status: 'pending' };
const bill: ReuseDocument = {
  id: 'poa',
  type: 'proof_of_address',
  label: 'Electricity bill, March',
  issuedAt: '2025-03-05',
  status: 'verified',
};
const permit: ReuseDocument = { id: 'rp-ok', type: 'residence_permit', country: 'NL', issuedAt: '2022-03-03', status: 'verified' };

const identity: ReuseRequirement = {
  id: 'identity',
  label: 'Identity document',
  accepts: ['passport', 'id_card', 'driving_license'],
  required: true,
};
const address: ReuseRequirement = { id: 'address', accepts: ['proof_of_address'], required: true };
const residence: ReuseRequirement = { id: 'residence', accepts: ['residence_permit'], required: false };
const selfie: ReuseRequirement = { id: 'selfie', accepts: ['selfie'], required: true };

const meta: Meta<Args> = {
  title: 'Provider/Reuse selection',
  component: 'idc-reuse-selection',
  tags: ['autodocs'],
  args: {
    theme: 'light',
    lang: 'en',
    pending: false,
    recipient: { name: 'Northbank' },
    documents: [passport, olderPassport, bill, permit],
    requirements: [identity, address, residence],
  },
  argTypes: {
    lang: {
      control: 'inline-radio',
      options: ['en', 'de', 'es', 'fr', 'ar'],
      description: 'Not an attribute of the element: the `lang` of a wrapper, which the element follows',
      table: { category: 'story' },
    },
  },
  parameters: {
    docs: {
      description: {
        component:
          "The reuse step: each of the recipient's requirements lists the account's reusable documents (verified, not " +
          'expired) with the newest preselected; documents that match but cannot be reused are shown disabled, optional ' +
          'requirements can be left out, and a requirement with nothing reusable is "collected next". **Share ' +
          'selected** is logged in the Actions panel as `idc-reuse-select`, **Cancel** as `idc-cancel`.',
      },
    },
  },
  render: (a) => html`<div lang=${a.lang} dir=${a.lang === 'ar' ? 'rtl' : 'ltr'}>
    <idc-reuse-selection
      theme=${a.theme}
      ?pending=${a.pending}
      .documents=${a.documents}
      .requirements=${a.requirements}
      .recipient=${a.recipient}
      @idc-reuse-select=${logged(a, 'idc-reuse-select')}
      @idc-cancel=${logged(a, 'idc-cancel')}
    ></idc-reuse-selection>
  </div>`,
};
export default meta;

type Story = StoryObj<Args>;

/** Every requirement has a reusable document; the newest passport is preselected. */
export const AllReusable: Story = {};

/** Matches that cannot be reused are shown, disabled, with the reason; the identity document will be collected. */
export const SomeExpired: Story = {
  args: { documents: [expiredId, rejectedLicence, pendingPermit, bill], requirements: [identity, address, residence] },
};

/** Required requirements with nothing reusable are "collected next" and reported in `missing`. */
export const SomeMissing: Story = { args: { documents: [passport], requirements: [identity, address, selfie, residence] } };

/** The optional residence permit is left out with "Don't share". */
export const OptionalLeftOut: Story = {
  play: async ({ canvasElement }) => {
    const el = canvasElement.querySelector('idc-reuse-selection');
    await el?.updateComplete;
    el?.shadowRoot?.querySelector<HTMLInputElement>('input[name="r2"][value=""]')?.click();
  },
};

export const Pending: Story = { args: { pending: true } };

export const Dark: Story = {
  args: { theme: 'dark', documents: [passport, expiredId, rejectedLicence, bill], requirements: [identity, address, residence] },
};

export const Arabic: Story = {
  args: {
    lang: 'ar',
    recipient: { name: 'البنك الشمالي' },
    documents: [passport, expiredId, pendingPermit, bill],
    requirements: [{ ...identity, label: 'وثيقة الهوية' }, address, residence, selfie],
  },
};
