import jsqrModule from 'jsqr';
import { extractImages, extractText, getDocumentProxy, getMeta } from 'unpdf';
import { describe, expect, it } from 'vitest';
import { renderInvoicePdf, type InvoicePdfInput } from './invoice-pdf.js';

/** jsqr is CommonJS with an `export default` typing: under NodeNext the default import is the module object. */
const jsQR = ((jsqrModule as unknown as { default?: unknown }).default ?? jsqrModule) as typeof jsqrModule.default;

const input: InvoicePdfInput = {
  qr: '01,32,,25432000000031411143,655.00,20250311,,19E3',
  number: '25432000000031411143',
  issueDate: '2025-03-11',
  totalWithTax: '655.00',
  totalWithoutTax: '648.51',
  totalTax: '6.49',
  sellerTaxId: '91430100MA4L7XK9B2',
};

/** pdf.js takes ownership of (detaches) the buffer it is given: hand it a copy. */
const load = (pdf: Buffer) => getDocumentProxy(new Uint8Array(pdf));

describe('renderInvoicePdf', () => {
  it('is a one-page A5-landscape PDF whose text layer has the fields', async () => {
    const pdf = await renderInvoicePdf(input);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const proxy = await load(pdf);
    expect(proxy.numPages).toBe(1);
    const page = await proxy.getPage(1);
    const [, , width, height] = page.view;
    expect(width).toBeCloseTo(595.28, 0);
    expect(height).toBeCloseTo(419.53, 0);

    const { totalPages, text } = await extractText(proxy, { mergePages: true });
    expect(totalPages).toBe(1);
    expect(text).toContain('Invoice No: 25432000000031411143');
    expect(text).toContain('Issue Date: 2025-03-11');
    expect(text).toContain('Total (tax incl.): 655.00');
    expect(text).toContain('Amount (excl. tax): 648.51');
    expect(text).toContain('Tax: 6.49');
    expect(text).toContain('Seller Tax ID: 91430100MA4L7XK9B2');
    expect(text).toContain(`QR: ${input.qr}`);
  });

  it('has the QR code as an image on page 1 that decodes to the QR text', async () => {
    const images = await extractImages(await load(await renderInvoicePdf(input)), 1);
    expect(images).toHaveLength(1);
    const image = images[0]!;
    const rgba = new Uint8ClampedArray(image.width * image.height * 4);
    for (let p = 0; p < image.width * image.height; p++) {
      for (let k = 0; k < 3; k++) rgba[p * 4 + k] = image.data[p * image.channels + (image.channels >= 3 ? k : 0)]!;
      rgba[p * 4 + 3] = 255;
    }
    expect(jsQR(rgba, image.width, image.height)?.data).toBe(input.qr);
  });

  it('is deterministic, dated by the issue date, and accepts YYYYMMDD', async () => {
    const a = await renderInvoicePdf(input);
    const b = await renderInvoicePdf(input);
    expect(a.equals(b)).toBe(true);
    const meta = await getMeta(await load(a));
    expect((meta.info as { CreationDate?: string }).CreationDate).toBe('D:20250310160000Z');
    const compact = await renderInvoicePdf({ ...input, issueDate: '20250311' });
    expect(compact.equals(a)).toBe(true);
    await expect(renderInvoicePdf({ ...input, issueDate: '2025/03/11' })).rejects.toThrow(RangeError);
  });
});
