import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import '../src/components/verify-button/define.js';
import type { PreparedFlow } from '../src/components/shared/flow-button.js';
import { IdcVerifyButton } from '../src/components/verify-button/verify-button.js';
import type { FlowHandle, VerifyResult } from '../src/flow/index.js';
import { clickInside, logged } from './support.js';

// One arg per attribute of the manifest, named as the property it sets; controls and descriptions come from
// custom-elements.json (.storybook/manifest-arg-types.ts). Events are logged in the Actions panel.
interface Args {
  authority: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  loginHint: string;
  timeout: number;
  providerName: string;
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

/** Preview only: a flow that never ends, so the pending look can be shown without a provider. */
class PendingPreviewButton extends IdcVerifyButton {
  protected override prepareFlow(): PreparedFlow<VerifyResult> {
    const handle: FlowHandle<VerifyResult> = { result: new Promise<VerifyResult>(() => {}), focus: () => {}, cancel: () => {} };
    return { ready: true, start: () => handle };
  }
}
if (!customElements.get('story-pending-verify-button')) {
  customElements.define('story-pending-verify-button', PendingPreviewButton);
}

const meta: Meta<Args> = {
  title: 'Integrator/Verify button',
  component: 'idc-verify-button',
  tags: ['autodocs'],
  args: {
    authority: 'http://localhost:4000',
    clientId: 'demo-integrator',
    redirectUri: '',
    scope: 'openid share',
    loginHint: '',
    timeout: 600,
    providerName: 'ID',
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
    timeout: { control: { type: 'number', min: 1, step: 1 } },
    defaultSlot: { description: 'Default slot: replaces the label text' },
  },
  parameters: {
    docs: {
      description: {
        component:
          'A click opens the provider in a popup (or navigates, `mode="redirect"`); without a provider running on ' +
          '`authority` the flow ends in `idc-error` (`discovery_failed`), which the Actions panel shows with `idc-start`. ' +
          '`pending` is reflected and read-only: setting it from the page is ignored (see the **Pending** story).',
      },
    },
  },
  render: (a) => html`<idc-verify-button
    authority=${ifDefined(a.authority || undefined)}
    client-id=${ifDefined(a.clientId || undefined)}
    redirect-uri=${ifDefined(a.redirectUri || undefined)}
    scope=${a.scope}
    login-hint=${ifDefined(a.loginHint || undefined)}
    timeout=${a.timeout}
    provider-name=${a.providerName}
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
    @idc-success=${logged(a, 'idc-success')}
    @idc-error=${logged(a, 'idc-error')}
    @idc-cancel=${logged(a, 'idc-cancel')}
    @idc-fallback=${logged(a, 'idc-fallback')}
    >${a.defaultSlot || nothing}</idc-verify-button
  >`,
};
export default meta;

type Story = StoryObj<Args>;

export const Default: Story = {};

/** Every attribute set: the code snippet below the story shows the markup. */
export const AllAttributes: Story = {
  args: {
    redirectUri: 'http://localhost:5173/callback',
    scope: 'openid share offline_access',
    loginHint: 'alice@example.com',
    timeout: 300,
    providerName: 'Northwind ID',
    mode: 'redirect',
    fallback: 'redirect',
    variant: 'outline',
    theme: 'light',
    size: 'large',
    shape: 'pill',
    fullWidth: true,
  },
};

export const Outline: Story = { args: { variant: 'outline' } };

export const Pill: Story = { args: { shape: 'pill', providerName: 'Northwind ID' } };

export const Sizes: Story = {
  render: (a) => html`<div style="display:flex;gap:12px;align-items:center;flex-wrap:wrap">
    ${(['small', 'medium', 'large'] as const).map(
      (size) => html`<idc-verify-button authority=${a.authority} client-id=${a.clientId} size=${size}></idc-verify-button>
        <idc-verify-button authority=${a.authority} client-id=${a.clientId} size=${size} variant="outline"></idc-verify-button>`,
    )}
  </div>`,
};

export const FullWidth: Story = { args: { fullWidth: true } };

export const Dark: Story = {
  args: { theme: 'dark' },
  render: (a, ctx) => html`<div style="background:#16191d;padding:16px;display:flex;gap:12px">
    ${meta.render!(a, ctx)} ${meta.render!({ ...a, variant: 'outline' }, ctx)}
  </div>`,
};

export const Light: Story = { args: { theme: 'light' } };

export const CustomLabel: Story = { args: { defaultSlot: 'Reuse my verified ID' } };

export const Disabled: Story = { args: { disabled: true } };

export const Pending: Story = {
  render: (a) => html`<story-pending-verify-button
    authority=${a.authority}
    client-id=${a.clientId}
    variant=${a.variant}
    size=${a.size}
    shape=${a.shape}
  ></story-pending-verify-button>`,
  play: async ({ canvasElement }) => clickInside(canvasElement, 'story-pending-verify-button'),
};

/** No `authority`: a click reports `invalid_config` and shows the localized error line. */
export const ErrorShown: Story = {
  name: 'Error',
  args: { authority: '' },
  play: async ({ canvasElement }) => clickInside(canvasElement, 'idc-verify-button'),
};

export const Arabic: Story = {
  render: (a, ctx) => html`<div lang="ar" dir="rtl">${meta.render!(a, ctx)}</div>`,
};

export const Languages: Story = {
  render: (a) => html`<div style="display:grid;gap:8px;justify-items:start">
    ${['en', 'de', 'es', 'fr', 'ar'].map(
      (lang) => html`<div lang=${lang}>
        <idc-verify-button authority=${a.authority} client-id=${a.clientId} provider-name="Northwind ID"></idc-verify-button>
      </div>`,
    )}
  </div>`,
};
