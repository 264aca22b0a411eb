import { describe, it, expect } from 'vitest';
import { normalizeInvoiceNumber, parseDigitalInvoiceNumber, parseLegacyInvoice } from './invoice-number.js';

const TODAY = '2026-03-15';

describe('normalizeInvoiceNumber', () => {
  it('trims and removes inner spaces, tabs and newlines', () => {
    expect(normalizeInvoiceNumber('  2543 2000 0000 3141 1143\n')).toBe('25432000000031411143');
    expect(normalizeInvoiceNumber('\t2543200000003141\t1143 ')).toBe('25432000000031411143');
  });

  it('folds full-width digits and the ideographic space to ASCII', () => {
    expect(normalizeInvoiceNumber('２５４３２０００００００３１４１１１４３')).toBe('25432000000031411143');
    expect(normalizeInvoiceNumber('２５４３\u3000２０００')).toBe('25432000');
  });

  it('leaves letters and punctuation for the parser to reject', () => {
    expect(normalizeInvoiceNumber('2543-2000')).toBe('2543-2000');
    expect(normalizeInvoiceNumber('ａｂ12')).toBe('ab12');
  });
});

describe('parseDigitalInvoiceNumber', () => {
  it('decodes a real 湖南 number', () => {
    expect(parseDigitalInvoiceNumber('25432000000031411143', TODAY)).toEqual({
      ok: true,
      kind: 'DIGITAL',
      number: '25432000000031411143',
      year: 2025,
      regionCode: '43',
      regionName: '湖南',
      channel: 'normal',
      sequence: '000000031411143',
    });
  });

  it.each([
    ['24312000000136634917', 2024, '31', '上海', 'normal'],
    ['25327000001739485410', 2025, '32', '江苏', 'normal'],
    ['26337904450900255091', 2026, '33', '浙江', 'normal'],
    ['25359134169000052039', 2025, '35', '福建', 'railway'],
  ] as const)('decodes the real number %s', (number, year, regionCode, regionName, channel) => {
    const result = parseDigitalInvoiceNumber(number, TODAY);
    expect(result).toMatchObject({ ok: true, kind: 'DIGITAL', number, year, regionCode, regionName, channel });
    expect(result.ok && result.sequence).toBe(number.slice(5));
  });

  it('maps digit 5 = 8 to the air itinerary channel', () => {
    expect(parseDigitalInvoiceNumber('25448000000000000001', TODAY)).toMatchObject({ ok: true, channel: 'air_itinerary' });
  });

  it('accepts the number as typed, with spaces or full-width digits', () => {
    expect(parseDigitalInvoiceNumber(' 2543 2000 0000 3141 1143 ', TODAY)).toMatchObject({ ok: true, number: '25432000000031411143' });
    expect(parseDigitalInvoiceNumber('２５４３２０００００００３１４１１１４３', TODAY)).toMatchObject({
      ok: true,
      number: '25432000000031411143',
    });
  });

  it.each(['2543200000003141114', '254320000000314111430', '', '12345678'])('rejects %j for its length', (number) => {
    const result = parseDigitalInvoiceNumber(number, TODAY);
    expect(result).toMatchObject({ ok: false, problem: 'LENGTH', field: 'number' });
    expect(!result.ok && result.message_zh).toContain('发票号码应为20位数字');
    expect(!result.ok && result.message_zh).toContain(`当前为${number.length}位`);
    expect(!result.ok && result.message_en).toMatch(/20 digits/);
  });

  it.each(['2543200000003141114A', '25432000-00031411143', 'abcdefghijklmnopqrst', '2543200000003141114３x'])(
    'rejects %j for non-digits',
    (number) => {
      const result = parseDigitalInvoiceNumber(number, TODAY);
      expect(result).toMatchObject({ ok: false, problem: 'NOT_DIGITS', message_zh: '发票号码只能包含数字' });
    },
  );

  it('rejects a region that is not a province', () => {
    for (const number of ['25002000000031411143', '25992000000031411143', '25812000000031411143', '25712000000031411143']) {
      const result = parseDigitalInvoiceNumber(number, TODAY);
      expect(result, number).toMatchObject({ ok: false, problem: 'REGION', field: 'number' });
      expect(!result.ok && result.message_zh).toContain(`“${number.slice(2, 4)}”`);
    }
  });

  it('rejects a year after the year of today', () => {
    expect(parseDigitalInvoiceNumber('27432000000031411143', TODAY)).toMatchObject({ ok: false, problem: 'YEAR' });
    expect(parseDigitalInvoiceNumber('26337904450900255091', '2025-12-31')).toMatchObject({ ok: false, problem: 'YEAR' });
    expect(parseDigitalInvoiceNumber('26337904450900255091', '2026-01-01')).toMatchObject({ ok: true, year: 2026 });
  });

  it('rejects years before 数电 invoices existed (2021)', () => {
    expect(parseDigitalInvoiceNumber('21432000000031411143', TODAY)).toMatchObject({ ok: true, year: 2021 });
    const early = parseDigitalInvoiceNumber('20432000000031411143', TODAY);
    expect(early).toMatchObject({ ok: false, problem: 'YEAR' });
    expect(!early.ok && early.message_zh).toContain('“20”');
    expect(parseDigitalInvoiceNumber('00432000000031411143', TODAY)).toMatchObject({ ok: false, problem: 'YEAR' });
  });

  it('checks the year before the region', () => {
    expect(parseDigitalInvoiceNumber('29002000000031411143', TODAY)).toMatchObject({ ok: false, problem: 'YEAR' });
  });

  it.each(['2026-02-30', '2026/03/15', ''])('throws on a malformed today %j', (today) => {
    expect(() => parseDigitalInvoiceNumber('25432000000031411143', today)).toThrow(RangeError);
  });
});

