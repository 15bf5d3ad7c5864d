/**
 * The built declarations as an app's TypeScript sees them (README "Frameworks"): small consumer files, compiled with
 * the TypeScript compiler API against dist/types through the package's own name and `exports`, the way a bundler-
 * resolved app compiles (`moduleResolution: "bundler"`, `jsx: "react-jsx"`, strict). Each file marks the lines that
 * must fail with `// expect TSnnnn`; a file passes when exactly those lines fail with exactly those codes.
 * - React 19 JSX (`idconnect-kit/jsx-react`): every element with its properties, attributes and typed `on<event>`
 *   props; a wrong property type, a wrong event type, an unknown prop fail; without the opt-in the tags are unknown.
 * - The React wrappers (`idconnect-kit/react`): props, `onIdc…` events with their details, refs.
 * - `addEventListener` typed after importing each define entry alone, and untyped without one.
 * - Coverage: every element, attribute, property and event of custom-elements.json has its place in the typings
 *   (the Vue and Svelte typings map the same types; they are checked by vue-tsc and svelte-check in examples/).
 * Needs `npm run build` first.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BUILT = existsSync(join(ROOT, 'dist/types/frameworks/jsx-react.d.ts')) && existsSync(join(ROOT, 'dist/types/react.d.ts'));
/** Where the consumer files are said to live: inside the package, so `idconnect-kit/…` resolves to itself. Never written. */
const VIRTUAL = join(ROOT, '.test-results', 'typings-consumer');

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  jsx: ts.JsxEmit.ReactJSX,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  types: [],
  // Declaration files are checked once, in the test of dist/types itself; the consumer files are checked always.
  skipLibCheck: true,
};

interface Failure {
  file: string;
  line: number;
  code: string;
  message: string;
}

/** Parsed declaration files, shared by every program of this file (they do not change while it runs). */
const parsed = new Map<string, ts.SourceFile | undefined>();

/**
 * Compiles the given consumer files (name → source) in one program; the failures in them and in dist/types (those
 * only with `checkDeclarations`).
 */
function compile(files: Record<string, string>, checkDeclarations = false): Failure[] {
  const options = { ...OPTIONS, skipLibCheck: !checkDeclarations };
  const virtual = new Map(Object.entries(files).map(([name, text]) => [join(VIRTUAL, name), text]));
  const host = ts.createCompilerHost(options, true);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (f) => virtual.has(f) || fileExists.call(host, f);
  host.readFile = (f) => virtual.get(f) ?? readFile.call(host, f);
  host.getSourceFile = (f, lang, onError, create) => {
    if (virtual.has(f)) return ts.createSourceFile(f, virtual.get(f)!, lang, true);
    if (!parsed.has(f)) parsed.set(f, getSourceFile.call(host, f, lang, onError, create));
    return parsed.get(f);
  };
  const program = ts.createProgram([...virtual.keys()], options, host);
  const ours = (f: string) => virtual.has(f) || f.startsWith(join(ROOT, 'dist', 'types'));
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => !d.file || ours(d.file.fileName))
    .map((d) => ({
      file: d.file ? d.file.fileName.slice(ROOT.length) : '(global)',
      line: d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0,
      code: `TS${d.code}`,
      message: ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0]!,
    }));
}

/** The `// expect TSnnnn` marks of one file, as `name:line TSnnnn`. */
function expected(name: string, text: string): string[] {
  return text.split('\n').flatMap((line, i) => [...line.matchAll(/\/\/ expect (TS\d+)/g)].map((m) => `${name}:${i + 1} ${m[1]}`));
}

/** Compiles and checks that exactly the marked lines fail, with the marked codes. */
function assertCompiles(files: Record<string, string>, checkDeclarations = false): void {
  const failures = compile(files, checkDeclarations);
  const got = failures.map((f) => `${f.file.replace(/^\.test-results\/typings-consumer\//, '')}:${f.line} ${f.code}`);
  const want = Object.entries(files).flatMap(([name, text]) => expected(name, text));
  const detail = failures.map((f) => `  ${f.file}:${f.line} ${f.code} ${f.message}`).join('\n');
  assert.deepEqual([...new Set(got)].sort(), [...new Set(want)].sort(), `compiler output:\n${detail || '  (none)'}`);
}

