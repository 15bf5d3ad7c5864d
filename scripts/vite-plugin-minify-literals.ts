/**
 * Vite plugin: squeezes the whitespace out of Lit's `css` and `html` tagged templates in our own sources. The JS
 * minifier leaves template text alone, so without this every indented style sheet and template ships as written.
 *
 * Conservative on purpose — it changes only what cannot change meaning:
 * - line numbers stay right (and so source maps): `html` keeps every newline; `css` drops its newlines next to
 *   `{ } ; ,` (elsewhere one becomes a space) and puts them back after the template's closing backtick, where the
 *   JS minifier removes them; indentation and trailing spaces go;
 * - `css`: comments go, runs of spaces become one, spaces next to `{ } ; ,` and after `:` go, `0.5` becomes `.5`,
 *   `#ffffff` `#fff` and `[size='small']` `[size=small]` — never inside other quoted strings, and never at the edge
 *   of a `${…}` interpolation (a selector could continue there);
 * - `html`: only indentation and trailing spaces around newlines go (HTML renders any whitespace run as one space);
 *   templates with `<pre` or `<textarea` are left untouched.
 */
import { parseSync, type Plugin } from 'vite';

interface Quasi {
  start: number;
  end: number;
  raw: string;
}

interface Node {
  type?: string;
  [key: string]: unknown;
}

const TAGS = new Set(['css', 'html', 'svg']);

export function minifyLitLiterals(include: RegExp = /[\\/]src[\\/].*\.ts$/): Plugin {
  return {
    name: 'idc:minify-lit-literals',
    apply: 'build',
    enforce: 'post',
    transform(code, id) {
      if (!include.test(id) || !/\b(css|html|svg)`/.test(code)) return null;
      const { program } = parseSync(id.replace(/\.ts$/, '.js'), code);
      const edits: { start: number; end: number; text: string }[] = [];
      walk(program as unknown as Node, (node) => {
        if (node.type !== 'TaggedTemplateExpression') return;
        const tag = node.tag as Node;
        if (tag?.type !== 'Identifier' || !TAGS.has(String(tag.name))) return;
        const quasi = node.quasi as Node;
        const quasis = (quasi.quasis as Node[]).map((q) => ({
          start: q.start as number,
          end: q.end as number,
          raw: (q.value as { raw: string }).raw,
        }));
        const kind = tag.name === 'css' ? 'css' : 'html';
        if (kind === 'html' && quasis.some((q) => /<(pre|textarea)\b/i.test(q.raw))) return;
        let dropped = 0;
        quasis.forEach((q: Quasi, i) => {
          let text = kind === 'css' ? squeezeCss(q.raw, i > 0, i < quasis.length - 1) : squeezeHtml(q.raw);
          if (kind === 'css') {
            const lines = newlines(text);
            text = joinCssLines(text, i > 0, i < quasis.length - 1);
            dropped += lines - newlines(text);
          }
          if (text !== q.raw) edits.push(locate(code, q, text));
        });
        if (dropped) edits.push({ start: node.end as number, end: node.end as number, text: '\n'.repeat(dropped) });
      });
      if (!edits.length) return null;
      edits.sort((a, b) => b.start - a.start);
      let out = code;
      for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
      return { code: out, map: null };
    },
  };
}

/** The raw text of a template element sits between its start/end offsets (oxc may or may not include delimiters). */
function locate(code: string, q: Quasi, text: string): { start: number; end: number; text: string } {
  const at = code.indexOf(q.raw, q.start);
  if (at < 0 || at > q.end) throw new Error(`minify-lit-literals: template text not found at ${q.start}`);
  return { start: at, end: at + q.raw.length, text };
}

function walk(node: Node, visit: (n: Node) => void): void {
  visit(node);
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (Array.isArray(value)) {
      for (const child of value) if (child && typeof child === 'object') walk(child as Node, visit);
    } else if (value && typeof value === 'object' && (value as Node).type) {
      walk(value as Node, visit);
    }
  }
}

function newlines(text: string): number {
  return (text.match(/\n/g) ?? []).length;
}

/**
 * Drops the newlines of squeezed CSS: next to `{ } ; ,` or at the template's ends they go, elsewhere each run becomes
 * one space (it may separate two words of a selector or a value), as it does at the edge of a `${…}` interpolation.
 * Quoted strings hold no raw newline.
 */
export function joinCssLines(css: string, afterExpr = false, beforeExpr = false): string {
  return css.replace(/\n+/g, (run, at: number) => {
    const before = css[at - 1];
    const after = css[at + run.length];
    if (before === undefined) return afterExpr ? ' ' : '';
    if (after === undefined) return beforeExpr ? ' ' : '';
    return /[{};,]/.test(before) || /[{};,]/.test(after) ? '' : ' ';
  });
}

function squeezeLines(text: string): string {
  return text.replace(/[ \t]*\n[ \t]*/g, '\n');
}

export function squeezeHtml(raw: string): string {
  return squeezeLines(raw);
}

export function squeezeCss(raw: string, afterExpr: boolean, beforeExpr: boolean): string {
  // Comments out (keeping their newlines), outside quoted strings.
  const parts = raw.split(/("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')/);
  const squeezed = parts.map((part, i) => {
    if (i % 2 === 1) {
      // A quoted string: untouched, unless it is an attribute selector's value that is an identifier ([size='small']
      // means [size=small]).
      const ident = /^(['"])(-?[A-Za-z_][\w-]*)\1$/.exec(part);
      return ident && /\[[\w-]+=$/.test(parts[i - 1]!) && parts[i + 1]!.startsWith(']') ? ident[2]! : part;
    }
    let s = part.replace(/\/\*[\s\S]*?\*\//g, (c) => '\n'.repeat((c.match(/\n/g) ?? []).length));
    s = squeezeLines(s);
    s = s.replace(/[ \t]{2,}/g, ' ');
    s = s.replace(/[ \t]*([{};,])[ \t]*/g, '$1');
    s = s.replace(/:[ \t]+/g, ':');
    s = s.replace(/[ \t]+!important/g, '!important');
    s = s.replace(/;(\s*)\}/g, '$1}');
    // Shorter spellings of the same value: 0.5 → .5 (not inside a word or another number), #ffffff → #fff.
    s = s.replace(/(^|[^\w.#-])0\.(\d)/g, '$1.$2');
    s = s.replace(/#([0-9a-f])\1([0-9a-f])\2([0-9a-f])\3\b/gi, '#$1$2$3');
    return s;
  });
  let out = squeezed.join('');
  // At the edge of an interpolation a space may be a descendant combinator: keep one.
  if (afterExpr && /^[ \t]/.test(raw) && !/^[ \t]/.test(out)) out = ` ${out}`;
  if (beforeExpr && /[ \t]$/.test(raw) && !/[ \t]$/.test(out)) out = `${out} `;
  return out;
}
