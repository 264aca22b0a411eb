import { ProcessPool, type ProcessPoolLimits } from '../../../platform/workers/process-pool.js';
import { WorkerJobOutOfMemoryError, WorkerJobTimeoutError, WorkerPoolBusyError } from '../../../platform/workers/worker-pool.js';
import { workerScript } from '../../../platform/workers/worker-script.js';
import { InvoiceFileError } from './errors.js';
import type { PpOcrJob, PpOcrReading } from './ocr-ppocr-job.js';

export type { PpOcrReading } from './ocr-ppocr-job.js';

/**
 * Larger images are downscaled to this many pixels on the long side first: a phone photo of 4032×2519 took 10 s
 * and 2.8 GB at full size; an invoice's print stays legible at 1280.
 */
export const OCR_MAX_SIDE = 1280;

export interface InvoiceOcrLimits extends ProcessPoolLimits {
  /** Pixels the decoder may decode (the header check's bound). */
  readonly maxPixels: number;
}

/** The defaults of configuration (INVOICE_OCR_*): one process of up to 1.5 GiB, 15 s a file. */
export const DEFAULT_OCR_LIMITS: InvoiceOcrLimits = Object.freeze({ processes: 1, queue: 8, deadlineMs: 15_000, memoryMb: 1536, maxPixels: 40_000_000 });

/**
 * Chinese OCR of invoice images (PP-OCRv4, offline, the model inside the npm package), in its own bounded pool of
 * child processes (ocr-ppocr-job.ts): each loads the model once (~850 MB resident while it reads a 1280 px image),
 * runs one image at a time on one core, and is killed past its deadline or its memory bound. Never on the event
 * loop, and never more than `processes` at once. The result is unverified text: the QR code and 查验 decide.
 */
export class InvoiceOcr {
  private readonly pool: ProcessPool<PpOcrJob, PpOcrReading>;

  constructor(private readonly limits: InvoiceOcrLimits = DEFAULT_OCR_LIMITS) {
    this.pool = new ProcessPool(workerScript(import.meta.url, 'ocr-ppocr-job'), limits);
  }

  /**
   * The lines and fields of one PNG or JPEG image. InvoiceFileError UNREADABLE when the image cannot be decoded,
   * the deadline passes or the memory bound is reached; WorkerPoolBusyError when every process is busy and the
   * queue is full. `deadlineMs` replaces the pool's deadline for this image.
   */
  async read(image: Uint8Array, today: string, options: { deadlineMs?: number } = {}): Promise<PpOcrReading> {
    try {
      return await this.pool.run({ image, today, maxPixels: this.limits.maxPixels }, options);
    } catch (error) {
      if (error instanceof WorkerPoolBusyError) throw error;
      if (error instanceof WorkerJobTimeoutError) throw new InvoiceFileError('UNREADABLE', `OCR did not finish within ${error.deadlineMs} ms`);
      if (error instanceof WorkerJobOutOfMemoryError) throw new InvoiceFileError('UNREADABLE', `OCR needed more than ${this.limits.memoryMb} MB`);
      throw new InvoiceFileError('UNREADABLE', `OCR failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

const shared = new Map<string, { ocr: InvoiceOcr; users: number }>();

/**
 * The process's OCR pool for these limits, shared by every reader that asks (several platforms in one process, as
 * tests start them, load the model once and never run more OCR processes than the limits say). `release` when done:
 * the last release closes it.
 */
export function sharedInvoiceOcr(limits: InvoiceOcrLimits = DEFAULT_OCR_LIMITS): { ocr: InvoiceOcr; release: () => Promise<void> } {
  const key = JSON.stringify(limits);
  let entry = shared.get(key);
  if (!entry) {
    entry = { ocr: new InvoiceOcr(limits), users: 0 };
    shared.set(key, entry);
  }
  entry.users++;
  const taken = entry;
  let released = false;
  return {
    ocr: taken.ocr,
    release: async () => {
      if (released) return;
      released = true;
      if (--taken.users > 0) return;
      shared.delete(key);
      await taken.ocr.close();
    },
  };
}
