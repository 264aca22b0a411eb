import { describe, expect, it } from 'vitest';
import { checkPersonName } from './person-name.js';

describe('checkPersonName', () => {
  it.each([
    ['张三', '张三'],
    ['欧阳娜娜', '欧阳娜娜'],
    ['买买提·艾力', '买买提·艾力'],
    ['爱新觉罗·溥仪', '爱新觉罗·溥仪'],
    ['John Smith', 'John Smith'],
    ['JOHN SMITH', 'JOHN SMITH'],
    ['  王五\t', '王五'],
    ['Mary  Ann   Lee', 'Mary Ann Lee'],
    // U+3400 and U+4DB5 (Extension A) and U+9FA5 (the end of the original block).
    ['\u3400\u4DB5', '\u3400\u4DB5'],
    ['张\u9FA5', '张\u9FA5'],
  ])('accepts %j as %j', (input, normalized) => {
    expect(checkPersonName(input)).toEqual({ ok: true, normalized });
  });

  it.each([
    ['a bullet', '买买提•艾力'],
    ['a katakana middle dot', '买买提・艾力'],
    ['a half-width katakana middle dot', '买买提･艾力'],
    ['a hyphenation point', '买买提‧艾力'],
  ])('turns %s between name parts into U+00B7', (_label, input) => {
    expect(checkPersonName(input)).toEqual({ ok: true, normalized: '买买提\u00B7艾力' });
  });

  it('accepts exactly 2 and exactly 30 characters', () => {
    expect(checkPersonName('Al').ok).toBe(true);
    expect(checkPersonName('A'.repeat(30)).ok).toBe(true);
    expect(checkPersonName('买'.repeat(14) + '·' + '艾'.repeat(15)).ok).toBe(true);
  });

  it.each([
    ['a digit', '张3'],
    ['one character', 'a'],
    ['one Chinese character', '张'],
    ['31 Latin characters', 'A'.repeat(31)],
    ['31 Chinese characters', '买'.repeat(15) + '·' + '艾'.repeat(15)],
    ['empty', ''],
    ['only spaces', '   '],
    ['Chinese mixed with Latin', '张John'],
    ['Chinese with a space', '张 三'],
    ['a leading middle dot', '·艾力'],
    ['a trailing middle dot', '艾力·'],
    ['two middle dots in a row', '买买提··艾力'],
    ['a middle dot in a Latin name', 'John·Smith'],
    ['an ASCII full stop', '买买提.艾力'],
    ['a hyphen', 'Jean-Luc Picard'],
    ['an apostrophe', "O'Brien"],
    ['accented letters', 'José Ruiz'],
    ['a full-width letter', 'Ｊｏｈｎ'],
    ['Chinese punctuation', '张三。'],
    ['a Hangul name', '김철수'],
    ['an emoji', '张三😀'],
    ['an Extension B character', '张\u{20000}'],
  ])('rejects %s', (_label, input) => {
    expect(checkPersonName(input)).toEqual({ ok: false, reason: 'NAME_FORMAT' });
  });
});
