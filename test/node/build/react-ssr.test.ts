/**
 * `idconnect-kit/react` on a server (README "Frameworks"): each @lit/react wrapper, imported through the package's own
 * name from the build as an app imports it, renders with react-dom/server's `renderToString` in plain Node — its custom
 * element tag with the plain attributes it was given (`id`, `class`, `lang`, `aria-*`, `data-*`, kebab-case attribute
 * names), and nothing of what belongs to the browser: the element's properties (`authority`, `shareLink`, objects)
 * and the event props are set by the wrapper after hydration, never serialized. Importing the entry registers the
 * four elements (in the registry Lit's server build provides); `idconnect-kit/react/liveness-check` likewise the
 * ownership check, which asks for the camera only after Start. Importing touches no browser-only API. Needs
 * `npm run build` first.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';

const BUILT = existsSync(new URL('../../../dist/react.js', import.meta.url));

/**
 * The wrappers from the build, through `idconnect-kit/react` (package.json `exports`). The specifier is a variable so
 * the type-check does not need dist/; the types are the source's.
 */
async function wrappers(): Promise<typeof import('../../../src/react.js')> {
  const spec = 'idconnect-kit/react';
  return (await import(spec)) as typeof import('../../../src/react.js');
}

/** The ownership check's wrapper, from its own entry. */
async function livenessWrapper(): Promise<typeof import('../../../src/react-liveness-check.js')> {
  const spec = 'idconnect-kit/react/liveness-check';
  return (await import(spec)) as typeof import('../../../src/react-liveness-check.js');
}

/** The start tag of `tag` in `html`, and its attributes as a map (values unescaped only for `&quot;`/`&amp;`). */
function startTag(html: string, tag: string): Map<string, string> {
  const match = new RegExp(`^<${tag}((?:\\s+[^\\s=>]+(?:="[^"]*")?)*)\\s*>`).exec(html);
  assert.ok(match, `${html} starts with <${tag}>`);
  const attributes = new Map<string, string>();
  for (const [, name, value] of match[1]!.matchAll(/\s+([^\s=>]+)(?:="([^"]*)")?/g)) {
    attributes.set(name!, (value ?? '').replaceAll('&quot;', '"').replaceAll('&amp;', '&'));
  }
  assert.ok(html.endsWith(`</${tag}>`), `${html} closes <${tag}>`);
  return attributes;
}

