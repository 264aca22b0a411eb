import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { inflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { InvoiceFileError } from './errors.js';
import { sniffFileKind } from './sniff.js';

/**
 * The QR code on a photo or screenshot of an invoice (payload format: reference/einvoice-and-identity-formats.md §1.2).
 *
 * Bounds, since the image is untrusted:
 * - The pixel count is read from the PNG IHDR / JPEG SOF header and checked against `maxPixels` before any pixel
 *   memory is allocated (TOO_LARGE). pngjs then inflates non-interlaced data into exactly the image's size; for
 *   interlaced PNGs (which pngjs inflates without a cap) the IDAT stream is first inflated here with
 *   `maxOutputLength` set to the exact Adam7 size. jpeg-js runs with `maxResolutionInMP` and `maxMemoryUsageInMB`.
 * - Scanning works on at most {@link MAX_SCAN_PIXELS}: bigger images are box-downscaled first. Attempts, each with
 *   both normal and inverted colours: as is, 2× smaller, then rotated 90°, 180° and 270°. jsQR's running time is
 *   not bounded by the image size (noise-like images cost seconds per megapixel), so the scan runs in a worker
 *   thread with a V8 heap limit that is terminated at `timeoutMs` (UNREADABLE).
 */

export interface ImageQrLimits {
  /** width × height above which the image is refused (TOO_LARGE). Default 40 000 000. */
  readonly maxPixels?: number;
  /** Deadline for the QR scan (UNREADABLE when it passes). Default 5 000 ms. */
  readonly timeoutMs?: number;
}

export const DEFAULT_IMAGE_LIMITS: Readonly<Required<ImageQrLimits>> = Object.freeze({ maxPixels: 40_000_000, timeoutMs: 5_000 });

/** Largest image handed to jsQR; larger ones are downscaled by an integer factor first. */
export const MAX_SCAN_PIXELS = 4_000_000;
/** jpeg-js keeps up to ~20 bytes per pixel while decoding (4:4:4, coefficients plus RGBA output); capped at 512 MB. */
const JPEG_BYTES_PER_PIXEL = 20;
const JPEG_MAX_MEMORY_MB = 512;
const MIB = 1024 * 1024;
/** A version-1 QR code with its quiet zone is 29 modules; below ~2 px per module nothing is decodable. */
const MIN_SCAN_SIDE = 58;

interface Rgba {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

/**
 * The QR text, or null when no QR code is found. Decoding runs on the calling thread; the QR scan runs in a worker
 * thread that this call waits for (blocking, up to `timeoutMs`). Prefer {@link decodeQrFromImageAsync} in request
 * handlers: it does not block the event loop during the scan.
 */
export function decodeQrFromImage(bytes: Uint8Array, limits: ImageQrLimits = {}): string | null {
  return scanSync(decodeImage(bytes, limits), limits.timeoutMs ?? DEFAULT_IMAGE_LIMITS.timeoutMs);
}

/** {@link decodeQrFromImage} without blocking the event loop while the QR scan runs. */
export async function decodeQrFromImageAsync(bytes: Uint8Array, limits: ImageQrLimits = {}): Promise<string | null> {
  return scanAsync(decodeImage(bytes, limits), limits.timeoutMs ?? DEFAULT_IMAGE_LIMITS.timeoutMs);
}

function decodeImage(bytes: Uint8Array, limits: ImageQrLimits): Rgba {
  const maxPixels = limits.maxPixels ?? DEFAULT_IMAGE_LIMITS.maxPixels;
  const kind = sniffFileKind(bytes);
  if (kind === 'png') return decodePng(bytes, maxPixels);
  if (kind === 'jpeg') return decodeJpeg(bytes, maxPixels);
  throw new InvoiceFileError('UNSUPPORTED', `not a PNG or JPEG image (${kind})`);
}

// ---------------------------------------------------------------------------------------------------------------
// PNG

const PNG_SIGNATURE_LENGTH = 8;
const CHANNELS_BY_COLOR_TYPE: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

interface PngHeader {
  readonly width: number;
  readonly height: number;
  readonly depth: number;
  readonly colorType: number;
  readonly interlaced: boolean;
}

function unreadable(what: string, error?: unknown): InvoiceFileError {
  const detail = error instanceof Error ? `: ${error.message}` : typeof error === 'string' ? `: ${error}` : '';
  return new InvoiceFileError('UNREADABLE', `${what}${detail}`);
}

function checkPixels(width: number, height: number, maxPixels: number): void {
  if (width === 0 || height === 0) throw unreadable('the image has no pixels');
  if (width * height > maxPixels) {
    throw new InvoiceFileError('TOO_LARGE', `the image is ${width}×${height} pixels (limit ${maxPixels} pixels)`);
  }
}

function readPngHeader(bytes: Uint8Array): PngHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = PNG_SIGNATURE_LENGTH;
  if (bytes.length < at + 8 + 13 + 4 || view.getUint32(at) !== 13 || view.getUint32(at + 4) !== 0x49484452 /* IHDR */) {
    throw unreadable('PNG without a valid IHDR chunk');
  }
  return {
    width: view.getUint32(at + 8),
    height: view.getUint32(at + 12),
    depth: bytes[at + 16]!,
    colorType: bytes[at + 17]!,
    interlaced: bytes[at + 20] === 1,
  };
}

/** Bytes of the filtered Adam7 scanlines, the exact size a well-formed interlaced IDAT stream inflates to. */
function interlacedSize(header: PngHeader): number {
  const bitsPerPixel = header.depth * (CHANNELS_BY_COLOR_TYPE[header.colorType] ?? 4);
  let total = 0;
  for (const [x0, y0, dx, dy] of ADAM7) {
    const passWidth = header.width > x0 ? Math.ceil((header.width - x0) / dx) : 0;
    const passHeight = header.height > y0 ? Math.ceil((header.height - y0) / dy) : 0;
    if (passWidth > 0 && passHeight > 0) total += passHeight * (1 + Math.ceil((passWidth * bitsPerPixel) / 8));
  }
  return total;
}

/** Inflates the concatenated IDAT data with a hard output cap, so pngjs's uncapped interlaced path is safe to run. */
function checkInterlacedData(bytes: Uint8Array, header: PngHeader): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  for (let at = PNG_SIGNATURE_LENGTH; at + 12 <= bytes.length; ) {
    const length = view.getUint32(at);
    const type = view.getUint32(at + 4);
    const end = at + 12 + length;
    if (end > bytes.length) throw unreadable('PNG chunk runs past the end of the file');
    if (type === 0x49444154 /* IDAT */) parts.push(bytes.subarray(at + 8, at + 8 + length));
    if (type === 0x49454e44 /* IEND */) break;
    at = end;
  }
  try {
    inflateSync(Buffer.concat(parts), { maxOutputLength: interlacedSize(header) });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new InvoiceFileError('TOO_LARGE', 'PNG image data inflates beyond the image size');
    }
    throw unreadable('corrupt PNG image data', error);
  }
}

