/**
 * The ownership check stays out of everything an integrator ships and out of the provider screens' first paint
 * (the contract's `<idc-liveness-check>`: "never with the integrator's bundles nor on the first paint of a provider
 * page"): no file of the script-tag bundle, its lazy half, the provider-UI IIFE, or the graphs of the ES entries an
 * integrator imports (`idconnect-kit`, `/define`, `/define/verify-button`, `/define/share-button`) holds the element,
 * the camera code or anything of the face model library. The element's own files hold the element and the camera,
 * and no model code either: the model comes from the provider at run time (`${modelBase}human.esm.js`).
 *
 * Reads the built dist/ (`npm run build` first; IDC_DIST_DIR points elsewhere).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';

const DIST = resolve(process.env.IDC_DIST_DIR ?? join(import.meta.dirname, '../../../dist'));

/** Strings only the ownership check's code has: the element, its texts, the camera, the model library's loader. */
const LIVENESS_MARKERS = ['idc-liveness-check', 'idc-liveness-complete', 'getUserMedia', 'human.esm.js', 'Turn your head left'];
/** Strings of the face model library and its tensor runtime (bundled by mistake or imported from the package). */
const MODEL_MARKERS = ['@vladmandic', '@tensorflow', 'tfjs', 'blazeface', 'facemesh', 'faceres', 'antispoof.json'];

function file(name: string): string {
  const path = join(DIST, name);
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` first`);
  return path;
}

/** An ES module file and every dist file it imports, statically or dynamically, through relative specifiers. */
function graph(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (path: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    const code = readFileSync(path, 'utf8');
    for (const m of code.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*["'](\.\.?\/[^"']+)["']/g)) {
      const target = resolve(dirname(path), m[1]!);
      if (existsSync(target)) visit(target);
      else throw new Error(`${relative(DIST, path)} imports ${m[1]}, which is not in dist/`);
    }
  };
  visit(file(entry));
  return [...seen];
}

function found(paths: string[], markers: string[]): string[] {
  return paths.flatMap((path) => {
    const code = readFileSync(path, 'utf8');
    return markers.filter((m) => code.includes(m)).map((m) => `${relative(DIST, path)}: ${m}`);
  });
}

const INTEGRATOR_FILES = (): Record<string, string[]> => ({
  'script-tag bundle': [file('idconnect-kit.iife.js')],
  'its lazy half': [file('idconnect-kit-flow.js')],
  'idconnect-kit (index.js)': graph('index.js'),
  'idconnect-kit/define': graph('define.js'),
  'idconnect-kit/define/verify-button': graph('components/verify-button/define.js'),
  'idconnect-kit/define/share-button': graph('components/share-button/define.js'),
});

describe('the ownership check is isolated from the integrator and provider-UI bundles', () => {
  for (const [what, paths] of Object.entries(INTEGRATOR_FILES())) {
    it(`${what} holds no liveness or model code`, () => {
      assert.deepEqual(found(paths, [...LIVENESS_MARKERS, ...MODEL_MARKERS]), []);
    });
  }

  it('the provider-UI IIFE (consent and reuse screens) holds no liveness or model code', () => {
    assert.deepEqual(found([file('idconnect-kit-provider-ui.iife.js')], [...LIVENESS_MARKERS, ...MODEL_MARKERS]), []);
  });

  it('the markers are real: the element files carry them, and no model code', (t) => {
    const one = file('idconnect-kit-liveness.js');
    const esm = graph('components/liveness-check/define.js');
    for (const paths of [[one], esm]) {
      assert.deepEqual(
        LIVENESS_MARKERS.filter((m) => found(paths, [m]).length === 0),
        [],
        `every marker is in ${relative(DIST, paths[0]!)}`,
      );
      assert.deepEqual(found(paths, MODEL_MARKERS), [], 'the model library is loaded from the provider, never bundled');
    }
    const code = readFileSync(one, 'utf8');
    assert.doesNotMatch(code, /^\s*import\s|[;}]\s*import\s*[{*"']/m, 'dist/idconnect-kit-liveness.js is self-contained: no static import');
    t.diagnostic(`dist/idconnect-kit-liveness.js: ${code.length} B, ${gzipSync(code, { level: 9 }).length} B gzip`);
  });
});
