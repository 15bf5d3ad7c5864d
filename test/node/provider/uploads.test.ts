// Uploads on the "Verify your identity" page (demo/provider/uploads.ts): the image sanitizer (magic-byte typing,
// header-checked size caps, metadata stripped by re-encoding, EXIF orientation applied) on images built here from
// generated pixels, and the multipart reader behind a real node:http server on 127.0.0.1, driven by real fetch()
// with FormData/Blob bodies (plus raw node:http requests for what fetch cannot send).
import assert from 'node:assert/strict';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { HttpError, sendJson, sendJsonError } from '../../../demo/shared/http.js';
import {
  imageDimensions,
  jpegScanCount,
  MAX_JPEG_SCANS,
  readMultipartForm,
  sanitizeImage,
  sendImage,
  sniffImageType,
} from '../../../demo/provider/uploads.js';

// ---------------------------------------------------------------------------------------------------------------
// Building test images

/** RGBA pixels: smooth gradients with a little deterministic noise, roughly photo-like for the codecs. */
function pixels(width: number, height: number, paint?: (x: number, y: number) => number[] | undefined): Buffer {
  const data = Buffer.alloc(width * height * 4);
  let seed = 12345;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const noise = (seed >> 16) & 7;
      const i = (y * width + x) * 4;
      const [r, g, b, a = 255] = paint?.(x, y) ?? [
        (x * 200) / width + noise,
        (y * 200) / height + noise,
        128 + 60 * Math.sin(x / 37) * Math.cos(y / 23),
      ];
      data[i] = r!;
      data[i + 1] = g!;
      data[i + 2] = b!;
      data[i + 3] = a;
    }
  }
  return data;
}

function makeJpeg(width: number, height: number, paint?: (x: number, y: number) => number[] | undefined): Buffer {
  return jpeg.encode({ data: pixels(width, height, paint), width, height }, 90).data;
}

function makePng(width: number, height: number, paint?: (x: number, y: number) => number[] | undefined): Buffer {
  const png = new PNG({ width, height });
  pixels(width, height, paint).copy(png.data);
  return PNG.sync.write(png);
}

function jpegSegment(marker: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xff00 | marker, 0);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

/** Inserts segments right after SOI (where cameras put APP1 Exif). */
function spliceJpeg(file: Buffer, ...segments: Buffer[]): Buffer {
  return Buffer.concat([file.subarray(0, 2), ...segments, file.subarray(2)]);
}

/** The markers of a JPEG's segments up to and including SOS. */
function jpegMarkers(file: Buffer): number[] {
  const markers: number[] = [];
  for (let at = 2; at + 4 <= file.length && file[at] === 0xff; ) {
    const marker = file[at + 1]!;
    markers.push(marker);
    if (marker === 0xda) break;
    at += 2 + file.readUInt16BE(at + 2);
  }
  return markers;
}

/** An APP1 Exif payload: big-endian TIFF, IFD0 with the given SHORT tags and one ASCII tag. */
function exif(shorts: Record<number, number>, ascii?: [tag: number, text: string]): Buffer {
  const entries = Object.entries(shorts).map(([tag, value]) => [Number(tag), 3, 1, value] as const);
  const count = entries.length + (ascii ? 1 : 0);
  const textAt = 8 + 2 + 12 * count + 4;
  const tiff = Buffer.alloc(textAt);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  tiff.writeUInt16BE(count, 8);
  let at = 10;
  for (const [tag, type, n, value] of entries) {
    tiff.writeUInt16BE(tag, at);
    tiff.writeUInt16BE(type, at + 2);
    tiff.writeUInt32BE(n, at + 4);
    tiff.writeUInt16BE(value, at + 8);
    at += 12;
  }
  const text = ascii ? Buffer.from(`${ascii[1]}\0`, 'latin1') : Buffer.alloc(0);
  if (ascii) {
    tiff.writeUInt16BE(ascii[0], at);
    tiff.writeUInt16BE(2, at + 2);
    tiff.writeUInt32BE(text.length, at + 4);
    tiff.writeUInt32BE(textAt, at + 8);
  }
  return Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff, text]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function ihdr(width: number, height: number, colorType = 2, interlace = 0): Buffer {
  const data = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 8, colorType, 0, 0, interlace]);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  return pngChunk('IHDR', data);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Inserts chunks right after IHDR. */
