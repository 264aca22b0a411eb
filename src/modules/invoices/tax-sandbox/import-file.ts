import { MoneyFormatError, parseMoney, type Fen } from '../../../platform/money/money.js';
import { startOfBusinessDay } from '../../../platform/time/clock.js';
import { parseDigitalInvoiceNumber, parseLegacyInvoice, type InvoiceIdField } from '../domain/invoice-number.js';
import { PREVIEW_FIELDS } from '../preview.js';

/**
 * The file `quanyi tax-sandbox import FILE` reads: known invoices (read off real files) for the sandbox's register,
 * as a JSON array of objects or a CSV with a header row, with these fields (snake_case, as the corpus's truth).
 */
// The preview's fields: what a preview reads off a real file can be imported as it is.
export const IMPORT_FIELDS = PREVIEW_FIELDS;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** One row as written: strings (JSON null or an empty CSV cell: absent). */
export type ImportRowInput = Partial<Record<ImportField, string | null>>;

/** A checked row, ready for the register. */
export interface SandboxInvoiceRow {
  readonly kind: 'DIGITAL' | 'LEGACY';
  readonly number: string;
  /** '' for 数电. */
  readonly code: string;
  readonly checkCode: string | null;
  readonly issueDate: string;
  /** Tax excluded (legacy 合计金额; for 数电 the file's 价税合计 when it says nothing else). */
  readonly amountWithoutTaxFen: Fen;
  /** 价税合计. */
  readonly amountWithTaxFen: Fen;
  readonly sellerTaxId: string;
  readonly sellerName: string | null;
  readonly buyerName: string | null;
  readonly buyerTaxId: string | null;
}

/** A row that cannot be imported: which row (1-based, header not counted), which field, why. */
export class SandboxImportError extends Error {
  constructor(
    readonly row: number,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`row ${row}, field ${field}: ${problem}`);
    this.name = 'SandboxImportError';
  }
}

const TAX_ID = /^[0-9A-Z]{15,20}$/;
/** What the 10/12-digit code's kind digits say is a 专票: checked by its pre-tax amount, it has no 校验码. */
const SPECIAL_CATEGORIES: ReadonlySet<string> = new Set(['专票', '电子专票', '货运专票']);

/** Whether a legacy code is a 专票 (true), a 普票 (false) or of a kind not known (null). */
export function isSpecialInvoiceCode(code: string): boolean | null {
  const parsed = parseLegacyInvoice({ code, number: '00000000' });
  if (!parsed.ok || parsed.codeCategory === null) return null;
  return SPECIAL_CATEGORIES.has(parsed.codeCategory);
}

/** Reads and checks the file's text: JSON when it is an array (or named .json), CSV otherwise. Throws SandboxImportError. */
export function parseSandboxImport(text: string, fileName = ''): SandboxInvoiceRow[] {
  return readImportRows(text, fileName).map((row, i) => checkRow(row, i + 1));
}

/** The file's rows as written, not yet checked (what the sandbox's import endpoint takes). */
export function readImportRows(text: string, fileName = ''): ImportRowInput[] {
  const body = text.replace(/^\uFEFF/, '');
  const json = fileName.toLowerCase().endsWith('.json') || (!fileName.toLowerCase().endsWith('.csv') && body.trimStart().startsWith('['));
  return json ? jsonRows(body) : csvRows(body);
}

