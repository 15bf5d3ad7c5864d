// Uploads for the "Verify your identity" page: a bounded multipart/form-data reader on busboy, and an image
// sanitizer that trusts only the bytes. An image is typed by its magic bytes (JPEG or PNG, never by filename or
// declared Content-Type), its dimensions are read from the SOF/IHDR header and capped before anything is decoded,
// the decoders run under their own limits, and what comes out is re-encoded from the decoded pixels, so EXIF/GPS,
// ICC profiles, comments, PNG text chunks and anything appended to the file are gone. EXIF orientation is applied
// to the pixels first, so a phone photo still shows the right way up once its EXIF is gone.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { constants as zlibConstants, inflateSync } from 'node:zlib';
import busboy from 'busboy';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { HttpError } from '../shared/http.js';

// ---------------------------------------------------------------------------------------------------------------
// multipart/form-data

export interface MultipartOptions {
  /** Largest accepted file, per file field (default 5 MB). */
  maxFileBytes?: number;
  /** Largest accepted text field value, in bytes (default 2048). */
  maxFieldBytes?: number;
  /** Most text fields (default 20). */
  maxFields?: number;
  /** The only fields that may carry a file, one file each (default `['front']`). */
  fileFields?: readonly string[];
}

export interface UploadedFile {
  bytes: Buffer;
  /** The client's filename without any path, control characters removed, at most 255 characters; untrusted. */
  filename: string;
}

export interface MultipartForm {
  /** Text fields in the order sent; a repeated name stays repeated (read them with `formField()`). */
  fields: URLSearchParams;
  /** Files by field name. A file input left empty (no filename, no bytes) is absent, as browsers send it. */
  files: Map<string, UploadedFile>;
}

/** Room for the text fields, part headers and boundaries next to the files themselves. */
const MULTIPART_OVERHEAD = 64 * 1024;
/** Longest field name accepted (busboy itself does not limit names in multipart bodies). */
const MAX_NAME_BYTES = 100;

/** A field name safe to repeat in an error description. */
function named(name: string): string {
  return /^[\w.-]{1,40}$/.test(name) ? `"${name}"` : 'a field';
}

function cleanFilename(filename: string | undefined): string {
  // eslint-disable-next-line no-control-regex
  return (filename ?? '').replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 255);
}

/**
 * Reads a `multipart/form-data` body with bounded memory: only the named file fields may carry a file (at most
 * {@link MultipartOptions.maxFileBytes} each, one per field), text fields are capped in number and length, and the
 * whole body is capped at the files' allowance plus 64 kB, whether or not a Content-Length is declared. Any refusal
 * is an {@link HttpError} (415 `unsupported_media_type`, 413 `payload_too_large`, 400 `invalid_request`) raised as
 * soon as it is known; the rest of the request is then drained unread, so the connection stays usable.
 */
