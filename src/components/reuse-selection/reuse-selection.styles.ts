import { css } from 'lit';

/** What only the reuse step needs on top of `screenStyles`. */
export const reuseSelectionStyles = css`
  fieldset {
    border: 1px solid var(--_idc-border); border-radius: var(--_idc-radius); margin: 1rem 0 0;
    padding-block: 0.25rem 0.75rem; padding-inline: 1rem
  }
  legend { font-weight: 600; padding-inline: 0.25rem }
  legend .muted { font-weight: 400 }
  .option { display: flex; align-items: flex-start; gap: 0.625rem; padding-block: 0.5rem; cursor: pointer }
  .blocked { cursor: default }
  .blocked .name { font-weight: 400 }
  input { flex: none; margin: 0.3em 0 0; inline-size: 1.1em; block-size: 1.1em; accent-color: var(--_idc-primary) }
  .meta { display: block; font-size: 0.875em; color: var(--_idc-muted) }
  .note { margin-block: 0.5rem 0; color: var(--_idc-muted) }
`;
