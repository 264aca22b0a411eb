import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusAvailable, readCorpusFile } from '../../../../test/support/real-invoices.js';
import { renderInvoicePng } from '../tax-sandbox/render/invoice-png.js';
import { findInvoiceFields, type OcrLine } from './ocr-fields.js';
import { InvoiceOcr } from './ocr-ppocr.js';

/**
 * The real engine (PP-OCRv4 in its process pool). One pool for the whole file: each process loads the model once.
 * Nothing here asserts timing: deadlines are forced with a per-image deadline of 1 ms, which no image meets.
 */
const TODAY = '2026-12-03';
/** The current sandbox renderer's 5×7 bitmap font slashes its zeros, which read as 8 when sharp: a blur of 1 px, as a scan has. */
const png = () => renderInvoicePng(INVOICE, { blur: 1 });
const INVOICE = { qr: '01,32,,25312000000012345678,655.00,20250311,,19E3', number: '25312000000012345678', issueDate: '2025-03-11', totalAmount: '655.00' };

describe('InvoiceOcr', () => {
  const ocr = new InvoiceOcr({ processes: 1, queue: 4, deadlineMs: 60_000, memoryMb: 2048, maxPixels: 25_000_000 });
  afterAll(() => ocr.close());

  it('reads a sandbox render in a child process', async () => {
    const reading = await ocr.read(png(), TODAY);
    expect(reading.fields).toMatchObject({ number: INVOICE.number, issueDate: INVOICE.issueDate });
    expect(reading.lines.length).toBeGreaterThan(0);
  });

  it('answers UNREADABLE past its deadline, and the image queued behind it is still read (by a fresh process)', async () => {
    const image = png();
    const late = ocr.read(image, TODAY, { deadlineMs: 1 });
    const next = ocr.read(image, TODAY);
    await expect(late).rejects.toMatchObject({ reason: 'UNREADABLE' });
    await expect(next).resolves.toMatchObject({ fields: { number: INVOICE.number } });
  });

  it('answers UNREADABLE for bytes that are no image', async () => {
    await expect(ocr.read(new TextEncoder().encode('%PDF-1.7 not an image'), TODAY)).rejects.toMatchObject({ reason: 'UNREADABLE' });
    await expect(ocr.read(png(), TODAY)).resolves.toMatchObject({ fields: { issueDate: INVOICE.issueDate } });
  });

  it.skipIf(!corpusAvailable())('reads corpus image 13 as its recorded fixture says (re-record it with scripts/record-ocr-lines.ts when the engine changes)', async () => {
    const reading = await ocr.read(readCorpusFile('13-png-legacy-gx-screenshot-2022.png'), TODAY);
    const fixture = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../../../test/fixtures/ocr/13-png-legacy-gx-screenshot-2022.lines.json'), 'utf8')) as { lines: OcrLine[] };
    expect(reading.fields).toEqual(findInvoiceFields(fixture.lines, TODAY));
    expect(reading.fields.sellerName).toBe('沃尔玛（广西）商业零售有限公司来宾桂中大道分店');
  });
});
