import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { MAX_PDF_IMAGE_PIXELS, MAX_PDF_RENDER_PIXELS, PDF_RENDER_SCALE } from './complexity.js';
import { InvoiceFileError } from './errors.js';

/**
 * The text layer of a PDF invoice (reference/einvoice-and-identity-formats.md §1.3) and the invoice fields it shows.
 *
 * PDF.js (through unpdf) runs in a worker thread, because inside one thread it cannot be interrupted: its parser
 * yields only to microtasks, so a timer on the calling thread would not fire before a hostile file is done. The
 * worker gets a V8 heap limit, reads at most `maxPages` pages (page by page, as unpdf's `extractText` does, merged
 * and whitespace-normalised like its `mergePages: true`) and is terminated at `timeoutMs`.
 *
 * Before any of that, a file whose last KiB has no `%%EOF` is refused: PDF.js would "repair" a cut-off upload and
 * return whatever text it can find, and half an invoice is worse than none.
 */

export interface PdfLimits {
  /** Pages whose text is read, from the first. Default 3. */
  readonly maxPages?: number;
  /** Deadline for opening the document and reading its text (UNREADABLE when it passes). Default 10 000 ms. */
  readonly timeoutMs?: number;
  /** Characters of text kept (the rest is dropped before parsing). Default 100 000. */
  readonly maxTextChars?: number;
  /** V8 old-generation heap of the worker, in MB (TOO_LARGE when exceeded). Default 256. */
  readonly maxHeapMb?: number;
  /** Look for the QR code in page 1's embedded images and in a rendering of page 1. Default true. */
  readonly scanQr?: boolean;
  /**
   * When the text layer is unusable ({@link textLayerUnusable}: a scan, text drawn as paths, a font without a usable
   * ToUnicode map), return page 1 rendered as a PNG for OCR ({@link PdfExtraction.ocrImage}). Default true; needs `scanQr`.
   */
  readonly renderForOcr?: boolean;
}

export interface PdfFields {
  /** 发票号码 / Invoice No: 20 digits (数电) or 8 digits (older invoices). */
  number?: string;
  /** 开票日期 / Issue Date as YYYY-MM-DD. */
  issueDate?: string;
  /** 价税合计(小写) / Total (tax incl.): digits with up to 2 decimals, no currency sign or separators. */
  totalWithTax?: string;
  /** The seller's 纳税人识别号 / Seller Tax ID. */
  sellerTaxId?: string;
  /** 销售方 名称. */
  sellerName?: string;
  /** 购买方 名称 and 纳税人识别号. */
  buyerName?: string;
  buyerTaxId?: string;
  /** The QR payload when the text layer carries it (`QR: 01,32,,…`). */
  qr?: string;
}

export interface PdfExtraction {
  readonly text: string;
  /** What the text layer says (never the QR: see {@link PdfExtraction.qr}). */
  readonly fields: Omit<PdfFields, 'qr'>;
  /** The QR text: decoded from an embedded image, else from the rendering of page 1, else a `QR:` line of the text. */
  readonly qr?: string;
  readonly qrSource?: 'image' | 'render' | 'text';
  /** The `QR:` line of the text layer, when there is one (a cross-check of a decoded QR). */
  readonly textQr?: string;
  /** The text layer is unusable ({@link textLayerUnusable}): its fields are left empty. */
  readonly textUnusable?: boolean;
  /**
   * With an unusable text layer: page 1 rendered for OCR, a PNG of at most {@link PDF_OCR_MAX_SIDE} px on its long
   * side and {@link PDF_OCR_MAX_PNG_BYTES} bytes (absent when the rendering failed or exceeded that).
   */
  readonly ocrImage?: Uint8Array;
}

export const DEFAULT_PDF_LIMITS: Readonly<Required<PdfLimits>> = Object.freeze({
  maxPages: 3,
  timeoutMs: 10_000,
  maxTextChars: 100_000,
  maxHeapMb: 256,
  scanQr: true,
  renderForOcr: true,
});