function splicePng(file: Buffer, ...chunks: Buffer[]): Buffer {
  return Buffer.concat([file.subarray(0, 33), ...chunks, file.subarray(33)]);
}

function pngChunkTypes(file: Buffer): string[] {
  const types: string[] = [];
  for (let at = 8; at + 12 <= file.length; at += 12 + file.readUInt32BE(at)) {
    types.push(file.toString('latin1', at + 4, at + 8));
  }
  return types;
}

/** An Adam7-interlaced 8-bit RGB PNG (pngjs only writes non-interlaced ones), every row with filter 0. */
function makeInterlacedPng(width: number, height: number, rgba: Buffer): Buffer {
  const passes = [
    [0, 0, 8, 8],
    [4, 0, 8, 8],
    [0, 4, 4, 8],
    [2, 0, 4, 4],
    [0, 2, 2, 4],
    [1, 0, 2, 2],
    [0, 1, 1, 2],
  ] as const;
  const raw: number[] = [];
  for (const [x0, y0, dx, dy] of passes) {
    if (x0 >= width || y0 >= height) continue;
    for (let y = y0; y < height; y += dy) {
      raw.push(0);
      for (let x = x0; x < width; x += dx) {
        const i = (y * width + x) * 4;
        raw.push(rgba[i]!, rgba[i + 1]!, rgba[i + 2]!);
      }
    }
  }
  return Buffer.concat([
    PNG_SIGNATURE,
    ihdr(width, height, 2, 1),
    pngChunk('IDAT', deflateSync(Buffer.from(raw))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A Blob of (a copy of) the bytes, declared as a JPEG. */
function jpegBlob(bytes: Uint8Array): Blob {
  return new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' });
}

/** Runs fn and returns the HttpError it throws. */
function refusal(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof HttpError, `expected an HttpError, got ${String(err)}`);
    assert.doesNotMatch(err.message, /\n\s+at /, 'no stack trace in the description');
    return err;
  }
  assert.fail('expected a refusal');
}

function meanDifference(a: Uint8Array, b: Uint8Array): number {
  assert.equal(a.length, b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

const GPS = 'GPS 48.858370 N, 2.294481 E - secret location';

// ---------------------------------------------------------------------------------------------------------------
// sanitizeImage

describe('sanitizeImage', () => {
  it('refuses a JPEG with more scans than any real photo, before decoding (each scan re-walks the frame)', () => {
    const photo = makeJpeg(640, 400);
    assert.equal(jpegScanCount(photo), 1);
    // a scan header with no entropy data is a few bytes: a small file that would cost the decoder seconds
    const scan = Buffer.from([0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00]);
    const bomb = Buffer.concat([photo.subarray(0, photo.length - 2), ...Array(MAX_JPEG_SCANS + 10).fill(scan), Buffer.from([0xff, 0xd9])]);
    assert.ok(jpegScanCount(bomb) > MAX_JPEG_SCANS);
    assert.ok(bomb.length < photo.length + 1000);
    assert.throws(
      () => sanitizeImage(bomb),
      (err: unknown) => err instanceof HttpError && err.code === 'unreadable_image' && /more than 64 scans/.test(err.message),
    );
  });

  it('strips EXIF (GPS), ICC, XMP, comments and appended data from a JPEG and keeps the picture', () => {
    const original = makeJpeg(640, 400);
    const dirty = Buffer.concat([
      spliceJpeg(
        original,
        jpegSegment(0xe1, exif({ 0x0112: 1 }, [0x010e, GPS])), // APP1 Exif with an ImageDescription
        jpegSegment(0xe1, Buffer.from(`http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>${GPS}</x:xmpmeta>`, 'latin1')),
        jpegSegment(0xe2, Buffer.concat([Buffer.from('ICC_PROFILE\0\x01\x01', 'latin1'), Buffer.alloc(200, 7)])),
        jpegSegment(0xfe, Buffer.from(`comment: ${GPS}`, 'latin1')),
      ),
      Buffer.from('<html><script>alert(document.cookie)</script></html>'),
    ]);
    assert.deepEqual(jpegMarkers(dirty).slice(0, 5), [0xe1, 0xe1, 0xe2, 0xfe, 0xe0], 'the test file has them');
    assert.ok(dirty.includes(GPS));

    const clean = sanitizeImage(dirty);
    assert.equal(clean.type, 'image/jpeg');
    assert.deepEqual([clean.width, clean.height], [640, 400]);
    const markers = jpegMarkers(clean.bytes);
    assert.ok(!markers.some((m) => (m >= 0xe1 && m <= 0xef) || m === 0xfe), `no APPn but JFIF, no COM: ${markers}`);
    for (const trace of ['48.85', 'GPS', 'Exif', 'ICC_PROFILE', 'xmpmeta', 'script']) {
      assert.ok(!clean.bytes.includes(trace), `no "${trace}" left`);
    }
    assert.equal(clean.bytes.readUInt16BE(clean.bytes.length - 2), 0xffd9, 'ends at EOI');

    const before = jpeg.decode(original, { useTArray: true });
    const after = jpeg.decode(clean.bytes, { useTArray: true });
    assert.deepEqual([after.width, after.height], [640, 400]);
    assert.ok(meanDifference(before.data, after.data) < 3, 'same picture, within JPEG loss');
    assert.deepEqual(imageDimensions(clean.bytes), { type: 'image/jpeg', width: 640, height: 400 });
  });

  it('applies EXIF orientation to the pixels before the EXIF goes', () => {
    // Stored 300×200 with a red block top left; orientation 6 means "turn 90° clockwise to display".
    const red = (x: number, y: number) => (x < 60 && y < 60 ? [255, 0, 0] : [0, 0, 255]);
    const stored = spliceJpeg(makeJpeg(300, 200, red), jpegSegment(0xe1, exif({ 0x0112: 6 })));
    const clean = sanitizeImage(stored);
    assert.deepEqual([clean.width, clean.height], [200, 300]);
    const { data, width } = jpeg.decode(clean.bytes, { useTArray: true });
    const at = (x: number, y: number) => Array.from(data.subarray((y * width + x) * 4, (y * width + x) * 4 + 3));
    const [r, g, b] = at(170, 30); // top right
    assert.ok(r! > 200 && g! < 60 && b! < 60, `red at the top right, got ${[r, g, b]}`);
    const [r2, , b2] = at(30, 30);
    assert.ok(r2! < 60 && b2! > 200, 'blue at the top left');

    // Mirrored (2) keeps the dimensions and moves the block to the top right.
    const mirrored = sanitizeImage(spliceJpeg(makeJpeg(300, 200, red), jpegSegment(0xe1, exif({ 0x0112: 2 }))));
    assert.deepEqual([mirrored.width, mirrored.height], [300, 200]);
    const m = jpeg.decode(mirrored.bytes, { useTArray: true });
    assert.ok(m.data[(30 * 300 + 270) * 4]! > 200, 'red at the top right');
  });

  it('strips tEXt, zTXt, iTXt, eXIf, iCCP and tIME chunks from a PNG, pixels unchanged', () => {
    const original = makePng(400, 300);
    const dirty = splicePng(
      original,
      pngChunk('tEXt', Buffer.from(`Comment\0${GPS}`, 'latin1')),
      pngChunk('zTXt', Buffer.concat([Buffer.from('Author\0\0', 'latin1'), deflateSync('Jane Doe, 1 Main St')])),
      pngChunk('iTXt', Buffer.from(`XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta>${GPS}</x:xmpmeta>`, 'utf8')),
      pngChunk('eXIf', exif({ 0x0112: 1 }, [0x010e, GPS]).subarray(6)),
      pngChunk('iCCP', Buffer.concat([Buffer.from('Profile\0\0', 'latin1'), deflateSync(Buffer.alloc(300, 1))])),
      pngChunk('tIME', Buffer.from([0x07, 0xe8, 1, 2, 3, 4, 5])),
    );
    assert.ok(dirty.includes(GPS));
    assert.equal(PNG.sync.read(dirty).width, 400, 'the test file is a valid PNG');

    const clean = sanitizeImage(dirty);
    assert.equal(clean.type, 'image/png');
    assert.deepEqual([clean.width, clean.height], [400, 300]);
    assert.deepEqual([...new Set(pngChunkTypes(clean.bytes))], ['IHDR', 'IDAT', 'IEND']);
    for (const trace of ['48.85', 'GPS', 'Jane', 'xmpmeta', 'Profile']) {
      assert.ok(!clean.bytes.includes(trace), `no "${trace}" left`);
    }
    assert.deepEqual(PNG.sync.read(clean.bytes).data, PNG.sync.read(original).data, 'lossless');
  });

  it('keeps PNG transparency but drops the colour of fully transparent pixels', () => {
    const paint = (x: number) => (x < 100 ? [10, 200, 30, 0] : x < 200 ? [10, 200, 30, 128] : undefined);
    const clean = sanitizeImage(makePng(300, 200, paint));
    const out = PNG.sync.read(clean.bytes);
    assert.equal(out.colorType, 6, 'still RGBA');
    assert.deepEqual([...out.data.subarray(0, 4)], [0, 0, 0, 0], 'hidden colour gone');
    const i = (10 * 300 + 150) * 4;
    assert.deepEqual([...out.data.subarray(i, i + 4)], [10, 200, 30, 128], 'half-transparent pixel kept');
    const opaque = PNG.sync.read(sanitizeImage(makePng(300, 200)).bytes);
    assert.equal(opaque.colorType, 2, 'an opaque image is stored as RGB');
  });

  it('decodes an interlaced PNG, and refuses one whose data inflates past what its header says', () => {
    const rgba = pixels(250, 130);
    const clean = sanitizeImage(makeInterlacedPng(250, 130, rgba));
    assert.deepEqual([clean.width, clean.height], [250, 130]);
    assert.deepEqual(PNG.sync.read(clean.bytes).data, rgba);

    // A 70 kB file that inflates to 64 MB for a 1000×1000 RGB image (3 MB): pngjs alone would inflate it all.
    const bomb = Buffer.concat([
      PNG_SIGNATURE,
      ihdr(1000, 1000, 2, 1),
      pngChunk('IDAT', deflateSync(Buffer.alloc(64 * 2 ** 20), { level: 9 })),
      pngChunk('IEND', Buffer.alloc(0)),
    ]);
    assert.ok(bomb.length < 100_000);
    const started = performance.now();
    assert.equal(refusal(() => sanitizeImage(bomb)).code, 'unreadable_image');
    assert.ok(performance.now() - started < 1000, 'stopped early');
  });

  it('refuses what is not a JPEG or PNG by its bytes, whatever it claims to be', () => {
    const samples: Record<string, Buffer> = {
      gif: Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.from([0x2c, 0x01, 0xc8, 0x00, 0, 0]), Buffer.alloc(64)]),
      webp: Buffer.concat([Buffer.from('RIFF\x24\x00\x00\x00WEBPVP8 ', 'latin1'), Buffer.alloc(64)]),
      svg: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><script>alert(1)</script></svg>'),
      html: Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>'),
      pdf: Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n'),
      'BOM + JPEG': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), makeJpeg(300, 200)]),
      'text then PNG': Buffer.concat([Buffer.from('hello'), makePng(300, 200)]),
    };
    for (const [name, bytes] of Object.entries(samples)) {
      assert.equal(sniffImageType(bytes), undefined, name);
      assert.equal(imageDimensions(bytes), undefined, name);
      const err = refusal(() => sanitizeImage(bytes));
      assert.deepEqual([err.status, err.code], [400, 'unsupported_image'], name);
    }
    const empty = refusal(() => sanitizeImage(Buffer.alloc(0)));
    assert.deepEqual([empty.status, empty.code, empty.message], [400, 'unsupported_image', 'the file is empty']);
  });

  it('refuses a truncated or corrupt image as unreadable', () => {
    const file = makeJpeg(400, 300);
    const png = makePng(400, 300);
    const corruptPng = Buffer.from(png);
    corruptPng[png.length - 40] ^= 0xff; // inside IDAT: the CRC no longer matches
    const cases: Record<string, Buffer> = {
      'JPEG cut in half': file.subarray(0, file.length >> 1),
      'JPEG without its last bytes': file.subarray(0, file.length - 2),
      'JPEG cut inside its headers': file.subarray(0, 200),
      'JPEG magic only': Buffer.from([0xff, 0xd8, 0xff]),
      'JPEG with a broken segment length': Buffer.concat([file.subarray(0, 4), Buffer.from([0xff, 0xff]), file.subarray(6)]),
      'PNG cut in half': png.subarray(0, png.length >> 1),
      'PNG without IEND': png.subarray(0, png.length - 12),
      'PNG signature only': PNG_SIGNATURE,
      'PNG with a bad CRC': corruptPng,
    };
    for (const [name, bytes] of Object.entries(cases)) {
      const err = refusal(() => sanitizeImage(bytes));
      assert.deepEqual([err.status, err.code], [400, 'unreadable_image'], name);
      assert.match(err.message, /^[\w ,;.'-]+$/, 'plain English');
    }
  });

  it('refuses a header claiming 60000 × 60000 pixels before decoding anything', () => {
    const small = makeJpeg(320, 240);
    const sof = small.indexOf(Buffer.from([0xff, 0xc0]));
    const hugeJpeg = Buffer.from(small);
    hugeJpeg.writeUInt16BE(60000, sof + 5); // height
    hugeJpeg.writeUInt16BE(60000, sof + 7); // width
    const hugePng = Buffer.concat([
      PNG_SIGNATURE,
      ihdr(60000, 60000),
      pngChunk('IDAT', deflateSync(Buffer.alloc(1000))),
      pngChunk('IEND', Buffer.alloc(0)),
    ]);
    for (const bytes of [hugeJpeg, hugePng, hugeJpeg.subarray(0, sof + 20)]) {
      assert.deepEqual(
        (({ width, height }) => [width, height])(imageDimensions(bytes)!),
        [60000, 60000],
      );
      const started = performance.now();
      const err = refusal(() => sanitizeImage(bytes));
      assert.ok(performance.now() - started < 50, 'answered from the header');
      assert.deepEqual([err.status, err.code], [413, 'image_too_large']);
      assert.match(err.message, /60000 x 60000.*40 megapixels/);
    }
    // The cap is an option, and also holds a side longer than any JPEG can have.
    const err = refusal(() => sanitizeImage(makePng(400, 300), { maxPixels: 100_000 }));
    assert.deepEqual([err.status, err.code], [413, 'image_too_large']);
    const wide = Buffer.concat([PNG_SIGNATURE, ihdr(70_000, 200), pngChunk('IEND', Buffer.alloc(0))]);
    assert.equal(refusal(() => sanitizeImage(wide)).code, 'image_too_large');
  });

  it('refuses an image smaller than the minimum, as displayed', () => {
    for (const bytes of [makeJpeg(150, 100), makePng(199, 500), makePng(500, 119)]) {
      const err = refusal(() => sanitizeImage(bytes));
      assert.deepEqual([err.status, err.code], [400, 'image_too_small']);
      assert.match(err.message, /at least 200 x 120/);
    }
    assert.equal(sanitizeImage(makePng(200, 120)).width, 200, 'exactly the minimum is fine');
    // 300 wide, 150 high, but orientation 6 shows it 150 wide: too narrow.
    const turned = spliceJpeg(makeJpeg(300, 150), jpegSegment(0xe1, exif({ 0x0112: 6 })));
    assert.match(refusal(() => sanitizeImage(turned)).message, /150 x 300/);
    assert.equal(sanitizeImage(makeJpeg(150, 100), { minWidth: 100, minHeight: 100 }).width, 150);
  });

  it('sniffs types and reads dimensions from the header', () => {
    const file = makeJpeg(320, 208);
    assert.equal(sniffImageType(file), 'image/jpeg');
    assert.deepEqual(imageDimensions(file), { type: 'image/jpeg', width: 320, height: 208 });
    // SOF2 (progressive) after an APP1 with fill bytes before the marker.
    const progressive = Buffer.from(spliceJpeg(file, jpegSegment(0xe1, exif({ 0x0112: 1 }))));
    progressive[progressive.indexOf(Buffer.from([0xff, 0xc0])) + 1] = 0xc2;
    assert.deepEqual(imageDimensions(progressive), { type: 'image/jpeg', width: 320, height: 208 });
    const filled = Buffer.concat([file.subarray(0, 2), Buffer.from([0xff, 0xff]), file.subarray(2)]);
    assert.deepEqual(imageDimensions(filled), { type: 'image/jpeg', width: 320, height: 208 });
    const png = makePng(321, 123);
    assert.equal(sniffImageType(png), 'image/png');
    assert.deepEqual(imageDimensions(png), { type: 'image/png', width: 321, height: 123 });
    assert.equal(imageDimensions(png.subarray(0, 20)), undefined);
  });

  it('measures a 1600 × 1000 JPEG and PNG', (t) => {
    const jpegFile = makeJpeg(1600, 1000);
    const pngFile = makePng(1600, 1000);
    for (const [name, file] of [
      ['JPEG', jpegFile],
      ['PNG', pngFile],
    ] as const) {
      sanitizeImage(file); // warm up
      const runs: number[] = [];
      let out = 0;
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        out = sanitizeImage(file).bytes.length;
        runs.push(performance.now() - started);
      }
      const ms = runs.sort((a, b) => a - b).map((r) => Math.round(r));
      t.diagnostic(`${name} 1600x1000, ${file.length} -> ${out} bytes: ${ms.join(' / ')} ms (min / median / max of 3)`);
      assert.ok(ms[0]! < 10_000);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// readMultipartForm over HTTP

describe('readMultipartForm', () => {
  let server: Server;
  let base: string;
  /** What each request ended in, by its `?id=` (for requests whose client gives up before any answer). */
  const outcomes = new Map<string, string>();

  before(async () => {
    server = createServer((req, res) => {
      void (async () => {
        try {
          const url = new URL(req.url ?? '/', 'http://localhost');
          const form = await readMultipartForm(req, url.searchParams.has('two') ? { fileFields: ['front', 'back'] } : {});
          if (url.pathname === '/sanitize') {
            const front = form.files.get('front');
            if (!front) throw new HttpError(400, 'invalid_request', 'front is missing');
            sendImage(res, sanitizeImage(front.bytes));
            return;
          }
          sendJson(res, 200, {
            fields: [...form.fields],
            files: Object.fromEntries(
              [...form.files].map(([name, file]) => [
                name,
                { size: file.bytes.length, filename: file.filename, head: file.bytes.subarray(0, 8).toString('hex') },
              ]),
            ),
          });
        } catch (err) {
          const id = new URL(req.url ?? '/', 'http://localhost').searchParams.get('id');
          if (id) outcomes.set(id, err instanceof HttpError ? err.code : String(err));
          if (err instanceof HttpError) sendJsonError(res, err);
          else sendJson(res, 500, { error: 'server_error', error_description: String(err) });
        }
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const post = (body: FormData | string, path = '/', headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { method: 'POST', body, headers });

  async function json(res: Response): Promise<any> {
    return res.json();
  }

  /** A raw request on a connection of its own (no keep-alive agent), optionally without Content-Length. */
  function raw(
    body: Buffer | Buffer[],
    headers: IncomingHttpHeaders,
    path = '/',
  ): Promise<{ status: number; body: any }> {
    return new Promise((resolve, reject) => {
      const req = request(`${base}${path}`, { method: 'POST', headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined });
        });
      });
      req.on('error', reject);
      for (const part of Array.isArray(body) ? body : [body]) req.write(part);
      req.end();
    });
  }

  function identityForm(front?: Blob, filename = 'passport.jpg'): FormData {
    const form = new FormData();
    form.append('given_name', 'Zoë');
    form.append('family_name', "O'Brien");
    form.append('document_number', 'X1234567');
    if (front) form.append('front', front, filename);
    return form;
  }

  it('reads fields and the file', async () => {
    const image = makeJpeg(300, 200);
    const form = identityForm(jpegBlob(image), 'C:\\Users\\me\\Pictures\\passport.jpg');
    form.append('note', 'one');
    form.append('note', 'two');
    const res = await post(form);
    assert.equal(res.status, 200);
    const body = await json(res);
    assert.deepEqual(body.fields, [
      ['given_name', 'Zoë'],
      ['family_name', "O'Brien"],
      ['document_number', 'X1234567'],
      ['note', 'one'],
      ['note', 'two'],
    ]);
    assert.deepEqual(body.files, {
      front: { size: image.length, filename: 'passport.jpg', head: image.subarray(0, 8).toString('hex') },
    });
  });

  it('keeps only the base name of a filename, without control characters', async () => {
    const res = await raw(
      Buffer.from(
        '--b\r\nContent-Disposition: form-data; name="front"; filename*=utf-8\'\'..%2Fetc%2Fp%C3%A4ss%07%0Aport.jpg\r\n' +
          'Content-Type: image/jpeg\r\n\r\nxyz\r\n--b--\r\n',
      ),
      { 'content-type': 'multipart/form-data; boundary=b' },
    );
    assert.deepEqual(res.body.files, { front: { size: 3, filename: 'pässport.jpg', head: '78797a' } });
  });

  it('leaves out a file input left empty', async () => {
    const form = identityForm(new Blob([]), '');
    const body = await json(await post(form));
    assert.deepEqual(body.files, {});
    assert.equal(body.fields.length, 3);
  });

  it('accepts a file of exactly the cap and a field of exactly 2048 bytes', async () => {
    const form = identityForm(new Blob([Buffer.alloc(5 * 1024 * 1024, 1)]));
    form.append('address', 'é'.repeat(1024));
    const res = await post(form);
    assert.equal(res.status, 200);
    const body = await json(res);
    assert.equal(body.files.front.size, 5 * 1024 * 1024);
    assert.equal(body.fields[3][1].length, 1024);
  });

  it('refuses a 6 MB file with 413, and keeps answering, on the same and on a new connection', async () => {
    const res = await post(identityForm(new Blob([Buffer.alloc(6 * 1024 * 1024, 1)])));
    assert.equal(res.status, 413);
    assert.equal((await json(res)).error, 'payload_too_large');

    const again = await post(identityForm(jpegBlob(makeJpeg(300, 200))));
    assert.equal(again.status, 200);
    const fresh = await raw(Buffer.from('--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b--\r\n'), {
      'content-type': 'multipart/form-data; boundary=b',
    });
    assert.deepEqual(fresh, { status: 200, body: { fields: [['a', '1']], files: {} } });
  });

  it('refuses a 6 MB file streamed without a Content-Length once it passes the cap', async () => {
    const head = Buffer.from(
      '--b\r\nContent-Disposition: form-data; name="front"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n',
    );
    const chunks = [head, ...Array.from({ length: 6 }, () => Buffer.alloc(1024 * 1024, 0x41)), Buffer.from('\r\n--b--\r\n')];
    const res = await raw(chunks, { 'content-type': 'multipart/form-data; boundary=b', 'transfer-encoding': 'chunked' });
    assert.equal(res.status, 413);
    assert.equal(res.body.error, 'payload_too_large');
    // So is junk outside any part (which busboy itself would skip without limit).
    const junk = [Buffer.alloc(6 * 1024 * 1024, 0x41), Buffer.from('\r\n--b--\r\n')];
    const res2 = await raw(junk, { 'content-type': 'multipart/form-data; boundary=b', 'transfer-encoding': 'chunked' });
    assert.equal(res2.status, 413);
  });

  it('refuses anything but multipart/form-data with 415', async () => {
    for (const [type, body] of [
      ['application/x-www-form-urlencoded', 'given_name=a'],
      ['application/json', '{}'],
      ['text/plain', 'hello'],
      ['multipart/mixed; boundary=b', '--b--\r\n'],
    ]) {
      const res = await post(body!, '/', { 'content-type': type! });
      assert.equal(res.status, 415, type);
      assert.equal((await json(res)).error, 'unsupported_media_type');
    }
    const none = await raw(Buffer.from('x'), {});
    assert.equal(none.status, 415);
  });

  it('refuses an unexpected file field, a second file, a file sent as text', async () => {
    const image = jpegBlob(makeJpeg(300, 200));
    const extra = identityForm(image);
    extra.append('back', image, 'back.jpg');
    const twice = identityForm(image);
    twice.append('front', image, 'again.jpg');
    const text = identityForm();
    text.append('front', 'not a file');
    const smuggled = identityForm(image);
    smuggled.append('given_name', new Blob(['x']), 'x.txt');
    for (const [name, form] of Object.entries({ extra, twice, text, smuggled })) {
      const res = await post(form);
      assert.equal(res.status, 400, name);
      assert.equal((await json(res)).error, 'invalid_request', name);
    }
    const allowed = identityForm(image);
    allowed.append('back', image, 'back.jpg');
    const res = await post(allowed, '/?two');
    assert.deepEqual(Object.keys((await json(res)).files), ['front', 'back'], 'fileFields names the file fields');
  });

  it('refuses too many fields and a field too long', async () => {
    const many = new FormData();
    for (let i = 0; i < 21; i++) many.append(`f${i}`, 'x');
    const long = identityForm();
    long.append('address', 'x'.repeat(2049));
    const longName = identityForm();
    longName.append('n'.repeat(101), 'x');
    for (const [name, form] of Object.entries({ many, long, longName })) {
      const res = await post(form);
      assert.equal(res.status, 400, name);
      assert.equal((await json(res)).error, 'invalid_request', name);
    }
    const twenty = new FormData();
    for (let i = 0; i < 20; i++) twenty.append(`f${i}`, 'x');
    assert.equal((await post(twenty)).status, 200, 'exactly 20 fields is fine');
  });

  it('refuses a malformed body with 400', async () => {
    const cases: Array<[string, string]> = [
      ['multipart/form-data', '--b--\r\n'], // no boundary parameter
      ['multipart/form-data; boundary=b', 'no parts at all'],
      ['multipart/form-data; boundary=b', '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nunterminated'],
      ['multipart/form-data; boundary=b', `--b\r\n${'X'.repeat(20_000)}\r\n\r\nheader too long\r\n--b--\r\n`],
    ];
    for (const [type, body] of cases) {
      const res = await raw(Buffer.from(body), { 'content-type': type });
      assert.equal(res.status, 400, body.slice(0, 30));
      assert.equal(res.body.error, 'invalid_request');
    }
    const declared = await raw(Buffer.from('x'), {
      'content-type': 'multipart/form-data; boundary=b',
      'content-length': String(6 * 1024 * 1024),
    }).catch((err: Error) => err);
    // Refused from the header alone; the server answers before the (never sent) body.
    assert.ok(!(declared instanceof Error) && declared.status === 413, 'declared Content-Length over the cap');
  });

  it('settles when the client goes away mid-upload', async () => {
    const req = request(`${base}/?id=gone`, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'multipart/form-data; boundary=b', 'transfer-encoding': 'chunked' },
    });
    req.on('error', () => {});
    req.write('--b\r\nContent-Disposition: form-data; name="front"; filename="a.jpg"\r\n\r\n');
    req.write(Buffer.alloc(64 * 1024, 1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    req.destroy();
    for (let i = 0; i < 100 && !outcomes.has('gone'); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(outcomes.get('gone'), 'invalid_request');
  });

  it('serves the sanitized image back as passive content, and refuses HTML named front.jpg', async () => {
    const photo = spliceJpeg(makeJpeg(400, 250), jpegSegment(0xe1, exif({}, [0x010e, GPS])));
    const res = await post(identityForm(jpegBlob(photo)), '/sanitize');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/jpeg');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.match(res.headers.get('content-security-policy')!, /default-src 'none'.*sandbox/);
    assert.equal(res.headers.get('content-disposition'), 'inline; filename="document.jpg"');
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.deepEqual(imageDimensions(bytes), { type: 'image/jpeg', width: 400, height: 250 });
    assert.ok(!bytes.includes('48.85'));

    const html = new Blob(['<!doctype html><script>alert(document.domain)</script>'], { type: 'image/jpeg' });
    const refused = await post(identityForm(html, 'front.jpg'), '/sanitize');
    assert.equal(refused.status, 400);
    assert.deepEqual(await json(refused), {
      code: 'unsupported_image',
      message: 'the file is not a JPEG or PNG image',
      error: 'unsupported_image',
      error_description: 'the file is not a JPEG or PNG image',
    });
  });
});
