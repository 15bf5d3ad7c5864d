// Controls and the docs tables of every element, derived from custom-elements.json (the same manifest editors read,
// README.md "Use it"): one control per attribute, keyed by the property it sets (`client-id` → `clientId`), the
// public properties without an attribute (`shareLink`), the read-only properties and methods, slots, CSS parts and
// custom properties as table rows, and every `idc-*` event as an action (`idc-success` → arg `onIdcSuccess`, logged
// in the Actions panel under its own name). No DOM here: test/node/build/storybook-coverage.test.ts imports it too.
import type { ArgTypes, InputType } from 'storybook/internal/types';

/** The part of a custom-elements manifest (schema 2.x) this file reads. */
export interface ManifestTyped {
  name: string;
  description?: string;
  type?: { text?: string };
  default?: string;
}
export interface ManifestAttribute extends ManifestTyped {
  fieldName?: string;
}
export interface ManifestMember extends ManifestTyped {
  kind: 'field' | 'method';
  privacy?: 'public' | 'protected' | 'private';
  static?: boolean;
  readonly?: boolean;
  attribute?: string;
}
export interface ManifestElement {
  name: string;
  tagName?: string;
  customElement?: boolean;
  description?: string;
  attributes?: ManifestAttribute[];
  members?: ManifestMember[];
  events?: ManifestTyped[];
  slots?: ManifestTyped[];
  cssParts?: ManifestTyped[];
  cssProperties?: ManifestTyped[];
}
export interface Manifest {
  modules: { path: string; declarations?: ManifestElement[] }[];
}

/** Every custom element the manifest declares, by tag name. */
export function manifestElements(manifest: Manifest): Map<string, ManifestElement> {
  const found = new Map<string, ManifestElement>();
  for (const mod of manifest.modules) {
    for (const declaration of mod.declarations ?? []) {
      if (declaration.customElement && declaration.tagName) found.set(declaration.tagName, declaration);
    }
  }
  return found;
}

/** The arg that receives an event: `idc-consent-decision` → `onIdcConsentDecision`. */
export function eventArgName(event: string): string {
  return 'on' + event.replace(/(?:^|[-_:.\s]+)(\w)/g, (_m, chr: string) => chr.toUpperCase());
}

/** The property an attribute sets (`client-id` → `clientId`), from the manifest when it says so. */
export function attributeField(attribute: ManifestAttribute): string {
  return attribute.fieldName ?? attribute.name.replace(/-(\w)/g, (_m, chr: string) => chr.toUpperCase());
}

/** Public, writable properties without an attribute (set from script only, e.g. `shareLink`). */
export function propertyOnlyFields(element: ManifestElement): ManifestMember[] {
  return (element.members ?? []).filter(
    (m) => m.kind === 'field' && isPublic(m) && !m.static && !m.readonly && !m.attribute && !isAttributeField(element, m.name),
  );
}

const isPublic = (m: ManifestMember): boolean => m.privacy === undefined || m.privacy === 'public';
const isAttributeField = (element: ManifestElement, field: string): boolean =>
  (element.attributes ?? []).some((a) => attributeField(a) === field);

/** `'a' | 'b' | undefined` → ['a', 'b']; anything that is not a union of string literals → undefined. */
function literalOptions(typeText: string): string[] | undefined {
  const parts = typeText.split('|').map((p) => p.trim()).filter((p) => p !== 'undefined' && p !== 'null');
  const literals = parts.map((p) => /^'([^']*)'$|^"([^"]*)"$/.exec(p)).map((m) => (m ? (m[1] ?? m[2]) : undefined));
  return literals.length > 1 && literals.every((l) => l !== undefined) ? (literals as string[]) : undefined;
}

/**
 * A named alias (`FlowMode`, `ConsentKind`) is not expanded in the manifest; its values are the backticked words of
 * the description ("`popup` (default) or `redirect` …").
 */
function aliasOptions(typeText: string, description = ''): string[] | undefined {
  if (!/^[A-Z]\w*$/.test(typeText.trim())) return undefined;
  const words = [...description.matchAll(/`([a-z][\w-]*)`/g)].map((m) => m[1]!);
  const unique = [...new Set(words)];
  return unique.length > 1 ? unique : undefined;
}

