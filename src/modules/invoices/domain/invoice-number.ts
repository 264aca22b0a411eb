import { startOfBusinessDay } from '../../../platform/time/clock.js';
import { taxRegionName } from './regions.js';

/**
 * Structural checks on invoice identifiers (reference/einvoice-and-identity-formats.md §1.1–1.2). They catch typos
 * and OCR slips before an invoice goes to 查验; they cannot tell that an invoice exists, only the tax authority can.
 */

/**
 * 数电 (全电) invoices were first issued on 2021-12-01 (pilots in 广东, 上海, 内蒙古), so no 20-digit number can carry
 * an earlier year. Anything earlier is a typo.
 */
export const FIRST_DIGITAL_INVOICE_YEAR = 2021;

export type InvoiceNumberProblem = 'LENGTH' | 'NOT_DIGITS' | 'YEAR' | 'REGION';
export type InvoiceIdField = 'number' | 'code' | 'checkCode';

export interface InvoiceIdRejection {
  readonly ok: false;
  readonly problem: InvoiceNumberProblem;
  /** Which input was wrong: the 发票号码, the 发票代码 or the 校验码. */
  readonly field: InvoiceIdField;
  readonly message_zh: string;
  readonly message_en: string;
}

/** Digit 5 of a 数电 number; informational only (2 and 7 are seen on ordinary invoices, the rest is undocumented). */
export type IssuingChannel = 'normal' | 'air_itinerary' | 'railway';

export interface DigitalInvoiceNumber {
  readonly ok: true;
  readonly kind: 'DIGITAL';
  /** The normalized 20-digit number. */
  readonly number: string;
  readonly year: number;
  readonly regionCode: string;
  readonly regionName: string;
  readonly channel: IssuingChannel;
  /** Digits 6–20. */
  readonly sequence: string;
}

export interface LegacyInvoiceId {
  readonly ok: true;
  readonly kind: 'LEGACY';
  /** 10- or 12-digit 发票代码. */
  readonly code: string;
  /** 8-digit 发票号码. */
  readonly number: string;
  /** 20-digit 校验码, absent on 专票. */
  readonly checkCode: string | null;
  /** 2000 + the two year digits of the code: the year the batch was printed, not necessarily the issue year. */
  readonly year: number;
  /** First two digits of the code's 4-digit region (GB/T 2260 province). */
  readonly regionCode: string;
  readonly regionName: string;
  /** What the code's kind digits say (电子普票, 专票…), when they are ones we know. Informational. */
  readonly codeCategory: string | null;
}

export type DigitalInvoiceNumberResult = DigitalInvoiceNumber | InvoiceIdRejection;
export type LegacyInvoiceIdResult = LegacyInvoiceId | InvoiceIdRejection;

export interface LegacyInvoiceInput {
  readonly code: string;
  readonly number: string;
  readonly checkCode?: string | null;
}

/** Trims, drops all whitespace and folds full-width characters (１２３, ，) to ASCII via NFKC. */
export function normalizeInvoiceNumber(input: string): string {
  return input.normalize('NFKC').replace(/\s+/g, '');
}

function reject(problem: InvoiceNumberProblem, field: InvoiceIdField, message_zh: string, message_en: string): InvoiceIdRejection {
  return { ok: false, problem, field, message_zh, message_en };
}

const FIELD_NAMES: Readonly<Record<InvoiceIdField, { zh: string; en: string }>> = {
  number: { zh: '发票号码', en: 'invoice number' },
  code: { zh: '发票代码', en: 'invoice code' },
  checkCode: { zh: '校验码', en: 'check code' },
};

/** Digits only first (a letter is the likelier slip), then length. */
function checkDigits(value: string, field: InvoiceIdField, lengths: readonly number[]): InvoiceIdRejection | null {
  const name = FIELD_NAMES[field];
  const expected = lengths.join('或');
  if (!/^\d*$/.test(value)) {
    return reject('NOT_DIGITS', field, `${name.zh}只能包含数字`, `The ${name.en} must contain digits only`);
  }
  if (!lengths.includes(value.length)) {
    return reject(
      'LENGTH',
      field,
      `${name.zh}应为${expected}位数字，当前为${value.length}位`,
      `The ${name.en} must be ${lengths.join(' or ')} digits, got ${value.length}`,
    );
  }
  return null;
}

function yearOf(today: string): number {
  // Validates the format and the calendar date; a bad `today` is a programming error.
  startOfBusinessDay(today);
  return Number(today.slice(0, 4));
}

function channelOf(digit: string): IssuingChannel {
  if (digit === '8') return 'air_itinerary';
  if (digit === '9') return 'railway';
  return 'normal';
}

