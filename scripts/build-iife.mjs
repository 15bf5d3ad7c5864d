// Builds the one-file outputs after `vite build` (which empties dist/ and writes the ESM entries), by their names in
// vite.config.ts: the script-tag bundle dist/idconnect-kit.iife.js, its lazy half dist/idconnect-kit-flow.js, the
// provider UI dist/idconnect-kit-provider-ui.iife.js, and the self-contained callback relay dist/callback.js.
import { build } from 'vite';

for (const mode of ['iife', 'iife-flow', 'iife-provider-ui', 'callback']) {
  await build({ mode, logLevel: 'warn' });
}
