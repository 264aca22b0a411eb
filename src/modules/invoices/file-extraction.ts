import { formatMoney, MoneyFormatError, parseMoney, type Fen } from '../../platform/money/money.js';
import { normalizeInvoiceNumber, parseDigitalInvoiceNumber, parseLegacyInvoice } from './domain/invoice-number.js';
import { parseInvoiceQr } from './domain/qr-payload.js';
import { fromXmlFile, type EntryKind, type Extraction, type InvoiceFields } from './extraction.js';
import { checkXmlComplexity, type FileComplexityLimits } from './files/complexity.js';
import { InvoiceFileError } from './files/errors.js';
import { decodeQrFromImageAsync } from './files/image-qr.js';
import type { OcrInvoiceFields } from './files/ocr-fields.js';
import { extractFromOfd, type OfdExtraction } from './files/ofd.js';
import { extractFromPdf } from './files/pdf.js';
import { sniffFileKind } from './files/sniff.js';

/**
 * What the file-reading worker makes of an upload: the extraction, final for XML, OFD and a PDF with a usable text
 * layer; for an image, or a PDF whose text layer is unusable (a scan, garbled text), what its QR code says (null
 * without one), and `ocr: true`: the image (for a PDF, `image`: page 1 rendered, bounded in pixels and bytes) still
 * goes to OCR (its own process pool, see file-reader.ts), whose fields {@link withOcrFields} then adds.
 */
export type FileReading =
  | { readonly extraction: Extraction; readonly ocr?: false }
  | { readonly extraction: Extraction | null; readonly ocr: true; readonly entry: OcrEntry; readonly image?: Uint8Array };

/** What OCR reads: an uploaded image, or the rendering of a PDF's page 1. */
export type OcrEntry = 'image' | 'pdf';

/**
 * An uploaded invoice file, whatever its kind, by its bytes (never the declared content type): XML → OFD (the
 * embedded invoice XML, else its custom data) → PDF (the QR text, else the text layer) → image (the QR code, then
 * OCR of the print for what the QR does not carry, or for everything when there is no readable QR code).
 * CPU-heavy and run on untrusted bytes: call it only inside the file-reading worker (file-extraction-job.ts), after
 * the header checks. Refusals are InvoiceFileError.
 */
export async function readUploadedFile(bytes: Buffer, today: string, limits: FileComplexityLimits): Promise<FileReading> {
  switch (sniffFileKind(bytes)) {
    case 'xml':
      return { extraction: fromXmlFile(bytes, today) };
    case 'zip':
      return { extraction: fromOfd(bytes, today, limits) };
    case 'pdf':
      return fromPdf(bytes, today);
    case 'png':
    case 'jpeg': {
      const qr = await decodeQrFromImageAsync(bytes);
      return { extraction: qr ? fromQrText(qr, 'image', today) : null, ocr: true, entry: 'image' };
    }
    default:
      throw new InvoiceFileError('UNSUPPORTED', 'not an XML, OFD, PDF, PNG or JPEG file');
  }
}

/** {@link readUploadedFile} without OCR: an image (or a PDF without a usable text layer) is read by its QR code alone (NO_INVOICE without one). */
export async function fromUploadedFile(bytes: Buffer, today: string, limits: FileComplexityLimits): Promise<Extraction> {
  const reading = await readUploadedFile(bytes, today, limits);
  if (reading.extraction === null) throw new InvoiceFileError('NO_INVOICE', 'no readable QR code');
  return reading.extraction;
}

function fromOfd(bytes: Buffer, today: string, limits: FileComplexityLimits): Extraction {
  const ofd = extractFromOfd(bytes, { maxXmlElements: limits.maxXmlElements, maxXmlDepth: limits.maxXmlDepth });
  const { invoiceXml, customData } = ofd;
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
  return fromOfdData(ofd, today);
}

/**
 * Where an OFD says each field, by the names real issuers use: OFD.xml CustomDatas (Chinese names), the `eInvoice`
 * attachment or tag file (`original_invoice.xml`, by element name), the XBRL attachment (by fact name) and the custom
 * tags that point into the page (resolved to the page's text). The QR text some attachments carry (GraphCode) counts too.
 */
