import { describe, it, expect } from 'vitest';
import { maskBankCard, maskIdNumber, maskName, maskPhone, maskPiiInText, PII_FIELD_MASKS } from './mask.js';

describe('maskPhone', () => {
  it('keeps the first 3 and last 4 digits', () => {
    expect(maskPhone('13800001234')).toBe('138****1234');
  });

  it('ignores formatting characters', () => {
    expect(maskPhone('138-0000-1234')).toBe('138****1234');
  });

  it('masks short values entirely', () => {
    expect(maskPhone('123456')).toBe('******');
    expect(maskPhone('')).toBe('');
  });
});

describe('maskIdNumber', () => {
  it('keeps only the first and last characters of an 18-character ID number', () => {
    const masked = maskIdNumber('11010519491231002X');
    expect(masked).toBe('1****************X');
    expect(masked).toHaveLength(18);
  });

  it('masks single-character values entirely', () => {
    expect(maskIdNumber('7')).toBe('*');
    expect(maskIdNumber('')).toBe('');
  });
});

describe('maskBankCard', () => {
  it('keeps the first 6 and last 4 digits of a 19-digit card, preserving its length', () => {
    const masked = maskBankCard('6228480402564890018');
    expect(masked).toBe('622848*********0018');
    expect(masked).toHaveLength(19);
  });

  it('keeps the first 6 and last 4 digits of a 16-digit card', () => {
    const masked = maskBankCard('6228480402561234');
    expect(masked).toBe('622848******1234');
    expect(masked).toHaveLength(16);
  });

  it('ignores spaces between digit groups', () => {
    expect(maskBankCard('6228 4804 0256 1234')).toBe('622848******1234');
  });

  it('masks values too short to show 10 digits entirely', () => {
    expect(maskBankCard('123456789')).toBe('*********');
  });
});

describe('maskName', () => {
  it('keeps only the first character', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
  });

  it('still hides something for a one-character name', () => {
    expect(maskName('张')).toBe('张*');
  });

  it('counts astral-plane characters as one character', () => {
    expect(maskName('𠮷野家')).toBe('𠮷**');
  });

  it('returns an empty string for a blank name', () => {
    expect(maskName('   ')).toBe('');
  });
});

describe('PII_FIELD_MASKS', () => {
  it('maps personal-data field names to their masks', () => {
    expect(PII_FIELD_MASKS.phone?.('13800001234')).toBe('138****1234');
    expect(PII_FIELD_MASKS.id_number?.('11010519491231002X')).toBe('1****************X');
    expect(PII_FIELD_MASKS.bank_card?.('6228480402561234')).toBe('622848******1234');
    expect(PII_FIELD_MASKS.real_name?.('张三')).toBe('张*');
  });
});

describe('maskPiiInText', () => {
  it('masks a phone number and an ID number inside a URL', () => {
    expect(maskPiiInText('/x?phone=13800001234&id=11010519491231002X')).toBe('/x?phone=138****1234&id=1****************X');
  });

  it('masks a lowercase x check digit too', () => {
    expect(maskPiiInText('id 11010519491231002x')).toBe('id 1****************x');
  });

  it('masks every occurrence in free text', () => {
    expect(maskPiiInText('call 13800001234 or 15912345678.')).toBe('call 138****1234 or 159****5678.');
  });

  it('leaves a 19-digit snowflake id alone', () => {
    const url = '/invoices/7398123456789012345?phone=13800001234';
    expect(maskPiiInText(url)).toBe('/invoices/7398123456789012345?phone=138****1234');
  });

  it('leaves digit runs that are not phone numbers alone', () => {
    // 12 digits (too long), 10 digits (too short), and an 11-digit number not starting 13–19.
    expect(maskPiiInText('a=138000012345 b=1380000123 c=12800001234')).toBe('a=138000012345 b=1380000123 c=12800001234');
  });

  it('does not treat an 18-character run glued to letters as an ID number', () => {
    expect(maskPiiInText('ref=A11010519491231002X')).toBe('ref=A11010519491231002X');
  });

  it('leaves text without personal data unchanged', () => {
    expect(maskPiiInText('GET /healthz 200')).toBe('GET /healthz 200');
  });
});

describe('maskPiiInText and snowflake ids', () => {
  it('leaves 18-digit snowflake ids (the length they have until ~2032) readable', () => {
    expect(maskPiiInText('/invoices/250137857056837632')).toBe('/invoices/250137857056837632');
  });

  it('still masks an 18-character ID number with a valid date and check character', () => {
    expect(maskPiiInText('/x/11010519491231002X')).toBe('/x/1****************X');
  });

  it('does not mask an ID-shaped run whose check character is wrong', () => {
    expect(maskPiiInText('110105194912310021')).toBe('110105194912310021');
  });
});
