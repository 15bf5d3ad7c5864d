import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../src/components/consent-screen/define.js';
import type {
  ConsentAccount,
  ConsentDataItem,
  ConsentIntegrator,
  ConsentRecipient,
} from '../src/components/consent-screen/consent-screen.js';
import { logged } from './support.js';

// One arg per attribute of the manifest, named as the property it sets (object-valued ones are bound as properties),
// plus `lang` for the story's wrapper; controls and descriptions come from custom-elements.json
// (.storybook/manifest-arg-types.ts). Events are logged in the Actions panel.
interface Args {
  kind: 'connect' | 'share';
  theme: 'light' | 'dark' | 'auto';
  lang: string;
  pending: boolean;
  armDelay: number;
  providerName: string;
  integrator: ConsentIntegrator;
  recipient: ConsentRecipient;
  dataItems: ConsentDataItem[];
  account: ConsentAccount;
}

const integrator: ConsentIntegrator = { name: 'Acme Shop', url: 'https://acme.example/' };
const recipient: ConsentRecipient = {
  name: 'Northbank',
  clientId: 'demo-recipient',
  url: 'https://northbank.example/',
  privacyPolicyUrl: 'https://northbank.example/privacy',
};
const dataItems: ConsentDataItem[] = [
  { id: 'passport', label: 'Passport (verified 2024-03-02)' },
  { id: 'poa', label: 'Proof of address' },
  { id: 'email', label: 'Email address' },
];

const meta: Meta<Args> = {
  title: 'Provider/Consent screen',
  component: 'idc-consent-screen',
  tags: ['autodocs'],
  args: {
    kind: 'connect',
    theme: 'light',
    lang: 'en',
    pending: false,
    armDelay: 500,
    providerName: 'ID',
    integrator,
    recipient,
    dataItems: [],
    account: { email: 'alice@example.com' },
  },
  argTypes: {
    lang: {
      control: 'inline-radio',
      options: ['en', 'de', 'es', 'fr', 'ar'],
      description: 'Not an attribute of the element: the `lang` of a wrapper, which the element follows',
      table: { category: 'story' },
    },
    armDelay: { control: { type: 'range', min: 300, max: 1000, step: 100 } },
  },
  parameters: {
    docs: {
      description: {
        component:
          "The provider's authorization screen (`kind=\"connect\"`) and per-recipient share consent (`kind=\"share\"`). " +
          'Text is rendered as text, never as HTML. **Allow** arms only after the screen has been visible and the page ' +
          'focused for `arm-delay` ms (300–1000). A decision is logged in the Actions panel as `idc-consent-decision`, ' +
          '"Not you?" as `idc-switch-account`.',
      },
    },
  },
  render: (a) => html`<div lang=${a.lang} dir=${a.lang === 'ar' ? 'rtl' : 'ltr'}>
    <idc-consent-screen
      kind=${a.kind}
      theme=${a.theme}
      provider-name=${a.providerName}
      arm-delay=${a.armDelay}
      ?pending=${a.pending}
      .integrator=${a.integrator}
      .recipient=${a.recipient}
      .dataItems=${a.dataItems}
      .account=${a.account}
      @idc-consent-decision=${logged(a, 'idc-consent-decision')}
      @idc-switch-account=${logged(a, 'idc-switch-account')}
    ></idc-consent-screen>
  </div>`,
};
export default meta;

type Story = StoryObj<Args>;

/** Authorization: the integrator asks to create share tokens. Allow arms after the page has been visible for 500 ms. */
export const Connect: Story = {};

/** Per-recipient consent: who asks, who receives (with its privacy policy), what is shared, who is signed in. */
export const Share: Story = { args: { kind: 'share', dataItems } };

/** After a decision: buttons disabled, `aria-busy`, "Please wait…". */
export const Pending: Story = { args: { kind: 'share', dataItems, pending: true } };

export const Dark: Story = { args: { kind: 'share', dataItems, theme: 'dark' } };

export const Arabic: Story = {
  args: {
    kind: 'share',
    lang: 'ar',
    integrator: { name: 'متجر أكمي', url: 'https://acme.example/' },
    recipient: { ...recipient, name: 'البنك الشمالي' },
    dataItems: [
      { id: 'passport', label: 'جواز السفر' },
      { id: 'poa', label: 'إثبات العنوان' },
    ],
  },
};

export const German: Story = { args: { kind: 'share', dataItems, lang: 'de' } };

/** Hostile names are text: no markup runs, a U+202E cannot flip the sentence, a javascript: link is not rendered. */
export const HostileInput: Story = {
  args: {
    kind: 'share',
    integrator: { name: '<img src=x onerror=alert(1)>', logoUrl: 'http://insecure.example/logo.png' },
    recipient: {
      name: '\u202Eknab.lisp',
      clientId: 'x',
      url: 'javascript:alert(1)',
      privacyPolicyUrl: 'javascript:alert(1)',
    },
    dataItems: [{ id: 'a', label: '<script>alert(1)</script>' }],
  },
};