const OFD_NAMES = {
  number: { custom: ['发票号码', 'InvoiceNo'], xbrl: ['NumberOfInvoice'], page: ['InvoiceNo'] },
  code: { custom: ['发票代码', 'InvoiceCode'], xbrl: ['CodeOfInvoice'], page: ['InvoiceCode'] },
  checkCode: { custom: ['校验码', 'InvoiceCheckCode'], xbrl: ['IdentifyingCode'], page: ['InvoiceCheckCode'] },
  issueDate: { custom: ['开票日期', 'IssueDate'], xbrl: ['DateOfIssue'], page: ['IssueDate'] },
  amountWithoutTax: { custom: ['合计金额', 'TaxExclusiveTotalAmount'], xbrl: ['TotalAmountExcludingTax'], page: ['TaxExclusiveTotalAmount'] },
  tax: { custom: ['合计税额', 'TaxTotalAmount'], xbrl: ['TotalTaxAmount'], page: ['TaxTotalAmount'] },
  amountWithTax: { custom: ['价税合计', 'TaxInclusiveTotalAmount'], xbrl: ['TaxIncludedAmountInFigures'], page: ['TaxInclusiveTotalAmount'] },
  sellerTaxId: { custom: ['销售方纳税人识别号', 'SellerTaxID'], xbrl: ['TaxpayerIdentificationNumberUnifiedSocialCreditCodeOfSeller'], page: ['SellerTaxID'] },
  sellerName: { custom: ['销售方名称', 'SellerName'], xbrl: ['NameOfSeller'], page: ['SellerName'] },
  buyerTaxId: { custom: ['购买方纳税人识别号', 'BuyerTaxID'], xbrl: ['TaxpayerIdentificationNumberUnifiedSocialCreditCodeOfPurchaser'], page: ['BuyerTaxID'] },
  buyerName: { custom: ['购买方名称', 'BuyerName'], xbrl: ['NameOfPurchaser'], page: ['BuyerName'] },
} as const;

type OfdField = keyof typeof OFD_NAMES;

const FIELD_LABELS: Readonly<Record<OfdField, { zh: string; en: string }>> = {
  number: { zh: '发票号码', en: 'invoice number' },
  code: { zh: '发票代码', en: 'invoice code' },
  checkCode: { zh: '校验码', en: 'check code' },
  issueDate: { zh: '开票日期', en: 'issue date' },
  amountWithoutTax: { zh: '合计金额', en: 'amount before tax' },
  tax: { zh: '合计税额', en: 'tax' },
  amountWithTax: { zh: '价税合计', en: 'total with tax' },
  sellerTaxId: { zh: '销售方纳税人识别号', en: "seller's tax id" },
  sellerName: { zh: '销售方名称', en: "seller's name" },
  buyerTaxId: { zh: '购买方纳税人识别号', en: "buyer's tax id" },
  buyerName: { zh: '购买方名称', en: "buyer's name" },
};

/** Fields whose sources must agree: what identifies the invoice and what the check uses. Names are taken as first found. */
const CROSS_CHECKED: ReadonlySet<OfdField> = new Set(['number', 'code', 'checkCode', 'issueDate', 'amountWithoutTax', 'tax', 'amountWithTax']);

class OfdDisagreement extends Error {
  constructor(readonly field: OfdField) {
    super(`the OFD gives two different values for ${field}`);
  }
}

