import { InvoiceFileError } from './errors.js';
import { sniffFileKind } from './sniff.js';

/**
 * The header checks every upload passes before any parser or decoder sees it: what the file's own headers say
 * it will cost, compared with what an invoice needs. Each is one linear pass (or less) over the bytes, with no
 * allocation in proportion to what the file claims. ZIP archives (OFD) are checked by ofd.ts from their central
 * directory (entries, sizes, ratio) before anything is inflated, and the XML inside by {@link checkXmlComplexity}.
 */
export interface FileComplexityLimits {
  /** width × height of a PNG or JPEG. A 12 MP phone photo is 12 000 000. */
  readonly maxPixels: number;
  /** Elements of an XML file; a 数电 invoice has a few dozen plus about fifteen per line item. */
  readonly maxXmlElements: number;
  /** Nesting depth of an XML file; a 数电 invoice nests about five deep. */
  readonly maxXmlDepth: number;
  /** Pages a PDF declares (`/Type /Page` objects); an invoice is one or two. */
  readonly maxPdfPages: number;
}

export const DEFAULT_COMPLEXITY_LIMITS: Readonly<FileComplexityLimits> = Object.freeze({
  maxPixels: 25_000_000,
  maxXmlElements: 50_000,
  maxXmlDepth: 64,
  maxPdfPages: 50,
});

/**
 * The rendering of a PDF's first page that its QR code is looked for in (数电 PDFs draw the QR as vector paths, not
 * as an image). The canvas's pixels are native memory, outside the reader's V8 heap limit, so the page is rendered
 * at {@link PDF_RENDER_SCALE} (144 dpi: a 数电 QR's modules are then ~4 px) unless that exceeds
 * {@link MAX_PDF_RENDER_PIXELS}, in which case the scale is lowered to fit: the bound holds whatever MediaBox a
 * file declares. Images embedded in the page are decoded only up to {@link MAX_PDF_IMAGE_PIXELS} each.
 */
export const PDF_RENDER_SCALE = 2;
export const MAX_PDF_RENDER_PIXELS = 4_000_000;
export const MAX_PDF_IMAGE_PIXELS = 16_000_000;

/** The scale page 1 is rendered at, for a page of `width` × `height` points; 0 when the page cannot be rendered usefully. */
export function pdfRenderScale(width: number, height: number, maxPixels: number = MAX_PDF_RENDER_PIXELS): number {
  if (!Number.isFinite(width) || !Number.isFinite(height) || width <= 0 || height <= 0) return 0;
  const scale = Math.min(PDF_RENDER_SCALE, Math.sqrt(maxPixels / (width * height)));
  // Below ~58 px on its short side nothing decodable is left (a version-1 QR with its quiet zone is 29 modules).
  return Math.min(width, height) * scale < 58 ? 0 : scale;
}

/** Throws InvoiceFileError TOO_COMPLEX when the file's headers exceed `limits`; other kinds pass untouched. */
export function checkFileComplexity(bytes: Uint8Array, limits: FileComplexityLimits): void {
  switch (sniffFileKind(bytes)) {
    case 'png':
      return checkPixels(pngSize(bytes), limits.maxPixels);
    case 'jpeg':
      return checkPixels(jpegSize(bytes), limits.maxPixels);
    case 'xml':
      return checkXmlComplexity(bytes, limits);
    case 'pdf':
      return checkPdfPages(bytes, limits.maxPdfPages);
    default:
      return undefined;
  }
}

function checkPixels(size: { width: number; height: number } | undefined, maxPixels: number): void {
  // A missing or malformed header is the decoder's to report (UNREADABLE); here only a declared size counts.
  if (size && size.width * size.height > maxPixels) {
    throw new InvoiceFileError('TOO_COMPLEX', `the image is ${size.width}×${size.height} pixels (limit ${maxPixels})`);
  }
}

/** IHDR, which the PNG format requires to be the first chunk. */
function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (bytes.length < 24) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Start-of-frame markers (baseline, progressive, lossless, arithmetic); C4, C8 and CC are other segments. */
const JPEG_SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/** The first frame header's size, walking the marker segments up to the start of scan. */
function jpegSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return undefined;
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    if (JPEG_SOF.has(marker)) {
      if (at + 9 > bytes.length) return undefined;
      return { height: (bytes[at + 5]! << 8) | bytes[at + 6]!, width: (bytes[at + 7]! << 8) | bytes[at + 8]! };
    }
    at += 2 + length;
  }
  return undefined;
}

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const QUOTE = 0x22;
const APOSTROPHE = 0x27;

/**
 * Counts start tags and tracks nesting in one pass over the bytes, without parsing: a tag is `<` followed by
 * anything but `/`, `!` or `?`; it closes with `</…>` or ends itself with `/>` (quoted attribute values skipped).
 * Markup inside comments or CDATA is counted too, which can only make the count larger.
 */
export function checkXmlComplexity(bytes: Uint8Array, limits: Pick<FileComplexityLimits, 'maxXmlElements' | 'maxXmlDepth'>): void {
  let elements = 0;
  let depth = 0;
  let inStartTag = false;
  let quote = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (inStartTag) {
      if (quote !== 0) {
        if (byte === quote) quote = 0;
      } else if (byte === QUOTE || byte === APOSTROPHE) {
        quote = byte;
      } else if (byte === GT) {
        inStartTag = false;
        if (bytes[i - 1] === SLASH) depth--;
      }
      continue;
    }
    if (byte !== LT) continue;
    const next = bytes[i + 1];
    if (next === SLASH) {
      depth--;
    } else if (next !== 0x21 /* ! */ && next !== 0x3f /* ? */) {
      elements++;
      depth++;
      inStartTag = true;
      if (elements > limits.maxXmlElements) throw new InvoiceFileError('TOO_COMPLEX', `the XML has more than ${limits.maxXmlElements} elements`);
      if (depth > limits.maxXmlDepth) throw new InvoiceFileError('TOO_COMPLEX', `the XML nests deeper than ${limits.maxXmlDepth} elements`);
    }
  }
}

/** Page objects as the file declares them (object streams can hide some; PDF.js then reads at most 3 pages anyway). */
function checkPdfPages(bytes: Uint8Array, maxPdfPages: number): void {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const pageObject = /\/Type\s*\/Page(?![A-Za-z])/g;
  let pages = 0;
  while (pageObject.exec(text) !== null) {
    if (++pages > maxPdfPages) throw new InvoiceFileError('TOO_COMPLEX', `the PDF declares more than ${maxPdfPages} pages`);
  }
}
