/**
 * Money is an integer number of fen (分, 0.01 CNY) held in a bigint. API amounts arrive as decimal strings
 * ("150.00") or JSON numbers (150, 150.5) with at most two decimal places and are parsed from their decimal
 * text, never through floating-point arithmetic.
 */
export type Fen = bigint;

export class MoneyFormatError extends Error {
  constructor(readonly input: unknown, reason: string) {
    super(`invalid amount ${JSON.stringify(input)}: ${reason}`);
    this.name = 'MoneyFormatError';
  }
}

const DECIMAL = /^(-)?(\d{1,15})(?:\.(\d{1,2}))?$/;

export interface ParseMoneyOptions {
  readonly allowNegative?: boolean;
  readonly allowZero?: boolean;
}

export function parseMoney(input: unknown, options: ParseMoneyOptions = {}): Fen {
  let text: string;
  if (typeof input === 'string') {
    text = input.trim();
  } else if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new MoneyFormatError(input, 'not a finite number');
    // Number#toString gives the shortest text that round-trips, so 19.99 stays "19.99" and 1.005 stays "1.005".
    text = input.toString();
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

/** JSON Schema for an amount field at the HTTP edge: a decimal string or a number, checked exactly by parseMoney. */
export const moneySchema = {
  anyOf: [
    { type: 'string', pattern: '^-?\\d{1,15}(\\.\\d{1,2})?$' },
    { type: 'number' },
  ],
  description: 'Amount in yuan with at most 2 decimal places, e.g. "150.00"',
  examples: ['150.00'],
} as const;
