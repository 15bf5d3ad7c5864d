// Builds the one-file outputs after `vite build` (which empties dist/ and writes the ESM entries): every mode of
// vite.config.ts `ONE_FILE_BUILDS` (the script-tag bundle dist/idconnect-kit.iife.js, its lazy half
// dist/idconnect-kit-flow.js, the provider UI dist/idconnect-kit-provider-ui.iife.js, the self-contained callback
// relay dist/callback.js, …), each as `vite build --mode <name>`. These bundle their dependencies (Lit's production
// build, oidc-client-ts); the ESM build imports them.
import { build, runnerImport } from 'vite';

// Reading the config through Vite's module runner sets NODE_ENV=development, which would make the builds below pick
// Lit's development build; put it back as it was.
const nodeEnv = process.env.NODE_ENV;
const { module: config } = await runnerImport(new URL('../vite.config.ts', import.meta.url).pathname);
if (nodeEnv === undefined) delete process.env.NODE_ENV;
else process.env.NODE_ENV = nodeEnv;

for (const mode of Object.keys(config.ONE_FILE_BUILDS)) {
  await build({ mode, logLevel: 'warn' });
}
