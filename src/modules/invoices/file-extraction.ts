import { MoneyFormatError, parseMoney } from '../../platform/money/money.js';
import { parseInvoiceQr } from './domain/qr-payload.js';
import { fromXmlFile, type EntryKind, type Extraction, type InvoiceFields } from './extraction.js';
import { checkXmlComplexity, type FileComplexityLimits } from './files/complexity.js';
import { InvoiceFileError } from './files/errors.js';
import { decodeQrFromImageAsync } from './files/image-qr.js';
import { readInvoiceFieldsByOcr } from './files/ocr.js';
import { extractFromOfd } from './files/ofd.js';
import { extractFromPdf } from './files/pdf.js';
import { sniffFileKind } from './files/sniff.js';

/** An upload waits at most this long for OCR; the tax authority still has to be asked after it. */
const OCR_TIMEOUT_MS = 15_000;

/**
 * An uploaded invoice file, whatever its kind, by its bytes (never the declared content type): XML → OFD (the
 * embedded invoice XML, else its custom data) → PDF (the QR text, else the text layer) → image (the QR code).
 * An image without a readable QR code is read by OCR (tesseract, offline), last, as the specification's pipeline says.
 * CPU-heavy and run on untrusted bytes: call it only inside the file-reading worker (file-extraction-job.ts), after
 * the header checks. Refusals are InvoiceFileError.
 */
export async function fromUploadedFile(bytes: Buffer, today: string, limits: FileComplexityLimits): Promise<Extraction> {
  switch (sniffFileKind(bytes)) {
    case 'xml':
      return fromXmlFile(bytes, today);
    case 'zip':
      return fromOfd(bytes, today, limits);
    case 'pdf':
      return await fromPdf(bytes, today);
    case 'png':
    case 'jpeg': {
      const qr = await decodeQrFromImageAsync(bytes);
      if (qr) return fromQrText(qr, 'image', today);
      return await fromOcr(bytes);
    }
    default:
      throw new InvoiceFileError('UNSUPPORTED', 'not an XML, OFD, PDF, PNG or JPEG file');
  }
}

function fromOfd(bytes: Buffer, today: string, limits: FileComplexityLimits): Extraction {
  const { invoiceXml, customData } = extractFromOfd(bytes);
  if (invoiceXml) {
    checkXmlComplexity(invoiceXml, limits);
    const fromXml = fromXmlFile(invoiceXml, today);
    if (!fromXml.ok) return { ...fromXml, fields: { ...fromXml.fields, entry: 'ofd' } };
    // The OFD's own tags must agree with the signed XML inside it.
    const tagged = customData['发票号码'];
    if (tagged && tagged !== fromXml.fields.number) {
      return { ok: false, fields: { ...fromXml.fields, entry: 'ofd' }, problem: { zh: 'OFD文件的发票号码与其内嵌发票数据不一致', en: "The OFD's invoice number differs from the invoice data inside it" } };
    }
    const sources = Object.fromEntries(Object.keys(fromXml.sources).map((field) => [field, 'ofd']));
    return { ...fromXml, fields: { ...fromXml.fields, entry: 'ofd' }, sources };
  }
  const number = customData['发票号码'];
  const date = customData['开票日期'];
  const amount = customData['价税合计'] ?? customData['合计金额'];
  if (!number || !date || !amount) throw new InvoiceFileError('NO_INVOICE', 'the OFD carries neither the invoice XML nor its number, date and amount');
  const fields: InvoiceFields = {
    kind: 'DIGITAL',
    number,
    issueDate: normalizeDate(date),
    amountFen: parseAmount(amount),
    amountIncludesTax: customData['价税合计'] !== undefined,
    ...(customData['销售方纳税人识别号'] ? { sellerTaxId: customData['销售方纳税人识别号'] } : {}),
    ...(customData['销售方名称'] ? { sellerName: customData['销售方名称'] } : {}),
    entry: 'ofd',
  };
  return { ok: true, fields, sources: Object.fromEntries(['number', 'issue_date', 'amount'].map((f) => [f, 'ofd'])) };
}

/**
 * A PDF: the QR code (page 1's embedded images, else a rendering of page 1, else a `QR:` line of the text layer)
 * gives the invoice's identity and amount; the text layer, read by its layout, cross-checks them and adds what the
 * QR does not carry: the parties' names and tax ids and, for legacy invoices, the 价税合计. Without a QR code the
 * text layer alone must show the number, date and total.
 */
