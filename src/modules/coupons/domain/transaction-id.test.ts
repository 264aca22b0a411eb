import { describe, expect, it } from 'vitest';
import { Snowflake, decodeSnowflake } from '../../../platform/ids/snowflake.js';
import { transactionId } from './transaction-id.js';

describe('transactionId', () => {
  it.each([
    ['2025-08-11', '1', 'TX202508111'],
    ['2025-08-11', '123456789012345678', 'TX20250811123456789012345678'],
    ['2028-02-29', '9223372036854775807', 'TX202802299223372036854775807'],
  ])('%s + %s → %s', (date, sequence, expected) => {
    expect(transactionId(date, sequence)).toBe(expected);
  });

  it('carries a real snowflake id after the date', () => {
    const at = Date.parse('2025-08-11T02:00:00Z');
    const id = new Snowflake(7, () => at).next();
    const tx = transactionId('2025-08-11', id);
    expect(tx).toMatch(/^TX20250811\d{16,19}$/);
    expect(decodeSnowflake(tx.slice(10))).toEqual({ timestampMs: at, nodeId: 7, sequence: 0 });
  });

  it.each(['2025-02-30', '2025-13-01', '20250811', '2025-8-11', '', '2025-08-11T00:00:00Z'])('refuses date %j', (date) => {
    expect(() => transactionId(date, '1')).toThrow(RangeError);
  });

  it.each(['', '0', '0001', '-1', '1.5', ' 1', 'abc', '1e3', '9223372036854775808', '12345678901234567890'])(
    'refuses sequence %j',
    (sequence) => {
      expect(() => transactionId('2025-08-11', sequence)).toThrow(RangeError);
    },
  );
});
