import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { Extraction } from './extraction.js';
import { fromUploadedFile } from './file-extraction.js';
import { DEFAULT_COMPLEXITY_LIMITS } from './files/complexity.js';
import { InvoiceFileError } from './files/errors.js';

const TODAY = '2026-12-03';

/** An OFD whose only invoice data is OFD.xml's CustomDatas (name → value), plus any other entries. */
function ofd(custom: Record<string, string>, entries: Record<string, string> = {}): Buffer {
  const datas = Object.entries(custom)
    .map(([name, value]) => `<ofd:CustomData Name="${name}">${value}</ofd:CustomData>`)
    .join('');
  const ofdXml = `<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" DocType="OFD" Version="1.1"><ofd:DocBody><ofd:DocInfo><ofd:DocID>x</ofd:DocID><ofd:CustomDatas>${datas}</ofd:CustomDatas></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>`;
  return Buffer.from(zipSync({ 'OFD.xml': strToU8(ofdXml), ...Object.fromEntries(Object.entries(entries).map(([path, text]) => [path, strToU8(text)])) }));
}

const read = (bytes: Buffer): Promise<Extraction> => fromUploadedFile(bytes, TODAY, DEFAULT_COMPLEXITY_LIMITS);

const DIGITAL = { 发票号码: '25432000000031411143', 开票日期: '2025年03月11日', 销售方纳税人识别号: '91430100MA4L0XXXXX' };
const LEGACY = { 发票代码: '043002000111', 发票号码: '12345678', 开票日期: '2020年07月23日', 校验码: '12345 67890 12345 67890', 合计金额: '100.00' };

describe('fromUploadedFile on an OFD without the 数电 XML', () => {
  it('数电: the amount is 价税合计, or the sum of 合计金额 and 合计税额 when only those are given, never the pre-tax amount', async () => {
    const summed = await read(ofd({ ...DIGITAL, 合计金额: '648.51', 合计税额: '6.49' }));
    expect(summed).toMatchObject({ ok: true, fields: { kind: 'DIGITAL', amountFen: 65_500n, amountIncludesTax: true, amountWithTaxFen: 65_500n, issueDate: '2025-03-11' } });
    const given = await read(ofd({ ...DIGITAL, 价税合计: '655.00' }));
    expect(given).toMatchObject({ ok: true, fields: { amountFen: 65_500n, amountIncludesTax: true } });
    await expect(read(ofd({ ...DIGITAL, 合计金额: '648.51' }))).rejects.toMatchObject({ reason: 'NO_INVOICE' });
  });

  it('refuses an OFD whose 价税合计 is not 合计金额 + 合计税额', async () => {
    const wrong = await read(ofd({ ...DIGITAL, 合计金额: '648.51', 合计税额: '6.49', 价税合计: '656.00' }));
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.problem.en).toMatch(/sum/);
  });

  it('legacy: code, 8-digit number, check code without its spaces, and 合计金额 (tax excluded) as the amount', async () => {
    const legacy = await read(ofd({ ...LEGACY, 合计税额: '3.00' }));
    expect(legacy).toMatchObject({
      ok: true,
      fields: { kind: 'LEGACY', code: '043002000111', number: '12345678', checkCode: '12345678901234567890', amountFen: 10_000n, amountIncludesTax: false, amountWithTaxFen: 10_300n, issueDate: '2020-07-23' },
      sources: { code: 'ofd', check_code: 'ofd', amount: 'ofd' },
    });
    // A malformed code is the format's problem, told as such.
    expect((await read(ofd({ ...LEGACY, 发票代码: '99' }))).ok).toBe(false);
  });

  it('cross-checks every source: CustomDatas, the eInvoice attachment and its QR text must agree', async () => {
    const attachment = (number: string, graph: string) =>
      `<?xml version="1.0" encoding="utf-8"?><eInvoice xmlns:fp="http://www.edrm.org.cn/schema/e-invoice/2019"><fp:InvoiceCode>043002000111</fp:InvoiceCode><fp:InvoiceNo>${number}</fp:InvoiceNo>` +
      `<fp:Buyer><fp:BuyerName>某某有限公司</fp:BuyerName></fp:Buyer><fp:GraphCode>${graph}</fp:GraphCode></eInvoice>`;
    const qr = '01,10,043002000111,12345678,100.00,20200723,12345678901234567890,0941,';
    const agreeing = await read(ofd(LEGACY, { 'Doc_0/Attachs/original_invoice.xml': attachment('12345678', qr) }));
    expect(agreeing).toMatchObject({ ok: true, fields: { number: '12345678', buyerName: '某某有限公司' } });
    const otherNumber = await read(ofd(LEGACY, { 'Doc_0/Attachs/original_invoice.xml': attachment('12345679', qr) }));
    expect(otherNumber.ok).toBe(false);
    if (!otherNumber.ok) expect(otherNumber.problem.en).toMatch(/invoice number/);
    const otherAmount = await read(ofd(LEGACY, { 'Doc_0/Attachs/original_invoice.xml': attachment('12345678', qr.replace('100.00', '110.00')) }));
    expect(otherAmount.ok).toBe(false);
    if (!otherAmount.ok) expect(otherAmount.problem.en).toMatch(/amount before tax/);
  });

  it('refuses dates and amounts it cannot read exactly', async () => {
    await expect(read(ofd({ ...DIGITAL, 开票日期: '2025年02月30日', 价税合计: '655.00' }))).rejects.toBeInstanceOf(InvoiceFileError);
    await expect(read(ofd({ ...DIGITAL, 价税合计: '655.001' }))).rejects.toMatchObject({ reason: 'NO_INVOICE' });
  });
});
