import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../src/components/share-button/define.js';
import type { PreparedFlow } from '../src/components/shared/flow-button.js';
import { IdcShareButton } from '../src/components/share-button/share-button.js';
import type { FlowHandle, ShareConsentResult } from '../src/flow/index.js';

interface Args {
  recipientName: string;
  shareLink: string;
  state: string;
  mode: 'popup' | 'redirect';
  variant: 'filled' | 'outline';
  theme: 'light' | 'dark' | 'auto';
  size: 'small' | 'medium' | 'large';
  shape: 'rectangular' | 'pill';
  fullWidth: boolean;
  disabled: boolean;
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

const clickInside = (root: HTMLElement, selector: string): void => {
  const el = root.querySelector(selector) as HTMLElement | null;
  el?.shadowRoot?.querySelector<HTMLButtonElement>('button[part="base"]')?.click();
};

const meta: Meta<Args> = {
  title: 'Integrator/Share button',
  component: 'idc-share-button',
  tags: ['autodocs'],
  args: {
    recipientName: 'Acme Bank',
    shareLink: 'http://localhost:4000/share/example',
    state: 'example-state',
    mode: 'popup',
    variant: 'filled',
    theme: 'auto',
    size: 'medium',
    shape: 'rectangular',
    fullWidth: false,
    disabled: false,
  },
  argTypes: {
    mode: { control: 'inline-radio', options: ['popup', 'redirect'] },
    variant: { control: 'inline-radio', options: ['filled', 'outline'] },
    theme: { control: 'inline-radio', options: ['auto', 'light', 'dark'] },
    size: { control: 'inline-radio', options: ['small', 'medium', 'large'] },
    shape: { control: 'inline-radio', options: ['rectangular', 'pill'] },
    shareLink: {
      description:
        'Property only: a link from `POST /api/share-link` (needs `state`), or an async function `({ state }) => link` (without `state` the element generates one and passes it)',
    },
    state: { description: 'The state the backend bound to the link; the consent token must carry it (claim `state`)' },
  },
  render: (a) => html`<idc-share-button
    .recipientName=${a.recipientName}
    .shareLink=${a.shareLink || undefined}
    .state=${a.state || undefined}
    mode=${a.mode}
    variant=${a.variant}
    theme=${a.theme}
    size=${a.size}
    shape=${a.shape}
    ?full-width=${a.fullWidth}
    ?disabled=${a.disabled}
    @idc-consent=${(e: CustomEvent) => console.info('idc-consent', e.detail)}
    @idc-error=${(e: CustomEvent) => console.info('idc-error', e.detail)}
  ></idc-share-button>`,
};
export default meta;

type Story = StoryObj<Args>;

export const Default: Story = {};

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
