/**
 * The face models of the ownership check, in a worker thread (docs/security.md §42): JPEG decoding and inference
 * never block the provider's event loop. Models are read from the files inside @vladmandic/human (no network);
 * inference runs on TensorFlow.js's WebAssembly backend. Messages: `analyze` (capture frames + the document photo)
 * and `info` (model bytes, load time); one at a time, in order.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { imageDimensions, jpegScanCount, MAX_JPEG_SCANS } from '../uploads.js';
import { pickBestFrame, type FrameAnalysis } from './decide.js';
import type { WorkerReply, WorkerRequest } from './engine.js';

type HumanModule = typeof import('@vladmandic/human');
type Human = InstanceType<HumanModule['Human']>;
type Tf = Human['tf'];

const require = createRequire(import.meta.url);
// the package's main entry needs tfjs-node (a native binary); its WebAssembly build sits next to it (the package's
// `exports` keys for it lack the leading './', so Node cannot resolve it by name)
const humanEntry = join(dirname(require.resolve('@vladmandic/human')), 'human.node-wasm.js');
const MODELS_DIR = join(dirname(humanEntry), '..', 'models');
const WASM_DIR = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
export const MODEL_NAMES = ['blazeface', 'facemesh', 'faceres', 'antispoof', 'liveness'] as const;

/** Longest side handed to the models; a larger document photo is scaled down first (a face needs no more). */
const MAX_SIDE = 1280;

interface Rgb {
  width: number;
  height: number;
  data: Uint8Array;
}

class DecodeError extends Error {}

/** A graph model's JSON and weight files from disk, for `file://` model URLs (tfjs has no file loader without tfjs-node). */
function fileModelLoader(tf: Tf, loaded: Map<string, number>) {
  tf.io.registerLoadRouter((url: string | string[]) => {
    const href = Array.isArray(url) ? url[0] : url;
    if (typeof href !== 'string' || !href.startsWith('file://')) return null;
    return {
      load: async () => {
        const path = fileURLToPath(href);
        const json = JSON.parse(readFileSync(path, 'utf8')) as {
          modelTopology: object;
          format?: string;
          generatedBy?: string;
          convertedBy?: string | null;
          signature?: object;
          userDefinedMetadata?: Record<string, object>;
          weightsManifest: { paths: string[]; weights: object[] }[];
        };
        const specs: object[] = [];
        const parts: Buffer[] = [];
        for (const group of json.weightsManifest) {
          specs.push(...group.weights);
          for (const file of group.paths) parts.push(readFileSync(join(dirname(path), file)));
        }
        const weights = Buffer.concat(parts);
        loaded.set(path, weights.length + Buffer.byteLength(JSON.stringify(json)));
        return {
          modelTopology: json.modelTopology,
          format: json.format,
          generatedBy: json.generatedBy,
          convertedBy: json.convertedBy,
          signature: json.signature,
          userDefinedMetadata: json.userDefinedMetadata,
          weightSpecs: specs,
          weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
        } as never;
      },
    };
  });
}

let ready: Promise<{ human: Human; loadMs: number; modelBytes: Record<string, number> }> | undefined;