describe('parseLegacyInvoice', () => {
  it('decodes a 12-digit e-invoice code with its check code', () => {
    expect(
      parseLegacyInvoice({ code: '050003523456', number: '29342181', checkCode: '02418567008427471889' }),
    ).toEqual({
      ok: true,
      kind: 'LEGACY',
      code: '050003523456',
      number: '29342181',
      checkCode: '02418567008427471889',
      year: 2035,
      regionCode: '50',
      regionName: '重庆',
      codeCategory: null,
    });
  });

  it('decodes the kind of a well-formed 12-digit code', () => {
    expect(parseLegacyInvoice({ code: '044031900111', number: '12345678' })).toMatchObject({
      ok: true,
      year: 2019,
      regionCode: '44',
      regionName: '广东',
      codeCategory: '电子普票',
      checkCode: null,
    });
  });

  it('decodes a 10-digit paper code', () => {
    expect(parseLegacyInvoice({ code: '1100174320', number: '40184419', checkCode: '82190984023325258452' })).toEqual({
      ok: true,
      kind: 'LEGACY',
      code: '1100174320',
      number: '40184419',
      checkCode: '82190984023325258452',
      year: 2017,
      regionCode: '11',
      regionName: '北京',
      codeCategory: '普票',
    });
  });

  it('treats an empty or null check code as absent (专票)', () => {
    expect(parseLegacyInvoice({ code: '1100174320', number: '40184419', checkCode: '' })).toMatchObject({ ok: true, checkCode: null });
    expect(parseLegacyInvoice({ code: '1100174320', number: '40184419', checkCode: null })).toMatchObject({ ok: true, checkCode: null });
  });

  it('normalizes full-width digits and spaces in all three fields', () => {
    expect(
      parseLegacyInvoice({ code: ' ０５０００３５２３４５６ ', number: '2934 2181', checkCode: '02418 56700 84274 71889' }),
    ).toMatchObject({ ok: true, code: '050003523456', number: '29342181', checkCode: '02418567008427471889' });
  });

  it.each([
    [{ code: '05000352345', number: '29342181' }, 'LENGTH', 'code', '发票代码应为10或12位数字，当前为11位'],
    [{ code: '0500035234567', number: '29342181' }, 'LENGTH', 'code', '发票代码应为10或12位数字，当前为13位'],
    [{ code: '05000352345X', number: '29342181' }, 'NOT_DIGITS', 'code', '发票代码只能包含数字'],
    [{ code: '050003523456', number: '2934218' }, 'LENGTH', 'number', '发票号码应为8位数字，当前为7位'],
    [{ code: '050003523456', number: '25432000000031411143' }, 'LENGTH', 'number', '发票号码应为8位数字，当前为20位'],
    [{ code: '050003523456', number: '2934218O' }, 'NOT_DIGITS', 'number', '发票号码只能包含数字'],
    [{ code: '050003523456', number: '29342181', checkCode: '0241856700842747188' }, 'LENGTH', 'checkCode', '校验码应为20位数字，当前为19位'],
    [{ code: '050003523456', number: '29342181', checkCode: '0241856700842747188a' }, 'NOT_DIGITS', 'checkCode', '校验码只能包含数字'],
    [{ code: '000003523456', number: '29342181' }, 'REGION', 'code', '发票代码中的地区代码“00”不正确'],
    [{ code: '9900174320', number: '40184419' }, 'REGION', 'code', '发票代码中的地区代码“99”不正确'],
  ] as const)('rejects %j', (input, problem, field, message_zh) => {
    expect(parseLegacyInvoice(input)).toMatchObject({ ok: false, problem, field, message_zh });
  });

  it('checks the code year only when today is given', () => {
    expect(parseLegacyInvoice({ code: '050003523456', number: '29342181' })).toMatchObject({ ok: true, year: 2035 });
    expect(parseLegacyInvoice({ code: '050003523456', number: '29342181' }, TODAY)).toMatchObject({
      ok: false,
      problem: 'YEAR',
      field: 'code',
    });
    expect(parseLegacyInvoice({ code: '1100174320', number: '40184419' }, TODAY)).toMatchObject({ ok: true, year: 2017 });
    expect(parseLegacyInvoice({ code: '1100264320', number: '40184419' }, TODAY)).toMatchObject({ ok: true, year: 2026 });
    expect(parseLegacyInvoice({ code: '1100274320', number: '40184419' }, TODAY)).toMatchObject({ ok: false, problem: 'YEAR' });
  });
});
