import { describe, expect, it } from 'vitest';
import { accountDeltas, fingerprintOf, move, reserve, resolutionLegs, TransferError, validateTransfer } from './transfers.js';
import type { AccountDelta, Leg, TransferSpec } from './transfers.js';

const debit = (account: string, amountFen: bigint): Leg => ({ account, side: 'D', amountFen });
const credit = (account: string, amountFen: bigint): Leg => ({ account, side: 'C', amountFen });
const posted = (id: string, legs: Leg[]): TransferSpec => ({ id, code: 'TEST', kind: 'posted', legs });
const pending = (id: string, legs: Leg[]): TransferSpec => ({ id, code: 'TEST', kind: 'pending', legs });
const post = (id: string, pendingId: string, amountFen?: bigint) =>
  ({ id, code: 'TEST', kind: 'post', pendingId, ...(amountFen === undefined ? {} : { amountFen }) }) as const;
const voided = (id: string, pendingId: string) => ({ id, code: 'TEST', kind: 'void', pendingId }) as const;
const expired = (id: string, pendingId: string) => ({ id, code: 'TEST', kind: 'expire', pendingId }) as const;

const legsOf = (spec: TransferSpec): Leg[] => ('legs' in spec ? [...spec.legs] : []);

const delta = (d: Partial<AccountDelta>): AccountDelta => ({ debitsPending: 0n, creditsPending: 0n, debitsPosted: 0n, creditsPosted: 0n, ...d });

/** The TransferError a call throws (fails the test when it throws nothing or something else). */
function refusal(run: () => void): TransferError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TransferError);
    return error as TransferError;
  }
  throw new Error('expected a TransferError, but nothing was thrown');
}

describe('move and reserve', () => {
  it('build two balanced legs', () => {
    expect(move('t1', 'SPLIT', 'a', 'b', 100n, { ref: 'r' })).toEqual({
      id: 't1',
      code: 'SPLIT',
      kind: 'posted',
      ref: 'r',
      legs: [debit('a', 100n), credit('b', 100n)],
    });
    const at = new Date('2026-12-01T00:00:00Z');
    expect(reserve('t2', 'SPLIT_LEG', 'a', 'b', 50n, { timeoutAt: at })).toEqual({
      id: 't2',
      code: 'SPLIT_LEG',
      kind: 'pending',
      timeoutAt: at,
      legs: [debit('a', 50n), credit('b', 50n)],
    });
  });
});

