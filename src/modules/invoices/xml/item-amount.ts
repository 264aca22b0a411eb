/**
 * Line-item amounts of 数电 XML. The bureau's schema writes totals with 2 decimals but items with up to 6
 * (`<ComTaxAm>0.120000</ComTaxAm>`, unit prices and amounts derived from tax-inclusive prices), so items are parsed
 * exactly into millionths of a yuan (a scaled bigint), never through floats and never rounded to fen.
 */

/** Decimal places an item amount may carry; values are integers of 10^-6 yuan. */
export const ITEM_AMOUNT_SCALE = 6;
const FACTOR = 10n ** BigInt(ITEM_AMOUNT_SCALE);
/** Same integer part as parseMoney (at most 15 digits, no leading zeros), up to 6 decimals, optional minus. */
const ITEM_AMOUNT = /^(-?)(0|[1-9]\d{0,14})(?:\.(\d{1,6}))?$/;

export class ItemAmountFormatError extends Error {
  override name = 'ItemAmountFormatError';
}

/** '0.120000' → 120000n, '-0.96' → -960000n, '2' → 2000000n. Anything outside the grammar throws ItemAmountFormatError. */
export function parseItemAmount(text: string): bigint {
  const match = ITEM_AMOUNT.exec(text);
  if (!match) throw new ItemAmountFormatError(`${JSON.stringify(text.slice(0, 40))} is not a decimal with at most ${ITEM_AMOUNT_SCALE} places`);
  const [, sign, whole = '', fraction = ''] = match;
  const value = BigInt(whole) * FACTOR + BigInt(fraction.padEnd(ITEM_AMOUNT_SCALE, '0'));
  return sign === '-' ? -value : value;
}

/** Fen → the item scale (exact: one fen is 10 000 millionths of a yuan). */
export function fenToItemAmount(fen: bigint): bigint {
  return fen * (FACTOR / 100n);
}

/** The amount in fen when it is a whole number of fen, else undefined (never rounded). */
export function itemAmountToFen(amount: bigint): bigint | undefined {
  const perFen = FACTOR / 100n;
  return amount % perFen === 0n ? amount / perFen : undefined;
}

/** The canonical text with all 6 decimals: 120000n → '0.120000', -960000n → '-0.960000'. */
export function formatItemAmount(amount: bigint): string {
  const negative = amount < 0n;
  const abs = negative ? -amount : amount;
  return `${negative ? '-' : ''}${abs / FACTOR}.${(abs % FACTOR).toString().padStart(ITEM_AMOUNT_SCALE, '0')}`;
}
