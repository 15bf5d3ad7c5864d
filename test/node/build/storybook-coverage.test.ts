/**
 * Storybook covers every element of custom-elements.json: each element has a stories file whose render binds every
 * attribute (or the property it sets) to an arg of the same name, every public property without an attribute, and
 * every event to the action of the same name; and the controls derived from the manifest
 * (.storybook/manifest-arg-types.ts) give each attribute a control and each event an action. A new attribute or
 * event in an element fails here until its stories show it.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  argTypesFromManifest,
  attributeField,
  eventArgName,
  manifestElements,
  propertyOnlyFields,
  type Manifest,
} from '../../../.storybook/manifest-arg-types.js';

const root = join(import.meta.dirname, '../../..');
const manifest = JSON.parse(readFileSync(join(root, 'custom-elements.json'), 'utf8')) as Manifest;
const storiesDir = join(root, 'stories');
const storyFiles = new Map(
  readdirSync(storiesDir)
    .filter((f) => /\.stories\.(ts|js)$/.test(f))
    .map((f) => [f, readFileSync(join(storiesDir, f), 'utf8')] as const),
);

/** Each binding in the opening tags `<tag …>` of a Lit template: name (with its `.`, `?` or `@` prefix) → expression. */
function bindingsOf(source: string, tag: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (let at = source.indexOf(`<${tag}`); at !== -1; at = source.indexOf(`<${tag}`, at + 1)) {
    if (/[\w-]/.test(source[at + tag.length + 1] ?? '')) continue; // a longer tag name
    // The opening tag ends at the first `>` outside `${…}` (expressions may hold arrows and nested braces).
    let depth = 0;
    let end = at;
    for (let i = at + tag.length + 1; i < source.length; i++) {
      if (source.startsWith('${', i)) {
        depth++;
        i++;
      } else if (source[i] === '{' && depth > 0) depth++;
      else if (source[i] === '}' && depth > 0) depth--;
      else if (source[i] === '>' && depth === 0) {
        end = i;
        break;
      }
    }
    const opening = source.slice(at, end);
    for (const m of opening.matchAll(/\s([.?@]?[\w-]+)=\$\{/g)) {
      // The expression: from after `${` to its closing brace.
      let depth = 1;
      let i = m.index + m[0].length;
      const start = i;
      for (; i < opening.length && depth > 0; i++) {
        if (opening[i] === '{') depth++;
        else if (opening[i] === '}') depth--;
      }
      const expression = opening.slice(start, i - 1);
      found.set(m[1]!, [...(found.get(m[1]!) ?? []), expression]);
    }
  }
  return found;
}

const mentions = (expressions: string[] | undefined, word: string): boolean =>
  (expressions ?? []).some((e) => new RegExp(`(^|[^\\w-])${word.replace(/[-.]/g, '\\$&')}($|[^\\w-])`).test(e));

/** What the stories of one element fail to show, as readable lines (empty when everything is covered). */
function coverageProblems(m: Manifest, stories: Map<string, string>): string[] {
  const problems: string[] = [];
  for (const [tag, element] of manifestElements(m)) {
    const files = [...stories].filter(([, source]) => new RegExp(`component:\\s*'${tag}'`).test(source));
    if (files.length === 0) {
      problems.push(`${tag}: no stories file with component: '${tag}'`);
      continue;
    }
    const source = files.map(([, s]) => s).join('\n');
    const bindings = bindingsOf(source, tag);
    for (const attribute of element.attributes ?? []) {
      const field = attributeField(attribute);
      const bound =
        mentions(bindings.get(attribute.name), field) ||
        mentions(bindings.get(`?${attribute.name}`), field) ||
        mentions(bindings.get(`.${field}`), field);
      if (!bound) problems.push(`${tag}: attribute ${attribute.name} is not bound to the arg ${field}`);
    }
    for (const member of propertyOnlyFields(element)) {
      if (!mentions(bindings.get(`.${member.name}`), member.name)) {
        problems.push(`${tag}: property ${member.name} is not bound to the arg ${member.name}`);
      }
    }
    for (const event of element.events ?? []) {
      if (!(bindings.get(`@${event.name}`) ?? []).some((e) => e.includes(`'${event.name}'`))) {
        problems.push(`${tag}: event ${event.name} is not handed to its action`);
      }
    }
    if ((element.slots ?? []).some((s) => s.name === '') && !/\ba\.defaultSlot\b/.test(source)) {
      problems.push(`${tag}: the default slot is not filled from the arg defaultSlot`);
    }
    const argTypes = argTypesFromManifest(m, tag) ?? {};
    for (const attribute of element.attributes ?? []) {
      const argType = argTypes[attributeField(attribute)];
      if (!argType || argType.control === false) problems.push(`${tag}: no control for attribute ${attribute.name}`);
    }
    for (const event of element.events ?? []) {
      if (argTypes[eventArgName(event.name)]?.action !== event.name) problems.push(`${tag}: no action for ${event.name}`);
    }
  }
  return problems;
}

describe('Storybook covers the manifest', () => {
  it('has stories for the elements this test knows about at least', () => {
    const tags = [...manifestElements(manifest).keys()];
    for (const tag of ['idc-verify-button', 'idc-share-button', 'idc-consent-screen', 'idc-reuse-selection']) {
      assert.ok(tags.includes(tag), `${tag} in custom-elements.json`);
    }
  });

  it('binds every attribute, property and event of every element in its stories', () => {
    assert.deepEqual(coverageProblems(manifest, storyFiles), []);
  });

  it('derives readable controls: options of unions and of named aliases, events named as dispatched', () => {
    const verify = argTypesFromManifest(manifest, 'idc-verify-button')!;
    assert.deepEqual(verify.size?.options, ['small', 'medium', 'large']);
    assert.deepEqual(verify.mode?.options, ['popup', 'redirect'], 'FlowMode, from the description');
    assert.equal(verify.clientId?.name, 'client-id');
    assert.deepEqual(verify.fullWidth?.control, { type: 'boolean' });
    assert.deepEqual(verify.timeout?.control, { type: 'number' });
    assert.equal(verify.onIdcSuccess?.action, 'idc-success');
    assert.equal(argTypesFromManifest(manifest, 'idc-share-button')!.shareLink?.table?.category, 'properties');
    assert.equal(argTypesFromManifest(manifest, 'idc-no-such-element'), null);
  });

  it('reports an attribute, a property, an event or a whole element the stories leave out', () => {
    const verify = storyFiles.get('verify-button.stories.ts')!;
    const withoutScope = verify.replace(/\n\s*scope=\$\{a\.scope\}/, '');
    assert.notEqual(withoutScope, verify, 'the fixture edit applies');
    const withoutSuccess = verify.replace(/\n\s*@idc-success=\$\{[^}]*\}/, '');
    assert.notEqual(withoutSuccess, verify, 'the fixture edit applies');
    const share = storyFiles.get('share-button.stories.ts')!;
    const withoutShareLink = share.replace(/\n\s*\.shareLink=\$\{[^}]*\}/, '');
    assert.notEqual(withoutShareLink, share, 'the fixture edit applies');

    const edited = (file: string, source: string): Map<string, string> => new Map([...storyFiles, [file, source]]);
    assert.deepEqual(coverageProblems(manifest, edited('verify-button.stories.ts', withoutScope)), [
      'idc-verify-button: attribute scope is not bound to the arg scope',
    ]);
    assert.deepEqual(coverageProblems(manifest, edited('verify-button.stories.ts', withoutSuccess)), [
      'idc-verify-button: event idc-success is not handed to its action',
    ]);
    assert.deepEqual(coverageProblems(manifest, edited('share-button.stories.ts', withoutShareLink)), [
      'idc-share-button: property shareLink is not bound to the arg shareLink',
    ]);
    const withoutFile = new Map([...storyFiles].filter(([f]) => f !== 'reuse-selection.stories.ts'));
    assert.deepEqual(coverageProblems(manifest, withoutFile), [
      "idc-reuse-selection: no stories file with component: 'idc-reuse-selection'",
    ]);
  });

  it('reports a new attribute or event added to the manifest', () => {
    const grown = structuredClone(manifest);
    const verify = manifestElements(grown).get('idc-verify-button')!;
    verify.attributes!.push({ name: 'prompt-mode', fieldName: 'promptMode', type: { text: 'string' } });
    verify.events!.push({ name: 'idc-ready' });
    assert.deepEqual(coverageProblems(grown, storyFiles), [
      'idc-verify-button: attribute prompt-mode is not bound to the arg promptMode',
      'idc-verify-button: event idc-ready is not handed to its action',
    ]);
  });
});
