import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import '../src/components/share-button/define.js';
import type { PreparedFlow } from '../src/components/shared/flow-button.js';
import { IdcShareButton } from '../src/components/share-button/share-button.js';
import type { FlowHandle, ShareConsentResult } from '../src/flow/index.js';
import { clickInside, logged } from './support.js';

// One arg per attribute of the manifest (and `shareLink`, a property only), named as the property it sets; controls and
// descriptions come from custom-elements.json (.storybook/manifest-arg-types.ts). Events are logged in the Actions panel.
interface Args {
  recipientName: string;
  shareLink: string;
  state: string;
  redirectUri: string;
  timeout: number;
  mode: 'popup' | 'redirect';
  fallback: 'redirect' | 'none';
  variant: 'filled' | 'outline';
  theme: 'light' | 'dark' | 'auto';
  size: 'small' | 'medium' | 'large';
  shape: 'rectangular' | 'pill';
  fullWidth: boolean;
  disabled: boolean;
  pending: boolean;
  defaultSlot: string;
}

/** Preview only: a consent flow that never ends, so the pending look can be shown without a provider. */
class PendingPreviewShareButton extends IdcShareButton {
  protected override prepareFlow(): PreparedFlow<ShareConsentResult> {
    const handle: FlowHandle<ShareConsentResult> = { result: new Promise<ShareConsentResult>(() => {}), focus: () => {}, cancel: () => {} };
    return { ready: true, start: () => handle };
  }
}
if (!customElements.get('story-pending-share-button')) {
  customElements.define('story-pending-share-button', PendingPreviewShareButton);
}

const meta: Meta<Args> = {
  title: 'Integrator/Share button',
  component: 'idc-share-button',
  tags: ['autodocs'],
  args: {
    recipientName: 'Acme Bank',
    shareLink: 'http://localhost:4000/share/example',
    state: 'example-state',
    redirectUri: '',
    timeout: 600,
    mode: 'popup',
    fallback: 'none',
    variant: 'filled',
    theme: 'auto',
    size: 'medium',
    shape: 'rectangular',
    fullWidth: false,
    disabled: false,
    pending: false,
    defaultSlot: '',
  },
  argTypes: {
    // A string here; in an app usually an async function `({ state }) => link` that asks the backend.
    shareLink: { control: 'text' },
    timeout: { control: { type: 'number', min: 1, step: 1 } },
    defaultSlot: { description: 'Default slot: replaces the label text' },
  },
  parameters: {
    docs: {
      description: {
        component:
          'Without a provider running, a click opens a window on a link that answers nothing; the Actions panel shows ' +
          '`idc-start`, and the **Error** story (no `shareLink`) `idc-error` with `invalid_config`. `pending` is ' +
          'reflected and read-only: setting it from the page is ignored (see the **Pending** story).',
      },
    },
  },
  render: (a) => html`<idc-share-button
    .shareLink=${a.shareLink || undefined}
    recipient-name=${a.recipientName}
    state=${ifDefined(a.state || undefined)}
    redirect-uri=${ifDefined(a.redirectUri || undefined)}
    timeout=${a.timeout}
    mode=${a.mode}
    fallback=${a.fallback}
    variant=${a.variant}
    theme=${a.theme}
    size=${a.size}
    shape=${a.shape}
    ?full-width=${a.fullWidth}
    ?disabled=${a.disabled}
    ?pending=${a.pending}
    @idc-start=${logged(a, 'idc-start')}
    @idc-consent=${logged(a, 'idc-consent')}
    @idc-cancel=${logged(a, 'idc-cancel')}
    @idc-error=${logged(a, 'idc-error')}
    @idc-fallback=${logged(a, 'idc-fallback')}
    >${a.defaultSlot || nothing}</idc-share-button
  >`,
};
export default meta;

type Story = StoryObj<Args>;

export const Default: Story = {};

/** Every attribute set: the code snippet below the story shows the markup (`shareLink` is a property). */
export const AllAttributes: Story = {
  args: {
    redirectUri: 'http://localhost:5173/share-callback',
    timeout: 300,
    mode: 'redirect',
    fallback: 'redirect',
    variant: 'outline',
    theme: 'light',
    size: 'large',
    shape: 'pill',
    fullWidth: true,
  },
};

export const CustomLabel: Story = { args: { defaultSlot: 'Share my verified ID with Acme Bank' } };

export const WithoutRecipientName: Story = { args: { recipientName: '' } };

export const OutlinePill: Story = { args: { variant: 'outline', shape: 'pill' } };

export const Sizes: Story = {
  render: (a, ctx) => html`<div style="display:flex;gap:12px;align-items:center">
    ${(['small', 'medium', 'large'] as const).map((size) => meta.render!({ ...a, size }, ctx))}
  </div>`,
};

export const Dark: Story = {
  args: { theme: 'dark' },
  render: (a, ctx) => html`<div style="background:#16191d;padding:16px">${meta.render!(a, ctx)}</div>`,
};

export const Disabled: Story = { args: { disabled: true } };

export const Pending: Story = {
  render: (a) => html`<story-pending-share-button
    recipient-name=${a.recipientName}
    .shareLink=${a.shareLink}
    .state=${a.state}
  ></story-pending-share-button>`,
  play: async ({ canvasElement }) => clickInside(canvasElement, 'story-pending-share-button'),
};

/** No `shareLink`: a click reports `invalid_config` and shows the localized error line. */
export const ErrorShown: Story = {
  name: 'Error',
  args: { shareLink: '' },
  play: async ({ canvasElement }) => clickInside(canvasElement, 'idc-share-button'),
};

export const Arabic: Story = {
  render: (a, ctx) => html`<div lang="ar" dir="rtl">${meta.render!(a, ctx)}</div>`,
};