export function readMultipartForm(req: IncomingMessage, options: MultipartOptions = {}): Promise<MultipartForm> {
  const { maxFileBytes = 5 * 1024 * 1024, maxFieldBytes = 2048, maxFields = 20, fileFields = ['front'] } = options;
  const maxBodyBytes = maxFileBytes * fileFields.length + MULTIPART_OVERHEAD;
  const refuse = (err: HttpError) => {
    req.resume();
    return Promise.reject(err);
  };

  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'multipart/form-data') {
    return refuse(new HttpError(415, 'unsupported_media_type', 'send the form as multipart/form-data'));
  }
  const tooLarge = () => new HttpError(413, 'payload_too_large', `request body exceeds ${maxBodyBytes} bytes`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBodyBytes) return refuse(tooLarge());

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      defParamCharset: 'utf8',
      limits: {
        // busboy flags a value or file as truncated when it reaches the limit, so allow one byte more to tell
        // "exactly at the cap" from "over it".
        fieldSize: maxFieldBytes + 1,
        fileSize: maxFileBytes + 1,
        fields: maxFields,
        files: fileFields.length,
        parts: maxFields + fileFields.length + 1,
      },
    });
  } catch {
    return refuse(new HttpError(400, 'invalid_request', 'the multipart content type has no valid boundary'));
  }

  return new Promise<MultipartForm>((resolve, reject) => {
    const fields = new URLSearchParams();
    const files = new Map<string, UploadedFile>();
    const fileParts = new Set<string>();
    let received = 0;
    let settled = false;

    const fail = (err: HttpError) => {
      if (settled) return;
      settled = true;
      // Stop parsing (after busboy's current callback returns) and drain the rest of the request unread.
      process.nextTick(() => parser.destroy());
      req.resume();
      reject(err);
    };
    const invalid = (description: string) => fail(new HttpError(400, 'invalid_request', description));
    const fileTooLarge = (name: string) =>
      fail(new HttpError(413, 'payload_too_large', `the file in ${named(name)} exceeds ${maxFileBytes} bytes`));

    parser.on('file', (name, stream, info) => {
      // Every file stream is consumed (or busboy never finishes) and has an error listener (or a destroyed
      // parser's 'Unexpected end of file' becomes an uncaught exception).
      stream.on('error', () => invalid('the multipart body is malformed'));
      if (settled) {
        stream.resume();
        return;
      }
      if (typeof name !== 'string' || !fileFields.includes(name)) {
        stream.resume();
        invalid(`${typeof name === 'string' ? named(name) : 'a field'} does not take a file`);
        return;
      }
      if (fileParts.has(name)) {
        stream.resume();
        invalid(`send one file in ${named(name)}`);
        return;
      }
      fileParts.add(name);
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        if (settled) return;
        size += chunk.length;
        if (size > maxFileBytes) fileTooLarge(name);
        else chunks.push(chunk);
      });
      stream.on('limit', () => fileTooLarge(name));
      stream.on('end', () => {
        if (settled) return;
        if (stream.truncated) {
          fileTooLarge(name);
          return;
        }
        if (size === 0 && !info.filename) return; // a file input left empty
        files.set(name, { bytes: Buffer.concat(chunks, size), filename: cleanFilename(info.filename) });
      });
    });

    parser.on('field', (name, value, info) => {
      if (settled) return;
      if (typeof name !== 'string' || name === '' || Buffer.byteLength(name) > MAX_NAME_BYTES) {
        invalid('a form field has a missing or overlong name');
      } else if (fileFields.includes(name)) {
        invalid(`${named(name)} must be a file`);
      } else if (info.valueTruncated) {
        invalid(`${named(name)} is longer than ${maxFieldBytes} bytes`);
      } else {
        fields.append(name, value);
      }
    });

    parser.on('fieldsLimit', () => invalid(`the form has more than ${maxFields} fields`));
    parser.on('filesLimit', () => invalid('the form has more files than expected'));
    parser.on('partsLimit', () => invalid('the form has too many parts'));
    parser.on('error', () => invalid('the multipart body is malformed'));
    parser.on('close', () => {
      if (settled) return;
      settled = true;
      resolve({ fields, files });
    });

    req.on('data', (chunk: Buffer) => {
      if (settled) return; // draining
      received += chunk.length;
      if (received > maxBodyBytes) {
        fail(tooLarge());
      } else if (!parser.write(chunk)) {
        req.pause();
        parser.once('drain', () => req.resume());
      }
    });
    req.on('end', () => {
      if (!settled) parser.end();
    });
    req.on('error', () => invalid('the upload was interrupted'));
    req.on('close', () => {
      if (!req.complete) invalid('the upload was interrupted');
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Images

export type ImageType = 'image/jpeg' | 'image/png';

export interface SanitizedImage {
  /** From the magic bytes, never from the client. */
  type: ImageType;
  width: number;
  height: number;
  /** The re-encoded image: pixels only, no metadata. */
  bytes: Buffer;
}

export interface SanitizeOptions {
  /** Most pixels (width × height) decoded, checked from the header first (default 40 million). */
  maxPixels?: number;
  /** Smallest accepted width and height, as displayed (after EXIF orientation); defaults 200 × 120. */
  minWidth?: number;
  minHeight?: number;
}

/** Quality of the re-encoded JPEG. */
const JPEG_QUALITY = 90;
/** Longest side accepted either way (the most a JPEG can have; keeps PNG row arithmetic far from overflow). */
const MAX_SIDE = 65535;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** JPEG or PNG by the leading magic bytes; anything else (GIF, WebP, SVG, HTML, PDF, empty) is `undefined`. */
export function sniffImageType(bytes: Uint8Array): ImageType | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'image/png';
  return undefined;
}

interface JpegHeader {
  width: number;
  height: number;
  /** The SOFn marker's second byte: 0xC0 baseline, 0xC1 extended, 0xC2 progressive, others unsupported. */
  sof: number;
  precision: number;
  /** [horizontal, vertical] sampling factor per component. */
  components: Array<[number, number]>;
  /** EXIF orientation (1–8; 1 when absent). */
  orientation: number;
}

/** SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
function isSof(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** Walks the JPEG segments up to the first scan; undefined when they do not fit together or there is no frame. */
function readJpegHeader(bytes: Uint8Array): JpegHeader | undefined {
  if (sniffImageType(bytes) !== 'image/jpeg') return undefined;
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  let frame: Omit<JpegHeader, 'orientation'> | undefined;
  let orientation: number | undefined;
  let offset = 2;
  while (offset + 1 < data.length) {
    if (data[offset] !== 0xff) return undefined;
    let marker = data[offset + 1]!;
    while (marker === 0xff && offset + 2 < data.length) marker = data[++offset + 1]!; // fill bytes
    offset += 2;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // TEM, RSTn: no length
    if (marker === 0xd8 || marker === 0xd9 || marker === 0xda || offset + 2 > data.length) break;
    const length = data.readUInt16BE(offset);
    if (length < 2 || offset + length > data.length) return undefined;
    const segment = data.subarray(offset + 2, offset + length);
    if (isSof(marker) && !frame) {
      if (segment.length < 6 || segment.length < 6 + 3 * segment[5]!) return undefined;
      const components: Array<[number, number]> = [];
      for (let i = 0; i < segment[5]!; i++) {
        const sampling = segment[6 + 3 * i + 1]!;
        components.push([sampling >> 4, sampling & 15]);
      }
      frame = {
        sof: marker,
        precision: segment[0]!,
        height: segment.readUInt16BE(1),
        width: segment.readUInt16BE(3),
        components,
      };
    } else if (marker === 0xe1 && orientation === undefined) {
      orientation = exifOrientation(segment);
    }
    offset += length;
  }
  return frame && { ...frame, orientation: orientation ?? 1 };
}

/** The Orientation tag (0x0112) of IFD0 in an APP1 "Exif" segment; undefined when the segment is not EXIF. */
function exifOrientation(segment: Buffer): number | undefined {
  if (segment.length < 14 || segment.toString('latin1', 0, 6) !== 'Exif\0\0') return undefined;
  const tiff = segment.subarray(6);
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return 1;
  const u16 = (at: number) => (order === 'II' ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (order === 'II' ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  if (u16(2) !== 42) return 1;
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return 1;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + 12 * i;
    if (entry + 12 > tiff.length) break;
    if (u16(entry) !== 0x0112) continue;
    const value = u16(entry + 8);
    return u16(entry + 2) === 3 && value >= 1 && value <= 8 ? value : 1; // type SHORT
  }
  return 1;
}

interface PngHeader {
  width: number;
  height: number;
  depth: number;
  colorType: number;
  interlaced: boolean;
}

function readPngHeader(bytes: Uint8Array): PngHeader | undefined {
  if (sniffImageType(bytes) !== 'image/png' || bytes.length < 33) return undefined;
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (data.readUInt32BE(8) !== 13 || data.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return {
    width: data.readUInt32BE(16),
    height: data.readUInt32BE(20),
    depth: data[24]!,
    colorType: data[25]!,
    interlaced: data[28] === 1,
  };
}

/**
 * Type and stored dimensions from the header alone (JPEG SOFn segment, PNG IHDR chunk), without decoding;
 * `undefined` when the bytes are not a JPEG/PNG or the header is missing or broken. For a JPEG these are the stored
 * dimensions, before any EXIF orientation (a sanitized image has none left, so there they are what is shown).
 */
export function imageDimensions(bytes: Uint8Array): { type: ImageType; width: number; height: number } | undefined {
  const header = readJpegHeader(bytes) ?? readPngHeader(bytes);
  if (!header) return undefined;
  return { type: sniffImageType(bytes)!, width: header.width, height: header.height };
}

const unsupported = (description: string) => new HttpError(400, 'unsupported_image', description);
const unreadable = (description = 'the image could not be read; it may be damaged or incomplete') =>
  new HttpError(400, 'unreadable_image', description);

/**
 * Checks and re-encodes an uploaded image: JPEG or PNG by magic bytes only, dimensions capped from the header
 * before decoding, decoded under the decoders' own limits, EXIF orientation applied, then re-encoded from the pixels
 * (JPEG quality 90 with jpeg-js, PNG with pngjs) so no metadata or trailing data survives. Throws an
 * {@link HttpError}: 400 `unsupported_image`, `unreadable_image`, `image_too_small`; 413 `image_too_large`.
 * Synchronous and CPU-bound (it blocks the event loop for as long as the decode and encode take).
 */
export function sanitizeImage(bytes: Buffer, options: SanitizeOptions = {}): SanitizedImage {
  const { maxPixels = 40e6, minWidth = 200, minHeight = 120 } = options;
  if (bytes.length === 0) throw unsupported('the file is empty');
  const type = sniffImageType(bytes);
  if (!type) throw unsupported('the file is not a JPEG or PNG image');

  const jpegHeader = type === 'image/jpeg' ? readJpegHeader(bytes) : undefined;
  const pngHeader = type === 'image/png' ? readPngHeader(bytes) : undefined;
  const header = jpegHeader ?? pngHeader;
  if (!header) throw unreadable();
  const { width, height } = header;
  if (width === 0 || height === 0) throw unreadable('the image header gives no width or height');
  if (width * height > maxPixels || width > MAX_SIDE || height > MAX_SIDE) {
    throw new HttpError(
      413,
      'image_too_large',
      `the image is ${width} x ${height} pixels; the most accepted is ${+(maxPixels / 1e6).toFixed(1)} megapixels`,
    );
  }
  const turned = (jpegHeader?.orientation ?? 1) >= 5;
  const [shownWidth, shownHeight] = turned ? [height, width] : [width, height];
  if (shownWidth < minWidth || shownHeight < minHeight) {
    throw new HttpError(
      400,
      'image_too_small',
      `the image is ${shownWidth} x ${shownHeight} pixels; it must be at least ${minWidth} x ${minHeight}`,
    );
  }

  if (jpegHeader) {
    // each scan of a progressive JPEG walks every block of the frame again: a few bytes a scan, seconds of work
    if (jpegScanCount(bytes) > MAX_JPEG_SCANS) throw unreadable(`the image has more than ${MAX_JPEG_SCANS} scans`);
    const pixels = decodeJpeg(bytes, jpegHeader, maxPixels);
    const upright = orient(pixels, width, height, jpegHeader.orientation);
    const out = jpeg.encode({ data: upright.data, width: upright.width, height: upright.height }, JPEG_QUALITY);
    return { type, width: upright.width, height: upright.height, bytes: out.data };
  }
  const pixels = decodePng(bytes, pngHeader!);
  const out = encodePng(pixels, width, height);
  return { type, width, height, bytes: out };
}

/** Real progressive JPEGs use about 10 scans; each one costs a full walk of the frame. */
export const MAX_JPEG_SCANS = 64;

/**
 * How many scans (SOS segments) a JPEG holds, counted by walking its segments — the entropy-coded data after each
 * SOS is skipped up to the next marker (0xFF followed by anything but 0x00 or a restart marker). Stops counting
 * past `MAX_JPEG_SCANS`.
 */
export function jpegScanCount(bytes: Uint8Array): number {
  let scans = 0;
  let i = 2; // after SOI
  while (i + 3 < bytes.length && scans <= MAX_JPEG_SCANS) {
    if (bytes[i] !== 0xff) return scans; // not at a marker: malformed, the decoder will say so
    const marker = bytes[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd9) return scans; // EOI
    if (marker >= 0xd0 && marker <= 0xd7) {
      i += 2;
      continue;
    }
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    i += 2 + length;
    if (marker !== 0xda) continue;
    scans++;
    // entropy-coded data: up to the next marker that is not a stuffed 0xFF00 or a restart marker
    while (i + 1 < bytes.length && !(bytes[i] === 0xff && bytes[i + 1] !== 0x00 && (bytes[i + 1]! < 0xd0 || bytes[i + 1]! > 0xd7))) i++;
  }
  return scans;
}

/** RGBA pixels of a baseline/extended/progressive 8-bit JPEG, decoded under a memory cap derived from its header. */
function decodeJpeg(bytes: Buffer, header: JpegHeader, maxPixels: number): Uint8Array {
  const { width, height, components } = header;
  if (header.sof > 0xc2 || header.precision !== 8) {
    throw unreadable('only baseline and progressive 8-bit JPEGs are accepted; save the image as a standard JPEG');
  }
  if (![1, 3, 4].includes(components.length) || components.some(([h, v]) => h < 1 || h > 4 || v < 1 || v > 4)) {
    throw unreadable();
  }
  // What jpeg-js allocates for one frame: per component 256 bytes per 8×8 block (4 per sample, padded to whole
  // MCUs of at most 32×32) plus the decoded lines, then the colour-converted samples and the RGBA output. A file
  // that declares a second frame, or anything bigger than its header says, runs out of this budget and is refused.
  const padded = (Math.ceil(width / 32) * 32 + 32) * (Math.ceil(height / 32) * 32 + 32);
  const n = components.length;
  const budget = n * 5 * padded + (n + 4) * width * height;
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: maxPixels / 1e6,
      maxMemoryUsageInMB: Math.ceil(budget / 2 ** 20) + 4,
    });
  } catch {
    throw unreadable();
  }
  if (decoded.width !== width || decoded.height !== height) throw unreadable();
  return decoded.data;
}