describe('validateTransfer', () => {
  it('accepts well-shaped transfers', () => {
    expect(() => validateTransfer(move('t1', 'X', 'bank', 'revenue:platform', 1n))).not.toThrow();
    expect(() => validateTransfer(posted('t2', [debit('a', 100n), credit('b', 60n), credit('c', 40n)]))).not.toThrow();
    expect(() => validateTransfer(posted('t3', [debit('a', 30n), debit('b', 70n), credit('c', 100n)]))).not.toThrow();
    expect(() => validateTransfer(reserve('t4', 'X', 'a', 'b', 100n))).not.toThrow();
    // A pending transfer may list its credit leg first.
    expect(() => validateTransfer(pending('t5', [credit('b', 100n), debit('a', 100n)]))).not.toThrow();
    expect(() => validateTransfer(post('t6', 't4'))).not.toThrow();
    expect(() => validateTransfer(post('t7', 't4', 1n))).not.toThrow();
    expect(() => validateTransfer(voided('t8', 't4'))).not.toThrow();
    expect(() => validateTransfer(expired('t9', 't4'))).not.toThrow();
  });

  it('refuses fewer than two legs', () => {
    expect(refusal(() => validateTransfer(posted('t', []))).reason).toMatch(/two legs/);
    expect(refusal(() => validateTransfer(posted('t', [debit('a', 100n)]))).reason).toMatch(/two legs/);
    expect(refusal(() => validateTransfer(pending('t', [credit('a', 100n)]))).reason).toMatch(/two legs/);
  });

  it('refuses a leg of zero or a negative amount', () => {
    expect(refusal(() => validateTransfer(posted('t', [debit('a', 0n), credit('b', 0n)]))).reason).toMatch(/positive/);
    // Balanced overall, but one leg is negative.
    expect(refusal(() => validateTransfer(posted('t', [debit('a', 100n), credit('b', 150n), credit('c', -50n)]))).reason).toMatch(/positive/);
    expect(refusal(() => validateTransfer(move('t', 'X', 'a', 'b', -5n))).reason).toMatch(/positive/);
    expect(refusal(() => validateTransfer(reserve('t', 'X', 'a', 'b', 0n))).reason).toMatch(/positive/);
  });

  it('refuses unbalanced legs', () => {
    const error = refusal(() => validateTransfer(posted('t', [debit('a', 100n), credit('b', 99n)])));
    expect(error.reason).toMatch(/differ by 1 fen/);
    expect(error.transferId).toBe('t');
    expect(error.message).toContain('t');
    expect(refusal(() => validateTransfer(posted('t', [debit('a', 100n), debit('b', 100n)]))).reason).toMatch(/differ/);
  });

  it('refuses a pending transfer that is not one debit and one credit', () => {
    // Two debits can never balance with positive amounts: refused either way.
    refusal(() => validateTransfer(pending('t', [debit('a', 100n), debit('b', 100n)])));
    refusal(() => validateTransfer(pending('t', [credit('a', 100n), credit('b', 100n)])));
    // Balanced, but three legs.
    expect(refusal(() => validateTransfer(pending('t', [debit('a', 100n), credit('b', 60n), credit('c', 40n)]))).reason).toMatch(/one debit leg and one credit leg/);
  });

  it('refuses ids that are empty, too long, or not printable ASCII', () => {
    expect(() => validateTransfer(move('x'.repeat(160), 'X', 'a', 'b', 1n))).not.toThrow();
    expect(() => validateTransfer(move('!~:/-_.', 'X', 'a', 'b', 1n))).not.toThrow();
    for (const id of ['', 'x'.repeat(161), 'has space', 'tab\there', 'line\n', '退款', 'café', 'nul\u0000', 'del\u007f']) {
      expect(refusal(() => validateTransfer(move(id, 'X', 'a', 'b', 1n))).reason, JSON.stringify(id)).toMatch(/printable ASCII/);
      expect(() => validateTransfer(voided(id, 'p'))).toThrow(TransferError);
    }
  });

  it('refuses a post of zero or a negative amount', () => {
    expect(refusal(() => validateTransfer(post('t', 'p', 0n))).reason).toMatch(/void/);
    expect(refusal(() => validateTransfer(post('t', 'p', -1n))).reason).toMatch(/void/);
  });
});

describe('resolutionLegs', () => {
  const reservation = [debit('clearing:redemptions', 100n), credit('payable:merchant:7', 100n)];

  it('posts the whole reservation when no amount is given', () => {
    expect(resolutionLegs(post('p1', 'r1'), reservation)).toEqual(reservation);
  });

  it('posts the whole reservation when the amount equals it', () => {
    expect(resolutionLegs(post('p1', 'r1', 100n), reservation)).toEqual(reservation);
  });

  it('posts part of the reservation on both legs', () => {
    expect(resolutionLegs(post('p1', 'r1', 60n), reservation)).toEqual([debit('clearing:redemptions', 60n), credit('payable:merchant:7', 60n)]);
    // The reservation itself is untouched.
    expect(reservation[0]!.amountFen).toBe(100n);
  });

  it('refuses to post more than was reserved', () => {
    expect(refusal(() => resolutionLegs(post('p1', 'r1', 101n), reservation)).transferId).toBe('p1');
  });

  it('writes no legs for a void or an expiry', () => {
    expect(resolutionLegs(voided('v1', 'r1'), reservation)).toEqual([]);
    expect(resolutionLegs(expired('e1', 'r1'), reservation)).toEqual([]);
  });
});

