import { AppError } from '../../platform/errors/app-error.js';
import type { ErrorCode } from '../../platform/errors/error-codes.js';
import { WorkerJobOutOfMemoryError, WorkerJobTimeoutError, WorkerPool, WorkerPoolBusyError, type WorkerPoolLimits } from '../../platform/workers/worker-pool.js';
import { workerScript } from '../../platform/workers/worker-script.js';
import type { Extraction } from './extraction.js';
import type { ExtractionOutcome, FileJob, FileJobOutcome } from './file-extraction-job.js';
import type { FileComplexityLimits } from './files/complexity.js';
import type { InvoiceFileErrorReason } from './files/errors.js';
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
 * Reads uploaded invoice files in the bounded worker pool, never on the event loop: header checks, parsing,
 * decoding and OCR all run in file-extraction-job.ts. A file that outruns its deadline or its heap is refused
 * as too complex; when every thread is busy and the queue is full the upload is refused with Retry-After.
 */
export class InvoiceFileReader {
  private readonly pool: WorkerPool<FileJob, FileJobOutcome>;

  constructor(
    pool: WorkerPoolLimits,
    private readonly limits: FileComplexityLimits,
  ) {
    this.pool = new WorkerPool(workerScript(import.meta.url, 'file-extraction-job'), pool);
  }

  async read(bytes: Uint8Array, today: string): Promise<Extraction> {
    const outcome = (await this.run({ task: 'extract', bytes, today, limits: this.limits })) as ExtractionOutcome;
    if (!outcome.ok) throw new AppError(FILE_ERRORS[outcome.reason]);
    const { extraction } = outcome;
    // Structured cloning turned the Buffer into a plain Uint8Array.
    return extraction.ok && extraction.signedXml ? { ...extraction, signedXml: Buffer.from(extraction.signedXml) } : extraction;
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

  close(): Promise<void> {
    return this.pool.close();
  }
}
