import { afterAll, describe, expect, it } from 'vitest';
import { renderInvoicePng } from '../tax-sandbox/render/invoice-png.js';
import { InvoiceFileError } from './errors.js';
import { closeOcr, extractInvoiceFields, readInvoiceFieldsByOcr } from './ocr.js';

const INVOICE = {
  qr: '01,32,,25432000000031411143,655.00,20250311,,19E3',
  number: '25432000000031411143',
  issueDate: '2025-03-11',
  totalAmount: '655.00',
};

afterAll(async () => {
  await closeOcr();
});

describe('extractInvoiceFields', () => {
  it('reads spaced numbers, the three date forms and amounts after a (mis-read) yen sign', () => {
    expect(extractInvoiceFields('发票号码: 2543 2000 0000 3141 1143\n开票日期: 2025年03月11日\n价税合计 ￥655.00')).toEqual({
      number: '25432000000031411143',
      issueDate: '2025-03-11',
      totalAmount: '655.00',
    });
    expect(extractInvoiceFields('— 20250311\n$1,234.50')).toEqual({ issueDate: '2025-03-11', totalAmount: '1234.50' });
    expect(extractInvoiceFields('— 2025-02-30\n¥655, 00')).toEqual({ totalAmount: '655.00' });
  });

  it('rejects numbers that fail the 数电 check, wrong lengths and amounts without exactly 2 decimals', () => {
    // Year 19 is before 数电 existed; 21 digits is an OCR insertion, not a number.
    expect(extractInvoiceFields('19432000000031411143\n254320000000314111435\n¥655.0\n¥12.345')).toEqual({});
  });
});

describe('readInvoiceFieldsByOcr', () => {
  it('reads number, date and amount from a clean sandbox invoice', { timeout: 60_000 }, async () => {
    const result = await readInvoiceFieldsByOcr(renderInvoicePng(INVOICE));
    expect(result.number).toBe(INVOICE.number);
    expect(result.issueDate).toBe(INVOICE.issueDate);
    expect(result.totalAmount).toBe(INVOICE.totalAmount);
    expect(result.text).toContain('2025-03-11');
  });

  it('reads a photo-style sandbox invoice', { timeout: 60_000 }, async () => {
    const result = await readInvoiceFieldsByOcr(renderInvoicePng(INVOICE, { style: 'photo', seed: 'ocr-test' }));
    expect({ number: result.number, issueDate: result.issueDate, totalAmount: result.totalAmount }).toEqual({
      number: INVOICE.number,
      issueDate: INVOICE.issueDate,
      totalAmount: INVOICE.totalAmount,
    });
  });

  it('refuses what is not an image, and times out with UNREADABLE (then works again)', { timeout: 60_000 }, async () => {
    await expect(readInvoiceFieldsByOcr(new TextEncoder().encode('%PDF-1.7'))).rejects.toMatchObject({ reason: 'UNSUPPORTED' });
    const timedOut = readInvoiceFieldsByOcr(renderInvoicePng(INVOICE), { timeoutMs: 1 });
    await expect(timedOut).rejects.toBeInstanceOf(InvoiceFileError);
    await expect(timedOut).rejects.toMatchObject({ reason: 'UNREADABLE' });
    const again = await readInvoiceFieldsByOcr(renderInvoicePng(INVOICE));
    expect(again.number).toBe(INVOICE.number);
  });
});
