import { describe, expect, it } from 'vitest';
import { normalizeMainlandMobile } from './phone.js';

describe('normalizeMainlandMobile', () => {
  it.each([
    ['13800001234', '13800001234'],
    ['+86 138 0000 1234', '13800001234'],
    ['86-138-0000-1234', '13800001234'],
    ['+8613800001234', '13800001234'],
    ['8613800001234', '13800001234'],
    ['  139 1234 5678  ', '13912345678'],
    ['138-0000-1234', '13800001234'],
    ['19912345678', '19912345678'],
  ])('normalizes %j to %s', (input, expected) => {
    expect(normalizeMainlandMobile(input)).toBe(expected);
  });

  it.each([
    ['second digit 2 (no mobile segment)', '12800001234'],
    ['second digit 0', '10800001234'],
    ['ten digits', '1380000123'],
    ['twelve digits', '138000012345'],
    ['landline with area code', '01012345678'],
    ['a plus sign without the country code', '+13800001234'],
    ['another country code', '+85213800001234'],
    ['86 followed by too few digits', '861380000123'],
    ['+86 followed by too many digits', '+86138000012345'],
    ['the country code twice', '+868613800001234'],
    ['letters', '1380000abcd'],
    ['dots as separators', '138.0000.1234'],
    ['parentheses', '(138)00001234'],
    ['full-width digits', '１３８００００１２３４'],
    ['empty', ''],
  ])('rejects %s', (_label, input) => {
    expect(normalizeMainlandMobile(input)).toBeNull();
  });
});
