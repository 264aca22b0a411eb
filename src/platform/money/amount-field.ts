import { AppError } from '../errors/app-error.js';
import { MoneyFormatError, parseMoney, type Fen } from './money.js';

/** An amount from a request field, as fen; a malformed one is the client's 400 AMOUNT_INVALID naming the field. */
export function parseAmountField(field: string, value: string | number, options: { allowZero: boolean }): Fen {
  try {
    return parseMoney(value, options);
  } catch (error) {
    if (error instanceof MoneyFormatError) throw new AppError('AMOUNT_INVALID', { field });
    throw error;
  }
}