describe('accountDeltas', () => {
  it('adds a posted transfer to the posted totals', () => {
    const spec = move('t1', 'X', 'a', 'b', 100n);
    const deltas = accountDeltas([{ spec, legs: legsOf(spec), released: [] }]);
    expect(deltas).toEqual(
      new Map([
        ['a', delta({ debitsPosted: 100n })],
        ['b', delta({ creditsPosted: 100n })],
      ]),
    );
  });

  it('adds a pending transfer to the pending totals', () => {
    const spec = reserve('r1', 'X', 'a', 'b', 100n);
    const deltas = accountDeltas([{ spec, legs: legsOf(spec), released: [] }]);
    expect(deltas).toEqual(
      new Map([
        ['a', delta({ debitsPending: 100n })],
        ['b', delta({ creditsPending: 100n })],
      ]),
    );
  });

  it('moves a posted reservation from the pending totals to the posted totals', () => {
    const reserved = [debit('a', 100n), credit('b', 100n)];
    const full = post('p1', 'r1');
    expect(accountDeltas([{ spec: full, legs: resolutionLegs(full, reserved), released: reserved }])).toEqual(
      new Map([
        ['a', delta({ debitsPending: -100n, debitsPosted: 100n })],
        ['b', delta({ creditsPending: -100n, creditsPosted: 100n })],
      ]),
    );
    // A partial post releases the whole reservation and posts only its amount.
    const partial = post('p1', 'r1', 30n);
    expect(accountDeltas([{ spec: partial, legs: resolutionLegs(partial, reserved), released: reserved }])).toEqual(
      new Map([
        ['a', delta({ debitsPending: -100n, debitsPosted: 30n })],
        ['b', delta({ creditsPending: -100n, creditsPosted: 30n })],
      ]),
    );
  });

  it('releases a voided or expired reservation from the pending totals', () => {
    const reserved = [debit('a', 100n), credit('b', 100n)];
    for (const spec of [voided('v1', 'r1'), expired('e1', 'r1')]) {
      expect(accountDeltas([{ spec, legs: resolutionLegs(spec, reserved), released: reserved }])).toEqual(
        new Map([
          ['a', delta({ debitsPending: -100n })],
          ['b', delta({ creditsPending: -100n })],
        ]),
      );
    }
  });

  it('nets a reservation and its post in the same batch', () => {
    const spec = reserve('r1', 'X', 'a', 'b', 100n);
    const reserved = legsOf(spec);
    const resolve = post('p1', 'r1', 40n);
    expect(
      accountDeltas([
        { spec, legs: reserved, released: [] },
        { spec: resolve, legs: resolutionLegs(resolve, reserved), released: reserved },
      ]),
    ).toEqual(
      new Map([
        ['a', delta({ debitsPosted: 40n })],
        ['b', delta({ creditsPosted: 40n })],
      ]),
    );
  });

  it('sums many transfers to a hot account into one entry', () => {
    // Seeded xorshift32 amounts and source accounts.
    let x = 2_463_534_242;
    const nextInt = () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return x >>> 0;
    };
    const batch: { spec: TransferSpec; legs: Leg[]; released: Leg[] }[] = [];
    let sum = 0n;
    const bySource = new Map<string, bigint>();
    for (let i = 0; i < 1000; i += 1) {
      const amount = BigInt(1 + (nextInt() % 100_000));
      const source = `funding:brand:${nextInt() % 20}`;
      const spec = move(`t${i}`, 'X', source, 'clearing:redemptions', amount);
      batch.push({ spec, legs: [debit(source, amount), credit('clearing:redemptions', amount)], released: [] });
      sum += amount;
      bySource.set(source, (bySource.get(source) ?? 0n) + amount);
    }
    const deltas = accountDeltas(batch);
    expect(deltas.size).toBe(bySource.size + 1);
    expect(deltas.get('clearing:redemptions')).toEqual(delta({ creditsPosted: sum }));
    for (const [source, amount] of bySource) expect(deltas.get(source)).toEqual(delta({ debitsPosted: amount }));
    // Every debit matches a credit.
    let debits = 0n;
    let credits = 0n;
    for (const d of deltas.values()) {
      debits += d.debitsPosted;
      credits += d.creditsPosted;
    }
    expect(debits).toBe(credits);
  });

  it('gives an empty map for no transfers', () => {
    expect(accountDeltas([]).size).toBe(0);
  });
});

