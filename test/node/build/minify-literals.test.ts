/**
 * The build's minifying of Lit templates (scripts/vite-plugin-minify-literals.ts, on minify-literals): shorter, the
 * same meaning, interpolations kept where they were, and only our own sources touched.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { minifyLitLiterals } from '../../../scripts/vite-plugin-minify-literals.js';

/** Runs the plugin's transform on one module's source, as Vite would for `id`. */
async function transform(code: string, id = '/x/src/a.ts'): Promise<{ code: string; map?: unknown } | null> {
  const hook = minifyLitLiterals().transform as (code: string, id: string) => Promise<{ code: string; map?: unknown } | null>;
  return hook.call({}, code, id);
}

describe('Lit template minifying', () => {
  it('squeezes css templates without changing what they say', async () => {
    const code = "import { css } from 'lit';\nexport const s = css`\n  :host {\n    /* the shadow */\n    display: inline-block;\n    color: #FFFFFF;\n    opacity: 0.55;\n  }\n  .a,\n  .b .c { margin: 0 }\n`;\n";
    const out = (await transform(code))!.code;
    const text = /css`([^`]*)`/.exec(out)![1]!;
    assert.ok(text.length < 80, text);
    assert.doesNotMatch(text, /\/\*|\n| {2}/, 'no comments, newlines or runs of spaces');
    const host = /:host\{([^}]*)\}/.exec(text)![1]!.split(';').sort();
    assert.deepEqual(host, ['color:#fff', 'display:inline-block', 'opacity:.55'], 'the same declarations, shortened');
    assert.match(text, /\.a,\.b \.c\{margin:0\}/, 'the descendant combinator stays a space');
  });

  it('keeps interpolations where they are, in css and in html', async () => {
    const code = [
      "import { css, html } from 'lit';",
      'const size = css`1rem`;',
      'export const s = css`\n  :host { padding: ${size}; }\n`;',
      'export const t = (label, on) => html`\n  <button   part="base"  ?disabled=${!on}>\n    ${label}\n  </button>\n`;',
    ].join('\n');
    const out = (await transform(code))!.code;
    assert.match(out, /padding:\$\{size\}/);
    assert.match(out, /<button part="base" \?disabled="?\$\{!on\}"?>/);
    assert.match(out, /\$\{label\}/);
    assert.doesNotMatch(/html`([^`]*)`/.exec(out)![1]!, /\n/);
  });

  it('does not rewrite a css template it cannot parse safely (a selector continued by an interpolation)', async () => {
    const code = "import { css } from 'lit';\nconst s = css`x`;\nexport const a = css`\n  .b ${s} {   x: 1 }\n`;\n";
    const out = (await transform(code))?.code ?? code;
    assert.match(out, /\.b \$\{s\} \{ {3}x: 1 \}/, 'the rule is left as written (at most the ends are trimmed)');
  });

  it('hands Vite a source map, and leaves modules outside src/ and without templates alone', async () => {
    const code = "import { css } from 'lit';\nexport const s = css`\n  :host { display: block; }\n`;\n";
    assert.ok((await transform(code))!.map, 'a source map');
    assert.equal(await transform(code, '/x/node_modules/lit/index.ts'), null);
    assert.equal(await transform('export const x = 1;\n'), null);
  });
});