describe('typings of the built package', { skip: !BUILT && 'dist/types is missing: run `npm run build` first' }, () => {
  it('the declarations of every entry compile (dist/types checked, not skipped as a library)', () => {
    const entries = ['', '/define', '/define/verify-button', '/define/share-button', '/define/consent-screen',
      '/define/reuse-selection', '/define/liveness-check', '/callback', '/react', '/jsx-react'];
    assertCompiles({ 'entries.ts': entries.map((e, i) => `export type * as e${i} from 'idconnect-kit${e}';`).join('\n') }, true);
  });

  it('React 19 JSX: every element, its properties, attributes and typed custom-event props', () => {
    assertCompiles({
      'react19.tsx': `
import type {} from 'idconnect-kit/jsx-react';
import type { IdcVerifyButton } from 'idconnect-kit';
import 'idconnect-kit/define';
import { useRef } from 'react';

export function Verify({ send }: { send: (code: string, nonce: string) => void }) {
  const ref = useRef<IdcVerifyButton>(null);
  const shareLink = async ({ state }: { state: string }) => \`https://id.example/share?state=\${state}\`;
  return (
    <>
      <idc-verify-button ref={ref} authority="https://id.example" clientId="shop" client-id="shop" mode="popup"
        fallback="redirect" provider-name="Example ID" full-width timeout={120} className="cta" lang="de"
        onidc-start={(e) => { const mode: 'popup' | 'redirect' = e.detail.mode; if (mode === 'redirect') e.preventDefault(); }}
        onidc-success={(e) => send(e.detail.code, e.detail.nonce)}
        onidc-cancel={(e) => e.detail.reason === 'popup_closed'}
        onidc-error={(e) => e.detail.code === 'popup_blocked' && e.detail.retryable}
        onidc-fallback={(e) => e.detail.to === 'redirect'}>Mit ID bestätigen</idc-verify-button>
      <idc-share-button shareLink={shareLink} recipientName="Bank" recipient-name="Bank" state="s-1"
        onidc-consent={(e) => send(e.detail.token, e.detail.state)} />
      <idc-consent-screen kind="share" integrator={{ name: 'Shop' }} recipient={{ name: 'Bank', clientId: 'bank' }}
        dataItems={[{ id: 'passport', label: 'Passport' }]} arm-delay={500}
        onidc-consent-decision={(e) => e.detail.decision === 'allow'} onidc-switch-account={(e) => e.detail} />
      <idc-reuse-selection documents={[]} requirements={[]} recipient={{ name: 'Bank' }}
        onidc-reuse-select={(e) => e.detail.selections.map((s) => s.documentId)} onidc-cancel={(e) => e.detail.reason} />
      <idc-liveness-check session="s" challenge={['turn-left']} upload-url="/upload"
        onidc-liveness-complete={(e) => e.detail.session} onidc-error={(e) => e.detail.code} />
    </>
  );
}

export const wrong = [
  <idc-verify-button mode="sideways" />, // expect TS2322
  <idc-verify-button timeout="soon" />, // expect TS2322
  <idc-verify-button onidc-success={(e: CustomEvent<{ token: string }>) => e.detail.token} />, // expect TS2322
  <idc-verify-button onidc-success={(e) => e.detail.token} />, // expect TS2339
  <idc-share-button shareLink={42} />, // expect TS2322
  <idc-share-button onidc-consent={(e) => e.detail.code} />, // expect TS2339
  <idc-verify-button clientID="shop" />, // expect TS2322
  <idc-reuse-selection onidc-reuse-select={(e) => e.detail.token} />, // expect TS2339
];
`,
    });
  });

  it('React 19 JSX typings are opt-in: without `idconnect-kit/jsx-react` the tags are unknown', () => {
    assertCompiles({
      'no-opt-in.tsx': `
import 'idconnect-kit/define';
export const el = <idc-verify-button authority="https://id.example" />; // expect TS2339
`,
    });
  });

  it('React wrappers: properties, `onIdc…` events with typed details, refs to the element', () => {
    assertCompiles({
      'wrappers.tsx': `
import { IdcConsentScreen, IdcReuseSelection, IdcShareButton, IdcVerifyButton, type IdcSuccessDetail } from 'idconnect-kit/react';
import type { IdcVerifyButton as VerifyButtonElement } from 'idconnect-kit';
import { useRef } from 'react';

export function App({ send }: { send: (detail: IdcSuccessDetail) => void }) {
  const ref = useRef<VerifyButtonElement>(null);
  return (
    <>
      <IdcVerifyButton ref={ref} authority="https://id.example" clientId="shop" mode="redirect" fullWidth
        onIdcStart={(e) => e.detail.mode} onIdcSuccess={(e) => send(e.detail)} onIdcCancel={(e) => e.detail.reason}
        onIdcError={(e) => e.detail.code === 'timeout'} onIdcFallback={(e) => e.preventDefault()}>Verify</IdcVerifyButton>
      <IdcShareButton shareLink={async ({ state }) => \`https://id.example/share/\${state}\`} recipientName="Bank"
        onIdcConsent={(e) => e.detail.sharingAllowed} onIdcError={(e) => e.detail.message} />
      <IdcConsentScreen kind="connect" integrator={{ name: 'Shop' }} onIdcConsentDecision={(e) => e.detail.decision}
        onIdcSwitchAccount={() => {}} />
      <IdcReuseSelection documents={[]} requirements={[]} onIdcReuseSelect={(e) => e.detail.missing} onIdcCancel={(e) => e.detail.reason} />
    </>
  );
}

export const wrong = [
  <IdcVerifyButton mode="sideways" />, // expect TS2322
  <IdcVerifyButton onIdcSuccess={(e) => e.detail.token} />, // expect TS2339
  <IdcShareButton shareLink={42} />, // expect TS2322
  <IdcShareButton onIdcSuccess={() => {}} />, // expect TS2322
  <IdcConsentScreen onIdcConsentDecision={(e) => e.detail.decision === 'maybe'} />, // expect TS2367
];
`,
    });
  });

  /** Per define entry: a listener that reads its event's detail, and one that reads what the detail does not have. */
  const DEFINE_ENTRIES: [entry: string, tag: string, event: string, read: string, wrong: string][] = [
    ['define/verify-button', 'idc-verify-button', 'idc-success', 'e.detail.code, e.detail.nonce', 'e.detail.token'],
    ['define/share-button', 'idc-share-button', 'idc-consent', 'e.detail.token, e.detail.state', 'e.detail.code'],
    ['define/consent-screen', 'idc-consent-screen', 'idc-consent-decision', "e.detail.decision, ''", 'e.detail.code'],
    ['define/reuse-selection', 'idc-reuse-selection', 'idc-reuse-select', "e.detail.missing.join(), ''", 'e.detail.code'],
    ['define/liveness-check', 'idc-liveness-check', 'idc-liveness-complete', "e.detail.session, ''", 'e.detail.code'],
    ['define', 'idc-share-button', 'idc-error', 'e.detail.code, e.detail.message', 'e.detail.token'],
  ];
  for (const [entry, tag, event, read, wrong] of DEFINE_ENTRIES) {
    it(`addEventListener is typed after \`import 'idconnect-kit/${entry}'\` alone`, () => {
      assertCompiles({
        'listen.ts': `
import 'idconnect-kit/${entry}';
declare function take(a: string, b: string): void;
const el = document.createElement('${tag}');
el.addEventListener('${event}', (e) => take(${read}));
el.addEventListener('${event}', (e) => ${wrong}); // expect TS2339
document.querySelector('${tag}')?.addEventListener('${event}', (e) => take(${read}));
`,
      });
    });
  }

  it('without a define import the events are plain `Event`s (the import is what types them)', () => {
    assertCompiles({
      'no-define.ts': `
import 'idconnect-kit/callback';
document.body.addEventListener('idc-success', (e) => e.detail); // expect TS2339
`,
    });
  });

  it('every element, attribute, property and event of custom-elements.json is in the typings', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'custom-elements.json'), 'utf8')) as Manifest;
    const elements = manifest.modules.flatMap((m) => (m.declarations ?? []).filter((d) => d.customElement && d.tagName));
    assert.ok(elements.length >= 4, 'the manifest lists the elements');
    /** What hosts cannot set: the buttons' `pending` (read-only for hosts, README) and read-only fields. */
    const readOnly = (el: Declaration, name: string) =>
      (name === 'pending' && el.tagName!.endsWith('-button')) || el.members?.some((m) => m.name === name && m.readonly);
    const pascal = (event: string) => event.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase());
    const wrapped = new Set(['idc-verify-button', 'idc-share-button', 'idc-consent-screen', 'idc-reuse-selection']);
    const list = (names: string[]) => JSON.stringify([...new Set(names)]);
    const lines = elements.map((el) => {
      const tag = el.tagName!;
      const settable = [
        ...(el.attributes ?? []).map((a) => a.name),
        ...(el.members ?? []).filter((m) => m.kind === 'field' && !m.static && (m.privacy ?? 'public') === 'public').map((m) => m.name),
      ].filter((n) => !readOnly(el, n));
      const events = (el.events ?? []).map((e) => e.name);
      const wrapper = wrapped.has(tag) ? `Wrapper${pascal(tag.slice(4))}` : undefined;
      return [
        `// ${tag}`,
        `export const tag_${pascal(tag)}: Tag = '${tag}';`,
        `export const set_${pascal(tag)}: (keyof Settable<'${tag}'>)[] = ${list(settable)};`,
        `export const jsx_${pascal(tag)}: (keyof Jsx['${tag}'])[] = ${list([...settable, ...events.map((e) => `on${e}`)])};`,
        `export const ev_${pascal(tag)}: (keyof Elements['${tag}']['events'])[] = ${list(events)};`,
        wrapper && `export const wrap_${pascal(tag)}: (keyof ComponentProps<typeof ${wrapper}>)[] = ${list(events.map((e) => `on${pascal(e)}`))};`,
      ]
        .filter(Boolean)
        .join('\n');
    });
    assertCompiles({
      'coverage.ts': `
import type { ComponentProps } from 'react';
import type { IdcElements as Elements, IdcReactIntrinsicElements as Jsx, IdcTagName as Tag } from 'idconnect-kit/jsx-react';
import {
  IdcVerifyButton as WrapperVerifyButton, IdcShareButton as WrapperShareButton,
  IdcConsentScreen as WrapperConsentScreen, IdcReuseSelection as WrapperReuseSelection,
} from 'idconnect-kit/react';
type Settable<T extends Tag> = Elements[T]['properties'] & Elements[T]['attributes'];
${lines.join('\n')}
`,
    });
  });
});

interface Declaration {
  customElement?: boolean;
  tagName?: string;
  attributes?: { name: string }[];
  members?: { kind: string; name: string; static?: boolean; privacy?: string; readonly?: boolean }[];
  events?: { name: string }[];
}
interface Manifest {
  modules: { declarations?: Declaration[] }[];
}
