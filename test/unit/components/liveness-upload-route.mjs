// A real upload route for the <idc-liveness-check> component tests (test/unit/components/liveness-check.test.ts), on
// web-test-runner's own dev server: `POST /__liveness/<id>/<answer>` parses the multipart body with the platform's
// FormData, keeps what arrived, and answers as the provider would with `<answer>` (the provider's decision itself is
// tested in test/node/provider and the e2e specs); `GET /__liveness/<id>/last` returns what arrived. Under
// `/__liveness-model/` it serves the face model library from node_modules in the provider's layout.
import { Buffer } from 'node:buffer';

const { Request, setTimeout } = globalThis;

/** The provider's answers by name (the contract's status codes and bodies). */
const ANSWERS = {
  passed: (id) => [200, { status: 'passed', session: id }],
  mismatch: (id) => [
    422,
    {
      code: 'face_mismatch',
      reason: 'face_mismatch',
      message: 'The face does not match the document photo.',
      retry: { session: `${id}-2`, challenge: ['turn-right'], uploadUrl: `/__liveness/${id}-2/passed` },
    },
  ],
  static: () => [422, { code: 'liveness_failed', reason: 'challenge_not_met', message: 'No head turn was seen.' }],
  invalid: () => [400, { code: 'invalid_capture', message: 'bad frames' }],
  expired: () => [410, { code: 'session_expired', message: 'gone' }],
  throttled: () => [429, { code: 'too_many_attempts', message: 'later' }],
  down: () => [503, { code: 'unavailable', message: 'down' }],
  slow: (id) => [200, { status: 'passed', session: id }],
};

const uploads = new Map();
const counts = new Map();

export async function livenessUploadRoute(ctx, next) {
  // The model library laid out as the provider serves it (`human.esm.js` beside `models/`), from node_modules.
  const model = /^\/__liveness-model\/(human\.esm\.js|models\/[\w-]+\.(?:json|bin))$/.exec(ctx.path);
  if (model) {
    ctx.url = `/node_modules/@vladmandic/human/${model[1] === 'human.esm.js' ? 'dist/human.esm.js' : model[1]}`;
    return next();
  }
  const m = /^\/__liveness\/([\w-]+)\/(\w+)$/.exec(ctx.path);
  if (!m) return next();
  const [, id, answer] = m;
  if (ctx.method === 'GET' && answer === 'last') {
    ctx.body = uploads.get(id) ?? null;
    return undefined;
  }
  if (ctx.method !== 'POST') return next();
  const chunks = [];
  for await (const chunk of ctx.req) chunks.push(chunk);
  const contentType = ctx.get('content-type');
  const form = await new Request('http://localhost/', { method: 'POST', headers: { 'content-type': contentType }, body: Buffer.concat(chunks) }).formData();
  const frames = await Promise.all(
    form.getAll('frame').map(async (f) => {
      const bytes = new Uint8Array(await f.arrayBuffer());
      return { type: f.type, size: f.size, jpeg: bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff };
    }),
  );
  const count = (counts.get(id) ?? 0) + 1;
  counts.set(id, count);
  uploads.set(id, { contentType, frames, t: form.getAll('t'), fields: [...new Set(form.keys())], count, fetchSite: ctx.get('sec-fetch-site') });
  if (answer === 'slow') await new Promise((resolve) => setTimeout(resolve, 1500)); // a provider that takes its time
  // `flaky`: the network fails the first time (a 503), then the provider accepts.
  const [status, body] = answer === 'flaky' ? (count === 1 ? ANSWERS.down(id) : ANSWERS.passed(id)) : (ANSWERS[answer] ?? ANSWERS.invalid)(id);
  ctx.status = status;
  ctx.body = body;
  return undefined;
}