function controlFor(item: ManifestTyped): InputType['control'] {
  const text = item.type?.text ?? 'string';
  const options = literalOptions(text) ?? aliasOptions(text, item.description);
  if (options) return { type: options.length <= 4 ? 'inline-radio' : 'select' };
  const plain = text.replace(/\s*\|\s*undefined/g, '').trim();
  if (plain === 'boolean') return { type: 'boolean' };
  if (plain === 'number') return { type: 'number' };
  if (plain === 'string') return { type: 'text' };
  // Objects, arrays, functions: JSON editing for data, nothing for functions.
  return /=>/.test(plain) ? false : { type: 'object' };
}

function optionsFor(item: ManifestTyped): string[] | undefined {
  const text = item.type?.text ?? 'string';
  return literalOptions(text) ?? aliasOptions(text, item.description);
}

const row = (item: ManifestTyped, category: string, extra: Partial<InputType> = {}): InputType => ({
  name: item.name,
  description: item.description ?? '',
  ...extra,
  table: {
    category,
    type: { summary: item.type?.text ?? '' },
    ...(item.default !== undefined && item.default !== 'undefined' ? { defaultValue: { summary: item.default } } : {}),
    ...(extra.table ?? {}),
  },
});

/**
 * Puts back the manifest's names (`client-id`) on argTypes a story refined by key (`clientId: { control: … }`):
 * Storybook names a story's argType after its key, which would hide the attribute's name in the docs table.
 */
export function keepManifestNames(manifest: Manifest, tagName: unknown, argTypes: ArgTypes): ArgTypes {
  const derived = typeof tagName === 'string' ? argTypesFromManifest(manifest, tagName) : null;
  if (!derived) return argTypes;
  return Object.fromEntries(
    Object.entries(argTypes).map(([key, argType]) => [key, derived[key] ? { ...argType, name: derived[key].name } : argType]),
  );
}

/**
 * The argTypes of one element: what `parameters.docs.extractArgTypes` returns for `component: '<tag>'`
 * (.storybook/preview.ts), so every story of the element gets them and a story only adds what the manifest cannot say.
 */
export function argTypesFromManifest(manifest: Manifest, tagName: string): ArgTypes | null {
  const element = manifestElements(manifest).get(tagName);
  if (!element) return null;
  const argTypes: ArgTypes = {};
  for (const attribute of element.attributes ?? []) {
    const field = attributeField(attribute);
    const member = element.members?.find((m) => m.name === field);
    const description = attribute.description ?? member?.description ?? '';
    const item = { ...attribute, description: field === attribute.name ? description : `${description} Property \`${field}\`.` };
    const options = optionsFor(item);
    argTypes[field] = row(item, 'attributes', { name: attribute.name, control: controlFor(item), ...(options ? { options } : {}) });
  }
  for (const member of propertyOnlyFields(element)) {
    argTypes[member.name] = row({ ...member, description: `${member.description ?? ''} Property only: no attribute.` }, 'properties', {
      control: controlFor(member),
    });
  }
  for (const member of element.members ?? []) {
    if (!isPublic(member) || member.static) continue;
    if (member.kind === 'field' && member.readonly) {
      argTypes[`property:${member.name}`] = row(member, 'properties', { name: member.name, control: false });
    } else if (member.kind === 'method') {
      argTypes[`method:${member.name}`] = row(member, 'methods', { name: `${member.name}()`, control: false });
    }
  }
  for (const event of element.events ?? []) {
    argTypes[eventArgName(event.name)] = row(event, 'events', { action: event.name, control: false });
  }
  for (const slot of element.slots ?? []) {
    // The default slot is live (arg `defaultSlot`, text put inside the element); named slots are described.
    if (slot.name === '') argTypes.defaultSlot = row({ ...slot, name: '(default slot)' }, 'slots', { control: { type: 'text' } });
    else argTypes[`slot:${slot.name}`] = row(slot, 'slots', { control: false });
  }
  for (const part of element.cssParts ?? []) {
    argTypes[`::part(${part.name})`] = row({ ...part, name: `::part(${part.name})` }, 'css shadow parts', { control: false });
  }
  for (const property of element.cssProperties ?? []) {
    argTypes[property.name] = row(property, 'css custom properties', { control: false });
  }
  return argTypes;
}
