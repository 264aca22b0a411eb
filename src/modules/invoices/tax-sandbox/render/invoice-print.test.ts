import { describe, expect, it } from 'vitest';
import { printedInvoice } from './invoice-print.js';

describe('printedInvoice', () => {
  it('reads kind, type, code and check code from the QR when not given, and splits the total at 13%', () => {
    const digital = printedInvoice({ qr: '01,32,,25432000000031411143,655.00,20250311,,19E3', number: '25432000000031411143', issueDate: '20250311', totalAmount: '655.00' });
    expect(digital).toMatchObject({
      kind: 'DIGITAL',
      type: 'GENERAL',
      title: '电子发票（普通发票）',
      dateText: '2025年03月11日',
      bureau: '湖南省税务局',
      totalWithoutTax: '579.65',
      totalTax: '75.35',
      totalWithTax: '655.00',
      capital: '陆佰伍拾伍圆整',
    });
    expect(digital.items).toEqual([{ name: '*日用品*商品一批', spec: '', unit: '批', quantity: '1', unitPrice: '579.65', amount: '579.65', taxRate: '13%', tax: '75.35' }]);

    const special = printedInvoice({ qr: '01,31,,25317000002228021821,35559.69,20251020,,58E4', number: '25317000002228021821', issueDate: '2025-10-20', totalAmount: '35559.69', totalWithoutTax: '31468.75' });
    expect(special).toMatchObject({ kind: 'DIGITAL', type: 'SPECIAL', title: '电子发票（增值税专用发票）', bureau: '上海市税务局', totalTax: '4090.94' });

    const legacy = printedInvoice({ qr: '01,10,045001900111,58279940,1762.83,20220907,77838650584013657784,58E7', number: '58279940', issueDate: '2022-09-07', totalAmount: '1992.00', totalTax: '229.17' });
    expect(legacy).toMatchObject({
      kind: 'LEGACY',
      type: 'GENERAL',
      title: '广西增值税电子普通发票',
      bureau: '广西壮族自治区税务局',
      code: '045001900111',
      checkCode: '77838 65058 40136 57784',
      dateText: '2022 年 09 月 07 日',
      totalWithoutTax: '1762.83',
      capital: '壹仟玖佰玖拾贰圆整',
    });
    expect(legacy.cipher).toHaveLength(4);
    for (const line of legacy.cipher) expect(line).toMatch(/^[0-9+\-*/<>]{28}$/);

    const specialInput = { qr: '01,08,032002000113,12345678,100.00,20200101,,ABCD', number: '12345678', issueDate: '2020-01-01', totalAmount: '113.00' };
    expect(printedInvoice(specialInput)).toMatchObject({ kind: 'LEGACY', type: 'SPECIAL', title: '江苏增值税电子专用发票', checkCode: '', totalWithoutTax: '100.00' });
    expect(printedInvoice({ ...specialInput, province: '深圳' }).title).toBe('深圳增值税电子专用发票');
  });

  it('refuses totals that do not add up, bad amounts and bad dates', () => {
    const base = { qr: '01,32,,25432000000031411143,655.00,20250311,,19E3', number: '25432000000031411143', issueDate: '2025-03-11', totalAmount: '655.00' };
    expect(() => printedInvoice({ ...base, totalWithoutTax: '600.00', totalTax: '50.00' })).toThrow(RangeError);
    expect(() => printedInvoice({ ...base, totalAmount: '6.5.5' })).toThrow(RangeError);
    expect(() => printedInvoice({ ...base, issueDate: '11/03/2025' })).toThrow(RangeError);
  });
});
