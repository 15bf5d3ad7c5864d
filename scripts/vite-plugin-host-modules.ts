import { readFileSync } from 'node:fs';
import { parseSync, type Plugin } from 'vite';

/**
 * For the script-tag build's lazy sibling file (`dist/idconnect-kit-flow.js`, loaded by src/flow/load-run.iife.ts):
 * the modules listed in `hosted` are NOT bundled again. Every import of one of them resolves to a stand-in whose
 * exports are live bindings, filled in when the script calls the sibling's `bindHost({ <name>: namespace, … })`
 * right after loading it. So the page holds one copy of each: one `IdcError` class (`instanceof` holds across the two
 * files) and one copy of module state.
 *
 * The entry is `entry` plus that `bindHost` export. The first host to bind wins (a second copy of the script on the
 * page registers nothing of its own, so it never starts a flow). Code in the sibling must not use a hosted export
 * while the module is being evaluated (only later, from functions): before `bindHost` the bindings are undefined.
 */
/** The build's entry id (`build.lib.entry`): `entry` plus `bindHost`. */
export const HOST_ENTRY = 'idc-host-entry';

export function hostModules(entry: string, hosted: Record<string, string>): Plugin {
  const ENTRY = '\0' + HOST_ENTRY;
  const PREFIX = '\0idc-host:';
  const byFile = new Map(Object.entries(hosted).map(([name, file]) => [file, name]));
  return {
    name: 'idc:host-modules',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      // Vite's library mode hands the entry over as a path under the project root.
      if (source === ENTRY || source === HOST_ENTRY || source.endsWith(`/${HOST_ENTRY}`)) return ENTRY;
      if (source.startsWith(PREFIX)) return source;
      if (!importer) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      const name = resolved && byFile.get(resolved.id);
      return name ? PREFIX + name : null;
    },
    load(id) {
      if (id === ENTRY) {
        const names = Object.keys(hosted);
        return [
          `export * from ${JSON.stringify(entry)};`,
          ...names.map((n, i) => `import { __bind as b${i} } from ${JSON.stringify(PREFIX + n)};`),
          'let bound = false;',
          'export function bindHost(host) {',
          '  if (bound) return;',
          '  bound = true;',
          ...names.map((n, i) => `  b${i}(host[${JSON.stringify(n)}]);`),
          '}',
        ].join('\n');
      }
      if (!id.startsWith(PREFIX)) return null;
      const name = id.slice(PREFIX.length);
      const file = hosted[name]!;
      const exports = valueExports(file);
      return [
        `export let ${exports.join(', ')};`,
        `export function __bind(m) { ({ ${exports.join(', ')} } = m); }`,
      ].join('\n');
    },
  };
}

/** The value (non-type) export names of a TypeScript module: `export class|function|const|let X` only. */
function valueExports(file: string): string[] {
  const code = readFileSync(file, 'utf8');
  const { program } = parseSync(file, code);
  const names: string[] = [];
  for (const node of program.body as unknown as { type: string; declaration?: Record<string, unknown> | null; exportKind?: string; source?: unknown }[]) {
    if (node.type === 'ExportAllDeclaration') throw new Error(`host-modules: ${file}: "export *" is not supported`);
    if (node.type !== 'ExportNamedDeclaration' || node.exportKind === 'type') continue;
    const decl = node.declaration;
    if (!decl) throw new Error(`host-modules: ${file}: "export { … }" lists are not supported`);
    if (decl.type === 'ClassDeclaration' || decl.type === 'FunctionDeclaration') {
      names.push((decl.id as { name: string }).name);
    } else if (decl.type === 'VariableDeclaration') {
      for (const d of decl.declarations as { id: { type: string; name: string } }[]) {
        if (d.id.type !== 'Identifier') throw new Error(`host-modules: ${file}: destructured exports are not supported`);
        names.push(d.id.name);
      }
    }
    // TSInterfaceDeclaration / TSTypeAliasDeclaration: types only, nothing at run time.
  }
  if (!names.length) throw new Error(`host-modules: ${file} exports no values`);
  return names;
}
