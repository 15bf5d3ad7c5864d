/**
 * The shared look of `<idc-verify-button>` and `<idc-share-button>`: variant (filled/outline), size, shape,
 * full width, pending spinner and the error line. Reads only the `--_idc-*` private values of `theme.ts`, plus
 * `--idc-button-*` overrides. Logical properties only, so RTL needs nothing extra.
 */
import { css } from '@lit/reactive-element';

export const buttonStyles = css`
  :host {
    display: inline-block;
    vertical-align: middle;
    --_h: var(--idc-button-height, 2.5rem);
    --_px: var(--idc-button-padding-inline, 1rem);
    --_fs: var(--_idc-font-size);
  }
  :host([full-width]) {
    display: block;
  }
  :host([size='small']) {
    --_h: var(--idc-button-height, 2rem);
    --_px: var(--idc-button-padding-inline, 0.75rem);
    --_fs: calc(var(--_idc-font-size) * 0.875);
  }
  :host([size='large']) {
    --_h: var(--idc-button-height, 3rem);
    --_px: var(--idc-button-padding-inline, 1.5rem);
    --_fs: calc(var(--_idc-font-size) * 1.125);
  }

  .base {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.5em;
    box-sizing: border-box;
    min-block-size: var(--_h);
    padding-block: 0.25em;
    padding-inline: var(--_px);
    margin: 0;
    border: 1px solid var(--_idc-primary);
    border-radius: var(--_idc-radius);
    background: var(--_idc-primary);
    color: var(--_idc-on-primary);
    font: inherit;
    font-size: var(--_fs);
    font-weight: var(--idc-button-font-weight, 600);
    line-height: 1.2;
    text-align: center;
    cursor: pointer;
    transition: filter 0.15s;
  }
  :host([full-width]) .base {
    inline-size: 100%;
  }
  :host([shape='pill']) .base {
    border-radius: 9999px;
  }
  :host([variant='outline']) .base {
    background: var(--_idc-surface);
    color: var(--_idc-primary);
  }
  .base:hover:not(:disabled) {
    filter: brightness(1.08) saturate(1.1);
  }
  .base:active:not(:disabled) {
    filter: brightness(0.94);
  }
  .base:focus-visible {
    outline: 2px solid var(--_idc-focus);
    outline-offset: 2px;
  }
  .base:disabled {
    cursor: not-allowed;
    opacity: 0.55;
  }
  .base[aria-busy='true'] {
    cursor: progress;
  }

  .spinner {
    flex: none;
    inline-size: 1em;
    block-size: 1em;
    box-sizing: border-box;
    border: 0.15em solid currentColor;
    border-inline-end-color: transparent;
    border-radius: 50%;
    animation: idc-spin 0.8s linear infinite;
  }
  @keyframes idc-spin {
    to {
      transform: rotate(360deg);
    }
  }

  #hint {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }

  #error {
    margin-block-start: 0.375em;
    color: var(--_idc-danger);
    font-size: 0.875em;
    line-height: 1.3;
  }
  #error:empty {
    margin: 0;
  }
`;
