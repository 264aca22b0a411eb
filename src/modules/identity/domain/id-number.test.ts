import { describe, expect, it } from 'vitest';
import { checkIdNumber } from './id-number.js';

const TODAY = new Date('2024-06-15T12:00:00+08:00');

/** Completes 17 digits with their GB 11643 check character, computed here from the rule, not by the module. */
function withCheckChar(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((acc, weight, i) => acc + weight * Number(first17[i]), 0);
  return first17 + '10X98765432'[sum % 11];
}

describe('checkIdNumber: published vectors', () => {
  it('accepts 11010519491231002X (female, born 1949-12-31 in Beijing Chaoyang)', () => {
    expect(checkIdNumber('11010519491231002X', TODAY)).toEqual({
      ok: true,
      normalized: '11010519491231002X',
      birthDate: '1949-12-31',
      sex: 'female',
      regionCode: '110105',
    });
  });

  it('rejects 130503196704010012 on its check digit, and accepts the corrected 130503196704010016 (male)', () => {
    expect(checkIdNumber('130503196704010012', TODAY)).toEqual({ ok: false, reason: 'ID_NUMBER_CHECKSUM' });
    expect(checkIdNumber('130503196704010016', TODAY)).toEqual({
      ok: true,
      normalized: '130503196704010016',
      birthDate: '1967-04-01',
      sex: 'male',
      regionCode: '130503',
    });
  });

  it('rejects 110105194912310029, whose check character should be X', () => {
    expect(checkIdNumber('110105194912310029', TODAY)).toEqual({ ok: false, reason: 'ID_NUMBER_CHECKSUM' });
  });
});

describe('checkIdNumber: normalization', () => {
  it('accepts a lowercase x and returns it uppercase', () => {
    const result = checkIdNumber('11010519491231002x', TODAY);
    expect(result.ok && result.normalized).toBe('11010519491231002X');
  });

  it('trims surrounding whitespace', () => {
    const result = checkIdNumber(' \t130503196704010016\n', TODAY);
    expect(result.ok && result.normalized).toBe('130503196704010016');
  });

  it('reads the sex from the parity of the 17th digit', () => {
    const male = checkIdNumber(withCheckChar('44030519900307123'), TODAY);
    const female = checkIdNumber(withCheckChar('44030519900307124'), TODAY);
    expect(male.ok && male.sex).toBe('male');
    expect(female.ok && female.sex).toBe('female');
  });
});

describe('checkIdNumber: ID_NUMBER_LENGTH', () => {
  it.each([
    ['a 15-digit first-generation number', '110105491231002'],
    ['17 characters', '11010519491231002'],
    ['19 characters', '11010519491231002X0'],
    ['empty', ''],
    ['only whitespace', '   '],
    ['spaces inside the number', '110105 19491231 002X'],
  ])('rejects %s', (_label, input) => {
    expect(checkIdNumber(input, TODAY)).toEqual({ ok: false, reason: 'ID_NUMBER_LENGTH' });
  });
});

describe('checkIdNumber: ID_NUMBER_CHARACTERS', () => {
  it.each([
    ['a letter other than X as check character', '11010519491231002Y'],
    ['X before the last position', '1101051949123100X2'],
    ['a letter in the body', '11010519491231A02X'],
    ['a dash', '110105-1949123100X'],
    ['full-width digits', '１１０１０５１９４９１２３１００２Ｘ'],
  ])('rejects %s', (_label, input) => {
    expect(checkIdNumber(input, TODAY)).toEqual({ ok: false, reason: 'ID_NUMBER_CHARACTERS' });
  });
});

describe('checkIdNumber: ID_NUMBER_REGION', () => {
  it.each(['99', '00', '10', '16', '20', '24', '30', '38', '40', '47', '49', '55', '60', '66', '70', '72', '80', '90'])(
    'rejects province code %s even with a correct check character',
    (province) => {
      expect(checkIdNumber(withCheckChar(`${province}010519491231002`), TODAY)).toEqual({
        ok: false,
        reason: 'ID_NUMBER_REGION',
      });
    },
  );

  it.each(['11', '15', '21', '23', '31', '37', '41', '46', '50', '54', '61', '65', '71', '81', '82'])(
    'accepts province code %s',
    (province) => {
      expect(checkIdNumber(withCheckChar(`${province}010519491231002`), TODAY).ok).toBe(true);
    },
  );
});

describe('checkIdNumber: ID_NUMBER_BIRTH_DATE', () => {
  it('accepts 29 February of a leap year, including the century leap year 2000', () => {
    const leap = checkIdNumber(withCheckChar('31011520040229004'), TODAY);
    const century = checkIdNumber(withCheckChar('31011520000229004'), TODAY);
    expect(leap.ok && leap.birthDate).toBe('2004-02-29');
    expect(century.ok && century.birthDate).toBe('2000-02-29');
  });

  it.each([
    ['29 February 1900 (not a leap year: divisible by 100, not by 400)', '19000229'],
    ['29 February 2023', '20230229'],
    ['31 April', '19900431'],
    ['month 13', '19901301'],
    ['month 00', '19900001'],
    ['day 00', '19900100'],
    ['day 32', '19900132'],
    ['the day before 1900-01-01', '18991231'],
    ['tomorrow', '20240616'],
    ['next year', '20250101'],
  ])('rejects %s even with a correct check character', (_label, yyyymmdd) => {
    expect(checkIdNumber(withCheckChar(`110105${yyyymmdd}002`), TODAY)).toEqual({
      ok: false,
      reason: 'ID_NUMBER_BIRTH_DATE',
    });
  });

  it('accepts the earliest allowed date, 1900-01-01, and a baby born today', () => {
    expect(checkIdNumber(withCheckChar('11010519000101002'), TODAY).ok).toBe(true);
    expect(checkIdNumber(withCheckChar('11010520240615002'), TODAY).ok).toBe(true);
  });

  it('takes "today" as the Asia/Shanghai calendar day', () => {
    // 16:30 UTC on 15 June is already 00:30 on 16 June in Shanghai.
    const lateUtc = new Date('2024-06-15T16:30:00Z');
    const earlyUtc = new Date('2024-06-15T15:30:00Z');
    const bornOn16June = withCheckChar('11010520240616002');
    expect(checkIdNumber(bornOn16June, lateUtc).ok).toBe(true);
    expect(checkIdNumber(bornOn16June, earlyUtc)).toEqual({ ok: false, reason: 'ID_NUMBER_BIRTH_DATE' });
  });
});

describe('checkIdNumber: ID_NUMBER_CHECKSUM', () => {
  it.each(['11010519491231002', '44030519900307123', '65010219850615201', '31011520000229004'])(
    'accepts %s + its computed check character and rejects it with any other',
    (first17) => {
      const right = withCheckChar(first17);
      expect(checkIdNumber(right, TODAY).ok).toBe(true);
      for (const wrong of '0123456789X'.replace(right.slice(-1), '')) {
        expect(checkIdNumber(first17 + wrong, TODAY)).toEqual({ ok: false, reason: 'ID_NUMBER_CHECKSUM' });
      }
    },
  );

  it('catches a single changed digit and two swapped digits', () => {
    expect(checkIdNumber('11010519491231003X', TODAY)).toEqual({ ok: false, reason: 'ID_NUMBER_CHECKSUM' });
    expect(checkIdNumber('11010519491231020X', TODAY)).toEqual({ ok: false, reason: 'ID_NUMBER_CHECKSUM' });
  });
});
