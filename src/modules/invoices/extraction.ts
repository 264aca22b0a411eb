import { MoneyFormatError, parseMoney, type Fen } from '../../platform/money/money.js';
import { normalizeInvoiceNumber, parseDigitalInvoiceNumber, parseLegacyInvoice } from './domain/invoice-number.js';
import { EInvoiceXmlError, parseEInvoiceXml } from './xml/einvoice-xml.js';

export type EntryKind = 'typed' | 'xml' | 'ofd' | 'pdf' | 'image';

/** What an invoice says, whichever way it came in. */
export interface InvoiceFields {
  readonly kind: 'DIGITAL' | 'LEGACY';
  readonly number: string;
  /** Legacy invoices: 发票代码 and 校验码. */
  readonly code?: string;
  readonly checkCode?: string;
  readonly issueDate: string;
  /** 数电: 价税合计 (tax included). Legacy: the amount the QR and 查验 use (tax excluded). */
  readonly amountFen: Fen;
  readonly amountIncludesTax: boolean;
  /** 价税合计, when the source says it (for 数电 it is amountFen itself). */
  readonly amountWithTaxFen?: Fen;
  readonly sellerTaxId?: string;
  readonly sellerName?: string;
  readonly buyerName?: string;
  readonly buyerTaxId?: string;
  readonly entry: EntryKind;
}

export type Extraction =
  | { readonly ok: true; readonly fields: InvoiceFields; readonly sources: Readonly<Record<string, string>>; readonly signedXml?: Buffer }
  | { readonly ok: false; readonly fields: InvoiceFields; readonly problem: { readonly zh: string; readonly en: string } };

export interface TypedInvoice {
  readonly invoice_number: string;
  readonly issue_date: string;
  readonly total_amount: string | number;
  readonly invoice_code?: string;
  readonly check_code?: string;
}

/** The form's fields, checked for format (the specification's validateInvoiceCode plus the legacy code and check code). */
export function fromTypedEntry(input: TypedInvoice, today: string): Extraction {
  const number = normalizeInvoiceNumber(input.invoice_number);
  const legacy = input.invoice_code !== undefined && input.invoice_code.trim() !== '';
  let amountFen: Fen = 0n;
  let amountProblem = false;
  try {
    amountFen = parseMoney(input.total_amount, { allowZero: false });
  } catch (error) {
    if (!(error instanceof MoneyFormatError)) throw error;
    amountProblem = true;
  }
  const base = { number, issueDate: input.issue_date, amountFen, entry: 'typed' as const };
  const parsed = legacy
    ? parseLegacyInvoice({ code: normalizeInvoiceNumber(input.invoice_code!), number, checkCode: input.check_code ? normalizeInvoiceNumber(input.check_code) : null }, today)
    : parseDigitalInvoiceNumber(number, today);
  const fields: InvoiceFields = legacy
    ? { ...base, kind: 'LEGACY', code: normalizeInvoiceNumber(input.invoice_code!), ...(input.check_code ? { checkCode: normalizeInvoiceNumber(input.check_code) } : {}), amountIncludesTax: false }
    : { ...base, kind: 'DIGITAL', amountIncludesTax: true };
  if (!parsed.ok) return { ok: false, fields, problem: { zh: parsed.message_zh, en: parsed.message_en } };
  if (amountProblem) return { ok: false, fields, problem: { zh: '金额格式不正确,最多两位小数', en: 'The amount is malformed (at most 2 decimal places)' } };
  return { ok: true, fields, sources: Object.fromEntries(['number', 'issue_date', 'amount', ...(legacy ? ['code', 'check_code'] : [])].map((f) => [f, 'typed'])) };
}

/** A 数电 XML file: every field from the file itself, signature checked later against the bureau's key. */
export function fromXmlFile(xml: Buffer, today: string): Extraction {
  const empty: InvoiceFields = { kind: 'DIGITAL', number: '', issueDate: '', amountFen: 0n, amountIncludesTax: true, entry: 'xml' };
  let data;
  try {
    data = parseEInvoiceXml(xml);
  } catch (error) {
    if (error instanceof EInvoiceXmlError) return { ok: false, fields: empty, problem: { zh: '无法识别的发票XML文件', en: 'The file is not a readable e-invoice XML' } };
    throw error;
  }
  const fields: InvoiceFields = {
    kind: 'DIGITAL',
    number: data.number,
    issueDate: data.issueDate,
    amountFen: data.totalWithTaxFen,
    amountIncludesTax: true,
    amountWithTaxFen: data.totalWithTaxFen,
    sellerTaxId: data.seller.taxId,
    sellerName: data.seller.name,
    buyerName: data.buyer.name,
    ...(data.buyer.taxId === undefined ? {} : { buyerTaxId: data.buyer.taxId }),
    entry: 'xml',
  };
  const parsed = parseDigitalInvoiceNumber(data.number, today);
  if (!parsed.ok) return { ok: false, fields, problem: { zh: parsed.message_zh, en: parsed.message_en } };
  const read = ['number', 'issue_date', 'amount', 'amount_with_tax', 'seller_tax_id', 'seller_name', 'buyer_name', ...(data.buyer.taxId === undefined ? [] : ['buyer_tax_id'])];
  const sources = Object.fromEntries(read.map((f) => [f, 'xml' as const]));
  return { ok: true, fields, sources, signedXml: xml };
}
