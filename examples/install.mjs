// `npm run examples:install`: builds the kit, packs it into examples/.pack/idconnect-kit-0.1.0.tgz, and in each
// framework example runs `npm ci` (from its own lockfile, the kit from that tarball) and `npm run build` (which
// type-checks as the framework does: tsc, vue-tsc, svelte-check, the Angular build with strict templates). One
// example at a time: the builds are heavy on a small machine. Prints a line per example and a table of times; writes
// examples/.install-result.json for `npm test` (scripts/test.mjs, step "examples (Playwright)").
//
// The kit's entry in each lockfile carries no `integrity`: the tarball changes with every build of the kit, and with
// a recorded hash `npm ci` installs the cached older tarball of that hash without a word. This script removes the
// field when an `npm install` in an example has written it back.
//
// Options: --skip-build (reuse dist/), --only react-19,vue (a subset).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const EXAMPLES_DIR = new URL('.', import.meta.url).pathname;
const ROOT = join(EXAMPLES_DIR, '..');
const EXAMPLES = ['react-19', 'react-18', 'vue', 'angular', 'svelte'];

const args = process.argv.slice(2);
const onlyAt = args.indexOf('--only');
const selected = onlyAt >= 0 ? args[onlyAt + 1].split(',') : EXAMPLES;
for (const name of selected) {
  if (!EXAMPLES.includes(name)) {
    console.error(`examples:install: no example "${name}" (one of ${EXAMPLES.join(', ')})`);
    process.exit(2);
  }
}

const env = { ...process.env, NG_CLI_ANALYTICS: 'false', PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', PUPPETEER_SKIP_DOWNLOAD: '1' };

/** Runs a command, output inherited; returns whether it exited 0 and how long it took. */
function step(label, cmd, cmdArgs, cwd) {
  console.log(`\n▶ ${label}`);
  const t0 = Date.now();
  const result = spawnSync(cmd, cmdArgs, { cwd, env, stdio: 'inherit' });
  return { ok: result.status === 0, seconds: (Date.now() - t0) / 1000 };
}

const KIT_DEPENDENCIES = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).dependencies ?? {};

/**
 * Removes the kit's `integrity` from a lockfile (see the comment at the top), and says so when the lockfile's record
 * of the kit's own dependencies is not the kit's: `npm ci` would install the tree the lockfile records.
 * @returns {string | undefined} why the lockfile cannot be used as it is
 */
function unpinKit(dir) {
  const file = join(dir, 'package-lock.json');
  const lock = JSON.parse(readFileSync(file, 'utf8'));
  const entry = lock.packages?.['node_modules/idconnect-kit'];
  if (!entry) return `${file} has no idconnect-kit: run \`npm install\` in ${dir}`;
  const recorded = JSON.stringify(Object.entries(entry.dependencies ?? {}).sort());
  if (recorded !== JSON.stringify(Object.entries(KIT_DEPENDENCIES).sort())) {
    return `${file} records other dependencies of idconnect-kit than its package.json: run \`npm install\` in ${dir} (then this script again)`;
  }
  if (!entry.integrity) return undefined;
  delete entry.integrity;
  writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
  console.log(`examples:install: removed the kit's integrity from ${file} (the tarball changes with every build)`);
  return undefined;
}

const resultFile = join(EXAMPLES_DIR, '.install-result.json');
/** What `npm test` reads: which examples failed to install or build (all of them when the kit itself failed). */
function record(failed) {
  writeFileSync(resultFile, `${JSON.stringify({ examples: selected, failed }, null, 2)}\n`);
}

const t0 = Date.now();
const rows = [];
let ok = true;
if (!args.includes('--skip-build')) {
  const built = step('kit: npm run build', 'npm', ['run', '--silent', 'build'], ROOT);
  rows.push({ name: 'kit build', ...built });
  if (!built.ok) {
    console.error('examples:install: the kit did not build');
    record(selected);
    process.exit(1);
  }
}
const packDir = join(EXAMPLES_DIR, '.pack');
rmSync(packDir, { recursive: true, force: true });
mkdirSync(packDir, { recursive: true });
const packed = step('kit: npm pack', 'npm', ['pack', '--silent', '--pack-destination', packDir], ROOT);
rows.push({ name: 'kit pack', ...packed });
if (!packed.ok || !readdirSync(packDir).includes('idconnect-kit-0.1.0.tgz')) {
  console.error('examples:install: npm pack did not write examples/.pack/idconnect-kit-0.1.0.tgz');
  record(selected);
  process.exit(1);
}

const failed = [];
for (const name of selected) {
  const dir = join(EXAMPLES_DIR, name);
  const stale = unpinKit(dir);
  if (stale) {
    console.error(`examples:install: ${stale}`);
    rows.push({ name: `${name} lockfile`, ok: false, seconds: 0 });
    failed.push(name);
    continue;
  }
  const installed = step(`${name}: npm ci`, 'npm', ['ci', '--no-audit', '--no-fund'], dir);
  rows.push({ name: `${name} npm ci`, ...installed });
  const built = installed.ok ? step(`${name}: npm run build`, 'npm', ['run', '--silent', 'build'], dir) : { ok: false, seconds: 0 };
  rows.push({ name: `${name} build`, ...built });
  if (!installed.ok || !built.ok) failed.push(name);
}
ok = failed.length === 0;
record(failed);

console.log('\nexamples:install');
for (const r of rows) console.log(`  ${r.ok ? 'ok  ' : 'FAIL'}  ${r.name.padEnd(20)} ${r.seconds.toFixed(1).padStart(6)} s`);
console.log(`  total ${((Date.now() - t0) / 1000).toFixed(1)} s${ok ? '' : `; failed: ${failed.join(', ')}`}`);
process.exitCode = ok ? 0 : 1;
