/**
 * The capture upload of the ownership check (docs/security.md §42, §43): `multipart/form-data` with repeated `frame`
 * files (JPEG) and `t` fields (integer ms since capture start, one per frame, in the same order). Bounded while it
 * streams — at most 16 frames, 400 kB each, 5 MB in all — and every frame's type and dimensions are checked from
 * its header (JPEG by its magic bytes only, never by a declared type or name) before anything is decoded. Any fault
 * is a {@link CaptureError} 400 `invalid_capture` with what was wrong, and the rest of the body is drained unread.
 */
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { imageDimensions, jpegScanCount, MAX_JPEG_SCANS } from '../uploads.js';
import { CaptureError, FRAME_LIMITS, type CaptureUpload } from './service.js';

export const CAPTURE_LIMITS = {
  maxFrames: 16,
  minFrames: 3,
  maxFrameBytes: 400 * 1024,
  maxTotalBytes: 5 * 1024 * 1024,
  /** a capture spans a few seconds; a minute is far beyond any real one */
  maxT: 60_000,
};

const invalid = (detail: string) => new CaptureError(400, 'invalid_capture', detail);

export function readCaptureForm(req: IncomingMessage): Promise<CaptureUpload> {
  const { maxFrames, maxFrameBytes, maxTotalBytes } = CAPTURE_LIMITS;
  const bodyCap = maxTotalBytes + 64 * 1024;
  const refuse = (err: CaptureError) => {
    req.resume();
    return Promise.reject(err);
  };
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'multipart/form-data') return refuse(invalid('send the capture as multipart/form-data'));
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > bodyCap) return refuse(invalid(`the capture exceeds ${maxTotalBytes} bytes`));

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      limits: {
        fieldSize: 16,
        fileSize: maxFrameBytes + 1,
        fields: maxFrames + 1,
        files: maxFrames + 1,
        parts: 2 * maxFrames + 2,
      },
    });
  } catch {
    return refuse(invalid('the multipart content type has no valid boundary'));
  }

  return new Promise<CaptureUpload>((resolve, reject) => {
    const files: Buffer[] = [];
    const times: string[] = [];
    let fileCount = 0;
    let total = 0;
    let received = 0;
    let settled = false;
    const fail = (detail: string) => {
      if (settled) return;
      settled = true;
      process.nextTick(() => parser.destroy());
      req.resume();
      reject(invalid(detail));
    };

    parser.on('file', (name, stream) => {
      stream.on('error', () => fail('the multipart body is malformed'));
      if (settled || name !== 'frame') {
        stream.resume();
        if (name !== 'frame') fail('only "frame" fields carry files');
        return;
      }
      if (++fileCount > maxFrames) {
        stream.resume();
        fail(`send at most ${maxFrames} frames`);
        return;
      }
      const index = fileCount - 1;
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        if (settled) return;
        size += chunk.length;
        total += chunk.length;
        if (size > maxFrameBytes) fail(`frame ${index + 1} exceeds ${maxFrameBytes} bytes`);
        else if (total > maxTotalBytes) fail(`the capture exceeds ${maxTotalBytes} bytes`);
        else chunks.push(chunk);
      });
      stream.on('limit', () => fail(`frame ${index + 1} exceeds ${maxFrameBytes} bytes`));
      stream.on('end', () => {
        if (!settled) files[index] = Buffer.concat(chunks, size);
      });
    });
    parser.on('field', (name, value, info) => {
      if (settled) return;
      if (name !== 't') fail('unknown field in the capture');
      else if (info.valueTruncated) fail('a "t" value is too long');
      else times.push(value);
    });
    parser.on('fieldsLimit', () => fail('too many fields'));
    parser.on('filesLimit', () => fail(`send at most ${maxFrames} frames`));
    parser.on('partsLimit', () => fail('too many parts'));
    parser.on('error', () => fail('the multipart body is malformed'));
    parser.on('close', () => {
      if (settled) return;
      settled = true;
      try {
        resolve(checkFrames(files, times));
      } catch (err) {
        reject(err);
      }
    });
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      received += chunk.length;
      if (received > bodyCap) fail(`the capture exceeds ${maxTotalBytes} bytes`);
      else if (!parser.write(chunk)) {
        req.pause();
        parser.once('drain', () => req.resume());
      }
    });
    req.on('end', () => {
      if (!settled) parser.end();
    });
    req.on('error', () => fail('the upload was interrupted'));
    req.on('close', () => {
      if (!req.complete) fail('the upload was interrupted');
    });
  });
}

/**
 * The frames with their times, checked without decoding: as many `t` as frames, integers in time order from 0 to
 * a minute; each frame a JPEG by its magic bytes whose header gives dimensions within bounds and a sane number of
 * scans. Throws a {@link CaptureError} 400 `invalid_capture`.
 */
export function checkFrames(files: readonly Buffer[], times: readonly string[]): CaptureUpload {
  const { minFrames, maxFrames, maxT } = CAPTURE_LIMITS;
  if (files.length < minFrames) throw invalid(`send at least ${minFrames} frames`);
  if (files.length > maxFrames) throw invalid(`send at most ${maxFrames} frames`);
  if (times.length !== files.length) throw invalid('send one "t" per frame');
  const t = times.map((value) => (/^\d{1,6}$/.test(value) ? Number(value) : NaN));
  if (t.some((v, i) => !Number.isInteger(v) || v > maxT || (i > 0 && v < t[i - 1]!))) {
    throw invalid(`"t" must be whole milliseconds from 0 to ${maxT}, in order`);
  }
  const frames = files.map((bytes, i) => {
    const dims = bytes && imageDimensions(bytes);
    if (!dims || dims.type !== 'image/jpeg') throw invalid(`frame ${i + 1} is not a JPEG image`);
    if (dims.width < 64 || dims.height < 64 || dims.width > FRAME_LIMITS.maxWidth || dims.height > FRAME_LIMITS.maxHeight) {
      throw invalid(`frame ${i + 1} is ${dims.width} x ${dims.height}; frames must be 64 to ${FRAME_LIMITS.maxWidth} pixels a side`);
    }
    if (jpegScanCount(bytes) > MAX_JPEG_SCANS) throw invalid(`frame ${i + 1} has too many scans`);
    return { t: t[i]!, bytes: new Uint8Array(bytes) };
  });
  return { frames };
}
