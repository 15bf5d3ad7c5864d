// Fails when the import graph of src/ has a cycle (docs/architecture.md, "Rules"). Edges are every import that
// stays at run time: `import … from`, `import '…'`, `export … from`, and dynamic `import('…')` with a literal path —
// a cycle through the lazy half's dynamic import counts like any other. `import type`, `export type` and type
// positions (`typeof import('…')`) are erased by the compiler and are not edges. Only files under src/ are nodes;
// packages are leaves. Uses the TypeScript compiler API (its parser and module resolution), no other dependency.
//
// Usage: node scripts/check-cycles.mjs [--graph]   (--graph prints every file's run-time imports)
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(import.meta.dirname, '..');
const src = join(root, 'src');
const { config } = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
const { options } = ts.parseJsonConfigFileContent(config, ts.sys, root);

const files = readdirSync(src, { recursive: true })
  .map((f) => join(src, String(f)))
  .filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts'));

/** The run-time imports of one file, resolved to files under src/. */
function importsOf(file) {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const specifiers = [];
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) {
      specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && !node.isTypeOnly) {
      specifiers.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      specifiers.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return specifiers
    .map((s) => ts.resolveModuleName(s, file, options, ts.sys).resolvedModule?.resolvedFileName)
    .filter((f) => f && f.startsWith(src + '/') && !f.endsWith('.d.ts'));
}

const graph = new Map(files.map((f) => [f, importsOf(f)]));
const name = (f) => relative(root, f);

if (process.argv.includes('--graph')) {
  for (const [f, deps] of graph) console.log(`${name(f)}\n${deps.map((d) => `  → ${name(d)}`).join('\n')}`);
}

// Tarjan's strongly connected components: every component of more than one file (or a file importing itself) is a
// cycle; one path around it is printed.
let index = 0;
const stack = [];
const info = new Map();
const cycles = [];
function strongConnect(v) {
  info.set(v, { index, low: index, onStack: true });
  index += 1;
  stack.push(v);
  for (const w of graph.get(v) ?? []) {
    if (!info.has(w)) {
      strongConnect(w);
      info.get(v).low = Math.min(info.get(v).low, info.get(w).low);
    } else if (info.get(w).onStack) {
      info.get(v).low = Math.min(info.get(v).low, info.get(w).index);
    }
  }
  if (info.get(v).low === info.get(v).index) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      info.get(w).onStack = false;
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component);
  }
}
for (const f of files) if (!info.has(f)) strongConnect(f);

/** A path around a component, from its first file back to it (breadth-first inside the component). */
function pathAround(component) {
  const inside = new Set(component);
  const start = component[component.length - 1];
  const previous = new Map();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift();
    for (const w of graph.get(v) ?? []) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(previous.get(path[0]));
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return component;
}

if (cycles.length) {
  console.error(`import cycles in src/ (${cycles.length}):`);
  for (const c of cycles) {
    console.error(`  ${pathAround(c).map(name).join(' → ')}`);
    if (c.length > 2) console.error(`    (one of the cycles among ${c.length} files: ${c.map(name).sort().join(', ')})`);
  }
  console.error('Break each one: move what both sides need into a module of its own, or import it as a type.');
  process.exitCode = 1;
} else {
  const edges = [...graph.values()].reduce((n, d) => n + d.length, 0);
  console.log(`no import cycles: ${graph.size} files, ${edges} run-time imports (static and dynamic) in src/`);
}
