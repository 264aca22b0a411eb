import { describe, expect, it } from 'vitest';
import type { Extraction } from './extraction.js';
import { withOcrFields } from './file-extraction.js';
import type { OcrInvoiceFields } from './files/ocr-fields.js';

/** How an image's QR code and the OCR of its print combine (corpus file 13's values). */
const TODAY = '2026-12-03';
const QR: Extraction = {
  ok: true,
  fields: { kind: 'LEGACY', number: '58279940', code: '045001900111', checkCode: '77838650584013657784', issueDate: '2022-09-07', amountFen: 176283n, amountIncludesTax: false, entry: 'image' },
  sources: { number: 'image:qr', issue_date: 'image:qr', amount: 'image:qr', code: 'image:qr', check_code: 'image:qr' },
};
const PRINT: OcrInvoiceFields = {
  code: '045001900111',
  number: '58279940',
  checkCode: '77838650584013657784',
  issueDate: '2022-09-07',
  amountWithTax: '1992.00',
  amountWithoutTax: '1762.83',
  tax: '229.17',
  buyerName: '南宁市仁德房地产开发有限责任公司来宾分公司',
  buyerTaxId: '9145130071885913X1',
  sellerName: '沃尔玛（广西）商业零售有限公司来宾桂中大道分店',
  sellerTaxId: '914513000865119949',
};

describe('withOcrFields', () => {
  it('keeps what the QR code says and adds what only the print has, each with its source', () => {
    const merged = withOcrFields(QR, PRINT, TODAY);
    expect(merged.ok).toBe(true);
    expect(merged.fields).toMatchObject({ ...QR.fields, amountWithTaxFen: 199200n, buyerName: PRINT.buyerName, sellerName: PRINT.sellerName, buyerTaxId: PRINT.buyerTaxId, sellerTaxId: PRINT.sellerTaxId });
    expect(merged.ok && merged.sources).toMatchObject({ number: 'image:qr', amount: 'image:qr', amount_with_tax: 'image:ocr', seller_name: 'image:ocr', buyer_tax_id: 'image:ocr' });
  });

  it('for a PDF read by OCR of its rendering (entry pdf): sources pdf:ocr, problems about the PDF', () => {
    const pdfQr: Extraction = { ...QR, fields: { ...QR.fields, entry: 'pdf' }, sources: Object.fromEntries(Object.keys(QR.sources).map((key) => [key, 'pdf:qr'])) };
    const merged = withOcrFields(pdfQr, PRINT, TODAY, 'pdf');
    expect(merged.ok && merged.sources).toMatchObject({ number: 'pdf:qr', amount_with_tax: 'pdf:ocr', seller_name: 'pdf:ocr', buyer_tax_id: 'pdf:ocr' });
    expect(merged.fields.entry).toBe('pdf');
    const contradicted = withOcrFields(pdfQr, { ...PRINT, number: '58279941' }, TODAY, 'pdf');
    expect(!contradicted.ok && contradicted.problem.en).toBe("The PDF's printed invoice number differs from its QR code");
    const alone = withOcrFields(null, PRINT, TODAY, 'pdf');
    expect(alone.fields.entry).toBe('pdf');
    expect(alone.ok && alone.sources).toMatchObject({ number: 'pdf:ocr', amount: 'pdf:ocr' });
  });

  it('refuses a print whose number, date or 合计金额 contradicts the QR code', () => {
    for (const print of [{ ...PRINT, number: '58279941' }, { ...PRINT, issueDate: '2022-09-08' }, { ...PRINT, amountWithoutTax: '1762.88', amountWithTax: undefined, tax: undefined }]) {
      const merged = withOcrFields(QR, print, TODAY);
      expect(merged.ok, JSON.stringify(print)).toBe(false);
      expect(!merged.ok && merged.problem.en).toMatch(/differs from its QR code/);
    }
  });

  it('leaves out a 价税合计 that is not 金额 + 税额 (a misread), keeping the rest', () => {
    const merged = withOcrFields(QR, { ...PRINT, amountWithTax: '1902.00' }, TODAY);
    expect(merged.ok).toBe(true);
    expect(merged.fields.amountWithTaxFen).toBeUndefined();
    expect(merged.fields.sellerName).toBe(PRINT.sellerName);
  });

  it('reads a legacy invoice from its print alone when there is no QR code, the checked amount being 合计金额', () => {
    const merged = withOcrFields(null, PRINT, TODAY);
    expect(merged.ok).toBe(true);
    expect(merged.fields).toMatchObject({ kind: 'LEGACY', code: '045001900111', number: '58279940', amountFen: 176283n, amountIncludesTax: false, amountWithTaxFen: 199200n, entry: 'image' });
    expect(merged.ok && merged.sources).toMatchObject({ number: 'image:ocr', code: 'image:ocr', check_code: 'image:ocr', amount: 'image:ocr', amount_with_tax: 'image:ocr' });
  });

  it('reads a 数电 invoice from its print alone, the checked amount being 价税合计', () => {
    const merged = withOcrFields(null, { number: '25317000002228021821', issueDate: '2025-10-20', amountWithTax: '35559.69', amountWithoutTax: '31468.75', tax: '4090.94' }, TODAY);
    expect(merged.fields).toMatchObject({ kind: 'DIGITAL', number: '25317000002228021821', amountFen: 3555969n, amountIncludesTax: true });
  });

  it('without a QR code, refuses a print that lacks the number, the date or the amount', () => {
    expect(() => withOcrFields(null, { number: '25317000002228021821', issueDate: '2025-10-20' }, TODAY)).toThrow(expect.objectContaining({ reason: 'NO_INVOICE' }));
  });
});
