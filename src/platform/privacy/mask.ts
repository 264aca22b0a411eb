/**
 * Display masks for personal data (PIPL): every response and log line shows these forms, never the clear value.
 * 138****1234 · 1****************X · 622848******1234 · 张*
 */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

export function maskIdNumber(id: string): string {
  const value = id.trim();
  if (value.length < 2) return '*'.repeat(value.length);
  return `${value.slice(0, 1)}${'*'.repeat(value.length - 2)}${value.slice(-1)}`;
}

export function maskBankCard(card: string): string {
  const digits = card.replace(/\D/g, '');
  if (digits.length < 10) return '*'.repeat(digits.length);
  return `${digits.slice(0, 6)}${'*'.repeat(digits.length - 10)}${digits.slice(-4)}`;
}

export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length === 0) return '';
  return `${chars[0]}${'*'.repeat(Math.max(1, chars.length - 1))}`;
}

/** Field names that carry personal data wherever they appear in a log object, with the mask for each. */
export const PII_FIELD_MASKS: Readonly<Record<string, (value: string) => string>> = {
  phone: maskPhone,
  bank_phone: maskPhone,
  mobile: maskPhone,
  id_number: maskIdNumber,
  id_card: maskIdNumber,
  bank_card: maskBankCard,
  card_number: maskBankCard,
  name: maskName,
  real_name: maskName,
  buyer_name: maskName,
};

const PHONE_IN_TEXT = /(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)/g;
const ID_CANDIDATE_IN_TEXT = /(?<![\dA-Za-z])[1-9]\d{16}[\dXx](?![\dA-Za-z])/g;
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK_CHARS = '10X98765432';

/**
 * Whether an 18-character string is shaped like a resident ID number (GB 11643-1999): a birth date from 1900 on
 * at positions 7–14 and a valid ISO 7064 MOD 11-2 check character. 18-digit snowflake ids almost never are.
 */
function looksLikeIdNumber(candidate: string): boolean {
  const year = Number(candidate.slice(6, 10));
  const month = Number(candidate.slice(10, 12));
  const day = Number(candidate.slice(12, 14));
  if (year < 1900 || year > 2099 || month < 1 || month > 12 || day < 1 || day > 31) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(candidate[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK_CHARS[sum % 11] === candidate[17]!.toUpperCase();
}

/**
 * Masks mainland phone numbers and ID numbers inside free text such as URLs and messages. Bank-card-like digit
 * runs are left alone here because 64-bit ids look the same; card numbers are masked by field name instead.
 * An 18-digit run is treated as an ID number only if its birth date and check character are valid, so that
 * snowflake ids in URLs stay readable in logs.
 */
export function maskPiiInText(text: string): string {
  return text
    .replace(ID_CANDIDATE_IN_TEXT, (match) => (looksLikeIdNumber(match) ? maskIdNumber(match) : match))
    .replace(PHONE_IN_TEXT, (_m, head: string, tail: string) => `${head}****${tail}`);
}
