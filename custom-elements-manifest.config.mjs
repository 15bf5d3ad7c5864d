// @custom-elements-manifest/analyzer: `npm run analyze` writes custom-elements.json (committed; `npm test` checks it
// is current, so public API changes show up in review). Element classes document themselves with JSDoc
// (@summary @event @slot @csspart @cssproperty); define modules give the tag names through `defineElement(tag, Class)`.
export default {
  globs: ['src/components/**/*.ts'],
  exclude: ['src/**/*.test.ts', 'src/**/*.stories.ts', 'src/**/*.styles.ts'],
  litelement: true,
  outdir: '.',
  packagejson: false, // package.json already names the manifest ("customElements")
  plugins: [defineElementCalls(), elementsOnly()],
};

/**
 * Keeps the modules that make up the elements' API — element classes (and the base classes they inherit from) and
 * the define modules — and drops internal helper modules, whose exports are not part of the public contract. Sorted
 * by path, so the committed file does not depend on the file system's directory order.
 */
function elementsOnly() {
  return {
    name: 'idc-elements-only',
    packageLinkPhase({ customElementsManifest }) {
      const modules = customElementsManifest.modules;
      const isElementModule = (mod) =>
        (mod.declarations ?? []).some((d) => d.customElement) ||
        (mod.exports ?? []).some((e) => e.kind === 'custom-element-definition');
      // Base classes the analyzer does not see as elements (the buttons' FlowButton extends Lit's ReactiveElement).
      const bases = new Set(
        modules
          .filter(isElementModule)
          .flatMap((mod) => mod.declarations ?? [])
          .map((d) => d.superclass?.module)
          .filter(Boolean)
          .map((path) => path.replace(/^\//, '').replace(/\.js$/, '.ts')), // "/src/x.js" names src/x.ts
      );
      customElementsManifest.modules = modules
        .filter((mod) => isElementModule(mod) || bases.has(mod.path))
        // The analyzer lists files in directory order, which differs between clones: sort so the file is stable.
        .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
  };
}

/**
 * The define modules register their element with `defineElement('idc-…', Class)` (src/components/shared/
 * define-element.ts), which the analyzer does not know: this records each such call as the module's
 * `custom-element-definition` export, pointing at the module the class is imported from.
 */
function defineElementCalls() {
  return {
    name: 'idc-define-element-calls',
    analyzePhase({ ts, node, moduleDoc, context }) {
      if (!ts.isCallExpression(node) || node.expression.getText() !== 'defineElement') return;
      const [tag, klass] = node.arguments;
      if (!tag || !ts.isStringLiteral(tag) || !klass || !ts.isIdentifier(klass)) return;
      const name = klass.getText();
      const imported = context?.imports?.find((i) => i.name === name);
      const module =
        imported && !imported.isBareModuleSpecifier
          ? new URL(imported.importPath, `file:///${moduleDoc.path}`).pathname
          : moduleDoc.path;
      moduleDoc.exports = [...(moduleDoc.exports ?? []), { kind: 'custom-element-definition', name: tag.text, declaration: { name, module } }];
    },
  };
}
