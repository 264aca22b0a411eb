import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
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
  /** The QR payload when the text layer carries it (`QR: 01,32,,…`). */
  qr?: string;
}

export interface PdfExtraction {
  readonly text: string;
  readonly fields: PdfFields;
}

export const DEFAULT_PDF_LIMITS: Readonly<Required<PdfLimits>> = Object.freeze({
  maxPages: 3,
  timeoutMs: 10_000,
  maxTextChars: 100_000,
  maxHeapMb: 256,
});

/** `%%EOF` must appear within this many bytes of the end (the tolerance PDF readers traditionally allow). */
const EOF_WINDOW = 1024;

const unpdfPath = createRequire(import.meta.url).resolve('unpdf');

const PDF_WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const { unpdfPath, data, maxPages, maxTextChars } = workerData;
(async () => {
  const { getDocumentProxy } = require(unpdfPath);
  const pdf = await getDocumentProxy(data, { verbosity: 0, isEvalSupported: false, disableFontFace: true, stopAtErrors: false });
  const texts = [];
  let length = 0;
  const pages = Math.min(pdf.numPages, maxPages);
  for (let n = 1; n <= pages && length < maxTextChars; n++) {
    const page = await pdf.getPage(n);
    const content = await page.getTextContent();
    const text = content.items.filter((item) => item.str != null).map((item) => item.str + (item.hasEOL ? '\n' : '')).join('');
    texts.push(text);
    length += text.length;
    page.cleanup();
  }
  const merged = texts.join('\n').replace(/[^\S\n]+/g, ' ').replace(/ ?\n ?/g, '\n').replace(/\n{3,}/g, '\n\n');
  const totalPages = pdf.numPages;
  await pdf.loadingTask.destroy();
  return { ok: true, text: merged.slice(0, maxTextChars), totalPages };
})().then(
  (result) => parentPort.postMessage(result),
  (error) => parentPort.postMessage({ ok: false, name: String((error && error.name) || 'Error'), message: String((error && error.message) || error) }),
);
`;

type WorkerResult = { ok: true; text: string; totalPages: number } | { ok: false; name: string; message: string };

export async function extractFromPdf(bytes: Uint8Array, limits: PdfLimits = {}): Promise<PdfExtraction> {
  const maxPages = limits.maxPages ?? DEFAULT_PDF_LIMITS.maxPages;
  const timeoutMs = limits.timeoutMs ?? DEFAULT_PDF_LIMITS.timeoutMs;
  const maxTextChars = limits.maxTextChars ?? DEFAULT_PDF_LIMITS.maxTextChars;
  const maxHeapMb = limits.maxHeapMb ?? DEFAULT_PDF_LIMITS.maxHeapMb;

  checkEnvelope(bytes);
  const result = await runWorker(bytes, { maxPages, maxTextChars, maxHeapMb, timeoutMs });
  if (!result.ok) {
    if (result.name === 'PasswordException') throw new InvoiceFileError('UNSUPPORTED', 'the PDF is password-protected');
    throw new InvoiceFileError('UNREADABLE', `corrupt PDF: ${result.message}`);
  }
  return { text: result.text, fields: parseInvoiceText(result.text) };
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
  options: { maxPages: number; maxTextChars: number; maxHeapMb: number; timeoutMs: number },
): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const worker = new Worker(PDF_WORKER_SOURCE, {
      eval: true,
      // A copy in a plain Uint8Array: PDF.js refuses Buffers and may detach what it is given.
      workerData: { unpdfPath, data: new Uint8Array(bytes), maxPages: options.maxPages, maxTextChars: options.maxTextChars },
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
    worker.once('message', (message: WorkerResult) => settle(() => resolve(message)));
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