/** Page 1 is rendered for OCR at most this many pixels on its long side: the size the OCR reads at (ocr-ppocr.ts OCR_MAX_SIDE). */
export const PDF_OCR_MAX_SIDE = 1280;
/** A rendering for OCR is returned only up to this size (it crosses two thread boundaries); ~150 KB for an invoice. */
export const PDF_OCR_MAX_PNG_BYTES = 3 * 1024 * 1024;

/** `%%EOF` must appear within this many bytes of the end (the tolerance PDF readers traditionally allow). */
const EOF_WINDOW = 1024;

const require = createRequire(import.meta.url);
const unpdfPath = require.resolve('unpdf');
const canvasPath = require.resolve('@napi-rs/canvas');
const jsqrPath = require.resolve('jsqr');

/**
 * The worker: page text (with each item's position, for the label/value layout of real invoices), then the QR code
 * read with jsQR from the images embedded in page 1 (each decoded only up to `maxImagePixels`, PDF.js's
 * `maxImageSize`) and, when none has one, from a rendering of page 1 (@napi-rs/canvas) at a scale bounded before
 * anything is drawn (complexity.ts `pdfRenderScale`, repeated here since this source runs as plain JavaScript).
 * All of it within this worker's heap limit and deadline. A rendering that fails leaves the text: the QR may still
 * be in the text layer.
 */
