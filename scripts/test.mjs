// `npm test`: every check of the project, in order, continuing after a failure. Each step's test counts are added up
// (a step without tests of its own — type-check, lint, build, size, manifest, storybook — counts as one test), a
// per-step table is printed, and the LAST line is the plain `N passed, N failed, N skipped` that CI reads.
// Exit code: 0 only when nothing failed.
//
// Browsers come from Debian packages (chromium, firefox-esr, webkit2gtk-driver + xvfb); test tools never download
// one. Env: CHROME_PATH (default /usr/bin/chromium), STEPS=name,name (run a subset, e.g. STEPS=wtr,node),
// BROWSERS (one wtr step with these engines; default: chromium,firefox then webkit).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
process.chdir(ROOT);
const RESULTS = '.test-results';
mkdirSync(RESULTS, { recursive: true });

const CHROME = process.env.CHROME_PATH || '/usr/bin/chromium';
const env = {
  ...process.env,
  CHROME_PATH: CHROME,
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
  PUPPETEER_SKIP_DOWNLOAD: '1',
  STORYBOOK_DISABLE_TELEMETRY: '1',
  CI: process.env.CI ?? '1',
};
// Plain logs when not on a terminal (CI): no ANSI colours from any tool.
if (!process.stdout.isTTY && env.FORCE_COLOR === undefined) env.NO_COLOR = '1';
const bin = (name) => join(ROOT, 'node_modules', '.bin', name);
const STEP_TIMEOUT_MS = 20 * 60_000;

// ---------------------------------------------------------------------------------------------------------------
// Browsers

const BROWSER_NEEDS = [
  { path: CHROME, pkg: 'chromium', for: 'Chromium (wtr, Playwright)' },
  { path: '/usr/bin/firefox-esr', pkg: 'firefox-esr', for: 'Firefox ESR (wtr)' },
  { path: '/usr/bin/WebKitWebDriver', pkg: 'webkit2gtk-driver', for: 'WebKitGTK (wtr)' },
  { path: '/usr/bin/xvfb-run', pkg: 'xvfb', for: 'WebKitGTK display (wtr)' },
  { path: '/usr/bin/xauth', pkg: 'xauth', for: 'xvfb-run' },
];

