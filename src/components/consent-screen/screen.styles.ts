/**
 * Styles shared by the provider screens (`<idc-consent-screen>`, `<idc-reuse-selection>`): card, headings, buttons,
 * focus ring, visually hidden text. Written compactly on purpose — they ship in the provider-UI bundle (budget 14 kB
 * gzip with Lit). Logical properties only, so right-to-left works without extra rules.
 */
import { css } from 'lit';

export const screenStyles = css`
  :host { display: block; color: var(--_idc-text); font-size: var(--_idc-font-size); line-height: 1.5 }
  .base {
    box-sizing: border-box; max-inline-size: var(--idc-screen-max-width, 34rem); margin-inline: auto;
    padding: var(--idc-screen-padding, 1.5rem); background: var(--_idc-surface);
    border: 1px solid var(--_idc-border); border-radius: var(--_idc-radius)
  }
  h1 { font-size: 1.375em; line-height: 1.3; margin: 0 }
  h2 { font-size: 1em; margin-block: 1.25rem 0.5rem }
  p { margin-block: 0.75rem }
  a, .link { color: var(--_idc-primary) }
  .muted { color: var(--_idc-muted) }
  .name { display: block; font-weight: 600 }
  .actions { display: flex; flex-wrap: wrap; gap: 0.75rem; margin-block-start: 1.25rem }
  .actions button {
    flex: 1 1 8rem; min-block-size: 2.75rem; padding: 0.5rem 1rem; font: inherit; font-weight: 600;
    color: var(--_idc-primary); background: var(--_idc-surface); border: 2px solid var(--_idc-primary);
    border-radius: var(--_idc-radius); cursor: pointer
  }
  .actions .primary { color: var(--_idc-on-primary); background: var(--_idc-primary) }
  .actions button:disabled { cursor: progress; border-style: dashed }
  :focus-visible { outline: 3px solid var(--_idc-focus); outline-offset: 2px }
  .status { margin-block: 0.75rem 0 }
  .vh { position: absolute; inline-size: 1px; block-size: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap }
  @media (forced-colors: active) {
    .actions button, .actions .primary { color: ButtonText; background: ButtonFace; border-color: ButtonText }
    .actions button:disabled { color: GrayText; border-color: GrayText }
  }
`;

/**
 * The screens' part of the theme (shared/theme.ts): text, muted text and border colors, in the same light/dark/auto
 * and forced-colors cases.
 */
export const textTheme = css`
  :host {
    --_idc-text: var(--idc-color-text, #1b1f24);
    --_idc-muted: var(--idc-color-muted, #505a66);
    --_idc-border: var(--idc-color-border, #767f8a);
  }

  :host([theme='dark']) {
    --_idc-text: var(--idc-color-text, #eef1f4);
    --_idc-muted: var(--idc-color-muted, #b5bdc7);
    --_idc-border: var(--idc-color-border, #8a949f);
  }

  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light']):not([theme='dark'])) {
      --_idc-text: var(--idc-color-text, #eef1f4);
      --_idc-muted: var(--idc-color-muted, #b5bdc7);
      --_idc-border: var(--idc-color-border, #8a949f);
    }
  }

  @media (forced-colors: active) {
    :host {
      --_idc-text: CanvasText;
      --_idc-muted: CanvasText;
      --_idc-border: ButtonText;
    }
  }
`;
