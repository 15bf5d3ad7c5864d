import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Handler } from './kit.js';

/**
 * GET /assets/provider-ui.js — the provider-side element bundle, read at request time so a rebuild shows up
 * without a restart. Missing bundle: 503 with what to do.
 */
export const providerUiScript: Handler = async (kit, req, res) => {
  let code: Buffer;
  try {
    code = await readFile(kit.uiBundlePath);
  } catch {
    const text = `The provider UI bundle is missing (${kit.uiBundlePath}).\nRun \`npm run build\` to create it, then reload.\n`;
    res.writeHead(503, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
      'Retry-After': '5',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(text);
    return;
  }
  res.writeHead(200, {
    'Content-Type': 'text/javascript; charset=utf-8',
    'Content-Length': code.length,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Resource-Policy': 'same-origin',
  });
  res.end(req.method === 'HEAD' ? undefined : code);
};

// ---------------------------------------------------------------------------------------------------------------
// The ownership check's assets (docs/security.md §42): the element's own bundle, and for its in-browser guidance
// the face library's browser build with the two small models it needs (detector and mesh), served from the
// installed package. Fixed names only: nothing of the request's path reaches the file system.

const humanDist = dirname(createRequire(import.meta.url).resolve('@vladmandic/human'));
const HUMAN_FILES: Record<string, { path: string; type: string }> = {
  'human.esm.js': { path: join(humanDist, 'human.esm.js'), type: 'text/javascript; charset=utf-8' },
  'models/blazeface.json': { path: join(humanDist, '../models/blazeface.json'), type: 'application/json' },
  'models/blazeface.bin': { path: join(humanDist, '../models/blazeface.bin'), type: 'application/octet-stream' },
  'models/facemesh.json': { path: join(humanDist, '../models/facemesh.json'), type: 'application/json' },
  'models/facemesh.bin': { path: join(humanDist, '../models/facemesh.bin'), type: 'application/octet-stream' },
};

const DEFAULT_LIVENESS_BUNDLE = fileURLToPath(new URL('../../dist/idconnect-kit-liveness.js', import.meta.url));

async function sendAsset(req: IncomingMessage, res: ServerResponse, path: string, type: string, cache: string): Promise<boolean> {
  let body: Buffer;
  try {
    body = await readFile(path);
  } catch {
    return false;
  }
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': body.length,
    'Cache-Control': cache,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Resource-Policy': 'same-origin',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}

/** GET /assets/idconnect-kit-liveness.js — the element (a self-contained ES module from the kit's build). */
export const livenessScript: Handler = async (kit, req, res) => {
  const path = kit.livenessBundlePath ?? DEFAULT_LIVENESS_BUNDLE;
  if (await sendAsset(req, res, path, 'text/javascript; charset=utf-8', 'no-cache')) return;
  const text = `The selfie element bundle is missing (${path}).\nRun \`npm run build\` to create it, then reload.\n`;
  res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'Retry-After': '5', 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
};

/** GET /assets/liveness/(human.esm.js | models/(blazeface|facemesh).(json|bin)) — the guidance models. */
export const livenessAsset: Handler = async (_kit, req, res, [name]) => {
  const file = HUMAN_FILES[name ?? ''];
  // the package's files change only with its version: a day of caching, revalidated after
  if (file && (await sendAsset(req, res, file.path, file.type, 'public, max-age=86400'))) return;
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }).end('not found');
};
