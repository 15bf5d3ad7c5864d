import { css } from 'lit';

/** What only the consent screen needs on top of `screenStyles`. */
export const consentScreenStyles = css`
  header { display: flex; align-items: center; gap: 0.75rem }
  .logo { inline-size: 3rem; block-size: 3rem; object-fit: contain; flex: none; border-radius: var(--_idc-radius) }
  ul { margin-block: 0.5rem; padding-inline-start: 1.25rem }
  .account { border-block-start: 1px solid var(--_idc-border); padding-block-start: 0.75rem; margin-block-start: 1.25rem }
  .link {
    font: inherit; background: none; border: 0; padding: 0; margin-inline-start: 0.25rem; text-decoration: underline;
    cursor: pointer
  }
  .actions [aria-disabled='true'] { cursor: not-allowed }
`;