const PDF_WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const { unpdfPath, canvasPath, jsqrPath, data, maxPages, maxTextChars, render, renderScale, maxRenderPixels, maxImagePixels, maxImages, ocrMaxSide, ocrMaxPngBytes } = workerData;
// PDF.js 5 calls ArrayBuffer.prototype.transferToFixedLength (Node 21+) when it loads fonts; Node 20 lacks it, and
// without fonts nothing of the page is drawn. A copy is what it needs (this thread is the only user of the buffers).
if (typeof ArrayBuffer.prototype.transferToFixedLength !== 'function') {
  Object.defineProperty(ArrayBuffer.prototype, 'transferToFixedLength', {
    configurable: true,
    writable: true,
    value: function (length = this.byteLength) {
      const copy = new ArrayBuffer(length);
      new Uint8Array(copy).set(new Uint8Array(this, 0, Math.min(length, this.byteLength)));
      return copy;
    },
  });
}
(async () => {
  const { createIsomorphicCanvasFactory, getDocumentProxy, getResolvedPDFJS } = require(unpdfPath);
  const CanvasFactory = render ? await createIsomorphicCanvasFactory(() => Promise.resolve(require(canvasPath))) : undefined;
  const canvasFactory = CanvasFactory ? new CanvasFactory() : undefined;
  const pdf = await getDocumentProxy(data, {
    verbosity: 0,
    isEvalSupported: false,
    disableFontFace: true,
    stopAtErrors: false,
    maxImageSize: maxImagePixels,
    ...(CanvasFactory ? { CanvasFactory } : {}),
  });
  const texts = [];
  const items = [];
  let length = 0;
  const pages = Math.min(pdf.numPages, maxPages);
  for (let n = 1; n <= pages && length < maxTextChars; n++) {
    const page = await pdf.getPage(n);
    const content = await page.getTextContent();
    const text = content.items.filter((item) => item.str != null).map((item) => item.str + (item.hasEOL ? '\n' : '')).join('');
    if (n === 1) {
      for (const item of content.items) {
        if (item.str == null || item.str.trim() === '' || !item.transform || items.length >= 2000) continue;
        items.push({ str: item.str, x: item.transform[4], y: item.transform[5], width: item.width || 0, height: item.height || Math.abs(item.transform[3]) || 0 });
      }
    }
    texts.push(text);
    length += text.length;
    page.cleanup();
  }
  const merged = texts.join('\n').replace(/[^\S\n]+/g, ' ').replace(/ ?\n ?/g, '\n').replace(/\n{3,}/g, '\n\n');
  const totalPages = pdf.numPages;
  // The parent reads the text and answers whether the page must be rendered for OCR too (its text is unusable).
  let ocr = false;
  if (render && ocrMaxSide > 0) {
    parentPort.postMessage({ phase: 'text', text: merged.slice(0, maxTextChars), items });
    ocr = await new Promise((resolve) => parentPort.once('message', (answer) => resolve(Boolean(answer && answer.ocr))));
  }
  // The QR code: in an embedded image of page 1 (legacy PDFs), else in a rendering of page 1 (数电 PDFs draw it).
  // PDFs are upright and clean, so jsQR sees each once (both polarities), with no rotations or rescaling.
  let qr = null;
  if (render && pdf.numPages >= 1) {
    const jsqrModule = require(jsqrPath);
    const jsQR = jsqrModule.default || jsqrModule;
    const scan = (rgba, width, height) => {
      try {
        const found = jsQR(rgba, width, height, { inversionAttempts: 'attemptBoth' });
        return found && found.data !== '' ? found.data : null;
      } catch {
        return null;
      }
    };
    try {
      const page = await pdf.getPage(1);
      const operators = await page.getOperatorList();
      const { OPS } = await getResolvedPDFJS();
      let images = 0;
      for (let i = 0; i < operators.fnArray.length && images < maxImages && !qr; i++) {
        if (operators.fnArray[i] !== OPS.paintImageXObject) continue;
        const key = operators.argsArray[i][0];
        const image = await new Promise((resolve) => (key.startsWith('g_') ? page.commonObjs : page.objs).get(key, resolve));
        if (!image || !image.data || !image.width || !image.height || Math.min(image.width, image.height) < 58) continue;
        const { width, height, data: pixels } = image;
        const channels = pixels.length / (width * height);
        if (channels !== 1 && channels !== 3 && channels !== 4) continue;
        images++;
        let rgba = pixels;
        if (channels !== 4) {
          rgba = new Uint8ClampedArray(width * height * 4);
          for (let p = 0, o = 0; o < rgba.length; p += channels, o += 4) {
            rgba[o] = pixels[p];
            rgba[o + 1] = pixels[p + (channels === 3 ? 1 : 0)];
            rgba[o + 2] = pixels[p + (channels === 3 ? 2 : 0)];
            rgba[o + 3] = 255;
          }
        }
        const text = scan(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.length), width, height);
        if (text) qr = { text, source: 'image' };
      }
      if (!qr) {
        const unscaled = page.getViewport({ scale: 1 });
        const w = unscaled.width, h = unscaled.height;
        let scale = 0;
        if (Number.isFinite(w) && Number.isFinite(h) && w > 0 && h > 0) {
          scale = Math.min(renderScale, Math.sqrt(maxRenderPixels / (w * h)));
          if (Math.min(w, h) * scale < 58) scale = 0;
        }
        if (scale > 0) {
          const viewport = page.getViewport({ scale });
          const width = Math.floor(viewport.width), height = Math.floor(viewport.height);
          const drawing = canvasFactory.create(width, height);
          try {
            // White paper: a transparent canvas would read as black to jsQR.
            drawing.context.fillStyle = '#ffffff';
            drawing.context.fillRect(0, 0, width, height);
            await page.render({ canvas: drawing.canvas, canvasContext: drawing.context, viewport }).promise;
            const pixels = drawing.context.getImageData(0, 0, width, height);
            const text = scan(new Uint8ClampedArray(pixels.data.buffer, pixels.data.byteOffset, pixels.data.length), width, height);
            if (text) qr = { text, source: 'render' };
          } finally {
            canvasFactory.destroy(drawing);
          }
        }
      }
      page.cleanup();
    } catch {
      qr = null;
    }
  }
  // Page 1 as OCR reads it: at most ocrMaxSide px on its long side (the OCR's own working size), as a PNG of at
  // most ocrMaxPngBytes (a page that compresses worse is left unread rather than shipped across threads).
  let image = null;
  if (ocr && pdf.numPages >= 1) {
    try {
      const page = await pdf.getPage(1);
      const unscaled = page.getViewport({ scale: 1 });
      const w = unscaled.width, h = unscaled.height;
      if (Number.isFinite(w) && Number.isFinite(h) && w > 0 && h > 0) {
        const scale = Math.min(renderScale, ocrMaxSide / Math.max(w, h), Math.sqrt(maxRenderPixels / (w * h)));
        const viewport = page.getViewport({ scale });
        const width = Math.floor(viewport.width), height = Math.floor(viewport.height);
        if (Math.min(width, height) >= 32) {
          const drawing = canvasFactory.create(width, height);
          try {
            drawing.context.fillStyle = '#ffffff';
            drawing.context.fillRect(0, 0, width, height);
            await page.render({ canvas: drawing.canvas, canvasContext: drawing.context, viewport }).promise;
            const png = await drawing.canvas.encode('png');
            if (png.length <= ocrMaxPngBytes) image = new Uint8Array(png); // a copy: a view would clone its whole buffer
          } finally {
            canvasFactory.destroy(drawing);
          }
        }
      }
      page.cleanup();
    } catch {
      image = null;
    }
  }
  await pdf.loadingTask.destroy();
  return { ok: true, text: merged.slice(0, maxTextChars), items, totalPages, qr, image };
})().then(
  (result) => parentPort.postMessage(result),
  (error) => parentPort.postMessage({ ok: false, name: String((error && error.name) || 'Error'), message: String((error && error.message) || error) }),
);
`;

export interface TextItem {
  readonly str: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

type WorkerResult =
  | { ok: true; text: string; items: TextItem[]; totalPages: number; qr: { text: string; source: 'image' | 'render' } | null; image: Uint8Array | null }
  | { ok: false; name: string; message: string };

/** The worker's first message when it may render for OCR: the text, to which the parent answers `{ ocr }`. */
interface TextPhase {
  phase: 'text';
  text: string;
  items: TextItem[];
}

/** Embedded images of page 1 scanned for a QR code, at most. */
const MAX_IMAGES = 8;

export async function extractFromPdf(bytes: Uint8Array, limits: PdfLimits = {}): Promise<PdfExtraction> {
  const maxPages = limits.maxPages ?? DEFAULT_PDF_LIMITS.maxPages;
  const timeoutMs = limits.timeoutMs ?? DEFAULT_PDF_LIMITS.timeoutMs;
  const maxTextChars = limits.maxTextChars ?? DEFAULT_PDF_LIMITS.maxTextChars;
  const maxHeapMb = limits.maxHeapMb ?? DEFAULT_PDF_LIMITS.maxHeapMb;
  const render = limits.scanQr ?? DEFAULT_PDF_LIMITS.scanQr;
  const renderForOcr = render && (limits.renderForOcr ?? DEFAULT_PDF_LIMITS.renderForOcr);

  checkEnvelope(bytes);
  const fieldsOf = (text: string, items: readonly TextItem[]): PdfFields => ({ ...parseInvoiceText(text), ...withoutUndefined(parseInvoiceLayout(items)) });
  const result = await runWorker(bytes, { maxPages, maxTextChars, maxHeapMb, timeoutMs, render, renderForOcr }, (phase) => textLayerUnusable(phase.text, fieldsOf(phase.text, phase.items)));
  if (!result.ok) {
    if (result.name === 'PasswordException') throw new InvoiceFileError('UNSUPPORTED', 'the PDF is password-protected');
    throw new InvoiceFileError('UNREADABLE', `corrupt PDF: ${result.message}`);
  }
  const parsed = fieldsOf(result.text, result.items);
  const unusable = textLayerUnusable(result.text, parsed);
  // An unusable text layer says nothing: what it seemed to say (a garbled run that happens to match) is dropped.
  const fields: PdfFields = unusable ? {} : parsed;
  const textQr = fields.qr;
  delete fields.qr;
  const extraction: PdfExtraction = {
    text: result.text,
    fields,
    ...(unusable ? { textUnusable: true } : {}),
    ...(unusable && result.image && result.image.byteLength <= PDF_OCR_MAX_PNG_BYTES ? { ocrImage: new Uint8Array(result.image) } : {}),
  };
  if (result.qr) return { ...extraction, qr: result.qr.text, qrSource: result.qr.source, ...(textQr ? { textQr } : {}) };
  if (textQr) return { ...extraction, qr: textQr, qrSource: 'text', textQr };
  return extraction;
}

/** Characters a text layer without a usable ToUnicode map yields: U+FFFD, private use, C0/C1 controls. */
// eslint-disable-next-line no-control-regex -- control characters are what garbled text layers are made of
const GARBLED_CHAR_RE = /[\uFFFD\uE000-\uF8FF\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/gu;

/**
 * Whether a PDF's text layer is unusable, so that page 1 must be read by OCR of its rendering, like an image:
 * - it shows none of an invoice's fields by their labels (发票号码, 开票日期, 价税合计(小写), 名称, 纳税人识别号 or
 *   the English ones): a scan (no text at all), text drawn as paths, or glyph codes that map to the wrong
 *   characters (a subset font without ToUnicode often yields CJK or Latin letters that are simply not the print);
 * - or at least a quarter of its visible characters are replacement, private-use or control characters (the
 *   usual output for a font without a usable ToUnicode map), whatever a stray match seemed to find.
 * A text layer our parser reads even one field from (every real 数电 PDF, the sandbox's, the ASCII fallback) is usable.
 */
export function textLayerUnusable(text: string, fields: PdfFields): boolean {
  const visible = text.replace(/\s+/g, '');
  if (visible.length > 0 && (visible.match(GARBLED_CHAR_RE)?.length ?? 0) / visible.length >= 0.25) return true;
  const { number, issueDate, totalWithTax, sellerTaxId, sellerName, buyerTaxId, buyerName } = fields;
  return [number, issueDate, totalWithTax, sellerTaxId, sellerName, buyerTaxId, buyerName].every((value) => value === undefined);
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** `%PDF-` at the start and `%%EOF` at the end; a file that has objects but no end was cut off. */
function checkEnvelope(bytes: Uint8Array): void {
  if (!latin1(bytes.subarray(0, 5)).startsWith('%PDF-')) throw new InvoiceFileError('UNSUPPORTED', 'not a PDF file');
  if (latin1(bytes.subarray(Math.max(0, bytes.length - EOF_WINDOW))).includes('%%EOF')) return;
  const hasObjects = /\d+\s+\d+\s+obj\b/.test(latin1(bytes.subarray(0, 64 * 1024)));
  if (hasObjects) throw new InvoiceFileError('TRUNCATED', 'the PDF ends before its end-of-file marker (truncated upload?)');
  throw new InvoiceFileError('UNREADABLE', 'not a readable PDF: no objects and no end-of-file marker');
}

function runWorker(
  bytes: Uint8Array,
  options: { maxPages: number; maxTextChars: number; maxHeapMb: number; timeoutMs: number; render: boolean; renderForOcr: boolean },
  needsOcr: (phase: TextPhase) => boolean,
): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const worker = new Worker(PDF_WORKER_SOURCE, {
      eval: true,
      // A copy in a plain Uint8Array: PDF.js refuses Buffers and may detach what it is given.
      workerData: {
        unpdfPath,
        canvasPath,
        jsqrPath,
        data: new Uint8Array(bytes),
        maxPages: options.maxPages,
        maxTextChars: options.maxTextChars,
        render: options.render,
        renderScale: PDF_RENDER_SCALE,
        maxRenderPixels: MAX_PDF_RENDER_PIXELS,
        maxImagePixels: MAX_PDF_IMAGE_PIXELS,
        maxImages: MAX_IMAGES,
        ocrMaxSide: options.renderForOcr ? PDF_OCR_MAX_SIDE : 0,
        ocrMaxPngBytes: PDF_OCR_MAX_PNG_BYTES,
      },
      resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
      stdout: true, // PDF.js may print warnings; they are not ours to show
      stderr: true,
    });
    worker.stdout.resume();
    worker.stderr.resume();
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      outcome();
    };
    const timer = setTimeout(
      () => settle(() => reject(new InvoiceFileError('UNREADABLE', `the PDF could not be read within ${options.timeoutMs} ms`))),
      options.timeoutMs,
    );
    const onMessage = (message: WorkerResult | TextPhase): void => {
      if ('phase' in message) {
        let ocr = false;
        try {
          ocr = needsOcr(message);
        } catch {
          ocr = false;
        }
        worker.postMessage({ ocr });
        return;
      }
      worker.off('message', onMessage);
      settle(() => resolve(message));
    };
    worker.on('message', onMessage);
    worker.once('error', (error: Error & { code?: string }) =>
      settle(() =>
        reject(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new InvoiceFileError('TOO_LARGE', 'the PDF needs more memory than allowed to read')
            : new InvoiceFileError('UNREADABLE', `the PDF reader failed: ${error.message}`),
        ),
      ),
    );
    worker.once('exit', (code) => settle(() => reject(new InvoiceFileError('UNREADABLE', `the PDF reader stopped (exit code ${code})`))));
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Fields from the text layer

/** A Chinese label whose characters PDF text extraction may have spaced out: 发票号码 → 发\s*票\s*号\s*码. */
function label(chinese: string): string {
  return [...chinese].join('\\s*');
}

const SEP = String.raw`\s*[:：]?\s*`;
const AMOUNT = String.raw`(-?\s*(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?)(?![\d.])`;
const TAX_ID = String.raw`([0-9A-Z]{15,20})(?![0-9A-Z])`;
const CURRENCY = String.raw`(?:[¥￥]|RMB|CNY)?\s*`;

const NUMBER_RE = new RegExp(String.raw`(?:${label('发票号码')}|Invoice\s*(?:No\.?|Number))${SEP}(\d{20}|\d{8})(?!\d)`, 'i');
const DATE_RE = new RegExp(
  String.raw`(?:${label('开票日期')}|Issue\s*Date|Date\s*of\s*Issue)${SEP}(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})(?!\d)`,
  'i',
);
const TOTAL_RES = [
  new RegExp(String.raw`Total\s*\(\s*tax\s*incl(?:\.|uded)?\s*\)${SEP}${CURRENCY}${AMOUNT}`, 'i'),
  new RegExp(String.raw`Total\s*(?:incl(?:\.|uding)?\s*tax|with\s*tax)${SEP}${CURRENCY}${AMOUNT}`, 'i'),
  new RegExp(String.raw`${label('价税合计')}[^(（]{0,40}[(（]\s*${label('小写')}\s*[)）]${SEP}${CURRENCY}${AMOUNT}`),
  // 数电 layouts often put 价税合计(大写) and (小写)¥… apart; the (小写) amount is the only one so marked.
  new RegExp(String.raw`[(（]\s*${label('小写')}\s*[)）]${SEP}${CURRENCY}${AMOUNT}`),
];
const SELLER_TAX_ID_RES = [
  new RegExp(String.raw`Seller\s*Tax\s*(?:ID|No\.?|Number)${SEP}${TAX_ID}`, 'i'),
  new RegExp(String.raw`${label('销售方')}[\s\S]{0,160}?${label('纳税人识别号')}${SEP}${TAX_ID}`),
  new RegExp(String.raw`${label('销售方纳税人识别号')}${SEP}${TAX_ID}`),
];
const ANY_TAX_ID_RE = new RegExp(String.raw`${label('纳税人识别号')}${SEP}${TAX_ID}`, 'g');
const QR_RE = /(?:^|\n)[^\S\n]*QR(?:[^\S\n]*Code)?[^\S\n]*[:：][^\S\n]*([^\n]+)/i;

/**
 * Invoice fields from a PDF's text layer, for the English labels our renderer writes (`Invoice No:`, `Issue Date:`,
 * `Total (tax incl.):`, `Seller Tax ID:`, `QR:`) and the usual Chinese ones (发票号码, 开票日期 2025年03月11日,
 * 价税合计(小写) ¥655.00, 销售方…纳税人识别号). Fields that are not found, or not plausible, are left out.
 */
export function parseInvoiceText(text: string): PdfFields {
  const fields: PdfFields = {};

  const number = NUMBER_RE.exec(text);
  if (number) fields.number = number[1]!;

  const date = DATE_RE.exec(text);
  if (date) {
    const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const valid = new Date(Date.UTC(year, month - 1, day));
    if (valid.getUTCFullYear() === year && valid.getUTCMonth() === month - 1 && valid.getUTCDate() === day) {
      fields.issueDate = `${date[1]}-${date[2]!.padStart(2, '0')}-${date[3]!.padStart(2, '0')}`;
    }
  }

  for (const re of TOTAL_RES) {
    const total = re.exec(text);
    if (total) {
      fields.totalWithTax = total[1]!.replace(/[\s,]/g, '');
      break;
    }
  }

  for (const re of SELLER_TAX_ID_RES) {
    const id = re.exec(text);
    if (id) {
      fields.sellerTaxId = id[1]!;
      break;
    }
  }
  if (fields.sellerTaxId === undefined) {
    // Buyer first, seller second is the layout of every Chinese VAT invoice.
    const ids = [...text.matchAll(ANY_TAX_ID_RE)];
    if (ids.length >= 2) fields.sellerTaxId = ids[1]![1]!;
  }

  const qr = QR_RE.exec(text);
  if (qr) {
    const payload = qr[1]!.trim();
    if (payload !== '') fields.qr = payload;
  }
  return fields;
}

// ---------------------------------------------------------------------------------------------------------------
// Fields from the page layout

type LabelKind = 'number' | 'date' | 'name' | 'taxId' | 'total';

const LABELS: readonly { readonly kind: LabelKind; readonly re: RegExp }[] = [
  { kind: 'number', re: /^发票号码$/ },
  { kind: 'date', re: /^开票日期$/ },
  { kind: 'name', re: /^名称$/ },
  { kind: 'taxId', re: /^(?:统一社会信用代码\/)?纳税人识别号$/ },
  { kind: 'total', re: /^[(（]小写[)）]$/ },
];
const PARTY_MARKER_RE = /^(?:购|销)(?:买方|售方|方)?/;
const DATE_VALUE_RE = /^(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})日?$/;
const AMOUNT_VALUE_RE = /^[¥￥]?\s*(-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?)$/;
const TAX_ID_VALUE_RE = /^[0-9A-Z]{15,20}$/;

function compact(text: string): string {
  return text.replace(/\s+/g, '');
}

function labelKind(item: TextItem): LabelKind | undefined {
  const text = compact(item.str).replace(/[:：]$/, '');
  return LABELS.find((label) => label.re.test(text))?.kind;
}

/**
 * Invoice fields from where the text sits on page 1, for PDFs whose text layer lists every label first and every
 * value later (the 数电 PDFs the bureau's platform issues): a label's value is the nearest item to its right on the
 * same baseline, before the next label. 名称 and 纳税人识别号 belong to the party whose 购/销 marker is nearest
 * (buyer first when there is none: buyer left or above, seller right or below, on every Chinese VAT invoice).
 */
export function parseInvoiceLayout(items: readonly TextItem[]): PdfFields {
  const fields: PdfFields = {};
  const labels = items.flatMap((item) => {
    const kind = labelKind(item);
    return kind ? [{ item, kind }] : [];
  });
  const labelItems = new Set(labels.map((label) => label.item));
  const markers = items.filter((item) => PARTY_MARKER_RE.test(compact(item.str)));

  const valueOf = (label: TextItem, accept: (text: string) => boolean): string | undefined => {
    const tolerance = Math.max(label.height, 4) * 0.6;
    const sameLine = items.filter((item) => Math.abs(item.y - label.y) <= tolerance && item.x >= label.x + label.width * 0.5);
    const nextLabel = Math.min(...sameLine.filter((item) => item !== label && labelItems.has(item) && item.x > label.x).map((item) => item.x));
    const candidates = sameLine
      .filter((item) => item !== label && !labelItems.has(item) && item.x < nextLabel && !/^[¥￥]$/.test(compact(item.str)))
      .sort((a, b) => a.x - b.x);
    const first = candidates[0];
    return first && accept(compact(first.str)) ? compact(first.str) : undefined;
  };

  const parties = labels
    .filter((label) => label.kind === 'name' || label.kind === 'taxId')
    .map((label) => ({ ...label, party: partyOf(label.item, markers) }));
  // Without markers: the first name (top, then left) is the buyer's, the second the seller's.
  const ordered = (kind: LabelKind) =>
    parties.filter((label) => label.kind === kind).sort((a, b) => b.item.y - a.item.y || a.item.x - b.item.x);
  for (const kind of ['name', 'taxId'] as const) {
    const found = ordered(kind);
    found.forEach((label, index) => {
      const party = label.party ?? (index === 0 ? 'buyer' : index === 1 ? 'seller' : undefined);
      if (!party) return;
      const value = valueOf(label.item, kind === 'name' ? (text) => text.length >= 2 && !/[:：]$/.test(text) : (text) => TAX_ID_VALUE_RE.test(text));
      if (!value) return;
      if (kind === 'name') fields[party === 'buyer' ? 'buyerName' : 'sellerName'] ??= value;
      else fields[party === 'buyer' ? 'buyerTaxId' : 'sellerTaxId'] ??= value;
    });
  }

  for (const { item, kind } of labels) {
    if (kind === 'number') {
      const value = valueOf(item, (text) => /^(?:\d{20}|\d{8})$/.test(text));
      if (value) fields.number ??= value;
    } else if (kind === 'date') {
      const match = DATE_VALUE_RE.exec(compact(valueOf(item, (text) => DATE_VALUE_RE.test(text)) ?? ''));
      if (match) {
        const iso = `${match[1]}-${match[2]!.padStart(2, '0')}-${match[3]!.padStart(2, '0')}`;
        const date = new Date(`${iso}T00:00:00Z`);
        if (!Number.isNaN(date.getTime()) && date.toISOString().startsWith(iso)) fields.issueDate ??= iso;
      }
    } else if (kind === 'total') {
      const match = AMOUNT_VALUE_RE.exec(valueOf(item, (text) => AMOUNT_VALUE_RE.test(text)) ?? '');
      if (match) fields.totalWithTax ??= match[1]!.replace(/,/g, '');
    }
  }
  return fields;
}

/** The party of the nearest 购/销 marker (a vertical 购买方信息 column, or a 购买方 heading). */
function partyOf(label: TextItem, markers: readonly TextItem[]): 'buyer' | 'seller' | undefined {
  let best: { party: 'buyer' | 'seller'; distance: number } | undefined;
  for (const marker of markers) {
    if (marker.x > label.x + label.width) continue; // markers sit left of (or above) their block's labels
    const distance = Math.hypot(label.x - marker.x, label.y - marker.y);
    const party = compact(marker.str).startsWith('购') ? 'buyer' : 'seller';
    if (!best || distance < best.distance) best = { party, distance };
  }
  return best?.party;
}