function load() {
  ready ??= (async () => {
    const started = performance.now();
    const { Human } = require(humanEntry) as HumanModule;
    // every frame is analysed afresh: no caching or frame skipping between calls (they are made for video)
    const fresh = { skipFrames: 0, skipTime: 0 };
    const human = new Human({
      backend: 'wasm',
      wasmPath: `${WASM_DIR}/`,
      modelBasePath: `${pathToFileURL(MODELS_DIR).href}/`,
      debug: false,
      cacheSensitivity: 0,
      skipAllowed: false,
      filter: { enabled: false },
      face: {
        enabled: true,
        detector: { rotation: false, maxDetected: 4, minConfidence: 0.3, return: false, ...fresh },
        mesh: { enabled: true },
        iris: { enabled: false },
        emotion: { enabled: false },
        description: { enabled: true, ...fresh }, // loaded; switched on per call where needed
        antispoof: { enabled: true, ...fresh },
        liveness: { enabled: true, ...fresh },
      },
      body: { enabled: false },
      hand: { enabled: false },
      object: { enabled: false },
      gesture: { enabled: false },
      segmentation: { enabled: false },
    });
    const loaded = new Map<string, number>();
    fileModelLoader(human.tf, loaded);
    await human.init();
    await human.load();
    const modelBytes: Record<string, number> = {};
    for (const [path, bytes] of loaded) modelBytes[path.split(/[\\/]/).pop()!.replace(/\.json$/, '')] = bytes;
    const missing = MODEL_NAMES.filter((name) => !modelBytes[name]);
    if (missing.length) throw new Error(`face models failed to load: ${missing.join(', ')}`);
    return { human, loadMs: performance.now() - started, modelBytes };
  })();
  return ready;
}

/** RGB pixels of a capture frame: JPEG by its bytes, dimensions capped from the header before decoding. */
function decodeFrame(bytes: Uint8Array, maxWidth: number, maxHeight: number): Rgb {
  const dims = imageDimensions(bytes);
  if (!dims || dims.type !== 'image/jpeg') throw new DecodeError('not_jpeg');
  if (dims.width < 64 || dims.height < 64) throw new DecodeError('frame_too_small');
  if (dims.width > maxWidth || dims.height > maxHeight) throw new DecodeError('frame_too_large');
  if (jpegScanCount(bytes) > MAX_JPEG_SCANS) throw new DecodeError('unreadable');
  return decodeJpeg(bytes, dims.width * dims.height);
}

function decodeJpeg(bytes: Uint8Array, pixels: number): Rgb {
  try {
    const img = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      maxResolutionInMP: Math.max(1, pixels / 1e6),
      maxMemoryUsageInMB: Math.ceil((pixels * 16) / 2 ** 20) + 8,
    });
    return { width: img.width, height: img.height, data: img.data };
  } catch {
    throw new DecodeError('unreadable');
  }
}

/** The stored document photo (a sanitized JPEG or PNG), RGB, at most {@link MAX_SIDE} on its long side. */
function decodeReference(type: string, bytes: Uint8Array): Rgb {
  const dims = imageDimensions(bytes);
  if (!dims) throw new DecodeError('reference_unreadable');
  let rgb: Rgb;
  if (type === 'image/png') {
    const png = PNG.sync.read(Buffer.from(bytes));
    const data = new Uint8Array(png.width * png.height * 3);
    for (let i = 0, j = 0; i < png.data.length; i += 4, j += 3) data.set([png.data[i]!, png.data[i + 1]!, png.data[i + 2]!], j);
    rgb = { width: png.width, height: png.height, data };
  } else rgb = decodeJpeg(bytes, dims.width * dims.height);
  return shrink(rgb, MAX_SIDE);
}

/** Box-filter downscale so the long side is at most `max`. */
function shrink(img: Rgb, max: number): Rgb {
  const factor = Math.ceil(Math.max(img.width, img.height) / max);
  if (factor <= 1) return img;
  const width = Math.floor(img.width / factor);
  const height = Math.floor(img.height / factor);
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let dy = 0; dy < factor; dy++) for (let dx = 0; dx < factor; dx++) sum += img.data[((y * factor + dy) * img.width + x * factor + dx) * 3 + c]!;
        data[(y * width + x) * 3 + c] = Math.round(sum / (factor * factor));
      }
    }
  }
  return { width, height, data };
}

async function detect(human: Human, img: Rgb, describe: boolean) {
  const tensor = human.tf.tensor3d(img.data, [img.height, img.width, 3], 'int32');
  try {
    // the face description (embedding) is the costliest model: only where a match needs it
    return await human.detect(tensor as never, { face: { description: { enabled: describe } } } as never);
  } finally {
    tensor.dispose();
  }
}