function ensureBrowsers() {
  let missing = BROWSER_NEEDS.filter((n) => !existsSync(n.path));
  if (!missing.length) return;
  const pkgs = [...new Set(missing.map((m) => m.pkg))];
  const cmd = `apt-get update && apt-get install -y ${pkgs.join(' ')}`;
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    console.log(`\n▶ installing browsers from Debian packages: ${cmd}`);
    spawnSync('sh', ['-c', cmd], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    missing = BROWSER_NEEDS.filter((n) => !existsSync(n.path));
  }
  for (const m of missing) console.error(`✖ ${m.path} is missing (${m.for}). Install it: sudo ${cmd}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Running a step

/** Runs a command in its own process group; resolves with its exit code (and captured output when quiet). */
function run(cmd, args, { quiet = false, extraEnv = {} } = {}) {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, {
      env: { ...env, ...extraEnv },
      stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      detached: true,
    });
    current = child;
    let output = '';
    if (quiet) {
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
    }
    const timer = setTimeout(() => {
      output += `\n(step timed out after ${STEP_TIMEOUT_MS / 60_000} min and was stopped)\n`;
      killGroup(child);
    }, STEP_TIMEOUT_MS);
    child.on('error', (err) => {
      output += `\n${err.message}\n`;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      current = undefined;
      resolvePromise({ code: code ?? (signal ? 1 : 0), output });
    });
  });
}

let current;
function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (current) killGroup(current);
    process.exit(130);
  });
}

function readCounts(file) {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8'));
    return { passed: data.passed | 0, failed: data.failed | 0, skipped: data.skipped | 0 };
  } catch {
    return undefined;
  }
}

/** A step with no tests of its own: one test, passed when the command exits 0. */
function single(name, cmd, args, opts = {}) {
  return {
    name,
    async run() {
      const { code, output } = await run(cmd, args, opts);
      if (code !== 0 && opts.quiet) process.stdout.write(output.split('\n').slice(-60).join('\n') + '\n');
      return { passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, skipped: 0, note: code === 0 ? '' : `exit ${code}` };
    },
  };
}

/** A step whose runner writes {passed, failed, skipped} to a JSON file; a missing file or a non-zero exit with no
 * counted failure still fails the step, so a crash cannot pass. */
function counted(name, file, cmd, argsOrFn, opts = {}) {
  return {
    name,
    async run() {
      rmSync(file, { force: true });
      const args = typeof argsOrFn === 'function' ? argsOrFn() : argsOrFn;
      if (!args) return { passed: 0, failed: 1, skipped: 0, note: 'no test files found' };
      const { code } = await run(cmd, args, opts);
      const counts = readCounts(file);
      if (!counts) return { passed: 0, failed: 1, skipped: 0, note: `no results (exit ${code})` };
      if (code !== 0 && counts.failed === 0) return { ...counts, failed: 1, note: `exit ${code} without a failed test` };
      if (counts.passed + counts.failed === 0) return { ...counts, failed: 1, note: 'ran no tests' };
      return { ...counts, note: '' };
    },
  };
}

function findFiles(dir, suffix) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith(suffix))
    .map((d) => relative(ROOT, join(d.parentPath ?? d.path, d.name)))
    .sort();
}

/** Playwright's JSON report → counts (flaky = passed on retry, counted as passed and noted). */
function playwrightStep() {
  const file = join(RESULTS, 'playwright.json');
  return {
    name: 'e2e (Playwright)',
    async run() {
      rmSync(file, { force: true });
      if (!existsSync('playwright.config.ts')) return { passed: 0, failed: 1, skipped: 0, note: 'no playwright.config.ts' };
      const { code } = await run(bin('playwright'), ['test'], {
        extraEnv: { PLAYWRIGHT_JSON_OUTPUT_FILE: file, PLAYWRIGHT_JSON_OUTPUT_NAME: file },
      });
      let stats;
      try {
        stats = JSON.parse(readFileSync(file, 'utf8')).stats;
      } catch {
        return { passed: 0, failed: 1, skipped: 0, note: `no results (exit ${code})` };
      }
      const counts = {
        passed: (stats.expected | 0) + (stats.flaky | 0),
        failed: stats.unexpected | 0,
        skipped: stats.skipped | 0,
      };
      const note = stats.flaky ? `${stats.flaky} flaky` : '';
      if (code !== 0 && counts.failed === 0) return { ...counts, failed: 1, note: `exit ${code} without a failed test` };
      if (counts.passed + counts.failed === 0) return { ...counts, failed: 1, note: 'ran no tests' };
      return { ...counts, note };
    },
  };
}

/**
 * The framework examples (examples/*, README "Framework examples") in Playwright, with their own config. Runs only
 * when every example is installed (`npm run examples:install`); otherwise one line says how, and the step counts as
 * one skipped test. An install or build that `examples:install` reported as failed counts as a failed test.
 */
function examplesStep() {
  const file = join(RESULTS, 'examples.json');
  const dir = 'examples';
  return {
    name: 'examples (Playwright)',
    async run() {
      const apps = existsSync(dir)
        ? readdirSync(dir, { withFileTypes: true })
            .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'package.json')))
            .map((d) => d.name)
        : [];
      let installFailed = [];
      try {
        installFailed = JSON.parse(readFileSync(join(dir, '.install-result.json'), 'utf8')).failed ?? [];
      } catch {
        /* never installed, or installed by hand: no record */
      }
      const failedNote = installFailed.length ? `examples:install failed: ${installFailed.join(', ')}` : '';
      const missing = apps.filter((name) => !existsSync(join(dir, name, 'node_modules')));
      if (!apps.length || missing.length) {
        console.log(`examples not installed (${missing.join(', ') || 'none found'}): run \`npm run examples:install\` to test them`);
        return { passed: 0, failed: installFailed.length, skipped: 1, note: failedNote || 'not installed' };
      }
      rmSync(file, { force: true });
      const { code } = await run(bin('playwright'), ['test', '--config', join(dir, 'playwright.config.ts')], {
        extraEnv: { PLAYWRIGHT_JSON_OUTPUT_FILE: file, PLAYWRIGHT_JSON_OUTPUT_NAME: file },
      });
      let stats;
      try {
        stats = JSON.parse(readFileSync(file, 'utf8')).stats;
      } catch {
        return { passed: 0, failed: 1 + installFailed.length, skipped: 0, note: `no results (exit ${code})` };
      }
      const counts = {
        passed: (stats.expected | 0) + (stats.flaky | 0),
        failed: (stats.unexpected | 0) + installFailed.length,
        skipped: stats.skipped | 0,
      };
      const notes = [failedNote, stats.flaky ? `${stats.flaky} flaky` : ''];
      const note = notes.filter(Boolean).join('; ');
      if (code !== 0 && counts.failed === 0) return { ...counts, failed: 1, note: `exit ${code} without a failed test` };
      if (counts.passed + counts.failed === 0) return { ...counts, failed: 1, note: 'ran no tests' };
      return { ...counts, note };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The steps, in order

