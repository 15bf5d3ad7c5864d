// @web/test-runner: component and unit tests in real browsers from Debian packages.
// BROWSERS=chromium,firefox,webkit (default: chromium). Browsers are never downloaded by the test tools.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { summaryReporter } from './scripts/wtr-summary-reporter.mjs';
import { defaultReporter } from '@web/test-runner';
import { livenessUploadRoute } from './test/unit/components/liveness-upload-route.mjs';

const chromePath = process.env.CHROME_PATH || '/usr/bin/chromium';
const wanted = (process.env.BROWSERS || 'chromium').split(',').map((b) => b.trim()).filter(Boolean);

const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

const browsers = [];
if (wanted.includes('chromium')) {
  browsers.push(
    playwrightLauncher({
      product: 'chromium',
      launchOptions: { executablePath: chromePath, headless: true, args: chromiumArgs },
    }),
  );
}
if (wanted.includes('firefox') || wanted.includes('webkit')) {
  const extra = await import('./scripts/wtr-extra-browsers.mjs');
  browsers.push(...(await extra.launchers(wanted)));
}

export default {
  files: process.env.WTR_FILES ? process.env.WTR_FILES.split(',') : ['test/unit/**/*.test.ts'],
  nodeResolve: true,
  // WebKitWebDriver cannot switch into the iframes wtr uses for concurrent files (frame errors, lost key presses),
  // so a run that includes WebKit runs one file at a time, each in the top-level window.
  concurrency: wanted.includes('webkit') ? 1 : 2,
  concurrentBrowsers: 1,
  browsers,
  browserStartTimeout: 60_000,
  testsStartTimeout: 60_000,
  testsFinishTimeout: 120_000, // per file: a file that hangs fails after 2 min instead of stalling the run
  testFramework: {
    config: { timeout: wanted.length === 1 && wanted[0] === 'chromium' ? 10_000 : 20_000 },
  },
  // A unit-test fixture asks for a real Cross-Origin-Opener-Policy with `?coop=same-origin` (the popup tests' COOP
  // severance: the opener then sees `closed === true` while the provider's window stays open).
  middleware: [
    (ctx, next) => {
      if (ctx.path.startsWith('/test/unit/') && ctx.query.coop === 'same-origin') {
        ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
      }
      return next();
    },
    livenessUploadRoute, // POST /__liveness/<id>/<answer>: the <idc-liveness-check> tests' upload route
  ],
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './tsconfig.json' })],
  reporters: [defaultReporter(), summaryReporter('.test-results/wtr.json')],
};
