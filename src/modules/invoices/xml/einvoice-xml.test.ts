import { randomBytes } from 'node:crypto';
import smCrypto from 'sm-crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EInvoiceXmlError,
  generateSigningKeyPair,
  parseEInvoiceXml,
  renderSignedEInvoiceXml,
  verifyEInvoiceSignature,
  type EInvoiceData,
  type EInvoiceReadData,
} from './einvoice-xml.js';
import { fenToItemAmount } from './item-amount.js';

const invoice: EInvoiceData = {
  number: '25432000000031411143',
  issueTime: '2025-03-11T14:23:45+08:00',
  taxBureauCode: '14300000000',
  taxBureauName: '国家税务总局湖南省税务局',
  seller: { taxId: '91430100MA4L1234X5', name: '长沙湘味餐饮管理有限公司' },
  buyer: { taxId: '91310000132149237G', name: '上海某某科技有限公司' },
  totalWithoutTaxFen: 64851n,
  totalTaxFen: 649n,
  totalWithTaxFen: 65500n,
  items: [
    { name: '*餐饮服务*餐费', quantity: '1', unitPrice: '600.00', amountFen: 60000n, taxRate: '0.01', taxFen: 600n },
    { name: '*餐饮服务*饮品', quantity: '2.5', unitPrice: '19.404', amountFen: 4851n, taxRate: '0.01', taxFen: 49n },
  ],
  remark: '订单 A&B <备注> ]]> 含&amp;\r\n第二行',
};

/** sm-crypto 0.5.8 has these at run time; @types/sm-crypto 0.3.4 does not declare them. */
const sm2 = smCrypto.sm2 as typeof smCrypto.sm2 & {
  compressPublicKeyHex(publicKeyHex: string): string;
  getPublicKeyFromPrivateKey(privateKeyHex: string): string;
};

const signedAt = new Date('2025-03-11T06:23:50.123Z');

let keys: { privateKeyHex: string; publicKeyHex: string };
let xml: string;

beforeAll(() => {
  keys = generateSigningKeyPair();
  xml = renderSignedEInvoiceXml(invoice, { privateKeyHex: keys.privateKeyHex, signedAt });
});

/** What the reader gives back for rendered data: the date beside the time, item amounts in millionths of a yuan. */
function asRead({ items, ...data }: EInvoiceData): EInvoiceReadData {
  return {
    ...data,
    issueDate: data.issueTime.slice(0, 10),
    items: items.map(({ amountFen, taxFen, ...item }) => ({ ...item, amount: fenToItemAmount(amountFen), tax: fenToItemAmount(taxFen) })),
  };
}

function bytes(): Buffer {
  return Buffer.from(xml, 'utf8');
}

/** The byte offset of the first occurrence of `needle` after `after` (both UTF-8). */
function offsetOf(doc: Buffer, needle: string, after = ''): number {
  const start = after === '' ? 0 : doc.indexOf(after, 0, 'utf8');
  expect(start).toBeGreaterThanOrEqual(0);
  const at = doc.indexOf(needle, start, 'utf8');
  expect(at).toBeGreaterThanOrEqual(0);
  return at;
}

function flipped(doc: Buffer, offset: number, mask = 0x01): Buffer {
  const copy = Buffer.from(doc);
  copy[offset] = (copy[offset] ?? 0) ^ mask;
  return copy;
}

