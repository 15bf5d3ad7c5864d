// Checks that the committed custom-elements.json matches a freshly generated one, so every change to an element's
// public API (attributes, properties, events, slots, parts, CSS properties) shows up in review.
// Fix a failure with `npm run analyze` and commit custom-elements.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const committedPath = 'custom-elements.json';
// The analyzer joins --outdir onto the working directory, so the fresh copy goes to a (git-ignored) folder here.
const out = join('.test-results', `cem-${process.pid}`);
mkdirSync(out, { recursive: true });
try {
  check();
} finally {
  rmSync(out, { recursive: true, force: true });
}

function check() {
  const run = spawnSync(process.execPath, ['node_modules/@custom-elements-manifest/analyzer/cem.js', 'analyze', '--quiet', '--outdir', out], {
    encoding: 'utf8',
  });
  if (run.status !== 0) {
    console.error(`manifest: the analyzer failed\n${run.stdout}${run.stderr}`);
    process.exitCode = 1;
    return;
  }
  if (!existsSync(committedPath)) {
    console.error('manifest: custom-elements.json is missing — run `npm run analyze` and commit it.');
    process.exitCode = 1;
    return;
  }
  const fresh = JSON.parse(readFileSync(join(out, 'custom-elements.json'), 'utf8'));
  const committed = JSON.parse(readFileSync(committedPath, 'utf8'));
  const differences = diff(committed, fresh, '');
  if (differences.length) {
    console.error('manifest: custom-elements.json is out of date with src/components. Differences (committed → fresh):');
    for (const d of differences.slice(0, 40)) console.error(`  ${d}`);
    if (differences.length > 40) console.error(`  … and ${differences.length - 40} more`);
    console.error('Run `npm run analyze` and commit custom-elements.json (the API change then shows in review).');
    process.exitCode = 1;
    return;
  }
  const elements = fresh.modules.flatMap((m) => m.declarations ?? []).filter((d) => d.customElement && d.tagName);
  // Every element with a define module must be in the manifest: an analyzer that stops seeing the registrations
  // (it once did, when they moved into a helper) would otherwise leave an empty manifest that is "current".
  const expected = readdirSync('src/components', { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join('src/components', d.name, 'define.ts')))
    .map((d) => `idc-${d.name}`);
  const missing = expected.filter((tag) => !elements.some((e) => e.tagName === tag));
  if (missing.length) {
    console.error(`manifest: no element declaration for ${missing.map((t) => `<${t}>`).join(', ')} (check custom-elements-manifest.config.mjs)`);
    process.exitCode = 1;
    return;
  }
  console.log(`manifest: custom-elements.json is current (${elements.map((e) => `<${e.tagName ?? e.name}>`).join(', ')})`);
}

/** Paths where two JSON values differ; arrays of named things are matched by name (or path, for modules). */
function diff(a, b, path) {
  if (Array.isArray(a) && Array.isArray(b)) {
    const key = (x, i) => (x && typeof x === 'object' ? (x.path ?? x.name ?? x.tagName ?? String(i)) : String(i));
    const am = new Map(a.map((x, i) => [key(x, i), x]));
    const bm = new Map(b.map((x, i) => [key(x, i), x]));
    const out = [];
    for (const [k, v] of am) out.push(...(bm.has(k) ? diff(v, bm.get(k), `${path}[${k}]`) : [`${path}[${k}] removed`]));
    for (const k of bm.keys()) if (!am.has(k)) out.push(`${path}[${k}] added`);
    if (!out.length && JSON.stringify(a) !== JSON.stringify(b)) out.push(`${path} reordered`);
    return out;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const out = [];
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!(k in b)) out.push(`${path}.${k} removed`);
      else if (!(k in a)) out.push(`${path}.${k} added`);
      else out.push(...diff(a[k], b[k], `${path}.${k}`));
    }
    return out;
  }
  return Object.is(a, b) ? [] : [`${path}: ${JSON.stringify(a)} → ${JSON.stringify(b)}`];
}
