import { describe, expect, it } from 'vitest';
import { outcomeFromTencentCode, type FourFactorOutcome } from './verifier.js';

describe('outcomeFromTencentCode', () => {
  // Every documented Tencent FaceId BankCard4EVerification Result code, written out so that a change to the
  // mapping has to change this table too.
  const documented: ReadonlyArray<readonly [string, FourFactorOutcome]> = [
    ['0', 'MATCH'],
    ['-1', 'MISMATCH'],
    ['-2', 'MISMATCH'],
    ['-3', 'MISMATCH'],
    ['-4', 'CARD_PROBLEM'],
    ['-5', 'MISMATCH'],
    ['-6', 'CARD_PROBLEM'],
    ['-7', 'CARD_PROBLEM'],
    ['-8', 'CARD_PROBLEM'],
    ['-9', 'CARD_PROBLEM'],
    ['-10', 'CARD_PROBLEM'],
    ['-11', 'CARD_PROBLEM'],
    ['-12', 'CARD_PROBLEM'],
    ['-13', 'CARD_PROBLEM'],
    ['-14', 'CARD_PROBLEM'],
    ['-15', 'CARD_PROBLEM'],
    ['-16', 'CARD_PROBLEM'],
    ['-17', 'CARD_PROBLEM'],
    ['-18', 'UNAVAILABLE'],
    ['-19', 'UNAVAILABLE'],
    ['-20', 'UNSUPPORTED'],
    ['-21', 'CARD_PROBLEM'],
  ];

  it.each(documented)('maps %s to %s', (code, outcome) => {
    expect(outcomeFromTencentCode(code)).toBe(outcome);
  });

  it.each([['1'], ['-22'], ['00'], [' 0'], ['0 '], ['+0'], ['-0'], [''], ['MATCH'], ['toString'], ['__proto__']])(
    'treats the unknown code %j as UNAVAILABLE, never as a match',
    (code) => {
      expect(outcomeFromTencentCode(code)).toBe('UNAVAILABLE');
    },
  );
});
