import { parseMoney, type Fen } from '../../../platform/money/money.js';
import { startOfBusinessDay } from '../../../platform/time/clock.js';
import { parseDigitalInvoiceNumber, parseLegacyInvoice, type InvoiceIdField } from './invoice-number.js';

/**
 * The text in an invoice's QR code (reference/einvoice-and-identity-formats.md §1.2):
 *
 *   version,票种,发票代码,发票号码,金额,开票日期(YYYYMMDD),校验码,random[,]
 *
 * 数电 invoices leave 发票代码 and 校验码 empty, carry a 20-digit number and the tax-inclusive 价税合计; old
 * invoices carry a 10/12-digit code, an 8-digit number and the tax-exclusive 合计金额.
 */

export type QrProblem = 'FORMAT' | 'VERSION' | 'TYPE' | 'UNSUPPORTED' | 'CODE' | 'NUMBER' | 'AMOUNT' | 'DATE' | 'CHECK_CODE';

export interface InvoiceQr {
  readonly ok: true;
  readonly version: string;
  /** 票种 as printed in the QR ('32', '10'…). */
  readonly typeCode: string;
  readonly typeName: string;
  /** 发票代码; null for 数电. */
  readonly code: string | null;
  readonly number: string;
  readonly amountFen: Fen;
  /** True for 数电 (价税合计), false for old invoices (合计金额, before tax). */
  readonly amountIncludesTax: boolean;
  /** YYYY-MM-DD. */
  readonly issueDate: string;
  readonly checkCode: string | null;
  /** The trailing 4-hex random/CRC field; opaque. */
  readonly random: string;
  readonly kind: 'DIGITAL' | 'LEGACY';
}

export interface InvoiceQrRejection {
  readonly ok: false;
  readonly problem: QrProblem;
  readonly message: string;
}

export type InvoiceQrResult = InvoiceQr | InvoiceQrRejection;

export interface ParseInvoiceQrOptions {
  /** YYYY-MM-DD, Asia/Shanghai: when given, an issue date after it is rejected. */
  readonly today?: string;
}

/**
 * DIGITAL: always 数电. LEGACY: always old-style. EITHER: 数电 when 发票代码 is empty, otherwise a 数电纸质发票
 * (paper, with code), whose amount semantics we have not confirmed, so it is not accepted.
 */
type Family = 'DIGITAL' | 'LEGACY' | 'EITHER';

const TYPES: Readonly<Record<string, { readonly name: string; readonly family: Family }>> = {
  '01': { name: '增值税专用发票', family: 'LEGACY' },
  '02': { name: '货物运输业增值税专用发票', family: 'LEGACY' },
  '03': { name: '机动车销售统一发票', family: 'LEGACY' },
  '04': { name: '增值税普通发票', family: 'LEGACY' },
  '08': { name: '增值税电子专用发票', family: 'LEGACY' },
  '10': { name: '增值税电子普通发票', family: 'LEGACY' },
  '11': { name: '增值税普通发票（卷票）', family: 'LEGACY' },
  '14': { name: '增值税电子普通发票（通行费）', family: 'LEGACY' },
  '15': { name: '二手车销售统一发票', family: 'LEGACY' },
  // QrToInvoice reads QR type 20 as an 增值税电子专用发票 (08).
  '20': { name: '增值税电子专用发票', family: 'LEGACY' },
  '31': { name: '电子发票（增值税专用发票）', family: 'EITHER' },
  '32': { name: '电子发票（普通发票）', family: 'EITHER' },
  '33': { name: '机动车销售电子统一发票', family: 'EITHER' },
  '34': { name: '二手车销售电子统一发票', family: 'EITHER' },
  '51': { name: '电子发票（铁路电子客票）', family: 'DIGITAL' },
  '61': { name: '电子发票（航空运输电子客票行程单）', family: 'DIGITAL' },
  // 83/84 are the codes verification vendors use for the 数电 机动车/二手车 invoices.
  '83': { name: '机动车销售电子统一发票', family: 'DIGITAL' },
  '84': { name: '二手车销售电子统一发票', family: 'DIGITAL' },
};

const FIELD_COUNT = 8;

const LEGACY_FIELD_PROBLEMS: Readonly<Record<InvoiceIdField, QrProblem>> = { code: 'CODE', number: 'NUMBER', checkCode: 'CHECK_CODE' };