/** Rows of a PNG (or one Adam7 pass) as stored: a filter byte, then the packed samples. */
function pngRowsBytes(width: number, height: number, bitsPerPixel: number): number {
  return width > 0 && height > 0 ? height * (1 + Math.ceil((width * bitsPerPixel) / 8)) : 0;
}

/** The image data of a PNG, inflated, must be exactly this long (Adam7 stores seven smaller images). */
function pngDataBytes({ width, height, depth, colorType, interlaced }: PngHeader): number {
  const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[colorType] ?? 4;
  const bits = channels * depth;
  if (!interlaced) return pngRowsBytes(width, height, bits);
  const passes = [
    [0, 0, 8, 8],
    [4, 0, 8, 8],
    [0, 4, 4, 8],
    [2, 0, 4, 4],
    [0, 2, 2, 4],
    [1, 0, 2, 2],
    [0, 1, 1, 2],
  ];
  return passes.reduce(
    (sum, [x0, y0, dx, dy]) =>
      sum + pngRowsBytes(Math.ceil((width - x0!) / dx!), Math.ceil((height - y0!) / dy!), bits),
    0,
  );
}

/** RGBA pixels (8 bits per sample) of a PNG. */
function decodePng(bytes: Buffer, header: PngHeader): Buffer {
  if (header.interlaced) {
    // pngjs caps the inflated size of a non-interlaced image but inflates an interlaced one without limit, so a
    // small file could expand to gigabytes: inflate it once here under the exact size its header implies.
    const idat: Buffer[] = [];
    for (let at = 8; at + 12 <= bytes.length; ) {
      const length = bytes.readUInt32BE(at);
      if (at + 12 + length > bytes.length) throw unreadable();
      if (bytes.toString('latin1', at + 4, at + 8) === 'IDAT') idat.push(bytes.subarray(at + 8, at + 8 + length));
      at += 12 + length;
    }
    try {
      inflateSync(Buffer.concat(idat), {
        maxOutputLength: pngDataBytes(header) + 1,
        finishFlush: zlibConstants.Z_SYNC_FLUSH,
      });
    } catch {
      throw unreadable();
    }
  }
  let png: { width: number; height: number; data: Buffer };
  try {
    png = PNG.sync.read(bytes);
  } catch {
    throw unreadable();
  }
  if (png.width !== header.width || png.height !== header.height || png.data.length !== png.width * png.height * 4) {
    throw unreadable();
  }
  return png.data;
}

