import { readFile } from 'node:fs/promises';
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
