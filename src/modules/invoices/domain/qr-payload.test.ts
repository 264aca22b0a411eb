import { describe, it, expect } from 'vitest';
import { parseInvoiceQr } from './qr-payload.js';

const DIGITAL_QR = '01,32,,25432000000031411143,655.00,20250311,,19E3';
const LEGACY_QR = '01,10,050003523456,29342181,104.72,20180613,02418567008427471889,1774,';
const PAPER_QR = '01,04,1100174320,40184419,329.25,20180512,82190984023325258452,8E15,';

const DIGITAL = {
  ok: true,
  version: '01',
  typeCode: '32',
  typeName: '电子发票（普通发票）',
  code: null,
  number: '25432000000031411143',
  amountFen: 65_500n,
  amountIncludesTax: true,
  issueDate: '2025-03-11',
  checkCode: null,
  random: '19E3',
  kind: 'DIGITAL',
} as const;

const LEGACY = {
  ok: true,
  version: '01',
  typeCode: '10',
  typeName: '增值税电子普通发票',
  code: '050003523456',
  number: '29342181',
  amountFen: 10_472n,
  amountIncludesTax: false,
  issueDate: '2018-06-13',
  checkCode: '02418567008427471889',
  random: '1774',
  kind: 'LEGACY',
} as const;

function withFullWidthCommas(text: string): string {
  return text.replaceAll(',', '，');
}

describe('parseInvoiceQr: real payloads', () => {
  it('reads a 数电普票 (region 43 湖南): tax-inclusive amount, no code, no check code', () => {
    expect(parseInvoiceQr(DIGITAL_QR)).toEqual(DIGITAL);
  });

  it('reads an old 电子普票: tax-exclusive amount, 12-digit code, check code, trailing comma', () => {
    expect(parseInvoiceQr(LEGACY_QR)).toEqual(LEGACY);
  });

  it('reads an old paper 普票 with a 10-digit code', () => {
    expect(parseInvoiceQr(PAPER_QR)).toEqual({
      ok: true,
      version: '01',
      typeCode: '04',
      typeName: '增值税普通发票',
      code: '1100174320',
      number: '40184419',
      amountFen: 32_925n,
      amountIncludesTax: false,
      issueDate: '2018-05-12',
      checkCode: '82190984023325258452',
      random: '8E15',
      kind: 'LEGACY',
    });
  });

  it('reads the same payloads with full-width commas', () => {
    expect(parseInvoiceQr(withFullWidthCommas(DIGITAL_QR))).toEqual(DIGITAL);
    expect(parseInvoiceQr(withFullWidthCommas(LEGACY_QR))).toEqual(LEGACY);
    expect(parseInvoiceQr('01，32,,25432000000031411143，655.00,20250311，,19E3')).toEqual(DIGITAL);
  });

  it('ignores surrounding whitespace and newlines, and a trailing comma', () => {
    expect(parseInvoiceQr(`  \n${DIGITAL_QR}\r\n`)).toEqual(DIGITAL);
    expect(parseInvoiceQr(`${DIGITAL_QR},`)).toEqual(DIGITAL);
    expect(parseInvoiceQr(`\t${LEGACY_QR}\n`)).toEqual(LEGACY);
    expect(parseInvoiceQr(LEGACY_QR.slice(0, -1))).toEqual(LEGACY);
  });

  it('reads full-width digits as ASCII', () => {
    expect(parseInvoiceQr('０１，３２，，２５４３２０００００００３１４１１１４３，６５５．００，２０２５０３１１，，19E3')).toEqual(DIGITAL);
  });
});

describe('parseInvoiceQr: amounts', () => {
  it.each([
    ['655.001', 'three decimals'],
    ['6.55e2', 'exponent'],
    ['655,00', 'decimal comma (splits the fields)'],
    ['', 'empty'],
    ['abc', 'letters'],
    ['.50', 'no integer part'],
  ])('rejects %j (%s)', (amount) => {
    const result = parseInvoiceQr(`01,32,,25432000000031411143,${amount},20250311,,19E3`);
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ problem: amount === '655,00' ? 'FORMAT' : 'AMOUNT' });
  });

  it.each(['0.00', '0', '-655.00'])('rejects the non-positive amount %j', (amount) => {
    expect(parseInvoiceQr(`01,32,,25432000000031411143,${amount},20250311,,19E3`)).toMatchObject({ ok: false, problem: 'AMOUNT' });
  });

  it('parses amounts exactly, including ones floats get wrong', () => {
    const amounts: ReadonlyArray<readonly [string, bigint]> = [
      ['0.01', 1n],
      ['19.99', 1_999n],
      ['1.1', 110n],
      ['7', 700n],
      ['1234567.89', 123_456_789n],
      ['999999999999999.99', 99_999_999_999_999_999n],
    ];
    for (const [text, fen] of amounts) {
      expect(parseInvoiceQr(`01,32,,25432000000031411143,${text},20250311,,19E3`), text).toMatchObject({ ok: true, amountFen: fen });
    }
  });
});