describe('renderSignedEInvoiceXml / parseEInvoiceXml', () => {
  it('round-trips the data, Chinese names and XML special characters included', () => {
    expect(parseEInvoiceXml(xml)).toStrictEqual(asRead(invoice));
    expect(parseEInvoiceXml(bytes())).toStrictEqual(asRead(invoice));
  });

  it('round-trips a buyer without tax id and an invoice without remark, with negative (红字) amounts', () => {
    const red: EInvoiceData = {
      ...invoice,
      buyer: { name: '个人' },
      totalWithoutTaxFen: -64851n,
      totalTaxFen: -649n,
      totalWithTaxFen: -65500n,
      items: [{ name: '*餐饮服务*餐费', quantity: '', unitPrice: '', amountFen: -64851n, taxRate: '0.01', taxFen: -649n }],
    };
    delete (red as { remark?: string }).remark;
    const doc = renderSignedEInvoiceXml(red, { privateKeyHex: keys.privateKeyHex, signedAt });
    expect(doc).not.toContain('BuyerIdNum');
    expect(doc).not.toContain('Remark');
    expect(parseEInvoiceXml(doc)).toStrictEqual(asRead(red));
    expect(verifyEInvoiceSignature(doc, keys.publicKeyHex)).toBe(true);
  });

  it('writes the 数电 layout: amounts as 655.00, the number twice, the SM3withSM2 signature element', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<EInvoice><Header><EIid>25432000000031411143</EIid>')).toBe(true);
    expect(xml).toContain('<EInvoiceTag>SWEI4300</EInvoiceTag>');
    expect(xml).toContain(
      '<BasicInformation><TotalAmWithoutTax>648.51</TotalAmWithoutTax><TotalTaxAm>6.49</TotalTaxAm>' +
        '<TotalTax-includedAmount>655.00</TotalTax-includedAmount></BasicInformation>',
    );
    expect(xml).toContain('<Remark>订单 A&amp;B &lt;备注&gt; ]]&gt; 含&amp;amp;&#13;&#10;第二行</Remark>');
    expect(xml).toContain('<TaxSupervisionInfo><InvoiceNumber>25432000000031411143</InvoiceNumber>');
    expect(xml).toMatch(
      /<TaxBureauSignature><SignatureAlgorithm>1\.2\.156\.10197\.1\.501<\/SignatureAlgorithm><SignatureFormat>DETACH<\/SignatureFormat><SignatureTime>2025-03-11T14:23:50\+08:00<\/SignatureTime><SignatureValue>[0-9a-f]{128}<\/SignatureValue><\/TaxBureauSignature><\/EInvoice>\n$/,
    );
    // No raw line break inside the signed range: line-ending conversion cannot break the signature.
    expect(xml.slice(xml.indexOf('<EInvoice>'), xml.indexOf('<TaxBureauSignature>'))).not.toMatch(/[\r\n]/);
  });

  it('rejects data it could not render faithfully', () => {
    const sign = (data: EInvoiceData, privateKeyHex = keys.privateKeyHex) =>
      renderSignedEInvoiceXml(data, { privateKeyHex, signedAt });
    expect(() => sign({ ...invoice, number: '2543200000003141114' })).toThrow(EInvoiceXmlError);
    expect(() => sign({ ...invoice, issueTime: '2025-02-30T10:00:00+08:00' })).toThrow(EInvoiceXmlError);
    expect(() => sign({ ...invoice, issueTime: '2025-03-11T14:23:45Z' })).toThrow(EInvoiceXmlError);
    expect(() => sign({ ...invoice, seller: { ...invoice.seller, name: ' 前导空格' } })).toThrow(EInvoiceXmlError);
    expect(() => sign({ ...invoice, seller: { ...invoice.seller, name: '' } })).toThrow(EInvoiceXmlError);
    expect(() => sign({ ...invoice, remark: 'bell\u0007' })).toThrow(EInvoiceXmlError);
    expect(() => sign({ ...invoice, remark: 'lone \uD800 surrogate' })).toThrow(EInvoiceXmlError);
    expect(() => sign({ ...invoice, items: [] })).toThrow(EInvoiceXmlError);
    expect(() => sign({ ...invoice, totalTaxFen: 10n ** 20n })).toThrow(EInvoiceXmlError);
    expect(() => sign(invoice, 'zz'.repeat(32))).toThrow(EInvoiceXmlError);
    expect(() => sign(invoice, '0'.repeat(64))).toThrow(EInvoiceXmlError);
    expect(() => sign(invoice, keys.privateKeyHex.slice(2))).toThrow(EInvoiceXmlError);
  });
});