async function fromPdf(bytes: Buffer, today: string): Promise<Extraction> {
  const pdf = await extractFromPdf(bytes);
  const text = pdf.fields;
  const printed = {
    ...(text.sellerTaxId ? { sellerTaxId: text.sellerTaxId } : {}),
    ...(text.sellerName ? { sellerName: text.sellerName } : {}),
    ...(text.buyerName ? { buyerName: text.buyerName } : {}),
    ...(text.buyerTaxId ? { buyerTaxId: text.buyerTaxId } : {}),
  };
  const printedSources = Object.fromEntries(
    (
      [
        ['seller_tax_id', text.sellerTaxId],
        ['seller_name', text.sellerName],
        ['buyer_name', text.buyerName],
        ['buyer_tax_id', text.buyerTaxId],
      ] as const
    )
      .filter(([, value]) => value !== undefined)
      .map(([field]) => [field, 'pdf']),
  );
  if (pdf.qr) {
    const fromQr = fromQrText(pdf.qr, 'pdf', today);
    if (!fromQr.ok) return fromQr;
    const qr = fromQr.fields;
    const withTaxFen = text.totalWithTax ? tryAmount(text.totalWithTax) : undefined;
    const fields: InvoiceFields = {
      ...qr,
      ...printed,
      ...(qr.kind === 'DIGITAL' ? { amountWithTaxFen: qr.amountFen } : withTaxFen !== undefined ? { amountWithTaxFen: withTaxFen } : {}),
    };
    const sources: Record<string, string> = { ...fromQr.sources, ...printedSources };
    if (qr.kind === 'DIGITAL') sources.amount_with_tax = 'pdf:qr';
    else if (withTaxFen !== undefined) sources.amount_with_tax = 'pdf';
    // Cross-check: the printed text must not contradict the QR code.
    const mismatch = (zhField: string, enField: string) => ({
      ok: false as const,
      fields,
      problem: { zh: `PDF上的${zhField}与二维码不一致`, en: `The PDF's printed ${enField} differs from its QR code` },
    });
    if (text.number && text.number !== qr.number) return mismatch('发票号码', 'invoice number');
    if (pdf.textQr && pdf.qrSource !== 'text' && pdf.textQr.trim() !== pdf.qr.trim()) return mismatch('二维码文字', 'QR text');
    if (text.issueDate && text.issueDate !== qr.issueDate) return mismatch('开票日期', 'issue date');
    if (qr.kind === 'DIGITAL' && withTaxFen !== undefined && withTaxFen !== qr.amountFen) return mismatch('价税合计', 'total (tax incl.)');
    return { ok: true, fields, sources };
  }
  if (!text.number || !text.issueDate || !text.totalWithTax) throw new InvoiceFileError('NO_INVOICE', 'no QR code and no invoice number, date and total in the PDF');
  const amountFen = parseAmount(text.totalWithTax);
  return {
    ok: true,
    fields: { kind: 'DIGITAL', number: text.number, issueDate: text.issueDate, amountFen, amountIncludesTax: true, amountWithTaxFen: amountFen, ...printed, entry: 'pdf' },
    sources: { number: 'pdf', issue_date: 'pdf', amount: 'pdf', amount_with_tax: 'pdf', ...printedSources },
  };
}

function tryAmount(text: string) {
  try {
    return parseAmount(text);
  } catch {
    return undefined;
  }
}

/** The printed number, date and tax-inclusive total read by OCR; all three or nothing. */
async function fromOcr(bytes: Buffer): Promise<Extraction> {
  const read = await readInvoiceFieldsByOcr(bytes, { timeoutMs: OCR_TIMEOUT_MS });
  if (!read.number || !read.issueDate || !read.totalAmount) throw new InvoiceFileError('NO_INVOICE', 'neither a QR code nor a readable number, date and amount');
  return {
    ok: true,
    fields: { kind: 'DIGITAL', number: read.number, issueDate: read.issueDate, amountFen: parseAmount(read.totalAmount), amountIncludesTax: true, entry: 'image' },
    sources: { number: 'image:ocr', issue_date: 'image:ocr', amount: 'image:ocr' },
  };
}

function fromQrText(text: string, entry: EntryKind, today: string): Extraction {
  const qr = parseInvoiceQr(text, { today });
  if (!qr.ok) throw new InvoiceFileError('NO_INVOICE', `the QR code is not an invoice QR code: ${qr.message}`);
  const fields: InvoiceFields = {
    kind: qr.kind,
    number: qr.number,
    ...(qr.code ? { code: qr.code } : {}),
    ...(qr.checkCode ? { checkCode: qr.checkCode } : {}),
    issueDate: qr.issueDate,
    amountFen: qr.amountFen,
    amountIncludesTax: qr.amountIncludesTax,
    entry,
  };
  const read = ['number', 'issue_date', 'amount', ...(qr.code ? ['code'] : []), ...(qr.checkCode ? ['check_code'] : [])];
  return { ok: true, fields, sources: Object.fromEntries(read.map((f) => [f, `${entry}:qr`])) };
}

function parseAmount(text: string) {
  try {
    return parseMoney(text.replace(/[¥￥,\s]/g, ''), { allowZero: false });
  } catch (error) {
    if (error instanceof MoneyFormatError) throw new InvoiceFileError('NO_INVOICE', `unreadable amount ${text}`);
    throw error;
  }
}

function normalizeDate(text: string): string {
  const match = /^(\d{4})\D?(\d{1,2})\D?(\d{1,2})/.exec(text.trim());
  if (!match) return text;
  return `${match[1]}-${match[2]!.padStart(2, '0')}-${match[3]!.padStart(2, '0')}`;
}
