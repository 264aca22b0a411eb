import { createRequire } from 'node:module';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { createWorker, PSM, type Worker } from 'tesseract.js';
import { parseDigitalInvoiceNumber } from '../domain/invoice-number.js';
import { InvoiceFileError } from './errors.js';
import { sniffFileKind } from './sniff.js';

/**
 * OCR of an invoice image: the last resort after XML/OFD/PDF text and the QR code (reference §3). Fully offline:
 * tesseract.js runs its bundled wasm core and reads `eng.traineddata.gz` (4.0.0_best_int, LSTM only) from the
 * installed `@tesseract.js-data/eng` package; `cacheMethod: 'none'` keeps it from writing a copy to the cwd, and
 * since `langPath` is a local directory it never fetches from the CDN.
 *
 * Measured on the sandbox renderer (16 images, clean and photo): `eng` alone read 47/48 fields, `chi_sim+eng`
 * turned the digit lines into CJK characters (almost nothing usable), so only `eng` is loaded. The sandbox's
 * 5×7 bitmap font is read badly when sharp (the slashed 0 becomes 8 or 08); a Gaussian blur of σ 1.5 px on the
 * greyscale image fixes that, upscaling did not help (2× was slower and no better). A second pass with σ 1 runs
 * only when the first one missed a field.
 *
 * The result is unverified text: cross-check it against the QR code or 查验 before trusting it.
 */

export interface OcrInvoiceFields {
  /** 20-digit 数电 number that passes {@link parseDigitalInvoiceNumber}. */
  readonly number?: string;
  /** YYYY-MM-DD. */
  readonly issueDate?: string;
  /** Decimal with exactly 2 places, e.g. `655.00`. */
  readonly totalAmount?: string;
  /** The raw OCR text (all passes, separated by a blank line). */
  readonly text: string;
}

export interface OcrOptions {
  /** Deadline for the whole OCR of one image (UNREADABLE when it passes; the worker is then recreated). Default 30 000 ms. */
  readonly timeoutMs?: number;
}

export const DEFAULT_OCR_TIMEOUT_MS = 30_000;
/** Images above this are refused before decoding pixels. */
const MAX_PIXELS = 40_000_000;
/** Larger images are box-downscaled by an integer factor first (OCR time grows with the area). */
const MAX_OCR_PIXELS = 4_000_000;
/** Blur sigmas, in pixels of the (possibly downscaled) image, tried in order until every field is found. */
const PASSES: readonly number[] = [1.5, 1];
const LANGS = 'eng';

const require = createRequire(import.meta.url);

let workerPromise: Promise<Worker> | null = null;
/** Serialises recognitions: one worker runs one job at a time, and a timeout must not kill someone else's job. */
let queue: Promise<unknown> = Promise.resolve();

function langPath(): string {
  return path.join(path.dirname(require.resolve(`@tesseract.js-data/${LANGS}/package.json`)), '4.0.0_best_int');
}

function getWorker(): Promise<Worker> {
  if (workerPromise === null) {
    const created = (async () => {
      const worker = await createWorker(LANGS, 1 /* OEM.LSTM_ONLY */, {
        langPath: langPath(),
        gzip: true,
        cacheMethod: 'none',
        logger: () => undefined,
        errorHandler: () => undefined,
      });
      await worker.setParameters({ tessedit_pageseg_mode: PSM.SPARSE_TEXT });
      return worker;
    })();
    workerPromise = created;
    created.catch(() => {
      if (workerPromise === created) workerPromise = null;
    });
  }
  return workerPromise;
}

/** Terminates the shared worker (tests, shutdown). The next OCR call creates a new one. */
export async function closeOcr(): Promise<void> {
  const pending = workerPromise;
  workerPromise = null;
  if (pending === null) return;
  try {
    await (await pending).terminate();
  } catch {
    // A worker that failed to start or is already gone: nothing to close.
  }
}

/**
 * Reads the invoice number, issue date and total (¥) from a PNG or JPEG image. Fields that are not found, or do not
 * pass their structural checks, are left out. Throws InvoiceFileError (UNSUPPORTED, TOO_LARGE, UNREADABLE on a
 * corrupt image or when `timeoutMs` passes).
 */