describe('verifyEInvoiceSignature', () => {
  it('is true with the signing key, for the string and for its bytes', () => {
    expect(verifyEInvoiceSignature(xml, keys.publicKeyHex)).toBe(true);
    expect(verifyEInvoiceSignature(bytes(), keys.publicKeyHex)).toBe(true);
    expect(verifyEInvoiceSignature(xml, keys.publicKeyHex.toUpperCase())).toBe(true);
  });

  it('signs exactly the UTF-8 bytes from <EInvoice up to <TaxBureauSignature>, SM3withSM2, default user id, r‖s hex', () => {
    const doc = bytes();
    const signedContent = doc.subarray(doc.indexOf('<EInvoice>'), doc.indexOf('<TaxBureauSignature>'));
    const value = /<SignatureValue>([0-9a-f]{128})<\/SignatureValue>/.exec(xml)?.[1] ?? '';
    expect(sm2.doVerifySignature(Array.from(signedContent), value, keys.publicKeyHex, { hash: true })).toBe(true);
    expect(
      sm2.doVerifySignature(signedContent.toString('utf8'), value, keys.publicKeyHex, {
        hash: true,
        userId: '1234567812345678',
      }),
    ).toBe(true);
  });

  it('is false with another key', () => {
    expect(verifyEInvoiceSignature(xml, generateSigningKeyPair().publicKeyHex)).toBe(false);
  });

  it('is false after one byte of the total amount changes', () => {
    const doc = flipped(bytes(), offsetOf(bytes(), '648.51', '<TotalAmWithoutTax>') + 5); // 648.51 → 648.50
    expect(parseEInvoiceXml(doc).totalWithoutTaxFen).toBe(64850n);
    expect(verifyEInvoiceSignature(doc, keys.publicKeyHex)).toBe(false);
  });

  it('is false after one byte of the seller name changes', () => {
    // The last byte of 长 (E9 95 BF) becomes BE: still valid UTF-8, another character.
    const doc = flipped(bytes(), offsetOf(bytes(), '长沙', '<SellerName>') + 2);
    expect(parseEInvoiceXml(doc).seller.name).not.toBe(invoice.seller.name);
    expect(verifyEInvoiceSignature(doc, keys.publicKeyHex)).toBe(false);
  });

  it('is false after the number changes, in one place or consistently in both', () => {
    const one = flipped(bytes(), offsetOf(bytes(), '25432', '<EIid>') + 19);
    expect(verifyEInvoiceSignature(one, keys.publicKeyHex)).toBe(false);

    const both = Buffer.from(xml.replaceAll('25432000000031411143', '25432000000031411142'), 'utf8');
    expect(parseEInvoiceXml(both).number).toBe('25432000000031411142');
    expect(verifyEInvoiceSignature(both, keys.publicKeyHex)).toBe(false);
  });

  it('is false after one byte of the signature value changes, or when it is re-encoded', () => {
    const at = offsetOf(bytes(), '<SignatureValue>') + '<SignatureValue>'.length + 100;
    const doc = Buffer.from(bytes());
    doc[at] = doc[at] === 0x30 ? 0x31 : 0x30; // another hex digit
    expect(verifyEInvoiceSignature(doc, keys.publicKeyHex)).toBe(false);

    const upper = xml.replace(/<SignatureValue>([0-9a-f]+)</, (_m, hex: string) => `<SignatureValue>${hex.toUpperCase()}<`);
    expect(verifyEInvoiceSignature(upper, keys.publicKeyHex)).toBe(false);
    const padded = xml.replace(/<SignatureValue>([0-9a-f]+)</, (_m, hex: string) => `<SignatureValue>${hex}00<`);
    expect(verifyEInvoiceSignature(padded, keys.publicKeyHex)).toBe(false);
  });

  it('is false for a flipped byte anywhere in the signed range (sampled)', () => {
    const doc = bytes();
    const start = doc.indexOf('<EInvoice>');
    const end = doc.indexOf('<TaxBureauSignature>');
    for (let offset = start; offset < end; offset += 13) {
      expect(verifyEInvoiceSignature(flipped(doc, offset), keys.publicKeyHex), `offset ${offset}`).toBe(false);
    }
    expect(verifyEInvoiceSignature(flipped(doc, end - 1), keys.publicKeyHex)).toBe(false);
  });

  it('is false when the signature metadata or the document around the signed range is changed', () => {
    const replaced = (from: string, to: string) => {
      expect(xml).toContain(from);
      return xml.replace(from, to);
    };
    expect(verifyEInvoiceSignature(replaced('1.2.156.10197.1.501', '1.2.840.10045.4.3.2'), keys.publicKeyHex)).toBe(false);
    expect(verifyEInvoiceSignature(replaced('DETACH', 'ENVELOPED'), keys.publicKeyHex)).toBe(false);
    expect(verifyEInvoiceSignature(replaced('</TaxBureauSignature>', '</TaxBureauSignature><Extra/>'), keys.publicKeyHex)).toBe(false);
    expect(verifyEInvoiceSignature(replaced('<EInvoice>', '<!-- x --><EInvoice>'), keys.publicKeyHex)).toBe(false);
    expect(
      verifyEInvoiceSignature(replaced('<EInvoice>', '<!DOCTYPE EInvoice [<!ENTITY a "b">]><EInvoice>'), keys.publicKeyHex),
    ).toBe(false);
  });

  it('still verifies when only bytes outside the signed range change (BOM, declaration, trailing line ending)', () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes()]);
    expect(verifyEInvoiceSignature(withBom, keys.publicKeyHex)).toBe(true);
    expect(verifyEInvoiceSignature(`\uFEFF${xml.replace('\n', '\r\n').replace(/\n$/, '\r\n')}`, keys.publicKeyHex)).toBe(true);
    expect(verifyEInvoiceSignature(xml.slice(xml.indexOf('<EInvoice>')), keys.publicKeyHex)).toBe(true);
  });

  it('is false for an XML without the signature element', () => {
    const unsigned = xml.replace(/<TaxBureauSignature>[\s\S]*<\/TaxBureauSignature>/, '');
    expect(unsigned).not.toContain('TaxBureauSignature');
    expect(parseEInvoiceXml(unsigned)).toStrictEqual(asRead(invoice));
    expect(verifyEInvoiceSignature(unsigned, keys.publicKeyHex)).toBe(false);
  });

  it('is false, without throwing, for random bytes and other garbage', () => {
    expect(verifyEInvoiceSignature(randomBytes(2048), keys.publicKeyHex)).toBe(false);
    expect(verifyEInvoiceSignature(Buffer.alloc(0), keys.publicKeyHex)).toBe(false);
    expect(verifyEInvoiceSignature('', keys.publicKeyHex)).toBe(false);
    expect(verifyEInvoiceSignature('not xml at all', keys.publicKeyHex)).toBe(false);
    expect(verifyEInvoiceSignature(xml.slice(0, xml.length - 30), keys.publicKeyHex)).toBe(false);
    expect(verifyEInvoiceSignature(null as unknown as string, keys.publicKeyHex)).toBe(false);
  });

  it('is false, without throwing, for malformed public keys', () => {
    const compressed = sm2.compressPublicKeyHex(keys.publicKeyHex);
    for (const key of ['', '04', 'zz', keys.publicKeyHex.slice(0, -2), compressed, `04${'0'.repeat(128)}`, `04${'g'.repeat(128)}`]) {
      expect(verifyEInvoiceSignature(xml, key), key).toBe(false);
    }
    expect(verifyEInvoiceSignature(xml, undefined as unknown as string)).toBe(false);
  });
});

