import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { creditCodeValid } from '../domain/credit-code.js';
import { findInvoiceFields, skewOf, type OcrLine } from './ocr-fields.js';

/**
 * The label finder on lines that PP-OCR really recognised (recorded by scripts/record-ocr-lines.ts from the
 * real-invoice corpus: file 13, a legacy invoice with the party blocks stacked; file 08's page 1, a 数电 invoice with
 * them side by side), and on lines written here for the cases the corpus does not show.
 */
const FIXTURES = path.resolve(import.meta.dirname, '../../../../test/fixtures/ocr');
const TODAY = '2026-12-03';

function recorded(name: string): OcrLine[] {
  return (JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8')) as { lines: OcrLine[] }).lines;
}

/** A line at (x, y), `width` wide, 20 px high. */
function line(text: string, x: number, y: number, width = text.length * 18): OcrLine {
  return {
    text,
    box: [
      [x, y],
      [x + width, y],
      [x + width, y + 20],
      [x, y + 20],
    ],
  };
}

describe('findInvoiceFields on recognised lines of real invoices', () => {
  it('reads every field of legacy invoice 13 (a screenshot), the buyer being the upper block', () => {
    expect(findInvoiceFields(recorded('13-png-legacy-gx-screenshot-2022.lines.json'), TODAY)).toEqual({
      code: '045001900111',
      number: '58279940',
      checkCode: '77838650584013657784',
      issueDate: '2022-09-07',
      amountWithTax: '1992.00',
      amountWithoutTax: '1762.83',
      tax: '229.17',
      buyerName: '南宁市仁德房地产开发有限责任公司来宾分公司',
      buyerTaxId: '9145130071885913X1',
      sellerName: '沃尔玛（广西）商业零售有限公司来宾桂中大道分店',
      sellerTaxId: '914513000865119949',
    });
  });

  it('reads every field of 数电 invoice 08 (page 1 drawn), the buyer being the left block of one merged row', () => {
    expect(findInvoiceFields(recorded('08-pdf-shudian-special-sh-2025.page1.lines.json'), TODAY)).toEqual({
      number: '25317000002228021821',
      issueDate: '2025-10-20',
      amountWithTax: '35559.69',
      amountWithoutTax: '31468.75',
      tax: '4090.94',
      buyerName: '龙腾半导体股份有限公司',
      buyerTaxId: '91610132688983884K',
      sellerName: '上海积塔半导体有限公司',
      sellerTaxId: '91310115MA1H9HD02E',
    });
  });
});

describe('findInvoiceFields', () => {
  it('takes the upper, then the left, block as the buyer when no 购买方/销售方 heading was read', () => {
    const stacked = [line('名 称：甲有限公司', 100, 200), line('纳税人识别号：91110000000000000E', 100, 230), line('名 称：乙商店', 100, 700), line('纳税人识别号：92110000000000000B', 100, 730)];
    expect(findInvoiceFields(stacked, TODAY)).toMatchObject({ buyerName: '甲有限公司', buyerTaxId: '91110000000000000E', sellerName: '乙商店', sellerTaxId: '92110000000000000B' });
    const sideBySide = [line('名称：乙商店', 700, 200), line('名称：甲有限公司', 100, 202)];
    expect(findInvoiceFields(sideBySide, TODAY)).toMatchObject({ buyerName: '甲有限公司', sellerName: '乙商店' });
  });

  it('assigns a lone name by the nearest heading, and none without headings', () => {
    const lone = [line('购买方', 20, 240, 30), line('销售方', 20, 740, 30), line('名称：乙商店', 100, 720)];
    const fields = findInvoiceFields(lone, TODAY);
    expect(fields.sellerName).toBe('乙商店');
    expect(fields.buyerName).toBeUndefined();
    expect(findInvoiceFields([line('名称：乙商店', 100, 720)], TODAY).sellerName).toBeUndefined();
  });

  it('takes a value from the next piece when the label stands alone, and ignores stray colons', () => {
    const fields = findInvoiceFields([line('名称： 甲有限公司 密', 100, 200, 600), line('纳税人识别号： ：91110000000000000E 630>1+81', 100, 230, 600), line('名称：乙商店', 100, 700)], TODAY);
    expect(fields).toMatchObject({ buyerName: '甲有限公司', buyerTaxId: '91110000000000000E', sellerName: '乙商店' });
  });

  it('writes the brackets of a name fullwidth, as printed', () => {
    expect(findInvoiceFields([line('名称：甲(广西)有限公司', 100, 200), line('名称：乙商店', 100, 700)], TODAY).buyerName).toBe('甲（广西）有限公司');
  });

  it('reads 价税合计 from the (小写) figure, not the 大写 words, and 合计 as 金额 then 税额', () => {
    const fields = findInvoiceFields([line('合 计 ¥100.00 ¥13.00', 100, 500, 900), line('价税合计(大写) 壹佰壹拾叁圆整 (小写) ¥113.00', 100, 540, 900)], TODAY);
    expect(fields).toMatchObject({ amountWithTax: '113.00', amountWithoutTax: '100.00', tax: '13.00' });
  });

  it('reads a photo\'s V for ¥, and 合计 as the two figures of a line that add up to 价税合计 when its label went unread', () => {
    // As PP-OCR read a photo-like legacy render: 合 alone on its line, the ¥ figures on the next, 小写 as 小分.
    const fields = findInvoiceFields([line('合', 150, 500), line('V7989.44 V1038.63', 880, 530, 270), line('名 作： （小分） V9028.07', 110, 580, 900)], TODAY);
    expect(fields).toMatchObject({ amountWithTax: '9028.07', amountWithoutTax: '7989.44', tax: '1038.63' });
  });

  it('reads 价税合计 from the line marked 小写 before one that shares the 价税合计 label with the 合计 figures', () => {
    // As PP-OCR read a photo-like legacy render: ¥ as $ or V, (小写) cut to (小.
    const fields = findInvoiceFields([line('价税合计（大4） $27946.11 ￥3603.27', 162, 553, 900), line('名 称： 甲物流有限公司 （小 V31549.38', 118, 593, 900)], TODAY);
    expect(fields).toMatchObject({ amountWithTax: '31549.38', amountWithoutTax: '27946.11', tax: '3603.27' });
  });

  it('checks an 18-character tax id by its 统一社会信用代码 check character, and takes a checked one under a misread label', () => {
    const misread = findInvoiceFields([line('名 称：甲有限公司', 100, 200), line('纳税人识别号：91110000000000000A', 100, 230), line('名 称：乙商店', 100, 700), line('纳税人识别号：92110000000000000C', 100, 730)], TODAY);
    expect(misread.buyerTaxId).toBeUndefined();
    expect(misread.sellerTaxId).toBeUndefined();
    const unlabelled = findInvoiceFields([line('名 称：甲有限公司', 100, 200), line('纳税人职9号：91110000000000000E', 100, 230), line('名 称：乙商店', 100, 700), line('纳税人识别号：92110000000000000B', 100, 730)], TODAY);
    expect(unlabelled).toMatchObject({ buyerTaxId: '91110000000000000E', sellerTaxId: '92110000000000000B' });
    expect(creditCodeValid('91310115MA1H9HD02E')).toBe(true);
    expect(creditCodeValid('91310115MA1H9HD02F')).toBe(false);
    expect(creditCodeValid('91310115MA1H9HD0IE')).toBe(false);
  });

  it('deskews a photo by the median slope of its lines before telling the left block from the right', () => {
    // As PP-OCR read a 数电 photo turned about 3° anticlockwise, no 购买方/销售方 heading read: the seller's name,
    // on the right, sits higher than the buyer's on the left.
    const tilted = (text: string, x: number, y: number, width: number): OcrLine => {
      const dy = -Math.round(width * Math.tan((3 * Math.PI) / 180));
      return { text, box: [[x, y], [x + width, y + dy], [x + width, y + dy + 24], [x, y + 24]] };
    };
    const lines = [tilted('名称：乙餐饮有限公司', 679, 250, 283), tilted('名称：个人', 131, 277, 82), tilted('项目名称 规格型号 单位 数量 单价 金额', 108, 420, 1000)];
    expect(skewOf(lines)).toBeCloseTo((-3 * Math.PI) / 180, 2);
    expect(findInvoiceFields(lines, TODAY)).toMatchObject({ buyerName: '个人', sellerName: '乙餐饮有限公司' });
    expect(skewOf([line('名称：甲', 10, 10)])).toBe(0);
  });

  it('places the last piece of a row merged across a gap from the right end of its box', () => {
    // As PP-OCR read a 数电 photo: the seller's id merged with a character of the vertical heading far to the left.
    const lines = [line('名称：乙物流有限公司', 707, 270, 223), line('名称：甲汽车服务有限公司', 141, 272, 262), line('电 统一社会信用代码/纳税人识别号92110000000000000B', 114, 306, 1076), line('统一社会信用代码/纳税人识别号：91110000000000000E', 141, 342, 460)];
    expect(findInvoiceFields(lines, TODAY)).toMatchObject({ buyerTaxId: '91110000000000000E', sellerTaxId: '92110000000000000B' });
  });

  it('finds the number, date and total of an unlabelled print by their look, not a 20-digit run that is no 数电 number', () => {
    const fields = findInvoiceFields([line('99999999999999999999', 10, 10), line('25312000000012345678', 10, 40), line('2025-03-11', 10, 70), line('¥655.00', 10, 100)], TODAY);
    expect(fields).toEqual({ number: '25312000000012345678', issueDate: '2025-03-11', amountWithTax: '655.00' });
  });

  it('leaves out a date that is not a calendar date, and reads nothing from nothing', () => {
    expect(findInvoiceFields([line('开票日期：2025年02月30日', 10, 10)], TODAY).issueDate).toBeUndefined();
    expect(findInvoiceFields([], TODAY)).toEqual({});
  });
});
