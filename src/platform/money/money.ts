/**
 * Money is an integer number of fen (分, 0.01 CNY) held in a bigint. API amounts arrive as decimal strings
 * ("150.00") or JSON numbers (150, 150.5) with at most two decimal places and are parsed from their decimal
 * text, never through floating-point arithmetic. One grammar: an optional minus, whole yuan without leading zeros
 * (at most 15 digits), then at most two decimals. No whitespace, sign "+", exponent, hex, binary or separators.
 */
export type Fen = bigint;

export class MoneyFormatError extends Error {
  constructor(readonly input: unknown, reason: string) {
    super(`invalid amount ${JSON.stringify(input)}: ${reason}`);
    this.name = 'MoneyFormatError';
  }
}

/** The decimal grammar as a JSON Schema pattern (no flags, so ajv and JavaScript read it alike). */
export const MONEY_PATTERN = '^-?(0|[1-9]\\d{0,14})(\\.\\d{1,2})?$';
const DECIMAL = /^(-)?(0|[1-9]\d{0,14})(?:\.(\d{1,2}))?$/;

/**
 * The decimal text of a JSON number, if it is an amount: Number#toString gives the shortest text that round-trips,
 * so 19.99 stays "19.99", 10.005 stays "10.005" and 1e21 prints "1e+21" (both refused by the grammar).
 */
function numberText(input: number): string | undefined {
  if (!Number.isFinite(input)) return undefined;
  return Object.is(input, -0) ? '0' : input.toString();
}

/** Whether a JSON number is an amount in the grammar: at most two decimal places, at most 15 whole digits. */
export function isMoneyNumber(input: number): boolean {
  const text = numberText(input);
  return text !== undefined && DECIMAL.test(text);
}

export interface ParseMoneyOptions {
  readonly allowNegative?: boolean;
  readonly allowZero?: boolean;
}

export function parseMoney(input: unknown, options: ParseMoneyOptions = {}): Fen {
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else if (typeof input === 'number') {
    const shortest = numberText(input);
    if (shortest === undefined) throw new MoneyFormatError(input, 'not a finite number');
    text = shortest;
  } else if (typeof input === 'bigint') {
    text = input.toString();
  } else {
    throw new MoneyFormatError(input, 'expected a decimal string or number');
  }
  const match = DECIMAL.exec(text);
  if (!match) throw new MoneyFormatError(input, 'expected digits with at most 2 decimal places, like "150.00"');
  const [, minus, yuan = '0', cents = ''] = match;
  const fen = BigInt(yuan) * 100n + BigInt(cents.padEnd(2, '0'));
  const value = minus ? -fen : fen;
  if (value < 0n && !options.allowNegative) throw new MoneyFormatError(input, 'must not be negative');
  if (value === 0n && options.allowZero === false) throw new MoneyFormatError(input, 'must be greater than 0');
  return value;
}

/** "150.00" — the form amounts take in API responses. */
export function formatMoney(fen: Fen | number): string {
  const value = BigInt(fen);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const text = `${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
  return negative ? `-${text}` : text;
}

/** Why an amount field's value is refused, in both languages (ajv-i18n knows no wording for a custom keyword). */
export const MONEY_KEYWORD_MESSAGES = {
  string: { en: 'must be a decimal amount like "150.00": digits, at most 2 decimal places, no spaces, signs or exponents', zh: '应当是金额,如 "150.00":数字,最多两位小数,不含空格、正号或指数' },
  number: { en: 'must be a number with at most 2 decimal places and at most 15 whole digits', zh: '应当是最多两位小数、整数部分最多 15 位的数字' },
  other: { en: 'must be a decimal string or a number', zh: '应当是金额字符串或数字' },
} as const;

export interface MoneyKeywordError {
  keyword: string;
  message: string;
  params: { readonly zh: string };
}

/** ajv reads a failing custom keyword's errors from its validate function. */
function validateMoney(enabled: boolean, data: unknown): boolean {
  validateMoney.errors = undefined;
  if (!enabled) return true;
  const kind = typeof data === 'string' ? 'string' : typeof data === 'number' ? 'number' : 'other';
  if (kind === 'string' && DECIMAL.test(data as string)) return true;
  if (kind === 'number' && isMoneyNumber(data as number)) return true;
  const { en, zh } = MONEY_KEYWORD_MESSAGES[kind];
  validateMoney.errors = [{ keyword: 'x-money', message: en, params: { zh } }];
  return false;
}
validateMoney.errors = undefined as MoneyKeywordError[] | undefined;

/**
 * The ajv keyword behind `moneySchema`: the whole check of an amount field on the value as the client sent it. It has
 * no `type` beside it on purpose: with ajv's coerceTypes ('array'), a typed schema converts the value before any
 * keyword sees it — "1e1", "0x0A", " 10 " and "9.999999999999999999" became the number 10, and a one-element array
 * was unwrapped and converted too. Without `type`, nothing is converted.
 */
export const moneyKeyword = {
  keyword: 'x-money',
  schemaType: 'boolean' as const,
  errors: true,
  validate: validateMoney,
};

/**
 * JSON Schema for an amount field at the HTTP edge: a string in the decimal grammar, or a JSON number with at most two
 * decimal places, checked by `moneyKeyword` alone. Whether a field takes zero or a negative amount is the field's own
 * rule (parseAmountField). `documentedMoneySchema` is how /openapi.json shows it.
 */
export const moneySchema = {
  'x-money': true,
  description: 'Amount in yuan: a decimal string with at most 2 decimal places, e.g. "150.00", or a JSON number with at most 2',
  examples: ['150.00'],
} as const;

/** The type and pattern the `x-money` keyword enforces, for readers of the OpenAPI document. */
export const documentedMoneySchema = { type: ['string', 'number'], pattern: MONEY_PATTERN } as const;