describe('parseEInvoiceXml on documents from elsewhere', () => {
  const foreign = `<?xml version="1.0" encoding="utf-8"?>
<EInvoice>
  <Header>
    <EIid>25327000001739485410</EIid>
    <EInvoiceTag>SWEI3200</EInvoiceTag>
    <Version>0.31</Version>
    <InherentLabel><GeneralOrSpecialVAT><LabelCode>02</LabelCode><LabelName>普通发票</LabelName></GeneralOrSpecialVAT></InherentLabel>
  </Header>
  <EInvoiceData>
    <SellerInformation>
      <SellerIdNum>91320000MA1XXXXX0K</SellerIdNum>
      <SellerName>江苏&#x67D0;某商贸有限公司</SellerName>
      <SellerAddr>南京市</SellerAddr>
    </SellerInformation>
    <BuyerInformation><BuyerIdNum></BuyerIdNum><BuyerName>个人</BuyerName></BuyerInformation>
    <BasicInformation>
      <TotalAmWithoutTax> 90071992547409.93 </TotalAmWithoutTax>
      <TotalTaxAm>0.1</TotalTaxAm>
      <TotalTax-includedAmount>90071992547410.03</TotalTax-includedAmount>
      <TotalTax-includedAmountInChinese>略</TotalTax-includedAmountInChinese>
      <Drawer>王五</Drawer>
    </BasicInformation>
    <IssuItemInformation>
      <ItemName>*日用品*纸巾</ItemName><SpecMod/><MeaUnits>包</MeaUnits><Quantity>3</Quantity><UnPrice>1.00</UnPrice>
      <Amount>90071992547409.93</Amount><TaxRate>0.13</TaxRate><ComTaxAm>0.10</ComTaxAm><TaxClassificationCode>1</TaxClassificationCode>
    </IssuItemInformation>
    <AdditionalInformation><Remark/></AdditionalInformation>
  </EInvoiceData>
  <TaxSupervisionInfo>
    <InvoiceNumber>25327000001739485410</InvoiceNumber>
    <IssueTime>2025-06-01 09:30:00</IssueTime>
    <TaxBureauCode>13200000000</TaxBureauCode>
    <TaxBureauName>国家税务总局江苏省税务局</TaxBureauName>
  </TaxSupervisionInfo>
</EInvoice>
`;

  it('parses a pretty-printed file with a BOM and a declaration; one item is still an array; amounts stay exact', () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(foreign, 'utf8')]);
    const parsed = parseEInvoiceXml(withBom);
    expect(parsed).toStrictEqual({
      number: '25327000001739485410',
      issueDate: '2025-06-01',
      issueTime: '2025-06-01T09:30:00+08:00',
      taxBureauCode: '13200000000',
      taxBureauName: '国家税务总局江苏省税务局',
      seller: { taxId: '91320000MA1XXXXX0K', name: '江苏某某商贸有限公司' },
      buyer: { name: '个人' },
      totalWithoutTaxFen: 9007199254740993n, // > 2^53: would have been rounded by a float
      totalTaxFen: 10n,
      totalWithTaxFen: 9007199254741003n,
      items: [{ name: '*日用品*纸巾', quantity: '3', unitPrice: '1.00', amount: 90071992547409930000n, taxRate: '0.13', tax: 100000n }],
    });
    expect(parseEInvoiceXml(`\uFEFF${foreign}`)).toStrictEqual(parsed);
  });

  const expectError = (doc: string | Buffer, message?: RegExp) => {
    let caught: unknown;
    try {
      parseEInvoiceXml(doc);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EInvoiceXmlError);
    if (message) expect((caught as Error).message).toMatch(message);
  };

  it('reads item amounts with up to 6 decimals exactly, and an IssueTime that is a date only', () => {
    const sixDecimals = parseEInvoiceXml(foreign.replace('<ComTaxAm>0.10</ComTaxAm>', '<ComTaxAm>0.101234</ComTaxAm>').replace('<Amount>90071992547409.93</Amount>', '<Amount>2.120000</Amount>'));
    expect(sixDecimals.items[0]).toMatchObject({ amount: 2_120_000n, tax: 101_234n });
    const dateOnly = parseEInvoiceXml(foreign.replace('<IssueTime>2025-06-01 09:30:00', '<IssueTime>2025-06-01'));
    expect(dateOnly.issueDate).toBe('2025-06-01');
    expect(dateOnly.issueTime).toBeUndefined();
    expectError(foreign.replace('<IssueTime>2025-06-01 09:30:00', '<IssueTime>2025-02-30'), /IssueTime/);
    expectError(foreign.replace('<IssueTime>2025-06-01 09:30:00', '<IssueTime>2025-6-1'), /IssueTime/);
  });

  it('throws EInvoiceXmlError for another root element', () => {
    expectError(foreign.replace('<EInvoice>', '<Invoice>').replace('</EInvoice>', '</Invoice>'), /not EInvoice/);
    expectError('<?xml version="1.0"?><html><body/></html>', /not EInvoice/);
    expectError(foreign.replace('</EInvoice>', '</EInvoice><EInvoice/>'));
  });

  it('throws EInvoiceXmlError for a missing number', () => {
    expectError(foreign.replace(/<EIid>\d+<\/EIid>/, '').replace(/<InvoiceNumber>\d+<\/InvoiceNumber>/, ''), /number/);
    expectError(foreign.replace('<InvoiceNumber>25327000001739485410', '<InvoiceNumber>25327000001739485411'), /differs/);
    expectError(foreign.replaceAll('25327000001739485410', '2532700000173948541'), /20 digits/);
  });

  it('throws EInvoiceXmlError for a malformed amount', () => {
    expectError(foreign.replace('<TotalTaxAm>0.1</TotalTaxAm>', '<TotalTaxAm>6.5.5</TotalTaxAm>'), /TotalTaxAm/);
    // Items may carry up to 6 decimals (the bureau's schema writes 0.120000); a 7th is still malformed.
    expectError(foreign.replace('<ComTaxAm>0.10</ComTaxAm>', '<ComTaxAm>0.1010001</ComTaxAm>'), /ComTaxAm/);
    expectError(foreign.replace('<ComTaxAm>0.10</ComTaxAm>', '<ComTaxAm>0,10</ComTaxAm>'), /ComTaxAm/);
    expectError(foreign.replace('<Amount>90071992547409.93</Amount>', '<Amount>9.007e13</Amount>'), /Amount/);
    // The totals keep the 2 decimals of money.
    expectError(foreign.replace('<TotalTaxAm>0.1</TotalTaxAm>', '<TotalTaxAm>0.100000</TotalTaxAm>'), /TotalTaxAm/);
    expectError(foreign.replace('<TotalTaxAm>0.1</TotalTaxAm>', '<TotalTaxAm>1e3</TotalTaxAm>'), /TotalTaxAm/);
    expectError(foreign.replace('<TotalTaxAm>0.1</TotalTaxAm>', ''), /missing .*TotalTaxAm/);
  });

  it('throws EInvoiceXmlError for truncated or otherwise broken XML', () => {
    expectError(foreign.slice(0, Math.floor(foreign.length / 2)));
    expectError(xml.slice(0, xml.length - 12));
    expectError('');
    expectError('<EInvoice><Header>');
    expectError(Buffer.from([0x3c, 0x45, 0xff, 0xfe]), /UTF-8/);
    expectError(foreign.replace('<?xml version="1.0" encoding="utf-8"?>', '<?xml version="1.0" encoding="GBK"?>'), /encoding/);
    expectError(foreign.replace('<EInvoice>', '<!DOCTYPE EInvoice><EInvoice>'), /DOCTYPE/);
    expectError(foreign.replace('<Drawer>王五</Drawer>', '<Drawer>&nbsp;</Drawer>'), /entity/);
    expectError(foreign.replace('<SellerName>', '<SellerName>A & B'));
    expectError(foreign.replace('</EInvoiceData>', '</EInvoiceData><EInvoiceData/>'), /more than once/);
    expectError(foreign.replace('<IssueTime>2025-06-01 09:30:00', '<IssueTime>2025-13-01 09:30:00'), /IssueTime/);
  });
});

describe('generateSigningKeyPair', () => {
  it('gives a 32-byte private key and the matching uncompressed public key', () => {
    const a = generateSigningKeyPair();
    const b = generateSigningKeyPair();
    expect(a.privateKeyHex).toMatch(/^[0-9a-f]{64}$/);
    expect(a.publicKeyHex).toMatch(/^04[0-9a-f]{128}$/);
    expect(a.privateKeyHex).not.toBe(b.privateKeyHex);
    expect(sm2.getPublicKeyFromPrivateKey(a.privateKeyHex)).toBe(a.publicKeyHex);
  });
});
