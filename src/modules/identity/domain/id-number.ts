import { businessDate } from '../../../platform/time/clock.js';

/**
 * Resident ID numbers (公民身份号码, GB 11643-1999): 6-digit region (GB/T 2260) + birth date YYYYMMDD +
 * 3-digit sequence (odd 17th digit = male) + check character (ISO 7064 MOD 11-2, a digit or X).
 */
export type IdNumberCheck =
  | {
      readonly ok: true;
      readonly normalized: string;
      /** YYYY-MM-DD */
      readonly birthDate: string;
      readonly sex: 'male' | 'female';
      readonly regionCode: string;
    }
  | { readonly ok: false; readonly reason: IdNumberProblem };

export type IdNumberProblem =
  | 'ID_NUMBER_LENGTH'
  | 'ID_NUMBER_REGION'
  | 'ID_NUMBER_BIRTH_DATE'
  | 'ID_NUMBER_CHECKSUM'
  | 'ID_NUMBER_CHARACTERS';

const SHAPE = /^\d{17}[\dX]$/;
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';
const EARLIEST_BIRTH_DATE = '1900-01-01';

/**
 * Province-level codes of GB/T 2260 (the first two digits of the region). Only the province is checked: county
 * codes are renamed and merged every year, but people keep the number they were issued, so a full county table
 * would reject valid cards. Not included: 83xxxx, used by residence permits for Taiwan residents, and the
 * 9-prefixed foreign permanent resident numbers (2023), neither of which is a GB/T 2260 region.
 */
const PROVINCE_CODES: ReadonlySet<string> = new Set([
  '11', '12', '13', '14', '15',
  '21', '22', '23',
  '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46',
  '50', '51', '52', '53', '54',
  '61', '62', '63', '64', '65',
  '71', '81', '82',
]);

/**
 * Checks an 18-character resident ID number. `today` bounds the birth date, taken as the Asia/Shanghai calendar
 * day, since that is where the card was issued. A lowercase x is accepted and normalized: the standard prints an
 * uppercase X, but phone keyboards and copy-paste regularly produce the lowercase one.
 */
export function checkIdNumber(input: string, today: Date): IdNumberCheck {
  const trimmed = input.trim();
  // 15-digit first-generation numbers are refused: those cards stopped being valid on 2013-01-01, and bank
  // 4-factor verification only accepts second-generation numbers.
  if (trimmed.length !== 18) return { ok: false, reason: 'ID_NUMBER_LENGTH' };
  const value = trimmed.slice(0, 17) + trimmed.slice(17).toUpperCase();
  if (!SHAPE.test(value)) return { ok: false, reason: 'ID_NUMBER_CHARACTERS' };
  if (!PROVINCE_CODES.has(value.slice(0, 2))) return { ok: false, reason: 'ID_NUMBER_REGION' };

  const birthDate = calendarDate(value.slice(6, 14));
  if (birthDate === null || birthDate < EARLIEST_BIRTH_DATE || birthDate > businessDate(today)) {
    return { ok: false, reason: 'ID_NUMBER_BIRTH_DATE' };
  }
  if (idNumberCheckChar(value.slice(0, 17)) !== value[17]) return { ok: false, reason: 'ID_NUMBER_CHECKSUM' };

  return {
    ok: true,
    normalized: value,
    birthDate,
    sex: Number(value[16]) % 2 === 1 ? 'male' : 'female',
    regionCode: value.slice(0, 6),
  };
}

/** The ISO 7064 MOD 11-2 check character for the first 17 digits. */
export function idNumberCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < WEIGHTS.length; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

/** YYYYMMDD as YYYY-MM-DD if it names a real day of the Gregorian calendar, else null. */
function calendarDate(yyyymmdd: string): string | null {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