function decodePng(bytes: Uint8Array, maxPixels: number): Rgba {
  const header = readPngHeader(bytes);
  checkPixels(header.width, header.height, maxPixels);
  if (header.interlaced) checkInterlacedData(bytes, header);
  let png: { width: number; height: number; data: Buffer; alpha?: boolean };
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw unreadable('corrupt PNG', error);
  }
  if (png.width !== header.width || png.height !== header.height || png.data.length !== png.width * png.height * 4) {
    throw unreadable('PNG decoded to an unexpected size');
  }
  const data = new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length);
  if (png.alpha !== false) flattenOnWhite(data);
  return { width: png.width, height: png.height, data };
}

/** Transparent pixels would read as black (jsQR ignores alpha); compose them onto white, in place. */
function flattenOnWhite(data: Uint8ClampedArray): void {
  for (let i = 0; i < data.length; i += 4) {
    const alpha = data[i + 3]!;
    if (alpha === 255) continue;
    const white = 255 * (255 - alpha);
    data[i] = (data[i]! * alpha + white) / 255;
    data[i + 1] = (data[i + 1]! * alpha + white) / 255;
    data[i + 2] = (data[i + 2]! * alpha + white) / 255;
    data[i + 3] = 255;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// JPEG

/** Width and height from the first SOFn segment, or null if the marker walk does not reach one. */
export function readJpegSize(bytes: Uint8Array): { width: number; height: number } | null {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      at += 2; // standalone markers
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // EOI or start of scan before any frame header
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    if (length < 2) return null;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (at + 9 > bytes.length) return null;
      return { height: (bytes[at + 5]! << 8) | bytes[at + 6]!, width: (bytes[at + 7]! << 8) | bytes[at + 8]! };
    }
    at += 2 + length;
  }
  return null;
}

