/**
 * The one theming surface of every element: `--idc-*` custom properties resolved on `:host`, light/dark/auto
 * (`theme` attribute), forced colors and reduced motion. Component styles read only the `--_idc-*` private values.
 * The text colors only the provider screens use are in their own styles (`textTheme`, screen.styles.ts), so the
 * buttons do not carry them.
 */
import { css } from '@lit/reactive-element';

export const theme = css`
  :host {
    --_idc-primary: var(--idc-color-primary, #1849a9);
    --_idc-on-primary: var(--idc-color-on-primary, #ffffff);
    --_idc-surface: var(--idc-color-surface, #ffffff);
    --_idc-danger: var(--idc-color-danger, #b42318);
    --_idc-focus: var(--idc-color-focus, var(--_idc-primary));
    --_idc-radius: var(--idc-radius, 6px);
    --_idc-font-size: var(--idc-font-size, 1rem);
    color-scheme: light;
    font-family: var(--idc-font-family, system-ui, sans-serif);
  }

  :host([theme='dark']) {
    --_idc-primary: var(--idc-color-primary, #9ec5ff);
    --_idc-on-primary: var(--idc-color-on-primary, #0b1b33);
    --_idc-surface: var(--idc-color-surface, #16191d);
    --_idc-danger: var(--idc-color-danger, #ffb4ab);
    color-scheme: dark;
  }

  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light']):not([theme='dark'])) {
      --_idc-primary: var(--idc-color-primary, #9ec5ff);
      --_idc-on-primary: var(--idc-color-on-primary, #0b1b33);
      --_idc-surface: var(--idc-color-surface, #16191d);
      --_idc-danger: var(--idc-color-danger, #ffb4ab);
        color-scheme: dark;
    }
  }

  :host([hidden]) {
    display: none !important;
  }

  @media (prefers-reduced-motion: reduce) {
    *,
    *::before,
    *::after {
      animation-duration: 0.01ms !important;
      animation-iteration-count: 1 !important;
      transition-duration: 0.01ms !important;
    }
  }

  @media (forced-colors: active) {
    :host {
      --_idc-primary: ButtonText;
      --_idc-on-primary: ButtonFace;
      --_idc-surface: Canvas;
      --_idc-danger: CanvasText;
      --_idc-focus: Highlight;
    }
  }
`;