describe('idconnect-kit/react on a server', { skip: !BUILT && 'dist/react.js is missing: run `npm run build` first' }, () => {
  it('exports the four wrappers and registers their elements when imported, the ownership check from its own entry', async () => {
    const kit = { ...(await wrappers()), ...(await livenessWrapper()) };
    for (const name of ['IdcVerifyButton', 'IdcShareButton', 'IdcConsentScreen', 'IdcReuseSelection', 'IdcLivenessCheck'] as const) {
      assert.equal(typeof kit[name], 'object', `${name} is a React component (forwardRef)`);
      assert.equal((kit[name] as { displayName?: string }).displayName, name);
    }
    const registry = (globalThis as { customElements?: CustomElementRegistry }).customElements;
    assert.ok(registry, "Lit's server build provides a registry");
    for (const tag of ['idc-verify-button', 'idc-share-button', 'idc-consent-screen', 'idc-reuse-selection', 'idc-liveness-check']) {
      assert.ok(registry.get(tag), `${tag} is registered by importing its wrapper's entry`);
    }
  });

  it('renders <idc-verify-button> with its plain attributes, and no property or listener', async () => {
    const { IdcVerifyButton } = await wrappers();
    // A variable, as TSX passes hyphenated attributes without checking them against the props type.
    const props = {
      id: 'verify',
      className: 'cta wide',
      lang: 'de',
      'aria-describedby': 'why',
      'data-test': 'verify-button',
      'client-id': 'shop',
      'provider-name': 'Example ID',
      'redirect-uri': 'https://shop.example/callback',
      authority: 'https://id.example',
      clientId: 'shop',
      mode: 'redirect' as const,
      onIdcSuccess: () => {},
      onIdcError: () => {},
    };
    const html = renderToString(createElement(IdcVerifyButton, props));
    const attributes = startTag(html, 'idc-verify-button');
    assert.deepEqual(Object.fromEntries(attributes), {
      id: 'verify',
      class: 'cta wide',
      lang: 'de',
      'aria-describedby': 'why',
      'data-test': 'verify-button',
      'client-id': 'shop',
      'provider-name': 'Example ID',
      'redirect-uri': 'https://shop.example/callback',
    });
  });

  it('renders <idc-share-button> without serializing the shareLink function', async () => {
    const { IdcShareButton } = await wrappers();
    const props = {
      'recipient-name': 'Acme Bank',
      shareLink: async ({ state }: { state: string }) => `https://id.example/share/${state}`,
      state: 'bound-state',
      onIdcConsent: () => {},
    };
    const html = renderToString(createElement(IdcShareButton, props));
    assert.deepEqual(Object.fromEntries(startTag(html, 'idc-share-button')), { 'recipient-name': 'Acme Bank' });
    assert.doesNotMatch(html, /=>|async|share\//, 'no function source in the markup');
  });

  it('renders the provider screens with JSON attributes as given and object properties left to the browser', async () => {
    const { IdcConsentScreen, IdcReuseSelection } = await wrappers();
    const props = {
      'data-items': JSON.stringify([{ id: 'passport', label: 'Passport' }]),
      'arm-delay': '600',
      kind: 'share' as const,
      integrator: { name: 'Shop' },
      recipient: { name: 'Bank', clientId: 'bank' },
      onIdcConsentDecision: () => {},
    };
    const consent = renderToString(createElement(IdcConsentScreen, props));
    assert.deepEqual(Object.fromEntries(startTag(consent, 'idc-consent-screen')), {
      'data-items': '[{"id":"passport","label":"Passport"}]',
      'arm-delay': '600',
    });
    const reuse = renderToString(
      createElement(IdcReuseSelection, { id: 'reuse', documents: [], requirements: [], onIdcReuseSelect: () => {} }),
    );
    assert.deepEqual(Object.fromEntries(startTag(reuse, 'idc-reuse-selection')), { id: 'reuse' });
    assert.doesNotMatch(consent + reuse, /\[object Object\]/);
  });

  it('renders <idc-liveness-check> with its kebab-case attributes, the challenge and session left to the browser', async () => {
    const { IdcLivenessCheck } = await livenessWrapper();
    const props = {
      id: 'selfie',
      lang: 'fr',
      'upload-url': '/liveness/s1/capture',
      'model-base': '/assets/liveness/',
      session: 's1',
      challenge: ['turn-left', 'turn-right'],
      uploadUrl: '/liveness/s1/capture',
      getCamera: async () => new Promise<MediaStream>(() => {}),
      onIdcLivenessComplete: () => {},
      onIdcError: () => {},
      onIdcCancel: () => {},
    };
    const html = renderToString(createElement(IdcLivenessCheck, props));
    assert.deepEqual(Object.fromEntries(startTag(html, 'idc-liveness-check')), {
      id: 'selfie',
      lang: 'fr',
      'upload-url': '/liveness/s1/capture',
      'model-base': '/assets/liveness/',
    });
    assert.doesNotMatch(html, /turn-left|\bs1"|=>|Promise/, 'no property value or function source in the markup');
  });

  it('renders children into the element (the buttons\' label slot)', async () => {
    const { IdcVerifyButton } = await wrappers();
    const html = renderToString(createElement(IdcVerifyButton, { authority: 'https://id.example' }, 'Mit ID bestätigen'));
    assert.equal(html, '<idc-verify-button>Mit ID bestätigen</idc-verify-button>');
  });
});