const STEPS = [
  single('type-check (tsc)', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']),
  single('lint (eslint)', bin('eslint'), ['.', '--max-warnings', '0']),
  single('lint (lit-analyzer)', bin('lit-analyzer'), ['src', '--strict', '--maxWarnings', '0']),
  // No import cycles in src/, dynamic imports included (docs/architecture.md, "Rules"); the lazy-half boundary is
  // the eslint step's `idc/lazy-boundary`.
  single('import cycles', process.execPath, ['scripts/check-cycles.mjs']),
  single('build', 'npm', ['run', '--silent', 'build']),
  single('size budgets', process.execPath, ['scripts/size.mjs']),
  counted('dist smoke (Chromium)', join(RESULTS, 'dist.json'), process.execPath, ['scripts/dist-smoke.mjs']),
  single('custom-elements manifest', process.execPath, ['scripts/check-manifest.mjs']),
  // WebKit runs on its own: WebKitWebDriver needs one file at a time (see web-test-runner.config.mjs), the other two
  // engines run files concurrently. BROWSERS=… runs one wtr step with exactly those engines.
  ...(process.env.BROWSERS ? [process.env.BROWSERS] : ['chromium,firefox', 'webkit']).map((browsers) =>
    counted(`unit (wtr: ${browsers.split(',').join(', ')})`, join(RESULTS, 'wtr.json'), bin('web-test-runner'), ['--config', 'web-test-runner.config.mjs'], {
      extraEnv: { BROWSERS: browsers },
    }),
  ),
  counted('node (node:test)', join(RESULTS, 'node.json'), process.execPath, () => {
    const files = [...findFiles('test/node', '.test.ts'), ...findFiles('test/node', '.test.mjs')];
    if (!files.length) return undefined;
    return [
      '--import',
      'tsx',
      '--test',
      '--test-concurrency=1',
      '--test-timeout=60000', // a hanging test fails after a minute instead of stalling CI
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=./scripts/node-test-reporter.mjs',
      `--test-reporter-destination=${join(RESULTS, 'node.json')}`,
      ...files,
    ];
  }),
  playwrightStep(),
  examplesStep(),
  single('storybook build', bin('storybook'), ['build', '--quiet', '--output-dir', 'storybook-static'], { quiet: true }),
];

const only = process.env.STEPS?.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
const selected = only ? STEPS.filter((s) => only.some((o) => s.name.toLowerCase().startsWith(o))) : STEPS;

ensureBrowsers();
const started = Date.now();
const rows = [];
for (const step of selected) {
  console.log(`\n▶ ${step.name}`);
  const t0 = Date.now();
  let result;
  try {
    result = await step.run();
  } catch (err) {
    console.error(err);
    result = { passed: 0, failed: 1, skipped: 0, note: String(err?.message ?? err) };
  }
  const seconds = (Date.now() - t0) / 1000;
  rows.push({ name: step.name, ...result, seconds });
  console.log(`${result.failed ? '✖' : '✔'} ${step.name}: ${result.passed} passed, ${result.failed} failed${result.skipped ? `, ${result.skipped} skipped` : ''} (${seconds.toFixed(1)} s)`);
}

const total = rows.reduce((t, r) => ({ passed: t.passed + r.passed, failed: t.failed + r.failed, skipped: t.skipped + r.skipped }), {
  passed: 0,
  failed: 0,
  skipped: 0,
});
const head = ['step', 'result', 'passed', 'failed', 'skipped', 'time', 'note'];
const body = rows.map((r) => [
  r.name,
  r.failed ? 'FAIL' : 'ok',
  String(r.passed),
  String(r.failed),
  String(r.skipped),
  `${r.seconds.toFixed(1)} s`,
  r.note ?? '',
]);
const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
const line = (cells) => cells.map((c, i) => (i >= 2 && i <= 5 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
console.log(`\n${line(head)}\n${line(widths.map((w) => '-'.repeat(w)))}`);
for (const b of body) console.log(line(b));
console.log(`total time ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exitCode = total.failed ? 1 : 0;