function encodePng(rgba: Buffer, width: number, height: number): Buffer {
  // Pixels nobody can see (alpha 0) keep no colour; a fully opaque image is stored without the alpha channel.
  let opaque = true;
  for (let i = 3; i < rgba.length; i += 4) {
    if (rgba[i] === 255) continue;
    opaque = false;
    if (rgba[i] === 0) rgba.fill(0, i - 3, i);
  }
  const png = new PNG();
  png.width = width;
  png.height = height;
  png.data = rgba;
  return PNG.sync.write(png, { colorType: opaque ? 2 : 6, deflateLevel: 6 });
}

/**
 * Turns RGBA pixels stored with EXIF orientation `orientation` upright. Each orientation maps source (x, y) to a
 * destination index that is linear in x and y: base + x·dx + y·dy.
 */
function orient(
  data: Uint8Array,
  width: number,
  height: number,
  orientation: number,
): { data: Uint8Array; width: number; height: number } {
  if (orientation === 1) return { data, width, height };
  const w = width;
  const h = height;
  const n = w * h;
  const maps: Record<number, [number, number, number]> = {
    2: [w - 1, -1, w], // mirrored
    3: [n - 1, -1, -w], // upside down
    4: [(h - 1) * w, 1, -w], // mirrored, upside down
    5: [0, h, 1], // transposed
    6: [h - 1, h, -1], // turn 90° clockwise
    7: [n - 1, -h, -1], // transverse
    8: [(w - 1) * h, -h, 1], // turn 90° counter-clockwise
  };
  const [base, dx, dy] = maps[orientation]!;
  const aligned = data.byteOffset % 4 === 0 ? data : data.slice();
  const src = new Uint32Array(aligned.buffer, aligned.byteOffset, n);
  const dst = new Uint32Array(n);
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0, to = base + y * dy; x < w; x++, i++, to += dx) dst[to] = src[i]!;
  }
  const turned = orientation >= 5;
  return { data: new Uint8Array(dst.buffer), width: turned ? h : w, height: turned ? w : h };
}

/**
 * Sends a sanitized image as passive content only: its sniffed type, `nosniff`, a sandboxing CSP that runs nothing,
 * `inline` with a fixed filename (never the client's), not cached, same-origin only.
 */
export function sendImage(res: ServerResponse, image: SanitizedImage): void {
  res.writeHead(200, {
    'Content-Type': image.type,
    'Content-Length': image.bytes.length,
    'Content-Disposition': `inline; filename="document.${image.type === 'image/png' ? 'png' : 'jpg'}"`,
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  });
  res.end(image.bytes);
}
