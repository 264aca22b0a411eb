import { describe, it, expect } from 'vitest';
import { decodeSnowflake, MAX_NODE_ID, Snowflake, SNOWFLAKE_EPOCH_MS } from './snowflake.js';

/** A clock that returns the given instants in order, then keeps returning the last one. */
function scriptedClock(instants: readonly number[]): () => number {
  let i = 0;
  return () => {
    const value = instants[Math.min(i, instants.length - 1)];
    i++;
    if (value === undefined) throw new Error('empty script');
    return value;
  };
}

const T = Date.UTC(2026, 10, 22, 8, 0, 0);

describe('Snowflake', () => {
  it('issues strictly increasing ids from the real clock', () => {
    const generator = new Snowflake(7);
    let previous = -1n;
    for (let i = 0; i < 100_000; i++) {
      const id = generator.nextBigInt();
      if (id <= previous) expect.fail(`id #${i} ${id} is not greater than ${previous}`);
      previous = id;
    }
  });

  it('returns ids as decimal strings from next()', () => {
    const generator = new Snowflake(3, () => T);
    const id = generator.next();
    expect(id).toMatch(/^[1-9]\d*$/);
    expect(BigInt(id)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
  });

  it('encodes the timestamp and node id that decodeSnowflake reads back', () => {
    const generator = new Snowflake(513, () => T);
    const first = decodeSnowflake(generator.next());
    expect(first).toEqual({ timestampMs: T, nodeId: 513, sequence: 0 });
    const second = decodeSnowflake(generator.nextBigInt());
    expect(second).toEqual({ timestampMs: T, nodeId: 513, sequence: 1 });
  });

  it('lays out 41 bits of time, 10 bits of node and 12 bits of sequence', () => {
    const id = new Snowflake(MAX_NODE_ID, () => SNOWFLAKE_EPOCH_MS + 1).nextBigInt();
    // 1 ms after the epoch, node 1023, sequence 0.
    expect(id).toBe((1n << 22n) | (1023n << 12n));
    expect(decodeSnowflake(id)).toEqual({ timestampMs: SNOWFLAKE_EPOCH_MS + 1, nodeId: 1023, sequence: 0 });
  });

  it('resets the sequence when the millisecond changes', () => {
    const generator = new Snowflake(1, scriptedClock([T, T, T, T + 1]));
    expect(generator.nextBigInt() & 0xfffn).toBe(0n);
    expect(generator.nextBigInt() & 0xfffn).toBe(1n);
    expect(generator.nextBigInt() & 0xfffn).toBe(2n);
    const next = decodeSnowflake(generator.nextBigInt());
    expect(next.timestampMs).toBe(T + 1);
    expect(next.sequence).toBe(0);
  });

  it('waits for the next millisecond when 4096 ids are used up within one', () => {
    // The clock sticks at T for 4096 ids plus 5 further reads (the busy-wait), then moves to T + 1.
    const stuck = 4096 + 5;
    let reads = 0;
    const clock = () => (reads++ < stuck ? T : T + 1);
    const generator = new Snowflake(9, clock);
    const ids: bigint[] = [];
    for (let i = 0; i < 4096; i++) ids.push(generator.nextBigInt());
    expect(decodeSnowflake(ids[4095]!)).toEqual({ timestampMs: T, nodeId: 9, sequence: 4095 });
    const overflow = generator.nextBigInt();
    expect(reads).toBeGreaterThan(stuck); // it kept reading the clock until it advanced
    expect(decodeSnowflake(overflow)).toEqual({ timestampMs: T + 1, nodeId: 9, sequence: 0 });
    expect(decodeSnowflake(generator.nextBigInt())).toEqual({ timestampMs: T + 1, nodeId: 9, sequence: 1 });
    ids.push(overflow);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('never issues a smaller id when the clock moves backwards', () => {
    const generator = new Snowflake(2, scriptedClock([T, T + 5, T + 1, T - 1000, T + 5, T + 6]));
    const ids = Array.from({ length: 6 }, () => generator.nextBigInt());
    for (let i = 1; i < ids.length; i++) {
      expect(ids[i]! > ids[i - 1]!, `id #${i} after a clock step`).toBe(true);
    }
    // While the clock is behind, ids keep the last timestamp and advance the sequence.
    expect(decodeSnowflake(ids[2]!)).toEqual({ timestampMs: T + 5, nodeId: 2, sequence: 1 });
    expect(decodeSnowflake(ids[3]!)).toEqual({ timestampMs: T + 5, nodeId: 2, sequence: 2 });
    expect(decodeSnowflake(ids[5]!)).toEqual({ timestampMs: T + 6, nodeId: 2, sequence: 0 });
  });

  it('handles sequence overflow while the clock is behind by waiting past the last issued millisecond', () => {
    // Clock jumps back to T - 10 after the first id and stays there for all 4095 remaining sequence numbers
    // and a few wait reads; only T + 1 lets the generator continue.
    let reads = 0;
    const clock = () => {
      reads++;
      if (reads === 1) return T;
      return reads < 4096 + 10 ? T - 10 : T + 1;
    };
    const generator = new Snowflake(4, clock);
    let previous = -1n;
    for (let i = 0; i < 4097; i++) {
      const id = generator.nextBigInt();
      if (id <= previous) expect.fail(`id #${i} ${id} is not greater than ${previous}`);
      previous = id;
    }
    expect(decodeSnowflake(previous)).toEqual({ timestampMs: T + 1, nodeId: 4, sequence: 0 });
  });

  it.each([-1, MAX_NODE_ID + 1, 1.5, Number.NaN])('rejects node id %s', (nodeId) => {
    expect(() => new Snowflake(nodeId)).toThrow(RangeError);
  });

  it('accepts the node id bounds 0 and MAX_NODE_ID', () => {
    expect(MAX_NODE_ID).toBe(1023);
    expect(decodeSnowflake(new Snowflake(0, () => T).next()).nodeId).toBe(0);
    expect(decodeSnowflake(new Snowflake(MAX_NODE_ID, () => T).next()).nodeId).toBe(MAX_NODE_ID);
  });

  it('never collides across generators with different node ids in the same millisecond', () => {
    const a = new Snowflake(10, () => T);
    const b = new Snowflake(11, () => T);
    const seen = new Set<bigint>();
    for (let i = 0; i < 4096; i++) {
      seen.add(a.nextBigInt());
      seen.add(b.nextBigInt());
    }
    expect(seen.size).toBe(2 * 4096);
  });
});

describe('decodeSnowflake', () => {
  it('accepts decimal strings and bigints alike', () => {
    const id = (BigInt(T - SNOWFLAKE_EPOCH_MS) << 22n) | (77n << 12n) | 123n;
    const expected = { timestampMs: T, nodeId: 77, sequence: 123 };
    expect(decodeSnowflake(id)).toEqual(expected);
    expect(decodeSnowflake(id.toString())).toEqual(expected);
  });
});
