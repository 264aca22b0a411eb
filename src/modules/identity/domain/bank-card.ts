/**
 * Bank card numbers as typed by a customer. Only the shape is checked here; whether the card belongs to the
 * person is for bank 4-factor verification to say.
 */
export type BankCardCheck =
  | {
      readonly ok: true;
      readonly normalized: string;
      /** Issuer identification number (first 6 digits): with last4, all we may keep of a card beside a token. */
      readonly bin: string;
      readonly last4: string;
      readonly luhnValid: boolean;
    }
  | { readonly ok: false; readonly reason: 'BANK_CARD_FORMAT' };

/**
 * UnionPay cards have 16–19 digits, but some older domestic debit cards are shorter, so 12 is the floor.
 */
const CARD_DIGITS = /^\d{12,19}$/;

/**
 * Accepts 12–19 digits, ignoring spaces and dashes. A failed Luhn check is reported, not refused: some older
 * domestic cards were issued with numbers that fail it and still work, so the caller warns and lets 4-factor
 * verification decide.
 */
export function checkBankCard(input: string): BankCardCheck {
  const normalized = input.replace(/[\s-]/g, '');
  if (!CARD_DIGITS.test(normalized)) return { ok: false, reason: 'BANK_CARD_FORMAT' };
  return {
    ok: true,
    normalized,
    bin: normalized.slice(0, 6),
    last4: normalized.slice(-4),
    luhnValid: passesLuhn(normalized),
  };
}

/** ISO/IEC 7812 Luhn: double every second digit from the right, and the sum must end in 0. */
function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}
