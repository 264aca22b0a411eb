import { startOfBusinessDay } from '../../../platform/time/clock.js';

const SNOWFLAKE_DECIMAL = /^[1-9]\d{0,18}$/;
const MAX_SNOWFLAKE = (1n << 63n) - 1n;

/**
 * The consume API's transaction_id: "TX", the Asia/Shanghai business date as YYYYMMDD, then a snowflake id, in the
 * specification's shape (TX202508110001). The specification's suffix looks like a daily counter; a counter would
 * need one sequence shared by every process, while a snowflake is already unique across processes (node ids are
 * leased), so the suffix is longer (up to 19 digits) but needs no coordination. The date keeps the id readable for
 * support staff and reconciliation files.
 */
export function transactionId(businessDate: string, sequence: string): string {
  startOfBusinessDay(businessDate); // throws RangeError unless a real YYYY-MM-DD date
  if (!SNOWFLAKE_DECIMAL.test(sequence) || BigInt(sequence) > MAX_SNOWFLAKE) {
    throw new RangeError(`expected a snowflake id as a decimal string, got ${JSON.stringify(sequence)}`);
  }
  return `TX${businessDate.replaceAll('-', '')}${sequence}`;
}