/**
 * A 20-digit 数电 发票号码: year(2) + region(2) + channel(1) + sequence(15). `today` (YYYY-MM-DD, Asia/Shanghai)
 * bounds the year; pass the issue date instead when it is known.
 */
export function parseDigitalInvoiceNumber(number: string, today: string): DigitalInvoiceNumberResult {
  const currentYear = yearOf(today);
  const value = normalizeInvoiceNumber(number);
  const bad = checkDigits(value, 'number', [20]);
  if (bad) return bad;

  const year = 2000 + Number(value.slice(0, 2));
  if (year < FIRST_DIGITAL_INVOICE_YEAR || year > currentYear) {
    return reject(
      'YEAR',
      'number',
      `发票号码前两位年份“${value.slice(0, 2)}”不正确`,
      `Digits 1–2 of the invoice number give the year ${year}, expected ${FIRST_DIGITAL_INVOICE_YEAR}–${currentYear}`,
    );
  }
  const regionCode = value.slice(2, 4);
  const regionName = taxRegionName(regionCode);
  if (regionName === undefined) {
    return reject(
      'REGION',
      'number',
      `发票号码第3–4位地区代码“${regionCode}”不正确`,
      `Digits 3–4 of the invoice number (${regionCode}) are not a province code`,
    );
  }
  return {
    ok: true,
    kind: 'DIGITAL',
    number: value,
    year,
    regionCode,
    regionName,
    channel: channelOf(value.charAt(4)),
    sequence: value.slice(5),
  };
}

/** 12-digit codes: 0 + region(4) + year(2) + batch(3) + kind(2). */
const TWELVE_DIGIT_KINDS: Readonly<Record<string, string>> = {
  '11': '电子普票',
  '12': '通行费',
  '13': '电子专票',
  '04': '折叠普票',
  '05': '折叠普票',
  '06': '卷票',
  '07': '卷票',
};

/** 10-digit codes: region(4) + year(2) + batch(1) + kind(1) + 联次(1) + 金额版本(1). */
const TEN_DIGIT_KINDS: Readonly<Record<string, string>> = {
  '1': '专票',
  '5': '专票',
  '3': '普票',
  '6': '普票',
  '2': '货运专票',
  '7': '货运专票',
};

/**
 * An old-style (pre-数电) invoice: 10- or 12-digit 发票代码, 8-digit 发票号码 and, when printed, a 20-digit 校验码.
 * The code's region must be a province. Its year digits are checked against `today` only when `today` is given:
 * QR samples in circulation carry redacted codes whose "year" is nonsense, and the 查验 answer is what counts.
 */
export function parseLegacyInvoice(input: LegacyInvoiceInput, today?: string): LegacyInvoiceIdResult {
  const currentYear = today === undefined ? undefined : yearOf(today);
  const code = normalizeInvoiceNumber(input.code);
  const number = normalizeInvoiceNumber(input.number);
  const checkCode = input.checkCode == null ? '' : normalizeInvoiceNumber(input.checkCode);

  const bad =
    checkDigits(code, 'code', [10, 12]) ??
    checkDigits(number, 'number', [8]) ??
    (checkCode === '' ? null : checkDigits(checkCode, 'checkCode', [20]));
  if (bad) return bad;

  // The 12-digit form prefixes the 10-digit layout's region and year with one digit.
  const offset = code.length === 12 ? 1 : 0;
  const regionCode = code.slice(offset, offset + 2);
  const yearDigits = code.slice(offset + 4, offset + 6);
  const year = 2000 + Number(yearDigits);
  const regionName = taxRegionName(regionCode);
  if (regionName === undefined) {
    return reject(
      'REGION',
      'code',
      `发票代码中的地区代码“${regionCode}”不正确`,
      `The invoice code's region digits (${regionCode}) are not a province code`,
    );
  }
  if (currentYear !== undefined && year > currentYear) {
    return reject(
      'YEAR',
      'code',
      `发票代码中的年份“${yearDigits}”不正确`,
      `The invoice code's year digits give ${year}, which is after ${currentYear}`,
    );
  }
  const kindDigits = code.length === 12 ? code.slice(10, 12) : code.charAt(7);
  const kinds = code.length === 12 ? TWELVE_DIGIT_KINDS : TEN_DIGIT_KINDS;
  return {
    ok: true,
    kind: 'LEGACY',
    code,
    number,
    checkCode: checkCode === '' ? null : checkCode,
    year,
    regionCode,
    regionName,
    codeCategory: Object.hasOwn(kinds, kindDigits) ? (kinds[kindDigits] ?? null) : null,
  };
}
