// Builds the two one-file script-tag bundles after `vite build` (which empties dist/ and writes the ESM entries):
// dist/idconnect-kit.iife.js and dist/idconnect-kit-provider-ui.iife.js. Both come from vite.config.ts's IIFE modes.
import { build } from 'vite';

for (const mode of ['iife', 'iife-provider-ui']) {
  await build({ mode, logLevel: 'warn' });
}