function decodeJpeg(bytes: Uint8Array, maxPixels: number): Rgba {
  const size = readJpegSize(bytes);
  if (size) checkPixels(size.width, size.height, maxPixels);
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: maxPixels / 1_000_000,
      maxMemoryUsageInMB: Math.min(JPEG_MAX_MEMORY_MB, Math.max(32, Math.ceil((maxPixels * JPEG_BYTES_PER_PIXEL) / MIB))),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/maxResolutionInMP|maxMemoryUsageInMB|allocate enough memory/.test(message)) {
      throw new InvoiceFileError('TOO_LARGE', `the JPEG needs too much memory to decode: ${message}`);
    }
    throw unreadable('corrupt JPEG', error);
  }
  if (decoded.width === 0 || decoded.height === 0 || decoded.data.length !== decoded.width * decoded.height * 4) {
    throw unreadable('JPEG decoded to an unexpected size');
  }
  return { width: decoded.width, height: decoded.height, data: new Uint8ClampedArray(decoded.data.buffer, decoded.data.byteOffset, decoded.data.length) };
}

// ---------------------------------------------------------------------------------------------------------------
// Scanning

/**
 * jsQR runs in a worker thread because its time is not bounded by the image size alone: on noise-like images the
 * finder-pattern search takes seconds per megapixel. The worker is self-contained JavaScript (jsQR plus the 2×
 * downscale and rotations) and is terminated when the deadline passes.
 */
const SCAN_WORKER_SOURCE = String.raw`
const { workerData } = require('node:worker_threads');
const { state, port, jsqrPath, width, height, data } = workerData;
let result;
try {
  const jsqrModule = require(jsqrPath);
  const jsQR = jsqrModule.default || jsqrModule;
  const base = { width, height, pixels: new Uint32Array(data.buffer, data.byteOffset, width * height) };
  const half = (img) => {
    const w = img.width >> 1, h = img.height >> 1, out = new Uint32Array(w * h);
    const src = new Uint8Array(img.pixels.buffer, img.pixels.byteOffset, img.pixels.length * 4);
    const dst = new Uint8Array(out.buffer);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const a = ((2 * y) * img.width + 2 * x) * 4, b = a + img.width * 4, o = (y * w + x) * 4;
      for (let c = 0; c < 3; c++) dst[o + c] = (src[a + c] + src[a + 4 + c] + src[b + c] + src[b + 4 + c] + 2) >> 2;
      dst[o + 3] = 255;
    }
    return { width: w, height: h, pixels: out };
  };
  const rotate = (img, degrees) => {
    const w = img.width, h = img.height, src = img.pixels, out = new Uint32Array(w * h);
    if (degrees === 180) { for (let i = 0, n = src.length; i < n; i++) out[n - 1 - i] = src[i]; return { width: w, height: h, pixels: out }; }
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      out[degrees === 90 ? x * h + (h - 1 - y) : (w - 1 - x) * h + y] = src[y * w + x];
    }
    return { width: h, height: w, pixels: out };
  };
  const attempts = [
    () => base,
    () => (Math.min(width, height) >= 2 * ${MIN_SCAN_SIDE} ? half(base) : null),
    () => rotate(base, 90),
    () => rotate(base, 180),
    () => rotate(base, 270),
  ];
  let text = null;
  for (const attempt of attempts) {
    const img = attempt();
    if (!img) continue;
    let found = null;
    try {
      found = jsQR(new Uint8ClampedArray(img.pixels.buffer, img.pixels.byteOffset, img.pixels.length * 4), img.width, img.height, { inversionAttempts: 'attemptBoth' });
    } catch {
      found = null;
    }
    if (found && found.data !== '') { text = found.data; break; }
  }
  result = { ok: true, text };
} catch (error) {
  result = { ok: false, message: String((error && error.message) || error) };
}
port.postMessage(result);
const flag = new Int32Array(state);
Atomics.store(flag, 0, 1);
Atomics.notify(flag, 0);
`;

