import { formatMoney } from '../../platform/money/money.js';
import type { Language } from '../../platform/errors/language.js';
import type { Extraction } from './extraction.js';

/** Where a previewed field was read from. */
export type PreviewSource = 'xml' | 'ofd' | 'pdf-text' | 'qr' | 'ocr' | 'typed';

export const PREVIEW_FIELDS = [
  'kind',
  'invoice_number',
  'invoice_code',
  'issue_date',
  'total_amount',
  'amount_with_tax',
  'check_code',
  'seller_tax_id',
  'seller_name',
  'buyer_name',
  'buyer_tax_id',
] as const;

export type PreviewField = (typeof PREVIEW_FIELDS)[number];

export interface InvoicePreview {
  readonly fields: Record<PreviewField, string | null>;
  readonly sources: Partial<Record<PreviewField, PreviewSource>>;
  /** Why the fields as read could not be submitted as they are (a malformed number, a PDF contradicting its QR…). */
  readonly problem: string | null;
}

/** The extraction's source keys (as stored with an invoice) → the preview's field names. */
const SOURCE_KEYS: Readonly<Record<string, PreviewField>> = {
  number: 'invoice_number',
  code: 'invoice_code',
  issue_date: 'issue_date',
  amount: 'total_amount',
  amount_with_tax: 'amount_with_tax',
  check_code: 'check_code',
  seller_tax_id: 'seller_tax_id',
  seller_name: 'seller_name',
  buyer_name: 'buyer_name',
  buyer_tax_id: 'buyer_tax_id',
};

/** 'pdf:qr', 'image:qr' → qr; 'image:ocr' → ocr; 'pdf' (its text layer) → pdf-text. */
function previewSource(source: string): PreviewSource | undefined {
  if (source.endsWith(':qr')) return 'qr';
  if (source.endsWith(':ocr')) return 'ocr';
  if (source === 'pdf' || source === 'pdf:text') return 'pdf-text';
  if (source === 'xml' || source === 'ofd' || source === 'typed') return source;
  return undefined;
}

/** What an upload or a typed entry says, in the answer's terms; nothing is decided or recorded. */
export function toPreview(extraction: Extraction, language: Language): InvoicePreview {
  const f = extraction.fields;
  const fields: Record<PreviewField, string | null> = {
    kind: f.kind,
    invoice_number: f.number === '' ? null : f.number,
    invoice_code: f.code ?? null,
    issue_date: f.issueDate === '' ? null : f.issueDate,
    total_amount: f.amountFen > 0n ? formatMoney(f.amountFen) : null,
    amount_with_tax: f.amountWithTaxFen !== undefined ? formatMoney(f.amountWithTaxFen) : f.kind === 'DIGITAL' && f.amountFen > 0n ? formatMoney(f.amountFen) : null,
    check_code: f.checkCode ?? null,
    seller_tax_id: f.sellerTaxId ?? null,
    seller_name: f.sellerName ?? null,
    buyer_name: f.buyerName ?? null,
    buyer_tax_id: f.buyerTaxId ?? null,
  };
  const sources: Partial<Record<PreviewField, PreviewSource>> = {};
  if (extraction.ok) {
    for (const [key, source] of Object.entries(extraction.sources)) {
      const field = SOURCE_KEYS[key];
      const mapped = previewSource(source);
      if (field && mapped && fields[field] !== null) sources[field] = mapped;
    }
    if (sources.invoice_number) sources.kind = sources.invoice_number;
    // 数电: 价税合计 is the checked amount itself.
    if (f.kind === 'DIGITAL' && fields.amount_with_tax !== null && sources.amount_with_tax === undefined && sources.total_amount) sources.amount_with_tax = sources.total_amount;
  } else {
    const entry = previewSource(f.entry === 'pdf' ? 'pdf' : f.entry === 'image' ? 'image:qr' : f.entry);
    if (entry) for (const field of PREVIEW_FIELDS) if (fields[field] !== null) sources[field] = entry;
  }
  return { fields, sources, problem: extraction.ok ? null : language === 'en' ? extraction.problem.en : extraction.problem.zh };
}

const nullableString = { type: ['string', 'null'] } as const;

/** The `data` of the preview answer. */
export const previewSchema = {
  type: 'object',
  required: ['fields', 'sources', 'problem'],
  properties: {
    fields: {
      type: 'object',
      required: [...PREVIEW_FIELDS],
      additionalProperties: false,
      properties: {
        kind: { type: 'string', enum: ['DIGITAL', 'LEGACY'] },
        invoice_number: nullableString,
        invoice_code: { ...nullableString, description: 'Legacy invoices: 发票代码' },
        issue_date: { ...nullableString, description: 'YYYY-MM-DD' },
        total_amount: { ...nullableString, description: 'The amount 查验 uses: 数电 价税合计; legacy 合计金额 (tax excluded)' },
        amount_with_tax: { ...nullableString, description: '价税合计 (tax included), when the source says it' },
        check_code: { ...nullableString, description: 'Legacy invoices: the 20-digit 校验码' },
        seller_tax_id: nullableString,
        seller_name: nullableString,
        buyer_name: nullableString,
        buyer_tax_id: nullableString,
      },
    },
    sources: {
      type: 'object',
      description: 'Where each field that was read came from',
      additionalProperties: false,
      properties: Object.fromEntries(PREVIEW_FIELDS.map((field) => [field, { type: 'string', enum: ['xml', 'ofd', 'pdf-text', 'qr', 'ocr', 'typed'] }])),
    },
    problem: { ...nullableString, description: 'Why these fields could not be submitted as read (null: they can)' },
  },
} as const;