function reject(problem: QrProblem, message: string): InvoiceQrRejection {
  return { ok: false, problem, message };
}

/** YYYYMMDD → YYYY-MM-DD when it is a real calendar date. */
function toIsoDate(text: string): string | null {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!match) return null;
  const iso = `${match[1]}-${match[2]}-${match[3]}`;
  try {
    startOfBusinessDay(iso);
    return iso;
  } catch {
    return null;
  }
}

export function parseInvoiceQr(text: string, options: ParseInvoiceQrOptions = {}): InvoiceQrResult {
  // A malformed `today` is a programming error, not a bad QR code: startOfBusinessDay throws RangeError.
  if (options.today !== undefined) startOfBusinessDay(options.today);
  // NFKC folds full-width commas and digits (，１２) to ASCII.
  const fields = text.normalize('NFKC').trim().split(',').map((field) => field.trim());
  if (fields.length === FIELD_COUNT + 1 && fields[FIELD_COUNT] === '') fields.pop();
  if (fields.length !== FIELD_COUNT) {
    return reject('FORMAT', `expected ${FIELD_COUNT} comma-separated fields, got ${fields.length}`);
  }
  const [version = '', typeCode = '', code = '', rawNumber = '', amountText = '', dateText = '', checkCode = '', random = ''] =
    fields;

  if (!/^\d{2}$/.test(version)) return reject('VERSION', `unknown QR version ${JSON.stringify(version)}`);
  const type = Object.hasOwn(TYPES, typeCode) ? TYPES[typeCode] : undefined;
  if (type === undefined) return reject('TYPE', `unknown invoice type ${JSON.stringify(typeCode)}`);

  let amountFen: Fen;
  try {
    amountFen = parseMoney(amountText);
  } catch {
    return reject('AMOUNT', `amount ${JSON.stringify(amountText)} is not a decimal with at most 2 places`);
  }
  // Red-letter (红字) invoices carry negative amounts; they never count as a purchase.
  if (amountFen <= 0n) return reject('AMOUNT', `amount ${amountText} must be greater than 0`);

  const issueDate = toIsoDate(dateText);
  if (issueDate === null) return reject('DATE', `issue date ${JSON.stringify(dateText)} is not a YYYYMMDD calendar date`);
  if (options.today !== undefined && issueDate > options.today) {
    return reject('DATE', `issue date ${issueDate} is after today (${options.today})`);
  }

  if (checkCode !== '' && !/^\d{20}$/.test(checkCode)) {
    return reject('CHECK_CODE', `check code ${JSON.stringify(checkCode)} must be empty or 20 digits`);
  }

  const digital = type.family === 'DIGITAL' || (type.family === 'EITHER' && code === '');
  if (type.family === 'EITHER' && !digital) {
    return reject('UNSUPPORTED', `type ${typeCode} with an invoice code is a paper 数电 invoice, which is not supported`);
  }

  if (digital) {
    if (code !== '') return reject('CODE', `a 数电 invoice (type ${typeCode}) has no invoice code, got ${JSON.stringify(code)}`);
    // The number cannot be from a later year than the invoice's own issue date.
    const parsed = parseDigitalInvoiceNumber(rawNumber, issueDate);
    if (!parsed.ok) return reject('NUMBER', `${parsed.message_en} (${parsed.problem})`);
    return {
      ok: true,
      version,
      typeCode,
      typeName: type.name,
      code: null,
      number: parsed.number,
      amountFen,
      amountIncludesTax: true,
      issueDate,
      checkCode: checkCode === '' ? null : checkCode,
      random,
      kind: 'DIGITAL',
    };
  }

  if (code === '') return reject('CODE', `an old-style invoice (type ${typeCode}) needs a 10- or 12-digit invoice code`);
  const parsed = parseLegacyInvoice({ code, number: rawNumber, checkCode });
  if (!parsed.ok) return reject(LEGACY_FIELD_PROBLEMS[parsed.field], `${parsed.message_en} (${parsed.problem})`);
  return {
    ok: true,
    version,
    typeCode,
    typeName: type.name,
    code: parsed.code,
    number: parsed.number,
    amountFen,
    amountIncludesTax: false,
    issueDate,
    checkCode: parsed.checkCode,
    random,
    kind: 'LEGACY',
  };
}
