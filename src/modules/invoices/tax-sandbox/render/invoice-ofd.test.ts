import { XMLParser } from 'fast-xml-parser';
import { strFromU8, unzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKeyPair, renderSignedEInvoiceXml, verifyEInvoiceSignature, type EInvoiceData } from '../../xml/einvoice-xml.js';
import { OFD_ENTRIES, renderInvoiceOfd, type InvoiceOfdInput } from './invoice-ofd.js';

const invoice: EInvoiceData = {
  number: '25432000000031411143',
  issueTime: '2025-03-11T10:00:00+08:00',
  taxBureauCode: '14300000000',
  taxBureauName: '国家税务总局沙箱税务局',
  seller: { taxId: '91430100MA4L7XK9BE', name: '长沙示例商贸有限公司' },
  buyer: { name: '张三 & 李四 <个人>' },
  totalWithoutTaxFen: 64851n,
  totalTaxFen: 649n,
  totalWithTaxFen: 65500n,
  items: [{ name: '*日用品*商品一批', quantity: '1', unitPrice: '648.51', amountFen: 64851n, taxRate: '1%', taxFen: 649n }],
  remark: '第一行\r\n第二行 ]]> &amp;',
};

let keys: { privateKeyHex: string; publicKeyHex: string };
let input: InvoiceOfdInput;

beforeAll(() => {
  keys = generateSigningKeyPair();
  const xml = renderSignedEInvoiceXml(invoice, { privateKeyHex: keys.privateKeyHex, signedAt: new Date('2025-03-11T02:00:00Z') });
  input = {
    xml,
    number: invoice.number,
    issueDate: '2025-03-11',
    totalWithTax: '655.00',
    totalWithoutTax: '648.51',
    totalTax: '6.49',
    sellerTaxId: invoice.seller.taxId,
    sellerName: invoice.seller.name,
    buyerName: invoice.buyer.name,
  };
});

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, isArray: (name) => name === 'ofd:CustomData' });

describe('renderInvoiceOfd', () => {
  it('is a ZIP with the OFD parts', () => {
    const ofd = renderInvoiceOfd(input);
    expect(ofd.subarray(0, 4)).toEqual(Buffer.from('PK\x03\x04', 'latin1'));
    const entries = unzipSync(ofd);
    expect(Object.keys(entries).sort()).toEqual(
      ['OFD.xml', 'Doc_0/Document.xml', 'Doc_0/PublicRes.xml', 'Doc_0/Pages/Page_0/Content.xml', 'Doc_0/Attachs/Attachments.xml', 'Doc_0/Attachs/invoice.xml'].sort(),
    );
    for (const [name, bytes] of Object.entries(entries)) expect(() => parser.parse(strFromU8(bytes)), name).not.toThrow();
  });

  it('embeds the signed XML byte for byte, and its signature still verifies', () => {
    const entries = unzipSync(renderInvoiceOfd(input));
    const embedded = Buffer.from(entries[OFD_ENTRIES.invoiceXml]!);
    expect(embedded.equals(Buffer.from(input.xml, 'utf8'))).toBe(true);
    expect(verifyEInvoiceSignature(embedded, keys.publicKeyHex)).toBe(true);
    // The attachment list points at it (FileLoc is relative to Attachments.xml).
    const list = parser.parse(strFromU8(entries[OFD_ENTRIES.attachments]!));
    const attachment = list['ofd:Attachments']['ofd:Attachment'];
    expect(attachment['ofd:FileLoc']).toBe('invoice.xml');
    expect(attachment['@Format']).toBe('xml');
    expect(Number(attachment['@Size'])).toBeCloseTo(embedded.length / 1024, 2);
    const document = parser.parse(strFromU8(entries[OFD_ENTRIES.document]!));
    expect(document['ofd:Document']['ofd:Attachments']).toBe('Attachs/Attachments.xml');
    expect(document['ofd:Document']['ofd:Pages']['ofd:Page']['@BaseLoc']).toBe('Pages/Page_0/Content.xml');
  });

  it('carries the fields as DocInfo/CustomDatas and points DocRoot at the document', () => {
    const entries = unzipSync(renderInvoiceOfd(input));
    const root = parser.parse(strFromU8(entries['OFD.xml']!));
    const body = root['ofd:OFD']['ofd:DocBody'];
    expect(root['ofd:OFD']['@xmlns:ofd']).toBe('http://www.ofdspec.org/2016');
    expect(body['ofd:DocRoot']).toBe('Doc_0/Document.xml');
    const custom = Object.fromEntries(
      (body['ofd:DocInfo']['ofd:CustomDatas']['ofd:CustomData'] as Array<{ '@Name': string; '#text': string }>).map((c) => [c['@Name'], c['#text']]),
    );
    expect(custom).toEqual({
      发票号码: '25432000000031411143',
      开票日期: '2025-03-11',
      合计金额: '648.51',
      合计税额: '6.49',
      价税合计: '655.00',
      销售方纳税人识别号: '91430100MA4L7XK9BE',
      销售方名称: '长沙示例商贸有限公司',
      购买方名称: '张三 & 李四 <个人>',
    });
    // The page shows them too.
    const page = strFromU8(entries[OFD_ENTRIES.page]!);
    expect(page).toContain('25432000000031411143');
    expect(page).toContain('¥655.00');
  });

  it('is deterministic for the same input', () => {
    expect(renderInvoiceOfd(input).equals(renderInvoiceOfd(input))).toBe(true);
    expect(renderInvoiceOfd({ ...input, issueDate: '20250311' }).length).toBeGreaterThan(0);
    expect(() => renderInvoiceOfd({ ...input, issueDate: '11/03/2025' })).toThrow(RangeError);
  });
});
