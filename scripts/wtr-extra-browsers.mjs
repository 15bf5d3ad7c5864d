// Firefox ESR and WebKitGTK launchers for @web/test-runner, both from Debian packages (nothing is downloaded).
//
// - Firefox ESR: puppeteer over WebDriver BiDi (`browser: 'firefox'`); no geckodriver exists on our machines.
// - WebKitGTK: WebKitWebDriver driving MiniBrowser. MiniBrowser (GTK) has no headless mode, so the driver runs under
//   `xvfb-run -a`. If WEBKIT_WEBDRIVER_PORT names a driver that is already listening (started by an orchestrator),
//   it is used; otherwise one is started here on a free port and killed (whole process group) when the run exits.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';

export const FIREFOX_PATH = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';
export const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER_PATH || '/usr/bin/WebKitWebDriver';
export const MINIBROWSER =
  process.env.MINIBROWSER_PATH || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitForPort(port, child, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`WebKitWebDriver exited early (code ${child.exitCode})`);
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`WebKitWebDriver did not listen on port ${port} within ${timeoutMs} ms`);
}

/** Starts `xvfb-run -a WebKitWebDriver --port=N` in its own process group; returns the port. */
async function startWebKitDriver() {
  const port = await freePort();
  const child = spawn('xvfb-run', ['-a', WEBKIT_DRIVER, `--port=${port}`], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-2000);
  });
  const kill = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  };
  process.once('exit', kill);
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => {
      kill();
      process.exit(130);
    });
  }
  try {
    await waitForPort(port, child, 20_000);
  } catch (err) {
    kill();
    throw new Error(`${err.message}\n${stderr}`);
  }
  return port;
}

function missing(path, pkg) {
  return new Error(`${path} not found: install it with \`apt-get install -y ${pkg}\` (see .ci/run)`);
}

/** @param {string[]} wanted names from BROWSERS, e.g. ['chromium', 'firefox', 'webkit'] */
export async function launchers(wanted) {
  const result = [];
  if (wanted.includes('firefox')) {
    if (!existsSync(FIREFOX_PATH)) throw missing(FIREFOX_PATH, 'firefox-esr');
    const { puppeteerLauncher } = await import('@web/test-runner-puppeteer');
    result.push(
      puppeteerLauncher({
        // One file at a time: Firefox gives keyboard focus to one tab only, so concurrent files would steal it from
        // each other (keyboard tests, focus-gated UI such as the consent screen's arming).
        concurrency: 1,
        launchOptions: {
          browser: 'firefox',
          executablePath: FIREFOX_PATH,
          headless: true,
          // Keep Firefox off the (closed) network: no updates, telemetry or safe-browsing lists.
          extraPrefsFirefox: {
            'app.update.enabled': false,
            'browser.safebrowsing.malware.enabled': false,
            'browser.safebrowsing.phishing.enabled': false,
            'datareporting.policy.dataSubmissionEnabled': false,
            'toolkit.telemetry.enabled': false,
            'network.captive-portal-service.enabled': false,
          },
        },
      }),
    );
  }
  if (wanted.includes('webkit')) {
    if (!existsSync(WEBKIT_DRIVER)) throw missing(WEBKIT_DRIVER, 'webkit2gtk-driver xvfb xauth');
    if (!existsSync(MINIBROWSER)) throw missing(MINIBROWSER, 'webkit2gtk-driver');
    const { webdriverLauncher } = await import('@web/test-runner-webdriver');
    const given = Number(process.env.WEBKIT_WEBDRIVER_PORT || 0);
    const port = given && (await canConnect(given)) ? given : await startWebKitDriver();
    result.push(
      webdriverLauncher({
        hostname: '127.0.0.1',
        port,
        path: '/',
        logLevel: 'error',
        capabilities: {
          browserName: 'MiniBrowser',
          'wdio:enforceWebDriverClassic': true,
          'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
        },
      }),
    );
  }
  return result;
}
