// Editor data generated from the custom-elements manifest (custom-elements.json), shipped in the package:
// - dist/vscode.html-custom-data.json — VS Code's custom HTML data (format version 1.1): each tag with its description
//   (events, slots, parts and CSS properties listed in it: the format has no field for them) and its attributes, with
//   their values when the type is a union of string literals. A VS Code user points `html.customData` at it (README
//   "Editor support").
// - dist/web-types.json — JetBrains web-types (schema version 2): each element with its attributes, events, slots,
//   JS properties, CSS parts and CSS properties; package.json `"web-types"` points at it, so WebStorm finds it in
//   node_modules by itself.
// Every description comes from the manifest (the elements' JSDoc). An attribute without one takes its property's, then
// a sentence from its type. Run by `npm run build`; `node scripts/editor-data.mjs [outDir]`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Type aliases the manifest leaves by name (the analyzer does not expand them), written out so their values complete
 * in the editor. An alias missing here is shown by name, without values.
 */
const ALIASES = {
  FlowMode: "'popup' | 'redirect'",
  ConsentKind: "'connect' | 'share'",
};

/** The manifest's custom elements, each with the module it is declared in. */
export function elementsOf(manifest) {
  const out = [];
  for (const mod of manifest.modules ?? []) {
    for (const decl of mod.declarations ?? []) if (decl.customElement && decl.tagName) out.push(decl);
  }
  return out.sort((a, b) => a.tagName.localeCompare(b.tagName));
}

/** The type as written, `undefined` dropped, aliases expanded. */
function typeText(type) {
  const text = (type?.text ?? 'string')
    .split('|')
    .map((t) => t.trim())
    .filter((t) => t !== 'undefined')
    .join(' | ');
  return ALIASES[text] ?? text;
}

/** The values of a union of string literals (`'popup' | 'redirect'` → popup, redirect), else none. */
function literalValues(type) {
  const parts = typeText(type).split('|').map((t) => t.trim());
  return parts.every((p) => /^'[^']*'$/.test(p)) ? parts.map((p) => p.slice(1, -1)) : [];
}

/** One line breaks only where the JSDoc had a blank line: editors wrap text themselves. */
const prose = (text) => text.replace(/([^\n])\n(?!\n)/g, '$1 ').trim();

/** An attribute's description: its own, its property's, or one from its type. */
function attributeDescription(el, attr) {
  const field = (el.members ?? []).find((m) => m.name === attr.fieldName);
  const text = attr.description || field?.description;
  if (text) return prose(text);
  const type = typeText(attr.type);
  return type === 'boolean'
    ? `Boolean attribute (property \`${attr.fieldName}\`): present means true.`
    : `\`${type}\` (property \`${attr.fieldName}\`).`;
}

/** A property's description: its own, its attribute's (see above), or one from its type. */
function fieldDescription(el, field) {
  if (field.description) return prose(field.description);
  const attr = (el.attributes ?? []).find((a) => a.fieldName === field.name);
  return attr ? attributeDescription(el, attr) : `\`${typeText(field.type)}\`.`;
}

/** The element's public instance fields (the manifest leaves out `@internal` and private ones). */
function publicFields(el) {
  return (el.members ?? []).filter((m) => m.kind === 'field' && !m.static && (m.privacy ?? 'public') === 'public');
}

/** The element's description as Markdown, with what VS Code's format has no field for listed after it. */
function tagMarkdown(el) {
  const lines = [prose(el.summary ?? ''), prose(el.description ?? '')].filter(Boolean);
  const list = (title, items, name) => {
    if (items?.length) lines.push(`**${title}:**\n${items.map((i) => `- \`${name(i)}\` — ${prose(i.description ?? '')}`).join('\n')}`);
  };
  list('Events', el.events, (e) => e.name);
  list('Slots', el.slots, (s) => s.name || '(default)');
  list('CSS parts', el.cssParts, (p) => p.name);
  list('CSS properties', el.cssProperties, (p) => p.name);
  return lines.join('\n\n');
}

export function vscodeData(manifest, pkg) {
  const references = pkg.homepage ? [{ name: 'README', url: pkg.homepage }] : undefined;
  return {
    $schema: 'https://raw.githubusercontent.com/microsoft/vscode-html-languageservice/main/docs/customData.schema.json',
    version: 1.1,
    tags: elementsOf(manifest).map((el) => ({
      name: el.tagName,
      description: { kind: 'markdown', value: tagMarkdown(el) },
      attributes: (el.attributes ?? []).map((attr) => {
        const values = literalValues(attr.type);
        return {
          name: attr.name,
          description: { kind: 'markdown', value: attributeDescription(el, attr) },
          ...(values.length ? { values: values.map((name) => ({ name })) } : {}),
          ...(typeText(attr.type) === 'boolean' ? { valueSet: 'v' } : {}),
        };
      }),
      ...(references ? { references } : {}),
    })),
  };
}

export function webTypes(manifest, pkg) {
  const event = (e) => ({ name: e.name, type: e.type?.text ?? 'CustomEvent', description: prose(e.description ?? '') });
  return {
    $schema: 'https://json.schemastore.org/web-types',
    name: pkg.name,
    version: pkg.version,
    'description-markup': 'markdown',
    contributions: {
      html: {
        elements: elementsOf(manifest).map((el) => {
          const events = (el.events ?? []).map(event);
          return {
            name: el.tagName,
            description: tagMarkdown(el),
            ...(pkg.homepage ? { 'doc-url': pkg.homepage } : {}),
            attributes: (el.attributes ?? []).map((attr) => {
              const values = literalValues(attr.type);
              const type = typeText(attr.type);
              return {
                name: attr.name,
                description: attributeDescription(el, attr),
                ...(attr.default !== undefined ? { default: attr.default } : {}),
                value: type === 'boolean' ? { type: 'boolean', required: false } : { type, kind: 'plain' },
                ...(values.length ? { values: values.map((name) => ({ name })) } : {}),
              };
            }),
            events,
            slots: (el.slots ?? []).map((s) => ({ name: s.name, description: prose(s.description ?? '') })),
            js: {
              properties: publicFields(el).map((m) => ({
                name: m.name,
                type: typeText(m.type),
                description: fieldDescription(el, m),
                ...(m.readonly ? { 'read-only': true } : {}),
              })),
              events,
            },
            css: {
              parts: (el.cssParts ?? []).map((p) => ({ name: p.name, description: prose(p.description ?? '') })),
              properties: (el.cssProperties ?? []).map((p) => ({ name: p.name, description: prose(p.description ?? '') })),
            },
          };
        }),
      },
    },
  };
}

/** Writes both files into `outDir` (default dist/). */
export function writeEditorData(outDir = join(root, 'dist')) {
  const manifest = JSON.parse(readFileSync(join(root, 'custom-elements.json'), 'utf8'));
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  mkdirSync(outDir, { recursive: true });
  const files = {
    'vscode.html-custom-data.json': vscodeData(manifest, pkg),
    'web-types.json': webTypes(manifest, pkg),
  };
  for (const [name, data] of Object.entries(files)) writeFileSync(join(outDir, name), `${JSON.stringify(data, null, 2)}\n`);
  return Object.keys(files).map((name) => join(outDir, name));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2] ? resolve(process.argv[2]) : undefined;
  for (const file of writeEditorData(outDir)) console.log(file);
}
