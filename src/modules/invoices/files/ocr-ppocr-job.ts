import Ocr from '@gutenye/ocr-node';
import sharp from 'sharp';
import { processJob } from '../../../platform/workers/process-job.js';
import { findInvoiceFields, type OcrInvoiceFields, type OcrLine } from './ocr-fields.js';
import { OCR_MAX_SIDE } from './ocr-ppocr.js';

/** One image to read: PNG or JPEG bytes whose header checks have passed (complexity.ts). */
export interface PpOcrJob {
  readonly image: Uint8Array;
  /** Today's business date (Asia/Shanghai), which bounds a 数电 number's year. */
  readonly today: string;
  /** Refuse to decode more pixels than this (the header was checked already; this is the decoder's own bound). */
  readonly maxPixels: number;
}

export interface PpOcrReading {
  readonly lines: readonly OcrLine[];
  readonly fields: OcrInvoiceFields;
  /** The size the image was recognised at, after downscaling. */
  readonly width: number;
  readonly height: number;
  /** The process's peak resident memory so far, in MiB (model, inference buffers and decoding included). */
  readonly peakRssMb: number;
}

interface Engine {
  detect(image: Buffer): Promise<{ text: string; mean: number; box?: number[][] }[]>;
}

sharp.concurrency(1);
sharp.cache(false);

/** Loaded once per process, as soon as it starts (the first job waits for it; later ones find it ready). */
const engine: Promise<Engine> = Ocr.create({
  // One core per OCR process: the pool's size is the number of cores OCR may take.
  onnxOptions: { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' },
}) as Promise<Engine>;
// A load failure is reported to the first job (below), not as an unhandled rejection.
engine.catch(() => undefined);

/**
 * The PP-OCR process (run by ProcessPool, see ocr-ppocr.ts): PP-OCRv4 detection and recognition (@gutenye/ocr-node
 * on onnxruntime-node, CPU) of one invoice image, and the fields found by their labels in the lines it recognised.
 */
processJob(async (job: PpOcrJob): Promise<PpOcrReading> => {
  const decoded = sharp(job.image, { limitInputPixels: job.maxPixels, failOn: 'error' })
    .rotate() // a photo's EXIF orientation
    .flatten({ background: '#ffffff' })
    .resize({ width: OCR_MAX_SIDE, height: OCR_MAX_SIDE, fit: 'inside', withoutEnlargement: true });
  const prepared = (await dimPaper(decoded.clone()))
    ? // A photo's tinted paper, uneven light and grey desk: grey, then stretched so that the darkest 2% is black and
      // the brightest 40% white. The detector marks text where its map passes 0.03, so a grey, noisy page merges
      // or loses boxes; measured on 12 photo-like renders (bench:ocr, one field finder): fields right 37/102
      // unstretched, 68/102 stretched. A screenshot or scan on white paper is left as it is (corpus 13 read one
      // character worse stretched).
      decoded.greyscale().normalise({ lower: 2, upper: 60 })
    : decoded;
  const { data, info } = await prepared
    // A scan's softness: pixel-sharp digits (a bitmap font's slashed 0) read as 8 or 9 otherwise. Measured on 12
    // sharp sandbox renders: numbers right 2/12 unblurred, 2/12 at σ 0.7, 12/12 at σ 1; corpus 13 and 08 read in full
    // at σ 1 as without, and faster (fewer spurious boxes).
    .blur(1)
    .png({ compressionLevel: 0 })
    .toBuffer({ resolveWithObject: true });
  const recognised = await (await engine).detect(data);
  const lines: OcrLine[] = recognised.map((line) => ({
    text: line.text,
    mean: Math.round(line.mean * 1000) / 1000,
    box: (line.box ?? []).map((point) => [Math.round(point[0] ?? 0), Math.round(point[1] ?? 0)] as const),
  }));
  return { lines, fields: findInvoiceFields(lines, job.today), width: info.width, height: info.height, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
});

/**
 * Whether the page's paper is not white: the brightest 40% of a 256 px grey thumbnail darker than 245 (a photo's
 * tint, shade or desk; a screenshot's or a scan's paper is white).
 */
async function dimPaper(image: sharp.Sharp): Promise<boolean> {
  const { data } = await image.resize({ width: 256, height: 256, fit: 'inside' }).greyscale().raw().toBuffer({ resolveWithObject: true });
  const histogram = new Uint32Array(256);
  for (const value of data) histogram[value]!++;
  let below = 0;
  for (let level = 0; level < 256; level++) {
    below += histogram[level]!;
    if (below >= data.length * 0.6) return level < 245;
  }
  return false;
}
