import PDFDocument from 'pdfkit';
import { afterAll, describe, expect, it } from 'vitest';
import { InvoiceFileReader } from './file-reader.js';
import { DEFAULT_COMPLEXITY_LIMITS } from './files/complexity.js';
import { DEFAULT_OCR_LIMITS } from './files/ocr-ppocr.js';
import { toPreview } from './preview.js';
import { renderInvoicePng } from './tax-sandbox/render/invoice-png.js';

/** A scanned legacy invoice: 价税合计 is printed only, so OCR of page 1's rendering gives it (the QR carries 合计金额). */
const TODAY = '2026-12-03';
const LEGACY = {
  qr: '01,10,045001900111,58279940,1762.83,20220907,77838650584013657784,ABCD,',
  number: '58279940',
  code: '045001900111',
  checkCode: '77838650584013657784',
  issueDate: '2022-09-07',
  totalAmount: '1992.00',
  totalWithoutTax: '1762.83',
  totalTax: '229.17',
  seller: { name: '沃尔玛（广西）商业零售有限公司', taxId: '914513000865119949' },
  buyer: { name: '南宁市仁德房地产开发有限责任公司', taxId: '9145130071885913X1' },
};

function scannedPdf(png: Buffer): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A5', layout: 'landscape', margin: 0 });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.image(png, 0, 0, { width: doc.page.width, height: doc.page.height });
  doc.end();
  return done;
}

describe('InvoiceFileReader: a scanned legacy PDF', () => {
  const reader = new InvoiceFileReader({ threads: 1, queue: 4, deadlineMs: 20_000, memoryMb: 256 }, DEFAULT_COMPLEXITY_LIMITS, { ...DEFAULT_OCR_LIMITS, deadlineMs: 120_000 });
  const noOcr = new InvoiceFileReader({ threads: 1, queue: 4, deadlineMs: 20_000, memoryMb: 256 }, DEFAULT_COMPLEXITY_LIMITS, null);
  afterAll(() => Promise.all([reader.close(), noOcr.close()]));

  it('identity and 合计金额 from the QR, 价税合计, names and tax ids by OCR of the rendering', async () => {
    const pdf = await scannedPdf(renderInvoicePng(LEGACY));
    const preview = toPreview(await reader.read(pdf, TODAY), 'en');
    expect(preview.problem).toBeNull();
    expect(preview.fields).toEqual({
      kind: 'LEGACY',
      invoice_number: '58279940',
      invoice_code: '045001900111',
      issue_date: '2022-09-07',
      total_amount: '1762.83',
      amount_with_tax: '1992.00',
      check_code: '77838650584013657784',
      seller_tax_id: '914513000865119949',
      seller_name: '沃尔玛（广西）商业零售有限公司',
      buyer_name: '南宁市仁德房地产开发有限责任公司',
      buyer_tax_id: '9145130071885913X1',
    });
    expect(preview.sources).toEqual({
      kind: 'qr',
      invoice_number: 'qr',
      invoice_code: 'qr',
      issue_date: 'qr',
      total_amount: 'qr',
      check_code: 'qr',
      amount_with_tax: 'ocr',
      seller_tax_id: 'ocr',
      seller_name: 'ocr',
      buyer_name: 'ocr',
      buyer_tax_id: 'ocr',
    });
    // Without OCR the same file is read by its QR alone.
    const qrOnly = toPreview(await noOcr.read(pdf, TODAY), 'en');
    expect(qrOnly.sources).toEqual({ kind: 'qr', invoice_number: 'qr', invoice_code: 'qr', issue_date: 'qr', total_amount: 'qr', check_code: 'qr' });
  }, 120_000);
});