export function readInvoiceFieldsByOcr(image: Uint8Array, options: OcrOptions = {}): Promise<OcrInvoiceFields> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_OCR_TIMEOUT_MS;
  const run = queue.then(() => withTimeout(image, timeoutMs));
  queue = run.catch(() => undefined);
  return run;
}

async function withTimeout(image: Uint8Array, timeoutMs: number): Promise<OcrInvoiceFields> {
  const grey = decodeGrey(image);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new InvoiceFileError('UNREADABLE', `OCR did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([recognizeFields(grey), deadline]);
  } catch (error) {
    // On timeout (or a crashed worker) the worker may still be busy: drop it so the next call starts clean.
    await closeOcr();
    if (error instanceof InvoiceFileError) throw error;
    throw new InvoiceFileError('UNREADABLE', `OCR failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    clearTimeout(timer);
  }
}

async function recognizeFields(grey: Grey): Promise<OcrInvoiceFields> {
  const worker = await getWorker();
  const texts: string[] = [];
  let fields: Omit<OcrInvoiceFields, 'text'> = {};
  for (const sigma of PASSES) {
    const { data } = await worker.recognize(encodeGrey(blurred(grey, sigma)));
    texts.push(data.text);
    const found = extractInvoiceFields(data.text);
    fields = { ...found, ...fields };
    if (fields.number !== undefined && fields.issueDate !== undefined && fields.totalAmount !== undefined) break;
  }
  return { ...fields, text: texts.join('\n\n') };
}

// ---------------------------------------------------------------------------------------------- text → fields

