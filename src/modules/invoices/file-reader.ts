import { AppError } from '../../platform/errors/app-error.js';
import type { ErrorCode } from '../../platform/errors/error-codes.js';
import { WorkerJobOutOfMemoryError, WorkerJobTimeoutError, WorkerPool, WorkerPoolBusyError, type WorkerPoolLimits } from '../../platform/workers/worker-pool.js';
import { workerScript } from '../../platform/workers/worker-script.js';
import type { Extraction } from './extraction.js';
import type { ExtractionOutcome, FileJob, FileJobOutcome } from './file-extraction-job.js';
import { withOcrFields, type OcrEntry } from './file-extraction.js';
import type { FileComplexityLimits } from './files/complexity.js';
import { InvoiceFileError, type InvoiceFileErrorReason } from './files/errors.js';
import { DEFAULT_OCR_LIMITS, sharedInvoiceOcr, type InvoiceOcr, type InvoiceOcrLimits } from './files/ocr-ppocr.js';
import type { SignatureCheck, SignatureTrust } from './xml/bureau-signature.js';

/** How a refused file is answered: each is a clear 4xx, never a 500. */
const FILE_ERRORS: Readonly<Record<InvoiceFileErrorReason, ErrorCode>> = {
  UNSUPPORTED: 'INVOICE_FILE_UNSUPPORTED',
  UNREADABLE: 'INVOICE_FILE_UNREADABLE',
  TRUNCATED: 'INVOICE_FILE_UNREADABLE',
  TOO_LARGE: 'INVOICE_FILE_TOO_LARGE',
  ZIP_BOMB: 'INVOICE_FILE_REJECTED',
  NO_INVOICE: 'INVOICE_FILE_NO_INVOICE',
  TOO_COMPLEX: 'INVOICE_FILE_TOO_COMPLEX',
};

/**
 * Reads uploaded invoice files in the bounded worker pool, never on the event loop: header checks, parsing and
 * decoding run in file-extraction-job.ts; images (and the rendering of page 1 of a PDF whose text layer is unusable,
 * pdf.ts `textLayerUnusable`) then go to OCR, in its own bounded pool of processes
 * (files/ocr-ppocr.ts, `ocr`; null reads images by their QR code alone). A file that outruns its deadline or its
 * heap is refused as too complex, an image whose OCR does as unreadable (unless its QR code was read: OCR only
 * adds to it); when every thread is busy and the queue is full the upload is refused with Retry-After.
 */
export class InvoiceFileReader {
  private readonly pool: WorkerPool<FileJob, FileJobOutcome>;
  private readonly ocr: { ocr: InvoiceOcr; release: () => Promise<void> } | null;

  constructor(
    pool: WorkerPoolLimits,
    private readonly limits: FileComplexityLimits,
    ocr: InvoiceOcrLimits | null = { ...DEFAULT_OCR_LIMITS, maxPixels: limits.maxPixels },
  ) {
    this.pool = new WorkerPool(workerScript(import.meta.url, 'file-extraction-job'), pool);
    this.ocr = ocr === null ? null : sharedInvoiceOcr(ocr);
  }

  async read(bytes: Uint8Array, today: string): Promise<Extraction> {
    const outcome = (await this.run({ task: 'extract', bytes, today, limits: this.limits })) as ExtractionOutcome;
    if (!outcome.ok) throw new AppError(FILE_ERRORS[outcome.reason]);
    if (outcome.ocr) return this.withOcr(outcome.image ?? bytes, today, outcome.extraction, outcome.entry);
    const { extraction } = outcome;
    // Structured cloning turned the Buffer into a plain Uint8Array.
    return extraction.ok && extraction.signedXml ? { ...extraction, signedXml: Buffer.from(extraction.signedXml) } : extraction;
  }

  /**
   * An image (or a PDF's page 1 rendered, its text layer being unusable): OCR of its print, merged with what its QR
   * code said (which alone is enough when OCR fails).
   */
  private async withOcr(image: Uint8Array, today: string, qr: Extraction | null, entry: OcrEntry): Promise<Extraction> {
    if (this.ocr === null) {
      if (qr) return qr;
      throw new AppError('INVOICE_FILE_NO_INVOICE');
    }
    let reading;
    try {
      reading = await this.ocr.ocr.read(image, today);
    } catch (error) {
      if (qr) return qr;
      if (error instanceof WorkerPoolBusyError) throw new AppError('FILE_PROCESSING_BUSY', { retry_after: error.retryAfterSeconds });
      if (error instanceof InvoiceFileError) throw new AppError(FILE_ERRORS[error.reason]);
      throw new AppError('INVOICE_FILE_UNREADABLE');
    }
    try {
      return withOcrFields(qr, reading.fields, today, entry);
    } catch (error) {
      if (error instanceof InvoiceFileError) throw new AppError(FILE_ERRORS[error.reason]);
      throw error;
    }
  }

  /** The bureau's signature over a signed invoice XML, checked in the pool too (it parses the XML again). */
  async verifySignature(xml: Uint8Array, trust: SignatureTrust): Promise<SignatureCheck> {
    const outcome = (await this.run({ task: 'verify-signature', xml, trust })) as { signature: SignatureCheck };
    return outcome.signature;
  }

  private async run(job: FileJob): Promise<FileJobOutcome> {
    try {
      return await this.pool.run(job);
    } catch (error) {
      if (error instanceof WorkerPoolBusyError) throw new AppError('FILE_PROCESSING_BUSY', { retry_after: error.retryAfterSeconds });
      if (error instanceof WorkerJobTimeoutError || error instanceof WorkerJobOutOfMemoryError) throw new AppError('INVOICE_FILE_TOO_COMPLEX');
      // Anything else the parsers threw on these bytes (a stack overflow, say) is still the file's fault.
      throw new AppError('INVOICE_FILE_UNREADABLE');
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.pool.close(), this.ocr?.release()]);
  }
}
