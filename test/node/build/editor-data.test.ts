/**
 * The editor data the package ships (scripts/editor-data.mjs, README "Editor support"): VS Code's custom HTML data and
 * JetBrains web-types, generated from custom-elements.json by `npm run build`. Each element, attribute and event of
 * the manifest appears in both files with a description; enumerated attribute values complete; package.json points
 * at both files and ships them. Checks the files in dist/ (the build's) and a fresh generation from the manifest as
 * it is now, so a stale dist/ cannot pass for a current one.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

interface Declaration {
  customElement?: boolean;
  tagName?: string;
  attributes?: { name: string; type?: { text: string } }[];
  events?: { name: string }[];
}
const manifest = read(join(ROOT, 'custom-elements.json')) as { modules: { declarations?: Declaration[] }[] };
const ELEMENTS = manifest.modules.flatMap((m) => (m.declarations ?? []).filter((d) => d.customElement && d.tagName));

interface Described {
  name: string;
  description?: string | { kind: string; value: string };
}
interface VsCodeData {
  version: number;
  tags: (Described & { attributes: (Described & { values?: { name: string }[] })[] })[];
}
interface WebTypes {
  name: string;
  version: string;
  contributions: {
    html: {
      elements: (Described & {
        attributes: (Described & { values?: { name: string }[] })[];
        events: Described[];
        js: { properties: Described[]; events: Described[] };
      })[];
    };
  };
}

const text = (d: Described | undefined): string => (typeof d?.description === 'string' ? d.description : (d?.description?.value ?? ''));
/** A description worth the name: words (two at least), not an empty string or a bare name. */
const described = (d: Described | undefined, what: string): void => {
  assert.ok(d, `${what} is listed`);
  assert.match(text(d), /\w+\W+\w+/, `${what} has a description of two words or more: ${JSON.stringify(text(d))}`);
};

const fresh = mkdtempSync(join(tmpdir(), 'idc-editor-data-'));
after(() => rmSync(fresh, { recursive: true, force: true }));
execFileSync(process.execPath, [join(ROOT, 'scripts/editor-data.mjs'), fresh], { stdio: 'ignore' });

const SOURCES = [
  { label: 'freshly generated', dir: fresh },
  { label: 'in dist/ (npm run build)', dir: join(ROOT, 'dist') },
];

for (const { label, dir } of SOURCES) {
  const vscodeFile = join(dir, 'vscode.html-custom-data.json');
  const webTypesFile = join(dir, 'web-types.json');
  const missing = !existsSync(vscodeFile) || !existsSync(webTypesFile);

  describe(`editor data ${label}`, { skip: missing && 'not built: run `npm run build` first' }, () => {
    it('VS Code custom data: every element, attribute and event of the manifest, described', () => {
      const data = read(vscodeFile) as VsCodeData;
      assert.equal(data.version, 1.1);
      assert.deepEqual(data.tags.map((t) => t.name).sort(), ELEMENTS.map((e) => e.tagName).sort());
      for (const el of ELEMENTS) {
        const tag = data.tags.find((t) => t.name === el.tagName);
        described(tag, el.tagName!);
        for (const attr of el.attributes ?? []) described(tag!.attributes.find((a) => a.name === attr.name), `${el.tagName} [${attr.name}]`);
        // The format has no events: they are listed in the element's Markdown description, each with its own text.
        for (const event of el.events ?? []) assert.match(text(tag), new RegExp(`- \`${event.name}\` — \\S.{8,}`), `${el.tagName} describes ${event.name}`);
      }
      const mode = data.tags.find((t) => t.name === 'idc-verify-button')!.attributes.find((a) => a.name === 'mode');
      assert.deepEqual(mode?.values?.map((v) => v.name), ['popup', 'redirect'], 'enumerated values complete');
    });

    it('web-types: every element, attribute and event of the manifest, described', () => {
      const data = read(webTypesFile) as WebTypes;
      const pkg = read(join(ROOT, 'package.json')) as { name: string; version: string };
      assert.equal(data.name, pkg.name);
      assert.equal(data.version, pkg.version);
      const elements = data.contributions.html.elements;
      assert.deepEqual(elements.map((e) => e.name).sort(), ELEMENTS.map((e) => e.tagName).sort());
      for (const el of ELEMENTS) {
        const entry = elements.find((e) => e.name === el.tagName);
        described(entry, el.tagName!);
        for (const attr of el.attributes ?? []) described(entry!.attributes.find((a) => a.name === attr.name), `${el.tagName} [${attr.name}]`);
        for (const event of el.events ?? []) {
          described(entry!.events.find((e) => e.name === event.name), `${el.tagName} ${event.name}`);
          described(entry!.js.events.find((e) => e.name === event.name), `${el.tagName} js ${event.name}`);
        }
        for (const property of entry!.js.properties) described(property, `${el.tagName} .${property.name}`);
      }
      const share = elements.find((e) => e.name === 'idc-share-button')!;
      assert.ok(share.js.properties.some((p) => p.name === 'shareLink'), 'JS-only properties are listed');
      assert.deepEqual(share.attributes.find((a) => a.name === 'fallback')?.values?.map((v) => v.name), ['redirect', 'none']);
    });
  });
}

describe('editor data in the package', () => {
  it('package.json references both files and exports them; `files` ships them', () => {
    const pkg = read(join(ROOT, 'package.json')) as { 'web-types'?: string; exports: Record<string, unknown>; files: string[] };
    assert.equal(pkg['web-types'], './dist/web-types.json');
    assert.equal(pkg.exports['./web-types.json'], './dist/web-types.json');
    assert.equal(pkg.exports['./vscode.html-custom-data.json'], './dist/vscode.html-custom-data.json');
    assert.ok(pkg.files.includes('dist'));
  });
});