/** An OFD without the 数电 XML: every field from its data, each source cross-checked against the others. */
function fromOfdData(ofd: OfdExtraction, today: string): Extraction {
  const qrText = ofd.customData['GraphCode'];
  const qr = qrText ? parseInvoiceQr(qrText, { today }) : undefined;
  const fromQr: Partial<Record<OfdField, string>> = {};
  if (qr?.ok) {
    fromQr.number = qr.number;
    if (qr.code) fromQr.code = qr.code;
    if (qr.checkCode) fromQr.checkCode = qr.checkCode;
    fromQr.issueDate = qr.issueDate;
    fromQr[qr.amountIncludesTax ? 'amountWithTax' : 'amountWithoutTax'] = formatMoney(qr.amountFen);
  }
  const raw = (field: OfdField): string[] => {
    const names = OFD_NAMES[field];
    return [...names.custom.map((name) => ofd.customData[name]), ...names.xbrl.map((name) => ofd.xbrlData[name]), ...names.page.map((name) => ofd.pageText[name]), fromQr[field]].filter(
      (value): value is string => value !== undefined && value.trim() !== '',
    );
  };
  /** The field's value, normalised; undefined when no source gives it; OfdDisagreement when two sources differ. */
  const read = <T>(field: OfdField, normalize: (text: string) => T, key: (value: T) => string = String): T | undefined => {
    const values = raw(field).map(normalize);
    if (values.length === 0) return undefined;
    if (CROSS_CHECKED.has(field) && new Set(values.map(key)).size > 1) throw new OfdDisagreement(field);
    return values[0];
  };
  const text = (value: string) => value.trim();

  let number, code, checkCode, issueDate, withoutTax, tax, withTax, sellerTaxId, sellerName, buyerTaxId, buyerName;
  try {
    number = read('number', normalizeInvoiceNumber);
    code = read('code', normalizeInvoiceNumber);
    checkCode = read('checkCode', normalizeInvoiceNumber);
    issueDate = read('issueDate', normalizeDate);
    withoutTax = read('amountWithoutTax', parseAmount);
    tax = read('tax', parseAmount);
    withTax = read('amountWithTax', parseAmount);
    sellerTaxId = read('sellerTaxId', normalizeInvoiceNumber);
    sellerName = read('sellerName', text);
    buyerTaxId = read('buyerTaxId', normalizeInvoiceNumber);
    buyerName = read('buyerName', text);
  } catch (error) {
    if (!(error instanceof OfdDisagreement)) throw error;
    const label = FIELD_LABELS[error.field];
    const empty: InvoiceFields = { kind: 'DIGITAL', number: number ?? '', issueDate: issueDate ?? '', amountFen: 0n, amountIncludesTax: true, entry: 'ofd' };
    return { ok: false, fields: empty, problem: { zh: `OFD文件内的${label.zh}前后不一致`, en: `The OFD gives two different values for the ${label.en}` } };
  }
  if (!number || !issueDate) throw new InvoiceFileError('NO_INVOICE', 'the OFD carries neither the invoice XML nor its number and date');

  // Issuers that give only 合计金额 and 合计税额 leave 价税合计 to their sum; where both are given they must agree.
  const sum = withoutTax !== undefined && tax !== undefined ? withoutTax + tax : undefined;
  const legacy = code !== undefined;
  const base = {
    number,
    issueDate,
    ...(sellerTaxId ? { sellerTaxId } : {}),
    ...(sellerName ? { sellerName } : {}),
    ...(buyerName ? { buyerName } : {}),
    ...(buyerTaxId ? { buyerTaxId } : {}),
    entry: 'ofd' as const,
  };
  const totalWithTax = withTax ?? sum;
  const amountFen = legacy ? withoutTax : totalWithTax;
  if (amountFen === undefined) {
    throw new InvoiceFileError('NO_INVOICE', legacy ? 'the legacy OFD gives no 合计金额' : 'the OFD gives neither 价税合计 nor 合计金额 and 合计税额');
  }
  const fields: InvoiceFields = code !== undefined
    ? { ...base, kind: 'LEGACY', code, ...(checkCode ? { checkCode } : {}), amountFen, amountIncludesTax: false, ...(totalWithTax === undefined ? {} : { amountWithTaxFen: totalWithTax }) }
    : { ...base, kind: 'DIGITAL', amountFen, amountIncludesTax: true, amountWithTaxFen: amountFen };
  if (withTax !== undefined && sum !== undefined && withTax !== sum) {
    return { ok: false, fields, problem: { zh: 'OFD文件的价税合计不等于合计金额与合计税额之和', en: "The OFD's total with tax is not the sum of its amount and tax" } };
  }
  const parsed = code !== undefined ? parseLegacyInvoice({ code, number, checkCode: checkCode ?? null }, today) : parseDigitalInvoiceNumber(number, today);
  if (!parsed.ok) return { ok: false, fields, problem: { zh: parsed.message_zh, en: parsed.message_en } };
  const read_ = [
    'number',
    'issue_date',
    'amount',
    ...(legacy ? ['code', ...(checkCode ? ['check_code'] : [])] : []),
    ...(fields.amountWithTaxFen === undefined ? [] : ['amount_with_tax']),
    ...(sellerTaxId ? ['seller_tax_id'] : []),
    ...(sellerName ? ['seller_name'] : []),
    ...(buyerName ? ['buyer_name'] : []),
    ...(buyerTaxId ? ['buyer_tax_id'] : []),
  ];
  return { ok: true, fields, sources: Object.fromEntries(read_.map((f) => [f, 'ofd'])) };
}

