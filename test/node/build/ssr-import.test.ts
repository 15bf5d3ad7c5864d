/**
 * The built ES modules on a server (README "Using the ES modules"): every entry package.json exports imports in plain
 * Node without throwing and without leaving a `window` or `document` behind, each in a `node` process of its own (a
 * global one entry leaks cannot hide another's failure), through the package's own name as an app imports it. The
 * root entry registers nothing (it is side-effect free); a define entry registers its element in the registry Lit's
 * server build provides, and registers nothing, without throwing, where there is no registry at all.
 * And the ES build imports Lit and oidc-client-ts instead of carrying copies of them.
 * Needs `npm run build` first.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseSync } from 'vite';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DIST = join(ROOT, 'dist');
const run = promisify(execFile);

type Target = string | { [condition: string]: Target };
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  exports: Record<string, Target>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};

/** What Node loads for an export: its `node`, `import` or `default` target. */
function nodeTarget(target: Target): string | undefined {
  if (typeof target === 'string') return target;
  for (const condition of ['node', 'import', 'default']) {
    const found = target[condition] === undefined ? undefined : nodeTarget(target[condition]);
    if (found) return found;
  }
  return undefined;
}

/** Every exported ES module (script-tag files and JSON aside), as an app names it: `idconnect-kit/define/…`. */
const ENTRIES = Object.entries(pkg.exports)
  .map(([key, target]) => ({ spec: key === '.' ? pkg.name : `${pkg.name}${key.slice(1)}`, key, file: nodeTarget(target) }))
  .filter((e): e is { spec: string; key: string; file: string } => Boolean(e.file?.endsWith('.js')) && !e.file!.endsWith('.iife.js'));
/** `./define/verify-button` → `idc-verify-button`: the element each one-element define entry registers. */
const TAGS = ENTRIES.filter((e) => e.key.startsWith('./define/')).map((e) => `idc-${e.key.slice('./define/'.length)}`);
/** Globals that would mean a DOM (or a shim of one) was put on the server for everyone. */
const DOM_GLOBALS = ['window', 'document', 'self', 'navigator', 'location', 'sessionStorage', 'localStorage', 'matchMedia', 'HTMLElement', 'Element', 'Node', 'ShadowRoot', 'CSSStyleSheet', 'requestAnimationFrame'];

interface Outcome {
  exports: string[];
  added: string[];
  window: string;
  document: string;
  registry: boolean;
  tags: string[];
}

/** Imports `spec` in a fresh `node` in the repository (the package's self-reference resolves there). */
async function importInNode(spec: string, prelude = ''): Promise<Outcome> {
  const script = `
    const before = new Set(Object.getOwnPropertyNames(globalThis));
    ${prelude}
    const mod = await import(process.env.IDC_SPEC);
    const registry = globalThis.customElements;
    console.log(JSON.stringify({
      exports: Object.keys(mod),
      added: Object.getOwnPropertyNames(globalThis).filter((n) => !before.has(n)),
      window: typeof window,
      document: typeof document,
      registry: Boolean(registry),
      tags: registry ? JSON.parse(process.env.IDC_TAGS).filter((t) => registry.get(t)) : [],
    }));`;
  try {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '', IDC_SPEC: spec, IDC_TAGS: JSON.stringify(TAGS) },
      timeout: 30_000,
    });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as Outcome;
  } catch (err) {
    const { stderr, message } = err as { stderr?: string; message: string };
    throw new Error(`importing ${spec} in node failed:\n${stderr || message}`);
  }
}

describe('every entry imports on a server', () => {
  it('dist/ is built and package.json exports the entries this test expects', () => {
    for (const e of ENTRIES) assert.ok(existsSync(join(ROOT, e.file)), `${e.file} is missing: run \`npm run build\` first`);
    const keys = ENTRIES.map((e) => e.key);
    for (const key of ['.', './define', './define/verify-button', './define/share-button', './callback', './server']) {
      assert.ok(keys.includes(key), `${key} is not among the tested entries (${keys.join(', ')})`);
    }
  });

  for (const { spec, key } of ENTRIES) {
    it(`${spec}: imports without throwing and leaves no DOM global behind`, async () => {
      const outcome = await importInNode(spec);
      assert.ok(outcome.exports.length > 0, 'it exports something');
      assert.equal(outcome.window, 'undefined');
      assert.equal(outcome.document, 'undefined');
      assert.deepEqual(outcome.added.filter((n) => DOM_GLOBALS.includes(n)), []);
      if (key === '.' || key === './callback' || key === './server') {
        assert.deepEqual(outcome.tags, [], 'registers no element');
      } else if (key === './define') {
        // Every element (contract "Package"); at the least the four every release had.
        const core = ['idc-verify-button', 'idc-share-button', 'idc-consent-screen', 'idc-reuse-selection'];
        assert.deepEqual(core.filter((t) => !outcome.tags.includes(t)), [], 'registers every element in the server registry');
      } else if (key.startsWith('./define/')) {
        assert.deepEqual(outcome.tags, [`idc-${key.slice('./define/'.length)}`], 'registers its element only');
      }
    });
  }

  it('with no element registry at all, the define entries register nothing and do not throw', async () => {
    // Lit's server build puts its registry on globalThis when it loads; take it away before the kit's code runs.
    const outcome = await importInNode(`${pkg.name}/define`, "await import('@lit/reactive-element'); delete globalThis.customElements;");
    assert.equal(outcome.registry, false);
    assert.ok(outcome.exports.includes('IdcVerifyButton'));
  });
});

