import { css } from 'lit';

/** What only the ownership check needs on top of `screenStyles`: the mirrored preview and its oval. */
export const livenessCheckStyles = css`
  .preview {
    position: relative; overflow: hidden; margin-block: 1rem 0; aspect-ratio: 4 / 3; inline-size: 100%;
    background: #000; border-radius: var(--_idc-radius)
  }
  .preview[hidden] { display: none }
  video { display: block; inline-size: 100%; block-size: 100%; object-fit: cover; transform: scaleX(-1) }
  .oval {
    position: absolute; inset-block: 8%; inset-inline: 28%; border-radius: 50%;
    border: 3px solid var(--idc-liveness-oval-color, #fff); box-shadow: 0 0 0 100vmax rgb(0 0 0 / 0.45);
    animation: idc-oval 1.6s ease-in-out infinite alternate
  }
  .oval.ok { border-color: var(--idc-liveness-oval-ok-color, #3ccf6e); animation: none }
  @keyframes idc-oval { to { transform: scale(1.03) } }
  .guidance { font-size: 1.125em; font-weight: 600; min-block-size: 1.5em }
  .error { color: var(--_idc-danger); margin-block: 0.75rem 0 }
  .error:empty, .guidance:empty { margin: 0; min-block-size: 0 }
  .actions button[aria-disabled='true'] { cursor: progress; border-style: dashed }
  @media (forced-colors: active) {
    .oval, .oval.ok { border-color: CanvasText }
    .error { color: CanvasText }
    .actions button[aria-disabled='true'] { color: GrayText; border-color: GrayText }
  }
`;
