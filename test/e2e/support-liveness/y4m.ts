/**
 * Turns a sequence of face pictures (test/fixtures/faces, see its manifest.json) into a video file for Chromium's fake
 * camera (`--use-file-for-fake-video-capture=<file>.y4m`): a YUV4MPEG2 header, then raw I420 frames (BT.601, limited
 * range), 640×480 at 15 fps, each picture held for its `frameMs` and the whole sequence repeated to about `seconds`.
 * Chromium loops the file, so the check sees the motion whenever it captures. Files go to a temporary directory (a
 * 6 s video is ~41 MB): never committed.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';

export const FACES_DIR = new URL('../../fixtures/faces/', import.meta.url);
export const WIDTH = 640;
export const HEIGHT = 480;
export const FPS = 15;

export interface FaceSequence {
  name: string;
  description: string;
  expect: string;
  frames: string[];
}

export interface FaceManifest {
  frameMs: number;
  width: number;
  height: number;
  documents: Record<string, string>;
  sequences: FaceSequence[];
}

export function manifest(): FaceManifest {
  return JSON.parse(readFileSync(new URL('manifest.json', FACES_DIR), 'utf8')) as FaceManifest;
}

export function sequence(name: string): FaceSequence {
  const found = manifest().sequences.find((s) => s.name === name);
  if (!found) throw new Error(`test/fixtures/faces/manifest.json has no sequence ${name}`);
  return found;
}

/** A JPEG decoded and scaled (nearest neighbour, centre crop to 4:3) to 640×480 RGBA. */
function picture(path: URL): Uint8Array {
  const img = jpeg.decode(readFileSync(path), { useTArray: true, formatAsRGBA: true });
  if (img.width === WIDTH && img.height === HEIGHT) return img.data;
  const scale = Math.max(WIDTH / img.width, HEIGHT / img.height);
  const ox = (img.width - WIDTH / scale) / 2;
  const oy = (img.height - HEIGHT / scale) / 2;
  const out = new Uint8Array(WIDTH * HEIGHT * 4);
  for (let y = 0; y < HEIGHT; y++) {
    const sy = Math.min(img.height - 1, Math.floor(oy + y / scale));
    for (let x = 0; x < WIDTH; x++) {
      const sx = Math.min(img.width - 1, Math.floor(ox + x / scale));
      out.set(img.data.subarray((sy * img.width + sx) * 4, (sy * img.width + sx) * 4 + 4), (y * WIDTH + x) * 4);
    }
  }
  return out;
}

/** RGBA → one I420 frame: full-resolution Y, then U and V at half resolution (2×2 averages). */
export function i420(rgba: Uint8Array, width = WIDTH, height = HEIGHT): Buffer {
  const ySize = width * height;
  const cw = width >> 1;
  const ch = height >> 1;
  const out = Buffer.alloc(ySize + 2 * cw * ch);
  for (let i = 0; i < ySize; i++) {
    const r = rgba[i * 4]!;
    const g = rgba[i * 4 + 1]!;
    const b = rgba[i * 4 + 2]!;
    out[i] = Math.round(16 + 0.257 * r + 0.504 * g + 0.098 * b);
  }
  for (let cy = 0; cy < ch; cy++) {
    for (let cx = 0; cx < cw; cx++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
        const p = ((2 * cy + dy) * width + 2 * cx + dx) * 4;
        r += rgba[p]!;
        g += rgba[p + 1]!;
        b += rgba[p + 2]!;
      }
      r /= 4;
      g /= 4;
      b /= 4;
      out[ySize + cy * cw + cx] = Math.round(128 - 0.148 * r - 0.291 * g + 0.439 * b);
      out[ySize + cw * ch + cy * cw + cx] = Math.round(128 + 0.439 * r - 0.368 * g - 0.071 * b);
    }
  }
  return out;
}

/**
 * Writes `<dir>/<name>.y4m` for a manifest sequence (or any list of pictures) and returns its path. Each picture is
 * shown for `frameMs` (the manifest's), the sequence repeated whole until about `seconds` are filled. Synchronous
 * (Playwright's launch options are set when a spec file loads) and cached: a file of the expected size is reused; a
 * new one is written beside it and renamed into place, so parallel workers never see half a file.
 */
export function writeY4m(name: string, options: { pictures?: string[]; seconds?: number; dir?: string } = {}): string {
  const m = manifest();
  const names = options.pictures ?? sequence(name).frames;
  const seconds = options.seconds ?? 6;
  const dir = options.dir ?? join(tmpdir(), 'idc-liveness-y4m');
  const header = `YUV4MPEG2 W${WIDTH} H${HEIGHT} F${FPS}:1 Ip A1:1 C420jpeg\n`;
  const loop = names.length * m.frameMs;
  const repeats = Math.max(1, Math.round((seconds * 1000) / loop));
  const total = Math.round((repeats * loop * FPS) / 1000);
  const frameBytes = 'FRAME\n'.length + (WIDTH * HEIGHT * 3) / 2;
  const key = createHash('sha256')
    .update(JSON.stringify({ names, seconds, frameMs: m.frameMs }))
    .update(names.map((f) => readFileSync(new URL(f, FACES_DIR))).reduce((h, b) => h.update(b), createHash('sha256')).digest())
    .digest('hex')
    .slice(0, 12);
  const path = join(dir, `${name}-${key}.y4m`);
  const size = header.length + total * frameBytes;
  if (existsSync(path) && statSync(path).size === size) return path;
  mkdirSync(dir, { recursive: true });
  const pictures = names.map((f) => i420(picture(new URL(f, FACES_DIR))));
  const part = `${path}.${process.pid}.part`;
  const fd = openSync(part, 'w');
  try {
    writeSync(fd, header);
    for (let k = 0; k < total; k++) {
      const ms = ((k * 1000) / FPS) % loop;
      writeSync(fd, 'FRAME\n');
      writeSync(fd, pictures[Math.min(pictures.length - 1, Math.floor(ms / m.frameMs))]!);
    }
  } finally {
    closeSync(fd);
  }
  renameSync(part, path);
  return path;
}

/**
 * The sequences that turn left, right, left (centre, then each turn over five frames: half, full, full, half, centre):
 * the camera plays one left and one right turn of them in a 2.4 s loop — centre, left ½, left, left ½, centre,
 * right ½, right, right ½ — instead of the whole 4.8 s sequence. The fake camera loops from when the camera opens, not
 * from when the capture starts, so the capture (~4.8 s) starts anywhere in the loop: any 4.8 s of this loop holds a
 * left turn and its return followed by a right turn and its return (and the reverse), whereas a stretch of the
 * whole sequence can hold the right turn last, with no return after it.
 */
const TURNING = new Set(['a-lrl', 'b-lrl', 'two']);
const TURN_LOOP = [0, 1, 2, 1, 0, 6, 7, 6];

/** What the fake camera plays for a fixture sequence: its pictures, or the turn loop above. */
export function cameraPictures(name: string): string[] {
  const frames = sequence(name).frames;
  return TURNING.has(name) ? TURN_LOOP.map((i) => frames[i]!) : frames;
}

/** Chromium's flags for a fake camera playing `sequence` (the permission prompt answered Allow unless `allow: false`). */
export function fakeCameraArgs(name: string, options: { allow?: boolean } = {}): string[] {
  return [
    '--use-fake-device-for-media-stream',
    ...(options.allow === false ? [] : ['--use-fake-ui-for-media-stream']),
    `--use-file-for-fake-video-capture=${writeY4m(TURNING.has(name) ? `${name}-loop` : name, { pictures: cameraPictures(name) })}`,
  ];
}
