// The ES build's module graph as a browser without a bundler loads it (README "Using the ES modules"): dist/ imports
// its dependencies by bare name (`lit`, `@lit/reactive-element`, `oidc-client-ts`), a page maps those names to files
// with an import map. Here bare names resolve to files in node_modules the way a bundler resolves them for a browser
// (package.json `exports`, conditions browser, production, import, default; never `development` or `node`).
// Used by scripts/size.mjs (file-by-file sizes), scripts/dist-smoke.mjs and bench/bench.mjs (pages that load dist/).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSync } from 'vite';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const NODE_MODULES = join(ROOT, 'node_modules');
const CONDITIONS = new Set(['browser', 'production', 'import', 'module', 'default']);

/** The package name of a bare specifier (`@lit/reactive-element/css-tag.js` → `@lit/reactive-element`). */
export const packageName = (spec) => /^(?:@[^/]+\/)?[^/]+/.exec(spec)?.[0];
export const isBare = (spec) => !/^(\.{0,2}\/|[a-z][a-z\d+.-]*:)/i.test(spec);

/** An `exports` target for our conditions: the first matching key wins, in the package's own order. */
function pick(target) {
  if (typeof target === 'string' || target === null) return target ?? undefined;
  if (Array.isArray(target)) return target.map(pick).find((t) => t !== undefined);
  for (const [key, value] of Object.entries(target)) {
    if (!CONDITIONS.has(key)) continue;
    const found = pick(value);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The file a bare specifier names, from the repository's node_modules; throws a readable error when it has none. */
export function resolveBare(spec) {
  const name = packageName(spec);
  const dir = join(NODE_MODULES, name ?? '');
  if (!name || !existsSync(join(dir, 'package.json'))) throw new Error(`${spec}: package ${name} is not installed`);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const sub = `.${spec.slice(name.length)}`;
  let target;
  if (pkg.exports !== undefined) {
    const sugar = typeof pkg.exports !== 'object' || Array.isArray(pkg.exports) || !Object.keys(pkg.exports).some((k) => k.startsWith('.'));
    const exp = sugar ? { '.': pkg.exports } : pkg.exports;
    if (Object.hasOwn(exp, sub)) target = pick(exp[sub]);
    else {
      for (const [key, value] of Object.entries(exp)) {
        const star = key.indexOf('*');
        if (star < 0) continue;
        const [pre, post] = [key.slice(0, star), key.slice(star + 1)];
        if (sub.length < key.length - 1 || !sub.startsWith(pre) || !sub.endsWith(post)) continue;
        target = pick(value)?.replaceAll('*', sub.slice(pre.length, sub.length - post.length));
        break;
      }
    }
    if (target === undefined) throw new Error(`${spec}: ${name}'s package.json exports nothing there for a browser`);
  } else {
    target = sub === '.' ? (pkg.module ?? pkg.main ?? 'index.js') : sub;
  }
  return join(dir, target);
}

/**
 * Static and dynamic imports of one ES module as `{ spec, file }`; computed dynamic imports are left out, and bare
 * specifiers for which `unresolved(spec)` is true get no file.
 */
export function importsOf(file, unresolved = () => false) {
  const code = readFileSync(file, 'utf8');
  const { program, module } = parseSync(file, code);
  const statics = [];
  for (const node of program.body) {
    const isImport = node.type === 'ImportDeclaration' || node.type === 'ExportNamedDeclaration' || node.type === 'ExportAllDeclaration';
    if (isImport && node.source) statics.push(node.source.value);
  }
  const dynamics = [];
  for (const d of module.dynamicImports) {
    const m = /^(["'`])([^"'`$]+)\1$/.exec(code.slice(d.moduleRequest.start, d.moduleRequest.end));
    if (m) dynamics.push(m[2]);
  }
  const locate = (spec) => ({
    spec,
    file: !isBare(spec) ? resolve(dirname(file), spec) : unresolved(spec) ? undefined : resolveBare(spec),
  });
  return { statics: statics.map(locate), dynamics: dynamics.map(locate) };
}

/**
 * The entry plus every module it imports statically, transitively (`eager`: what must load before it runs), and what
 * its dynamic imports load (`lazy`). `bare` lists the bare specifiers the graph uses, by the file that used them.
 * With `dependencies: false` the walk stays out of node_modules (the kit's own files only); `deep: true` follows
 * dynamic imports at any depth; bare specifiers for which `host(spec)` is true (a peer dependency: the host page's
 * own React) are listed but not followed.
 */
export function closure(entry, { dependencies = true, deep = false, host = () => false } = {}) {
  const bare = new Map();
  const walk = (roots, seen, onDynamic) => {
    const stack = [...roots];
    while (stack.length) {
      const file = stack.pop();
      if (seen.has(file)) continue;
      seen.add(file);
      const { statics, dynamics } = importsOf(file, host);
      for (const { spec } of [...statics, ...dynamics]) if (isBare(spec)) bare.set(spec, [...(bare.get(spec) ?? []), file]);
      const follow = (i) => !isBare(i.spec) || (dependencies && !host(i.spec));
      stack.push(...statics.filter(follow).map((i) => i.file));
      dynamics.filter(follow).forEach((i) => onDynamic(i.file));
    }
  };
  const eager = new Set();
  const dynamicRoots = [];
  walk([entry], eager, (f) => dynamicRoots.push(f));
  const lazy = new Set();
  // By default one level, as scripts/size.mjs has always counted it: what the entry's own dynamic imports load
  // statically (the flow's lazy half), not the dynamic imports inside that (the protocol library, the share flow).
  const nested = (f) => walk([f], lazy, nested);
  walk(dynamicRoots, lazy, deep ? nested : () => {});
  for (const f of eager) lazy.delete(f);
  return { eager: [...eager], lazy: [...lazy], bare };
}

/** Whether `file` lies inside `dir`. */
export const inside = (dir, file) => file.startsWith(dir.endsWith(sep) ? dir : dir + sep);

/**
 * The import map for pages that load the given ES modules from a server: each bare specifier anywhere in their graph
 * (theirs and their dependencies') mapped to its file, as `urlOf(file)` (default: `/node_modules/…` off the
 * server's root). Also returns the files it maps to and what they import, so a server can serve exactly those.
 */
export function importMap(entries, urlOf = (file) => `/${relative(ROOT, file).split(sep).join('/')}`) {
  const imports = {};
  const files = new Set();
  for (const entry of entries) {
    const { eager, lazy, bare } = closure(entry, { deep: true });
    for (const spec of [...bare.keys()].sort()) imports[spec] = urlOf(resolveBare(spec));
    for (const f of [...eager, ...lazy]) if (inside(NODE_MODULES, f)) files.add(f);
  }
  return { importMap: { imports }, files };
}