/**
 * A PDF: the QR code (page 1's embedded images, else a rendering of page 1, else a `QR:` line of the text layer)
 * gives the invoice's identity and amount; the text layer, read by its layout, cross-checks them and adds what the
 * QR does not carry: the parties' names and tax ids and, for legacy invoices, the 价税合计. Without a QR code the
 * text layer alone must show the number, date and total. A text layer that is unusable (pdf.ts `textLayerUnusable`:
 * a scan, text drawn as paths, a font without a usable ToUnicode map) is replaced by OCR of page 1's rendering, as
 * for an image: the QR's extraction (null without one) goes on to OCR with the rendering.
 */
async function fromPdf(bytes: Buffer, today: string): Promise<FileReading> {
  const pdf = await extractFromPdf(bytes);
  if (pdf.textUnusable && pdf.ocrImage) {
    return { extraction: pdf.qr ? fromQrText(pdf.qr, 'pdf', today) : null, ocr: true, entry: 'pdf', image: pdf.ocrImage };
  }
  return { extraction: fromPdfText(pdf, today) };
}

function fromPdfText(pdf: Awaited<ReturnType<typeof extractFromPdf>>, today: string): Extraction {
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

/** 'YYYY-MM-DD' from '2020年07月23日', '2022-09-01', '2020/7/23' or '20200723'; a date that is not a calendar date is refused. */
function normalizeDate(text: string): string {
  const match = /^(\d{4})\D?(\d{1,2})\D?(\d{1,2})\D?$/.exec(text.trim());
  const iso = match ? `${match[1]}-${match[2]!.padStart(2, '0')}-${match[3]!.padStart(2, '0')}` : '';
  const date = new Date(`${iso}T00:00:00Z`);
  if (!match || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso) {
    throw new InvoiceFileError('NO_INVOICE', `unreadable issue date ${JSON.stringify(text.slice(0, 40))}`);
  }
  return iso;
}

/**
 * An image's fields: its QR code's (null without a readable one) and what OCR read of its print. The QR code is the
 * authority for what it carries; the print adds what it lacks (the parties' names and tax ids, the legacy 价税合计,
 * a missing 校验码) and cross-checks it: a printed number, code, date or amount that contradicts the QR code makes
 * the extraction a problem, as a PDF's text does. Without a QR code the print alone must give the number, date and
 * the checked amount (and, for a legacy invoice, its code). Pure: runs wherever the OCR result arrives.
 */
export function withOcrFields(qr: Extraction | null, ocr: OcrInvoiceFields, today: string, entry: OcrEntry = 'image'): Extraction {
  const source = `${entry}:ocr`;
  const where = entry === 'pdf' ? { zh: 'PDF上印的', en: "The PDF's printed" } : { zh: '图片上印的', en: "The image's printed" };
  const printed = {
    ...(ocr.sellerTaxId ? { sellerTaxId: ocr.sellerTaxId } : {}),
    ...(ocr.sellerName ? { sellerName: ocr.sellerName } : {}),
    ...(ocr.buyerName ? { buyerName: ocr.buyerName } : {}),
    ...(ocr.buyerTaxId ? { buyerTaxId: ocr.buyerTaxId } : {}),
  };
  const printedSources: Record<string, string> = {};
  for (const [field, value] of [
    ['seller_tax_id', ocr.sellerTaxId],
    ['seller_name', ocr.sellerName],
    ['buyer_name', ocr.buyerName],
    ['buyer_tax_id', ocr.buyerTaxId],
  ] as const) {
    if (value) printedSources[field] = source;
  }
  const withTax = ocr.amountWithTax ? tryAmount(ocr.amountWithTax) : undefined;
  const withoutTax = ocr.amountWithoutTax ? tryAmount(ocr.amountWithoutTax) : undefined;
  const tax = ocr.tax ? tryAmount(ocr.tax) : undefined;
  // A 价税合计 that is not 金额 + 税额 (when both were read) is a misread: leave it out.
  const consistentWithTax = withTax !== undefined && (withoutTax === undefined || tax === undefined || withoutTax + tax === withTax) ? withTax : undefined;

  if (qr) {
    if (!qr.ok) return qr;
    const f = qr.fields;
    const mismatch = (zhField: string, enField: string): Extraction => ({
      ok: false,
      fields: { ...f, ...printed },
      problem: { zh: `${where.zh}${zhField}与二维码不一致`, en: `${where.en} ${enField} differs from its QR code` },
    });
    // Only values of the QR's own shape are compared: a 20-digit run found without its label is not a legacy number.
    if (ocr.number && ocr.number.length === f.number.length && ocr.number !== f.number) return mismatch('发票号码', 'invoice number');
    if (ocr.code && f.code && ocr.code !== f.code) return mismatch('发票代码', 'invoice code');
    if (ocr.issueDate && ocr.issueDate !== f.issueDate) return mismatch('开票日期', 'issue date');
    if (ocr.checkCode && f.checkCode && ocr.checkCode !== f.checkCode) return mismatch('校验码', 'check code');
    if (f.kind === 'DIGITAL' && consistentWithTax !== undefined && consistentWithTax !== f.amountFen) return mismatch('价税合计', 'total (tax incl.)');
    if (f.kind === 'LEGACY' && withoutTax !== undefined && withoutTax !== f.amountFen) return mismatch('合计金额', 'amount before tax');
    const sources: Record<string, string> = { ...qr.sources, ...printedSources };
    let amountWithTaxFen = f.amountWithTaxFen;
    if (f.kind === 'LEGACY' && amountWithTaxFen === undefined && consistentWithTax !== undefined && consistentWithTax >= f.amountFen) {
      amountWithTaxFen = consistentWithTax;
      sources.amount_with_tax = source;
    }
    const checkCode = f.checkCode ?? (f.kind === 'LEGACY' ? ocr.checkCode : undefined);
    if (checkCode && !f.checkCode) sources.check_code = source;
    const fields: InvoiceFields = {
      ...f,
      ...printed,
      ...(checkCode ? { checkCode } : {}),
      ...(amountWithTaxFen === undefined ? {} : { amountWithTaxFen }),
    };
    return { ok: true, fields, sources };
  }

  const legacy = ocr.code !== undefined && ocr.number?.length === 8;
  const amountFen: Fen | undefined = legacy ? withoutTax : consistentWithTax;
  if (!ocr.number || !ocr.issueDate || amountFen === undefined) {
    throw new InvoiceFileError('NO_INVOICE', 'neither a QR code nor a readable number, date and amount');
  }
  const base = { number: ocr.number, issueDate: ocr.issueDate, amountFen, ...printed, entry };
  const fields: InvoiceFields = legacy
    ? {
        ...base,
        kind: 'LEGACY',
        code: ocr.code!,
        ...(ocr.checkCode ? { checkCode: ocr.checkCode } : {}),
        amountIncludesTax: false,
        ...(consistentWithTax !== undefined && consistentWithTax >= amountFen ? { amountWithTaxFen: consistentWithTax } : {}),
      }
    : { ...base, kind: 'DIGITAL', amountIncludesTax: true, amountWithTaxFen: amountFen };
  const parsed = legacy ? parseLegacyInvoice({ code: ocr.code!, number: ocr.number, checkCode: ocr.checkCode ?? null }, today) : parseDigitalInvoiceNumber(ocr.number, today);
  if (!parsed.ok) return { ok: false, fields, problem: { zh: parsed.message_zh, en: parsed.message_en } };
  const read = [
    'number',
    'issue_date',
    'amount',
    ...(legacy ? ['code', ...(fields.checkCode ? ['check_code'] : [])] : []),
    ...(fields.amountWithTaxFen === undefined ? [] : ['amount_with_tax']),
  ];
  return { ok: true, fields, sources: { ...Object.fromEntries(read.map((f) => [f, source])), ...printedSources } };
}
