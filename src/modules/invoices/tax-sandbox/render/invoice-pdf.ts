import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { InvoiceOfdInput } from './invoice-ofd.js';

/** The invoice's figures as the OFD carries them, plus the QR text. */
export type InvoicePdfInput = Pick<InvoiceOfdInput, 'number' | 'issueDate' | 'totalWithTax' | 'totalWithoutTax' | 'totalTax' | 'sellerTaxId'> & {
  /** The QR text, e.g. `01,32,,25432000000031411143,655.00,20250311,,19E3`. */
  readonly qr: string;
};

/**
 * The invoice as a one-page A5-landscape PDF: the QR code as a PNG image at the top left and ASCII text lines in
 * the built-in Helvetica (no Chinese glyphs without embedding a CJK font), with an extractable text layer.
 *
 * Deterministic: CreationDate is the issue date (00:00 Asia/Shanghai) and pdfkit derives the file /ID from
 * the info dictionary (MD5), so the same input gives the same bytes. pdfkit 0.20 does not use Math.random;
 * its only random source is crypto.getRandomValues, used for encryption, which is off here.
 */
export async function renderInvoicePdf(input: InvoicePdfInput): Promise<Buffer> {
  const date = isoDate(input.issueDate);
  const qrPng = await QRCode.toBuffer(input.qr, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 8 });

  const doc = new PDFDocument({
    size: 'A5',
    layout: 'landscape',
    margin: 28,
    info: {
      Title: `E-invoice ${input.number}`,
      Author: `Seller ${input.sellerTaxId}`,
      Subject: 'Digital VAT e-invoice (tax sandbox)',
      Producer: 'Quanyi tax sandbox',
      Creator: 'Quanyi tax sandbox',
      CreationDate: new Date(`${date}T00:00:00+08:00`),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  // The image goes first in the content stream: on Node 20 the pdf.js bundled with unpdf 1.8 stops building the
  // operator list at the first font (it calls ArrayBuffer.prototype.transferToFixedLength, Node ≥ 21), so
  // extractImages only sees images drawn before any text.
  const qrSize = 130;
  doc.image(qrPng, 28, 28, { width: qrSize, height: qrSize });

  const textX = 28 + qrSize + 24;
  const textWidth = doc.page.width - textX - 28;
  doc.font('Helvetica-Bold').fontSize(16).text('Digital VAT e-invoice (general)', textX, 32, { width: textWidth });
  doc.font('Helvetica').fontSize(11);
  const lines = [
    `Invoice No: ${input.number}`,
    `Issue Date: ${date}`,
    `Amount (excl. tax): ${input.totalWithoutTax}`,
    `Tax: ${input.totalTax}`,
    `Total (tax incl.): ${input.totalWithTax}`,
    `Seller Tax ID: ${input.sellerTaxId}`,
  ];
  lines.forEach((line, k) => doc.text(line, textX, 62 + k * 16, { width: textWidth, lineBreak: false }));

  const ruleY = 28 + qrSize + 16;
  doc.moveTo(28, ruleY).lineTo(doc.page.width - 28, ruleY).lineWidth(0.8).stroke();
  doc.font('Helvetica').fontSize(9).text(`QR: ${input.qr}`, 28, ruleY + 10, { width: doc.page.width - 56 });

  doc.end();
  return done;
}

function isoDate(issueDate: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(issueDate)) return issueDate;
  if (/^\d{8}$/.test(issueDate)) return `${issueDate.slice(0, 4)}-${issueDate.slice(4, 6)}-${issueDate.slice(6, 8)}`;
  throw new RangeError(`renderInvoicePdf: issueDate must be YYYY-MM-DD or YYYYMMDD, got ${issueDate}`);
}
