import type { Plugin } from 'vite';

/**
 * Lets the browser fetch an entry's whole static chunk graph at once: each ESM entry also imports, at its end, every
 * chunk it needs transitively (rolldown does not hoist these yet). Without it, a page loading
 * `dist/components/verify-button/define.js` from a CDN walks a 4-deep import waterfall before the button can paint.
 * Imports placed after the existing ones change nothing in evaluation order (those modules are already evaluated
 * through the direct imports) and nothing in the source maps (only text is appended).
 */
export function hoistTransitiveImports(): Plugin {
  return {
    name: 'idc:hoist-transitive-imports',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = new Map(
        Object.values(bundle)
          .filter((o) => o.type === 'chunk')
          .map((c) => [c.fileName, c] as const),
      );
      for (const chunk of chunks.values()) {
        if (!chunk.isEntry) continue;
        const seen = new Set<string>();
        const visit = (file: string) => {
          for (const dep of chunks.get(file)?.imports ?? []) {
            if (seen.has(dep)) continue;
            seen.add(dep);
            visit(dep);
          }
        };
        visit(chunk.fileName);
        // Only this build's own chunks: a dependency left external (`lit`) is the host's to load, and a bare
        // `import "lit"` added here would make a bundler include all of it.
        const extra = [...seen].filter((f) => chunks.has(f) && !chunk.imports.includes(f));
        if (!extra.length) continue;
        const dir = chunk.fileName.split('/').slice(0, -1);
        const rel = (f: string) => {
          const parts = f.split('/');
          let i = 0;
          while (i < dir.length && dir[i] === parts[i]) i++;
          const up = dir.length - i;
          return `${up ? '../'.repeat(up) : './'}${parts.slice(i).join('/')}`;
        };
        const lines = extra.map((f) => `import${JSON.stringify(rel(f))};`).join('');
        const mapComment = chunk.code.lastIndexOf('\n//# sourceMappingURL=');
        chunk.code =
          mapComment >= 0
            ? `${chunk.code.slice(0, mapComment)}\n${lines}${chunk.code.slice(mapComment)}`
            : `${chunk.code}\n${lines}\n`;
        chunk.imports.push(...extra);
      }
    },
  };
}
