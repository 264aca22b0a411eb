import { describe, expect, it } from 'vitest';
import { parseMoney } from '../../../../platform/money/money.js';
import { chineseCapitalAmount } from './chinese-amount.js';

const capital = (amount: string) => chineseCapitalAmount(parseMoney(amount, { allowNegative: true }));

describe('chineseCapitalAmount', () => {
  it('writes the amounts printed on the corpus invoices', () => {
    expect(capital('1992.00')).toBe('壹仟玖佰玖拾贰圆整'); // corpus 13, 广西增值税电子普通发票
    expect(capital('35559.69')).toBe('叁万伍仟伍佰伍拾玖圆陆角玖分'); // corpus 08, 数电专票
  });

  it('follows the 零, 整, 角 and 分 rules', () => {
    expect(capital('0.50')).toBe('伍角');
    expect(capital('0.05')).toBe('伍分');
    expect(capital('0.00')).toBe('零圆整');
    expect(capital('10.05')).toBe('壹拾圆零伍分');
    expect(capital('10.00')).toBe('壹拾圆整');
    expect(capital('10.50')).toBe('壹拾圆伍角');
    expect(capital('1680.32')).toBe('壹仟陆佰捌拾圆叁角贰分');
    expect(capital('1005.00')).toBe('壹仟零伍圆整');
    expect(capital('1010.10')).toBe('壹仟零壹拾圆壹角');
    expect(capital('100000.00')).toBe('壹拾万圆整');
    expect(capital('110000.00')).toBe('壹拾壹万圆整');
    expect(capital('1000100.00')).toBe('壹佰万零壹佰圆整');
    // 万位 0 before a 仟: the rules allow 零 or not; one 零 per zero run, as everywhere else.
    expect(capital('1001000.00')).toBe('壹佰万零壹仟圆整');
    expect(capital('100010000.00')).toBe('壹亿零壹万圆整');
    expect(capital('100000000.00')).toBe('壹亿圆整');
    expect(capital('123456789.01')).toBe('壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖圆零壹分');
    expect(capital('526.00')).toBe('伍佰贰拾陆圆整');
    expect(capital('-11.20')).toBe('负壹拾壹圆贰角');
  });
});
