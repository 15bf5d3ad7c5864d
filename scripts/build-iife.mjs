// Builds the script-tag files after `vite build` (which empties dist/ and writes the ESM entries):
// dist/idconnect-kit.iife.js, its lazy sibling dist/idconnect-kit-flow.js and dist/idconnect-kit-provider-ui.iife.js,
// from vite.config.ts's modes of the same names; and the self-contained callback relay dist/callback.js.
import { build } from 'vite';

for (const mode of ['iife', 'iife-flow', 'iife-provider-ui', 'callback']) {
  await build({ mode, logLevel: 'warn' });
}