const jsqrPath = createRequire(import.meta.url).resolve('jsqr');

type ScanResult = { ok: true; text: string | null } | { ok: false; message: string };

interface ScanJob {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly state: Int32Array;
}

/** The image jsQR sees: at most {@link MAX_SCAN_PIXELS}, in a fresh 4-byte-aligned buffer the worker can take. */
function scanImage(image: Rgba): Rgba {
  const factor = Math.ceil(Math.sqrt((image.width * image.height) / MAX_SCAN_PIXELS));
  const scaled = downscale(image, factor);
  return scaled === image ? { ...image, data: image.data.slice() } : scaled;
}

function startScan(image: Rgba): ScanJob {
  const base = scanImage(image);
  const state = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(SCAN_WORKER_SOURCE, {
    eval: true,
    workerData: { state: state.buffer, port: port2, jsqrPath, width: base.width, height: base.height, data: base.data },
    transferList: [port2, base.data.buffer as ArrayBuffer],
    resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
    stdout: false,
    stderr: false,
  });
  worker.unref();
  worker.on('error', () => {}); // reported through the missing result instead
  return { worker, port: port1, state: new Int32Array(state.buffer) };
}

function finish(job: ScanJob, result: ScanResult | undefined, timeoutMs: number): string | null {
  job.port.close();
  void job.worker.terminate();
  if (result === undefined) throw new InvoiceFileError('UNREADABLE', `no QR code decoded within ${timeoutMs} ms`);
  if (!result.ok) throw new InvoiceFileError('UNREADABLE', `QR scan failed: ${result.message}`);
  return result.text;
}

/** Blocks the calling thread until the worker answers or the deadline passes. */
function scanSync(image: Rgba, timeoutMs: number): string | null {
  const job = startScan(image);
  Atomics.wait(job.state, 0, 0, timeoutMs);
  const received = receiveMessageOnPort(job.port) as { message: ScanResult } | undefined;
  return finish(job, received?.message, timeoutMs);
}

async function scanAsync(image: Rgba, timeoutMs: number): Promise<string | null> {
  const job = startScan(image);
  let timer: NodeJS.Timeout | undefined;
  const result = await new Promise<ScanResult | undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
    job.port.once('message', (message: ScanResult) => resolve(message));
    job.worker.once('exit', () => setImmediate(() => resolve(undefined)));
  }).finally(() => clearTimeout(timer));
  return finish(job, result, timeoutMs);
}

/** Box filter by an integer factor (≥ 1; 1 returns the image itself). */
function downscale(image: Rgba, factor: number): Rgba {
  if (factor <= 1) return image;
  const width = Math.max(1, Math.floor(image.width / factor));
  const height = Math.max(1, Math.floor(image.height / factor));
  const out = new Uint8ClampedArray(width * height * 4);
  const area = factor * factor;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let dy = 0; dy < factor; dy++) {
        let i = ((y * factor + dy) * image.width + x * factor) * 4;
        for (let dx = 0; dx < factor; dx++, i += 4) {
          r += image.data[i]!;
          g += image.data[i + 1]!;
          b += image.data[i + 2]!;
        }
      }
      const o = (y * width + x) * 4;
      out[o] = r / area;
      out[o + 1] = g / area;
      out[o + 2] = b / area;
      out[o + 3] = 255;
    }
  }
  return { width, height, data: out };
}
