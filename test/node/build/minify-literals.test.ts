/**
 * The build's squeezing of Lit `css` templates (scripts/vite-plugin-minify-literals.ts): shorter, same meaning, and
 * the lines of the module kept (the plugin puts the dropped newlines back after the template).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { joinCssLines, minifyLitLiterals, squeezeCss } from '../../../scripts/vite-plugin-minify-literals.js';

/** Runs the plugin's transform on one module's source. */
function transform(code: string): string {
  const plugin = minifyLitLiterals();
  const hook = plugin.transform as (code: string, id: string) => { code: string } | null;
  return hook.call({}, code, '/x/src/a.ts')?.code ?? code;
}

describe('css templates', () => {
  it('drop whitespace, comments and newlines next to punctuation; shorten 0.5 and #ffffff', () => {
    const raw = `
      :host {
        /* the shadow */
        display: inline-block;
        color: #FFFFFF;
        opacity: 0.55;
      }
      .a,
      .b .c { margin: 0 }
    `;
    assert.equal(joinCssLines(squeezeCss(raw, false, false)), ':host{display:inline-block;color:#FFF;opacity:.55}.a,.b .c{margin:0}');
  });

  it('keeps a newline between two words as one space (a descendant combinator)', () => {
    assert.equal(joinCssLines('.a\n.b{x:1}'), '.a .b{x:1}');
    assert.equal(joinCssLines('.a{border:1px\nsolid red}'), '.a{border:1px solid red}');
  });

  it('keeps a space at the edge of an interpolation, where a selector may go on', () => {
    assert.equal(joinCssLines('\n.b{}', true, false), ' .b{}');
    assert.equal(joinCssLines('.a\n', false, true), '.a ');
    assert.equal(joinCssLines('\n.b{}\n', false, false), '.b{}');
  });

  it('leaves quoted strings and numbers inside words alone', () => {
    assert.equal(squeezeCss(`.a { content: "0.5  #ffffff"; width: calc(10.05px) }`, false, false), '.a{content:"0.5  #ffffff";width:calc(10.05px)}');
  });

  it('keeps the line count of the module: the newlines go after the closing backtick', () => {
    const code = "import { css } from 'lit';\nexport const s = css`\n  :host {\n    display: block;\n  }\n`;\nexport const after = 1;\n";
    const out = transform(code);
    assert.equal(out.split('\n').length, code.split('\n').length);
    assert.match(out, /css`:host\{display:block\}`\n+;/);
    assert.equal(out.split('\n').findIndex((l) => l.includes('after')), code.split('\n').findIndex((l) => l.includes('after')));
  });
});
