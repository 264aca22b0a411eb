import { workerJob } from '../../platform/workers/worker-job.js';
import type { Extraction } from './extraction.js';
import { readUploadedFile, type OcrEntry } from './file-extraction.js';
import { checkFileComplexity, type FileComplexityLimits } from './files/complexity.js';
import { InvoiceFileError, type InvoiceFileErrorReason } from './files/errors.js';
import { checkInvoiceSignature, type SignatureCheck, type SignatureTrust } from './xml/bureau-signature.js';

/** Read an uploaded file: the header checks, then the extraction. */
export interface ExtractionJob {
  readonly task: 'extract';
  readonly bytes: Uint8Array;
  /** Today's business date (Asia/Shanghai), which bounds the invoice number's year. */
  readonly today: string;
  readonly limits: FileComplexityLimits;
}

/** Check the bureau's signature over an extracted XML (which means parsing it again, just as untrusted). */
export interface SignatureJob {
  readonly task: 'verify-signature';
  readonly xml: Uint8Array;
  readonly trust: SignatureTrust;
}

export type FileJob = ExtractionJob | SignatureJob;

/** A refusal travels as data: only an Error's message would survive the thread boundary. */
export type ExtractionOutcome =
  | { readonly ok: true; readonly extraction: Extraction; readonly ocr?: false }
  /**
   * An image, or a PDF whose text layer is unusable: what its QR code says (null without one); the reader still has
   * it read by OCR: the upload itself, or `image` (a PDF's page 1 rendered, bounded by pdf.ts).
   */
  | { readonly ok: true; readonly extraction: Extraction | null; readonly ocr: true; readonly entry: OcrEntry; readonly image?: Uint8Array }
  | { readonly ok: false; readonly reason: InvoiceFileErrorReason; readonly detail: string };

export type FileJobOutcome = ExtractionOutcome | { readonly signature: SignatureCheck };

/**
 * The worker thread's jobs (run by the kernel's WorkerPool, see file-reader.ts), away from the API's event loop.
 * The PDF and QR-scan workers are started from here, so they are nested in this thread and end with it. OCR is
 * not: it runs in its own pool of processes (files/ocr-ppocr.ts), which the reader calls after this job.
 */
export default workerJob(async (job: FileJob): Promise<FileJobOutcome> => {
  if (job.task === 'verify-signature') return { signature: checkInvoiceSignature(job.xml, job.trust) };
  try {
    checkFileComplexity(job.bytes, job.limits);
    const reading = await readUploadedFile(asBuffer(job.bytes), job.today, job.limits);
    if (!reading.ocr) return { ok: true, extraction: reading.extraction };
    return { ok: true, extraction: reading.extraction, ocr: true, entry: reading.entry, ...(reading.image ? { image: reading.image } : {}) };
  } catch (error) {
    if (error instanceof InvoiceFileError) return { ok: false, reason: error.reason, detail: error.message };
    throw error;
  }
});

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