function jsonRows(text: string): ImportRowInput[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new SandboxImportError(0, '(file)', `not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(data)) throw new SandboxImportError(0, '(file)', 'a JSON import must be an array of invoices');
  return data.map((item: unknown, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new SandboxImportError(i + 1, '(row)', 'must be an object');
    const row: ImportRowInput = {};
    for (const [key, value] of Object.entries(item)) {
      if (!(IMPORT_FIELDS as readonly string[]).includes(key)) throw new SandboxImportError(i + 1, key, `unknown field (expected ${IMPORT_FIELDS.join(', ')})`);
      // Strings only: a 20-digit number or an amount as a JSON number would already have lost digits.
      if (value !== null && typeof value !== 'string') throw new SandboxImportError(i + 1, key, 'must be a string (amounts as decimal strings such as "510.68")');
      row[key as ImportField] = value;
    }
    return row;
  });
}

function csvRows(text: string): ImportRowInput[] {
  const records = parseCsv(text).filter((r) => !(r.length === 1 && r[0] === ''));
  const header = records.shift();
  if (!header) throw new SandboxImportError(0, '(file)', 'the CSV is empty (it needs a header row)');
  const columns = header.map((h) => h.trim());
  for (const column of columns) {
    if (!(IMPORT_FIELDS as readonly string[]).includes(column)) throw new SandboxImportError(0, column || '(empty header)', `unknown column (expected ${IMPORT_FIELDS.join(', ')})`);
  }
  return records.map((cells, i) => {
    if (cells.length !== columns.length) throw new SandboxImportError(i + 1, '(row)', `has ${cells.length} cells, the header has ${columns.length}`);
    return Object.fromEntries(columns.map((c, j) => [c, cells[j]])) as ImportRowInput;
  });
}

/**
 * RFC 4180 CSV: comma-separated, double-quoted cells may hold commas, newlines and doubled quotes; CRLF or LF.
 * (No CSV library is installed in the project; this is the whole grammar the import needs.)
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c === '"' && cell === '') {
      quoted = true;
    } else if (c === ',') {
      record.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
    } else {
      cell += c;
    }
  }
  if (quoted) throw new SandboxImportError(records.length, '(file)', 'a quoted cell is not closed');
  if (cell !== '' || record.length > 0) {
    record.push(cell);
    records.push(record);
  }
  return records;
}

const ID_FIELD: Readonly<Record<InvoiceIdField, ImportField>> = { number: 'invoice_number', code: 'invoice_code', checkCode: 'check_code' };

function checkRow(input: ImportRowInput, row: number): SandboxInvoiceRow {
  const fail = (field: string, problem: string): never => {
    throw new SandboxImportError(row, field, problem);
  };
  const value = (field: ImportField): string | null => {
    const v = input[field];
    return v === undefined || v === null || v.trim() === '' ? null : v.trim();
  };
  const required = (field: ImportField): string => value(field) ?? fail(field, 'is required');
  const money = (field: ImportField, text: string): Fen => {
    try {
      return parseMoney(text, { allowZero: false });
    } catch (error) {
      if (error instanceof MoneyFormatError) return fail(field, `"${text}" is not an amount in yuan with at most 2 decimals`);
      throw error;
    }
  };

  const kind = required('kind');
  if (kind !== 'DIGITAL' && kind !== 'LEGACY') return fail('kind', `must be DIGITAL or LEGACY, got "${kind}"`);
  const issueDate = required('issue_date');
  try {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(issueDate)) throw new Error('format');
    startOfBusinessDay(issueDate);
  } catch {
    fail('issue_date', `"${issueDate}" is not a date YYYY-MM-DD`);
  }
  const number = required('invoice_number');
  const code = value('invoice_code');
  const checkCode = value('check_code');
  const total = money('total_amount', required('total_amount'));
  const withTaxText = value('amount_with_tax');
  const withTax = withTaxText === null ? null : money('amount_with_tax', withTaxText);

  let amountWithoutTaxFen: Fen;
  let amountWithTaxFen: Fen;
  if (kind === 'DIGITAL') {
    if (code !== null) fail('invoice_code', 'a 数电 invoice has no 发票代码');
    if (checkCode !== null) fail('check_code', 'a 数电 invoice has no 校验码');
    const parsed = parseDigitalInvoiceNumber(number, issueDate);
    if (!parsed.ok) fail('invoice_number', parsed.message_en);
    if (withTax !== null && withTax !== total) fail('amount_with_tax', 'for a 数电 invoice total_amount is the 价税合计: both must be equal');
    amountWithoutTaxFen = total;
    amountWithTaxFen = total;
  } else {
    if (code === null) fail('invoice_code', 'is required for a LEGACY invoice');
    const parsed = parseLegacyInvoice({ code: code!, number, checkCode }, issueDate);
    if (!parsed.ok) fail(ID_FIELD[parsed.field], parsed.message_en);
    const special = isSpecialInvoiceCode(code!);
    if (special === null) fail('invoice_code', 'its kind digits name no invoice kind the sandbox checks (普票 or 专票)');
    if (special === false && checkCode === null) fail('check_code', 'is required for a 普票 (it is checked by the last 6 digits)');
    if (withTax !== null && withTax < total) fail('amount_with_tax', 'the 价税合计 cannot be less than the pre-tax total_amount');
    amountWithoutTaxFen = total;
    amountWithTaxFen = withTax ?? total;
  }
  const sellerTaxId = required('seller_tax_id');
  if (!TAX_ID.test(sellerTaxId)) fail('seller_tax_id', 'must be 15 to 20 digits or capital letters');
  const buyerTaxId = value('buyer_tax_id');
  if (buyerTaxId !== null && !TAX_ID.test(buyerTaxId)) fail('buyer_tax_id', 'must be 15 to 20 digits or capital letters');
  return {
    kind,
    number,
    code: code ?? '',
    checkCode,
    issueDate,
    amountWithoutTaxFen,
    amountWithTaxFen,
    sellerTaxId,
    sellerName: value('seller_name'),
    buyerName: value('buyer_name'),
    buyerTaxId,
  };
}