describe('parseInvoiceQr: dates', () => {
  it.each(['20250230', '20250431', '20230229', '20251301', '20250001', '2025031', '2025-03-11', ''])('rejects %j', (date) => {
    expect(parseInvoiceQr(`01,32,,25432000000031411143,655.00,${date},,19E3`)).toMatchObject({ ok: false, problem: 'DATE' });
  });

  it('accepts 29 February in a leap year', () => {
    expect(parseInvoiceQr('01,32,,24312000000136634917,10.00,20240229,,ABCD')).toMatchObject({ ok: true, issueDate: '2024-02-29' });
  });

  it('rejects an issue date after today when today is given', () => {
    expect(parseInvoiceQr(DIGITAL_QR, { today: '2025-03-11' })).toEqual(DIGITAL);
    expect(parseInvoiceQr(DIGITAL_QR, { today: '2025-03-10' })).toMatchObject({ ok: false, problem: 'DATE' });
    expect(() => parseInvoiceQr(DIGITAL_QR, { today: '2025-3-10' })).toThrow(RangeError);
  });

  it('rejects a 数电 number from a year after the issue date', () => {
    expect(parseInvoiceQr('01,32,,26337904450900255091,10.00,20251231,,ABCD')).toMatchObject({ ok: false, problem: 'NUMBER' });
    expect(parseInvoiceQr('01,32,,26337904450900255091,10.00,20260101,,ABCD')).toMatchObject({ ok: true, kind: 'DIGITAL' });
  });
});

describe('parseInvoiceQr: structure', () => {
  it.each([
    ['', 'empty'],
    ['01,32,,25432000000031411143,655.00,20250311,', 'seven fields'],
    ['01,32,,25432000000031411143,655.00,20250311,,19E3,,', 'two trailing commas'],
    ['01,32,,25432000000031411143,655.00,20250311,,19E3,extra', 'nine fields'],
    ['https://example.com/invoice?id=1', 'a URL'],
  ])('rejects %j (%s) as FORMAT', (text) => {
    expect(parseInvoiceQr(text)).toMatchObject({ ok: false, problem: 'FORMAT' });
  });

  it('rejects a version that is not two digits', () => {
    expect(parseInvoiceQr('1,32,,25432000000031411143,655.00,20250311,,19E3')).toMatchObject({ ok: false, problem: 'VERSION' });
  });

  it('rejects an unknown type', () => {
    expect(parseInvoiceQr('01,99,,25432000000031411143,655.00,20250311,,19E3')).toMatchObject({ ok: false, problem: 'TYPE' });
    expect(parseInvoiceQr('01,,,25432000000031411143,655.00,20250311,,19E3')).toMatchObject({ ok: false, problem: 'TYPE' });
  });

  it.each([
    ['01,32,,2543200000003141114,655.00,20250311,,19E3', 'NUMBER'],
    ['01,32,,2543200000003141114A,655.00,20250311,,19E3', 'NUMBER'],
    ['01,32,,25002000000031411143,655.00,20250311,,19E3', 'NUMBER'],
    ['01,32,,29342181,655.00,20250311,,19E3', 'NUMBER'],
    ['01,51,050003523456,25359134169000052039,655.00,20250311,,19E3', 'CODE'],
    ['01,10,,29342181,104.72,20180613,02418567008427471889,1774', 'CODE'],
    ['01,10,05000352345,29342181,104.72,20180613,02418567008427471889,1774', 'CODE'],
    ['01,10,000003523456,29342181,104.72,20180613,02418567008427471889,1774', 'CODE'],
    ['01,10,050003523456,2934218,104.72,20180613,02418567008427471889,1774', 'NUMBER'],
    ['01,10,050003523456,25432000000031411143,104.72,20180613,02418567008427471889,1774', 'NUMBER'],
    ['01,10,050003523456,29342181,104.72,20180613,0241856700842747188,1774', 'CHECK_CODE'],
    ['01,32,,25432000000031411143,655.00,20250311,ABC,19E3', 'CHECK_CODE'],
    ['01,32,050003523456,29342181,655.00,20250311,,19E3', 'UNSUPPORTED'],
  ])('rejects %j as %s', (text, problem) => {
    expect(parseInvoiceQr(text)).toMatchObject({ ok: false, problem });
  });

  it('gives a message with every rejection', () => {
    const result = parseInvoiceQr('01,32,,25432000000031411143,655.001,20250311,,19E3');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain('655.001');
  });

  it('reads railway and air tickets as 数电', () => {
    expect(parseInvoiceQr('01,51,,25359134169000052039,52.50,20250101,,0A1B')).toMatchObject({
      ok: true,
      kind: 'DIGITAL',
      typeName: '电子发票（铁路电子客票）',
      amountFen: 5_250n,
      amountIncludesTax: true,
      code: null,
    });
    expect(parseInvoiceQr('01,61,,25448000000000000001,1200.00,20250101,,0A1B')).toMatchObject({ ok: true, kind: 'DIGITAL' });
  });

  it('reads a 专票 without a check code', () => {
    expect(parseInvoiceQr('01,01,1100174120,40184419,329.25,20180512,,8E15')).toMatchObject({
      ok: true,
      kind: 'LEGACY',
      checkCode: null,
      amountIncludesTax: false,
    });
  });
});