type Detected = Awaited<ReturnType<typeof detect>>['face'][number];

/** The embedding of the largest face on an image (the holder's photo on a document). */
async function embeddingOf(human: Human, img: Rgb): Promise<{ faces: number; embedding?: number[] }> {
  const result = await detect(human, img, true);
  const face = [...result.face].sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3])[0];
  return { faces: result.face.length, ...(face?.embedding?.length ? { embedding: Array.from(face.embedding) } : {}) };
}

function analysisOf(t: number, faces: Detected[]): FrameAnalysis {
  const analysis: FrameAnalysis = { t, faces: faces.length };
  const face = faces.length === 1 ? faces[0]! : undefined;
  if (face) {
    const angle = face.rotation?.angle;
    analysis.face = {
      score: face.score,
      size: face.box[2],
      yaw: angle?.yaw ?? NaN,
      pitch: angle?.pitch ?? 0,
      real: face.real ?? 0,
      live: face.live ?? 0,
    };
  }
  return analysis;
}

async function analyze(request: Extract<WorkerRequest, { type: 'analyze' }>): Promise<WorkerReply> {
  const { human } = await load();
  const started = performance.now();
  // every frame is decoded (and so checked) before any model runs: a bad frame refuses the whole capture
  const images: Rgb[] = [];
  for (const [index, frame] of request.frames.entries()) {
    try {
      images.push(decodeFrame(frame.bytes, request.limits.maxWidth, request.limits.maxHeight));
    } catch (err) {
      return { id: request.id, ok: false, code: 'invalid_capture', detail: err instanceof DecodeError ? err.message : 'unreadable', index };
    }
  }
  let reference: { faces: number; embedding?: number[] } = { faces: 0 };
  if (request.reference) {
    let img: Rgb;
    try {
      img = decodeReference(request.reference.type, request.reference.bytes);
    } catch {
      return { id: request.id, ok: false, code: 'reference_unreadable' };
    }
    reference = await embeddingOf(human, img);
  }
  const decodeMs = performance.now() - started;
  // pass 1: detection, mesh (yaw), anti-spoof and liveness on every frame, in time order; a frame without
  // exactly one face already decides the capture, so the rest is not analysed
  const frames: FrameAnalysis[] = [];
  const order = request.frames.map((f, i) => ({ t: f.t, i })).sort((a, b) => a.t - b.t);
  for (const { t, i } of order) {
    const result = await detect(human, images[i]!, false);
    frames.push(analysisOf(t, result.face));
    if (result.face.length !== 1) break;
  }
  // pass 2: the embedding of the best frame's face, matched against the document's
  const best = frames.every((f) => f.faces === 1) ? pickBestFrame(frames) : -1;
  const describe = request.describeAll ? frames.map((f, i) => (f.faces === 1 ? i : -1)).filter((i) => i >= 0) : best >= 0 ? [best] : [];
  for (const index of reference.embedding ? describe : []) {
    const described = await embeddingOf(human, images[order[index]!.i]!);
    if (described.embedding) frames[index]!.face!.similarity = human.match.similarity(reference.embedding!, described.embedding);
  }
  return {
    id: request.id,
    ok: true,
    frames,
    referenceFaces: reference.faces,
    timings: { totalMs: performance.now() - started, decodeMs, framesAnalysed: frames.length },
  };
}

async function handle(request: WorkerRequest): Promise<WorkerReply> {
  try {
    if (request.type === 'info') {
      const { loadMs, modelBytes } = await load();
      return { id: request.id, ok: true, info: { loadMs, modelBytes, backend: (await load()).human.tf.getBackend() } };
    }
    return await analyze(request);
  } catch (err) {
    return { id: request.id, ok: false, code: 'analysis_failed', detail: (err as Error)?.message ?? String(err) };
  }
}

let queue = Promise.resolve();
parentPort?.on('message', (request: WorkerRequest) => {
  queue = queue.then(async () => parentPort!.postMessage(await handle(request)));
});