/** What one built module imports, statically or through a dynamic `import()` of a string literal. */
function importsOf(file: string, code = readFileSync(file, 'utf8')): string[] {
  const { program, module } = parseSync(file, code);
  const specs: string[] = [];
  for (const node of program.body) {
    if ((node.type === 'ImportDeclaration' || node.type === 'ExportNamedDeclaration' || node.type === 'ExportAllDeclaration') && node.source) {
      specs.push(node.source.value);
    }
  }
  for (const d of module.dynamicImports) {
    const literal = /^(["'`])([^"'`$]+)\1$/.exec(code.slice(d.moduleRequest.start, d.moduleRequest.end));
    if (literal) specs.push(literal[2]!);
  }
  return specs;
}

/** The ES build's files: everything the exported ES entries reach through relative imports, static or dynamic. */
function esmBuildFiles(): string[] {
  const seen = new Set<string>();
  const stack = ENTRIES.filter((e) => e.key !== './callback' && e.key !== './server').map((e) => join(ROOT, e.file));
  while (stack.length) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of importsOf(file)) if (spec.startsWith('.')) stack.push(resolve(dirname(file), spec));
  }
  return [...seen];
}

describe('the ES build imports its dependencies', () => {
  const files = esmBuildFiles();
  const code = new Map(files.map((f) => [relative(DIST, f), readFileSync(f, 'utf8')]));
  const all = [...code.values()].join('\n');

  it('reaches its chunks, the lazy ones included', () => {
    assert.ok([...code.keys()].some((f) => f.startsWith('chunks/')), [...code.keys()].join(', '));
    assert.ok(code.has('chunks/flow-lazy.js'), 'the lazy half of the flow');
  });

  it('carries no copy of Lit or oidc-client-ts', () => {
    for (const [file, text] of code) {
      // lit-html's template markers, Lit's version registries, oidc-client-ts's logger name for its OidcClient class.
      assert.doesNotMatch(text, /\$lit\$|lit\$\$\{|litHtmlVersions|litElementVersions|reactiveElementVersions/, `${file} holds Lit`);
      assert.doesNotMatch(text, /["'`]OidcClient["'`]/, `${file} holds oidc-client-ts`);
      const mapFile = `${join(DIST, file)}.map`;
      if (!existsSync(mapFile)) continue;
      const sources = (JSON.parse(readFileSync(mapFile, 'utf8')) as { sources: string[] }).sources;
      assert.deepEqual(sources.filter((s) => s.includes('node_modules/')), [], `${file} bundles modules from node_modules`);
    }
  });

  it('imports them by bare name, only packages package.json declares', () => {
    assert.match(all, /(?<![\w$.])from\s*["'](?:lit|@lit\/reactive-element)["']/);
    assert.match(all, /(?<![\w$.])from\s*["']oidc-client-ts["']/);
    const declared = new Set(Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies }));
    const bare = files.flatMap((f) => importsOf(f)).filter((spec) => !spec.startsWith('.'));
    const undeclared = bare.filter((spec) => !declared.has(/^(?:@[^/]+\/)?[^/]+/.exec(spec)![0]));
    assert.deepEqual([...new Set(undeclared)], []);
  });

  it('the script-tag files and the callback relay stay one file each, with no import', () => {
    for (const file of ['idconnect-kit.iife.js', 'idconnect-kit-flow.js', 'idconnect-kit-provider-ui.iife.js', 'callback.js']) {
      const text = readFileSync(join(DIST, file), 'utf8');
      assert.deepEqual(importsOf(join(DIST, file), text), [], `${file} imports another module`);
      assert.doesNotMatch(text, /Lit is in dev mode/);
    }
    // Lit (production build) is inside the script-tag bundles.
    assert.match(readFileSync(join(DIST, 'idconnect-kit-provider-ui.iife.js'), 'utf8'), /\$lit\$/);
  });
});