describe('fingerprintOf', () => {
  const fp = (spec: TransferSpec, legs: Leg[] = legsOf(spec)) => fingerprintOf(spec, legs);

  it('is the same for the same content whatever the id', () => {
    const a = move('first', 'SPLIT', 'a', 'b', 100n, { ref: 'r1' });
    const b = move('second', 'SPLIT', 'a', 'b', 100n, { ref: 'r1' });
    expect(fp(a)).toBe(fp(b));
    expect(fp(a)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('differs when the amount, an account, a side, the kind, the code or the ref differs', () => {
    const base = fp(move('t', 'SPLIT', 'a', 'b', 100n, { ref: 'r1' }));
    const others = [
      fp(move('t', 'SPLIT', 'a', 'b', 101n, { ref: 'r1' })),
      fp(move('t', 'SPLIT', 'a', 'c', 100n, { ref: 'r1' })),
      fp(move('t', 'SPLIT', 'c', 'b', 100n, { ref: 'r1' })),
      fp(move('t', 'SPLIT', 'b', 'a', 100n, { ref: 'r1' })),
      fp(reserve('t', 'SPLIT', 'a', 'b', 100n, { ref: 'r1' })),
      fp(move('t', 'REFUND', 'a', 'b', 100n, { ref: 'r1' })),
      fp(move('t', 'SPLIT', 'a', 'b', 100n, { ref: 'r2' })),
      fp(move('t', 'SPLIT', 'a', 'b', 100n)),
    ];
    for (const other of others) expect(other).not.toBe(base);
    expect(new Set(others).size).toBe(others.length);
  });

  it('tells apart reservations with different timeouts', () => {
    const a = reserve('t', 'X', 'a', 'b', 100n, { timeoutAt: new Date('2026-12-01T00:00:00Z') });
    const b = reserve('t', 'X', 'a', 'b', 100n, { timeoutAt: new Date('2026-12-02T00:00:00Z') });
    const c = reserve('t', 'X', 'a', 'b', 100n);
    expect(fp(a)).not.toBe(fp(b));
    expect(fp(a)).not.toBe(fp(c));
    expect(fp(a)).toBe(fp(reserve('other', 'X', 'a', 'b', 100n, { timeoutAt: new Date('2026-12-01T00:00:00Z') })));
  });

  it('tells apart resolutions of different reservations, kinds and amounts', () => {
    const reserved = [debit('a', 100n), credit('b', 100n)];
    const full = fp(post('p', 'r1'), resolutionLegs(post('p', 'r1'), reserved));
    expect(fp(post('q', 'r1', 100n), resolutionLegs(post('q', 'r1', 100n), reserved))).toBe(full);
    expect(fp(post('p', 'r1', 60n), resolutionLegs(post('p', 'r1', 60n), reserved))).not.toBe(full);
    expect(fp(post('p', 'r2'), resolutionLegs(post('p', 'r2'), reserved))).not.toBe(full);
    expect(fp(voided('p', 'r1'), [])).not.toBe(fp(expired('p', 'r1'), []));
    expect(fp(voided('p', 'r1'), [])).not.toBe(fp(voided('p', 'r2'), []));
  });
});