/** Today in Asia/Shanghai, YYYY-MM-DD (bounds the number's year digits). */
function todayInShanghai(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

function isoDate(year: string, month: string, day: string): string | undefined {
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  if (y < 2000 || y > 2099 || m < 1 || m > 12 || d < 1) return undefined;
  if (d > new Date(Date.UTC(y, m, 0)).getUTCDate()) return undefined;
  return `${year}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * The fields in OCR text. Exported for tests of the parsing alone.
 * - number: a run of exactly 20 digits on one line (spaces inside tolerated) that passes the 数电 number check.
 * - issueDate: YYYY-MM-DD (also `/` or `.`), YYYY年MM月DD日 or a standalone YYYYMMDD, a real calendar date.
 * - totalAmount: a decimal with exactly two places after ¥/￥ (OCR often reads the sign as $, £ or Y, and the
 *   point as a comma); without any sign, the most frequent (then largest) two-decimal amount.
 */
export function extractInvoiceFields(text: string): Omit<OcrInvoiceFields, 'text'> {
  const normalized = text.normalize('NFKC');
  const lines = normalized.split(/\r?\n/);
  const result: { number?: string; issueDate?: string; totalAmount?: string } = {};

  const today = todayInShanghai();
  for (const line of lines) {
    for (const run of line.match(/\d[\d ]*\d/g) ?? []) {
      const digits = run.replace(/ /g, '');
      if (digits.length !== 20) continue;
      const parsed = parseDigitalInvoiceNumber(digits, today);
      if (parsed.ok) {
        result.number = parsed.number;
        break;
      }
    }
    if (result.number !== undefined) break;
  }

  for (const line of lines) {
    const separated = /(?<!\d)(20\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)/.exec(line);
    const compact = /(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)/.exec(line);
    const match = separated ?? compact;
    const date = match ? isoDate(match[1]!, match[2]!, match[3]!) : undefined;
    if (date !== undefined) {
      result.issueDate = date;
      break;
    }
  }

  const amount = (integer: string, cents: string) => `${integer.replace(/,/g, '').replace(/^0+(?=\d)/, '')}.${cents}`;
  const signed = /[¥$£Y]\s*(\d{1,3}(?:,\d{3})+|\d+)\s*[.,]\s*(\d{2})(?!\d)/.exec(normalized);
  if (signed) {
    result.totalAmount = amount(signed[1]!, signed[2]!);
  } else {
    const counts = new Map<string, number>();
    for (const m of normalized.matchAll(/(?<![\d.,-])(\d{1,3}(?:,\d{3})+|\d+)\.(\d{2})(?![\d.])/g)) {
      const value = amount(m[1]!, m[2]!);
      counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    const best = [...counts].sort((a, b) => b[1] - a[1] || Number(b[0]) - Number(a[0]))[0];
    if (best) result.totalAmount = best[0];
  }
  return result;
}

// ---------------------------------------------------------------------------------------------- image

interface Grey {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

function checkSize(width: number, height: number): void {
  if (width <= 0 || height <= 0) throw new InvoiceFileError('UNREADABLE', 'image has no pixels');
  if (width * height > MAX_PIXELS) throw new InvoiceFileError('TOO_LARGE', `image is ${width}×${height} pixels`);
}

/** PNG or JPEG → greyscale (Rec. 601 luma over white), box-downscaled to at most {@link MAX_OCR_PIXELS}. */
function decodeGrey(bytes: Uint8Array): Grey {
  const kind = sniffFileKind(bytes);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let rgba: { width: number; height: number; data: Uint8Array };
  try {
    if (kind === 'png') {
      if (buffer.length < 24) throw new InvoiceFileError('TRUNCATED', 'PNG ends before its header');
      checkSize(buffer.readUInt32BE(16), buffer.readUInt32BE(20));
      // pngjs inflates interlaced data without an output cap (image-qr.ts pre-inflates it with one); not worth it here.
      if (buffer[28] !== 0) throw new InvoiceFileError('UNSUPPORTED', 'interlaced PNG');
      rgba = PNG.sync.read(buffer);
    } else if (kind === 'jpeg') {
      rgba = jpeg.decode(buffer, { useTArray: true, maxResolutionInMP: MAX_PIXELS / 1e6, maxMemoryUsageInMB: 1024 });
    } else {
      throw new InvoiceFileError('UNSUPPORTED', `not a PNG or JPEG image (${kind})`);
    }
  } catch (error) {
    if (error instanceof InvoiceFileError) throw error;
    throw new InvoiceFileError('UNREADABLE', `cannot decode image: ${error instanceof Error ? error.message : String(error)}`);
  }
  checkSize(rgba.width, rgba.height);
  const factor = Math.max(1, Math.ceil(Math.sqrt((rgba.width * rgba.height) / MAX_OCR_PIXELS)));
  const width = Math.floor(rgba.width / factor);
  const height = Math.floor(rgba.height / factor);
  const data = new Float32Array(width * height);
  const area = factor * factor;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let dy = 0; dy < factor; dy++) {
        for (let dx = 0; dx < factor; dx++) {
          const i = ((y * factor + dy) * rgba.width + x * factor + dx) * 4;
          const a = rgba.data[i + 3]! / 255;
          const luma = 0.299 * rgba.data[i]! + 0.587 * rgba.data[i + 1]! + 0.114 * rgba.data[i + 2]!;
          sum += luma * a + 255 * (1 - a);
        }
      }
      data[y * width + x] = sum / area;
    }
  }
  return { width, height, data };
}

/** Separable Gaussian blur, edges clamped; returns a new image. */
function blurred(src: Grey, sigma: number): Grey {
  const { width: W, height: H } = src;
  const radius = Math.max(1, Math.ceil(sigma * 3));
  const kernel = new Float32Array(2 * radius + 1);
  let total = 0;
  for (let i = -radius; i <= radius; i++) total += kernel[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < kernel.length; i++) kernel[i] = kernel[i]! / total;
  const tmp = new Float32Array(W * H);
  const out = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let acc = 0;
      for (let k = -radius; k <= radius; k++) acc += src.data[y * W + Math.min(W - 1, Math.max(0, x + k))]! * kernel[k + radius]!;
      tmp[y * W + x] = acc;
    }
  }
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let acc = 0;
      for (let k = -radius; k <= radius; k++) acc += tmp[Math.min(H - 1, Math.max(0, y + k)) * W + x]! * kernel[k + radius]!;
      out[y * W + x] = acc;
    }
  }
  return { width: W, height: H, data: out };
}

/** 8-bit greyscale PNG (tesseract.js decodes it with its own Leptonica). */
function encodeGrey(g: Grey): Buffer {
  const png = new PNG({ width: g.width, height: g.height });
  for (let p = 0; p < g.data.length; p++) {
    const v = Math.max(0, Math.min(255, Math.round(g.data[p]!)));
    png.data[p * 4] = v;
    png.data[p * 4 + 1] = v;
    png.data[p * 4 + 2] = v;
    png.data[p * 4 + 3] = 255;
  }
  return PNG.sync.write(png, { colorType: 0, filterType: 4 });
}
