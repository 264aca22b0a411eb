import { describe, expect, it } from 'vitest';
import { checkFileComplexity, checkXmlComplexity, DEFAULT_COMPLEXITY_LIMITS, MAX_PDF_RENDER_PIXELS, PDF_RENDER_SCALE, pdfRenderScale } from './complexity.js';
import { InvoiceFileError } from './errors.js';

const limits = DEFAULT_COMPLEXITY_LIMITS;

function reason(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof InvoiceFileError) return error.reason;
    throw error;
  }
}

function pngHeader(width: number, height: number): Buffer {
  const bytes = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes);
  bytes.writeUInt32BE(13, 8);
  bytes.write('IHDR', 12, 'ascii');
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  return bytes;
}

/** SOI, an APP0 segment, then a baseline SOF0 frame header. */
function jpegHeader(width: number, height: number): Buffer {
  const app0 = [0xff, 0xe0, 0x00, 0x10, ...Buffer.from('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0];
  const sof0 = [0xff, 0xc0, 0x00, 0x11, 8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
  return Buffer.from([0xff, 0xd8, ...app0, ...sof0]);
}

describe('checkFileComplexity', () => {
  it('refuses images by the pixel count in their headers, before decoding', () => {
    expect(reason(() => checkFileComplexity(pngHeader(6000, 6600), limits))).toBe('TOO_COMPLEX');
    expect(reason(() => checkFileComplexity(pngHeader(4000, 3000), limits))).toBeUndefined();
    expect(reason(() => checkFileComplexity(jpegHeader(8160, 6120), limits))).toBe('TOO_COMPLEX');
    expect(reason(() => checkFileComplexity(jpegHeader(4032, 3024), limits))).toBeUndefined();
  });

  it('refuses an XML of more elements than an invoice has, and one nested too deep', () => {
    const flood = Buffer.from(`<EInvoice>${'<b>y</b>'.repeat(limits.maxXmlElements)}</EInvoice>`);
    expect(reason(() => checkFileComplexity(flood, limits))).toBe('TOO_COMPLEX');
    const deep = Buffer.from(`<EInvoice>${'<a>'.repeat(limits.maxXmlDepth)}${'</a>'.repeat(limits.maxXmlDepth)}</EInvoice>`);
    expect(reason(() => checkFileComplexity(deep, limits))).toBe('TOO_COMPLEX');
  });

  it('counts an invoice-shaped XML exactly: self-closing tags, quoted > and />, comments and declarations', () => {
    const items = '<Item a="x/>y" b=\'>\'><Name>笔</Name><Amount/></Item>'.repeat(1000);
    const xml = Buffer.from(`<?xml version="1.0"?><!-- a comment --><EInvoice>${items}</EInvoice>`);
    // 1 root + 3 per item; nesting EInvoice > Item > Name.
    expect(reason(() => checkXmlComplexity(xml, { maxXmlElements: 3001, maxXmlDepth: 3 }))).toBeUndefined();
    expect(reason(() => checkXmlComplexity(xml, { maxXmlElements: 3000, maxXmlDepth: 3 }))).toBe('TOO_COMPLEX');
    expect(reason(() => checkXmlComplexity(xml, { maxXmlElements: 3001, maxXmlDepth: 2 }))).toBe('TOO_COMPLEX');
  });

  it('refuses a PDF that declares more pages than the limit, not counting the /Pages tree', () => {
    const pdf = (pages: number) => Buffer.from(`%PDF-1.7\n1 0 obj <</Type /Pages /Count ${pages}>> endobj\n${'<</Type/Page>>\n'.repeat(pages)}%%EOF`, 'latin1');
    expect(reason(() => checkFileComplexity(pdf(limits.maxPdfPages), limits))).toBeUndefined();
    expect(reason(() => checkFileComplexity(pdf(limits.maxPdfPages + 1), limits))).toBe('TOO_COMPLEX');
  });
});

describe('pdfRenderScale', () => {
  it('renders an invoice page at 2× and lowers the scale so that no MediaBox exceeds the pixel bound', () => {
    expect(pdfRenderScale(595, 396)).toBe(PDF_RENDER_SCALE); // A5 landscape, 1190×792 px
    const huge = pdfRenderScale(14_400, 14_400); // the largest page PDF allows
    expect(14_400 * huge * 14_400 * huge).toBeLessThanOrEqual(MAX_PDF_RENDER_PIXELS * 1.0001);
    expect(pdfRenderScale(0, 396)).toBe(0);
    expect(pdfRenderScale(Number.NaN, 396)).toBe(0);
    expect(pdfRenderScale(1_000_000, 1)).toBe(0); // a sliver: nothing decodable is left
  });
});
