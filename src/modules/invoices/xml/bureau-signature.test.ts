import { beforeAll, describe, expect, it } from 'vitest';
import { corpusAvailable, readCorpusFile } from '../../../../test/support/real-invoices.js';
import { checkInvoiceSignature, renderBureauSignedEInvoiceXml, type SignatureTrust } from './bureau-signature.js';
import { generateSigningKeyPair, parseEInvoiceXml, renderSignedEInvoiceXml, type EInvoiceData } from './einvoice-xml.js';
import { makeSm2Certificate, parseSm2Certificate, pemCertificates, toPem } from './sm2-certificate.js';

const invoice: EInvoiceData = {
  number: '25432000000031411143',
  issueTime: '2025-03-11T14:23:45+08:00',
  taxBureauCode: '14300000000',
  taxBureauName: '国家税务总局湖南省税务局',
  seller: { taxId: '91430100MA4L1234X5', name: '长沙湘味餐饮管理有限公司' },
  buyer: { name: '张三' },
  totalWithoutTaxFen: 64851n,
  totalTaxFen: 649n,
  totalWithTaxFen: 65500n,
  items: [{ name: '*餐饮服务*餐费', quantity: '1', unitPrice: '648.51', amountFen: 64851n, taxRate: '0.01', taxFen: 649n }],
  remark: 'A&B <备注>',
};

const signedAt = new Date('2025-03-11T06:23:50Z');
const validity = { notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2035-01-01T00:00:00Z') };

interface Bureau {
  ca: Buffer;
  caKeys: { privateKeyHex: string; publicKeyHex: string };
  signer: { privateKeyHex: string; publicKeyHex: string };
  certificate: Buffer;
}

function bureau(name: string): Bureau {
  const caKeys = generateSigningKeyPair();
  const signer = generateSigningKeyPair();
  const ca = makeSm2Certificate({ subjectName: `${name} CA`, subjectPublicKeyHex: caKeys.publicKeyHex, issuerName: `${name} CA`, issuerPrivateKeyHex: caKeys.privateKeyHex, ca: true, ...validity });
  const certificate = makeSm2Certificate({ subjectName: `${name} 发票签名`, subjectPublicKeyHex: signer.publicKeyHex, issuerName: `${name} CA`, issuerPrivateKeyHex: caKeys.privateKeyHex, ...validity });
  return { ca, caKeys, signer, certificate };
}

let real: Bureau;
let other: Bureau;
let xml: string;
let trust: SignatureTrust;

beforeAll(() => {
  real = bureau('沙箱税务局');
  other = bureau('别处');
  xml = renderBureauSignedEInvoiceXml(invoice, { privateKeyHex: real.signer.privateKeyHex, certificateDer: real.certificate, signedAt });
  trust = { anchors: [real.ca] };
});

const verdict = (doc: string | Buffer, t: SignatureTrust = trust) => checkInvoiceSignature(typeof doc === 'string' ? doc : new Uint8Array(doc), t).verdict;

describe('SM2 certificates', () => {
  it('makes and reads a CA and a signing certificate, PEM round trip included', () => {
    const ca = parseSm2Certificate(real.ca);
    const leaf = parseSm2Certificate(real.certificate);
    expect(ca.publicKeyHex).toBe(real.caKeys.publicKeyHex);
    expect(leaf.publicKeyHex).toBe(real.signer.publicKeyHex);
    expect(leaf.issuer.equals(ca.subject)).toBe(true);
    expect(pemCertificates(toPem(real.ca) + toPem(real.certificate))).toEqual([real.ca, real.certificate]);
  });

  it('refuses what is not one SM2 certificate', () => {
    expect(() => parseSm2Certificate(Buffer.concat([real.ca, Buffer.from([0])]))).toThrow();
    expect(() => parseSm2Certificate(real.ca.subarray(0, real.ca.length - 1))).toThrow();
    expect(() => parseSm2Certificate(Buffer.from('not a certificate'))).toThrow();
  });
});

describe('the bureau layout (Reference URI, KeyInfo certificate)', () => {
  it('is what parseEInvoiceXml reads, and verifies against the CA', () => {
    expect(parseEInvoiceXml(xml).number).toBe(invoice.number);
    expect(xml).toContain('<Reference URI="/Einvoice/Header|/Einvoice/EinvoiceData|/Einvoice/SellerAuthentication|/Einvoice/TaxSupervisionInfo|/Einvoice/TaxBureauSignature/SignatureTime" />');
    expect(checkInvoiceSignature(xml, trust)).toEqual({ verdict: 'valid' });
    expect(verdict(Buffer.from(xml))).toBe('valid');
  });

  it('is invalid when any referenced part changes, SignatureTime included', () => {
    const edits: [string, string][] = [
      ['<Version>0.32</Version>', '<Version>0.33</Version>'], // Header
      ['长沙湘味餐饮管理有限公司', '长沙湘味餐饮管理有限公同'], // EInvoiceData
      ['<TotalTax-includedAmount>655.00', '<TotalTax-includedAmount>955.00'],
      ['<AuthenticationMethods>02', '<AuthenticationMethods>01'], // SellerAuthentication
      ['<IssueTime>2025-03-11T14:23:45+08:00', '<IssueTime>2025-03-12T14:23:45+08:00'], // TaxSupervisionInfo
      ['<TaxSupervisionInfo>', '<TaxSupervisionInfo> '], // whitespace inside a referenced part
    ];
    for (const [from, to] of edits) {
      expect(xml.includes(from), from).toBe(true);
      expect(verdict(xml.replace(from, to)), from).toBe('invalid');
    }
    // SignatureTime is signed; the copy after '&' must match it as well.
    const time = /<SignatureTime>([^<]*)<\/SignatureTime>/.exec(xml)![1]!;
    expect(verdict(xml.replace(`<SignatureTime>${time}`, `<SignatureTime>${time.replace(/:50$/, ':51')}`))).toBe('invalid');
  });

  it('stays valid when only what lies outside the referenced parts changes', () => {
    const outside = [
      xml.replace('<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n', ''),
      xml.replace('<EInvoice>\n', '<!-- 票样 -->\n<EInvoice>\n\n'),
      xml.replace(/\n {2}/g, '\r\n\t'),
      xml.replace('    <SignatureAlgorithm>', '\n    <!-- 签名 -->\n    <SignatureAlgorithm>'),
    ];
    for (const doc of outside) expect(verdict(doc)).toBe('valid');
  });

  it('refuses references other than the known parts, or ones that leave a part unsigned', () => {
    const uri = '/Einvoice/Header|/Einvoice/EinvoiceData|/Einvoice/SellerAuthentication|/Einvoice/TaxSupervisionInfo|/Einvoice/TaxBureauSignature/SignatureTime';
    for (const other of [
      uri.replace('/Einvoice/Header|', ''),
      uri.replace('|/Einvoice/TaxSupervisionInfo', ''),
      uri.replace('|/Einvoice/TaxBureauSignature/SignatureTime', ''),
      `${uri}|/Einvoice/Extra`,
      `${uri}|/Einvoice/Header`,
      '/Einvoice',
      '',
    ]) {
      expect(verdict(xml.replace(uri, other)), other).toBe('invalid');
    }
    // An element the references do not cover is refused, even if it changes no field the platform reads.
    expect(verdict(xml.replace('  <TaxBureauSignature>', '  <Extra>1</Extra>\n  <TaxBureauSignature>'))).toBe('invalid');
    expect(verdict(xml.replace('<EInvoice>', '<EInvoice xmlns="urn:x">'))).toBe('invalid');
  });

  it('is untrusted when the certificate was not issued by a trust anchor', () => {
    const foreign = renderBureauSignedEInvoiceXml(invoice, { privateKeyHex: other.signer.privateKeyHex, certificateDer: other.certificate, signedAt });
    expect(checkInvoiceSignature(foreign, trust).verdict).toBe('untrusted');
    expect(checkInvoiceSignature(foreign, { anchors: [other.ca] }).verdict).toBe('valid');
    expect(checkInvoiceSignature(xml, { anchors: [] }).verdict).toBe('untrusted');
    // A certificate claiming our CA's name, signed by another key.
    const forged = makeSm2Certificate({ subjectName: '沙箱税务局 发票签名', subjectPublicKeyHex: other.signer.publicKeyHex, issuerName: '沙箱税务局 CA', issuerPrivateKeyHex: other.caKeys.privateKeyHex, ...validity });
    expect(verdict(renderBureauSignedEInvoiceXml(invoice, { privateKeyHex: other.signer.privateKeyHex, certificateDer: forged, signedAt }))).toBe('untrusted');
    // Signed outside the certificate's validity.
    expect(verdict(renderBureauSignedEInvoiceXml(invoice, { privateKeyHex: real.signer.privateKeyHex, certificateDer: real.certificate, signedAt: new Date('2036-01-01T00:00:00Z') }))).toBe('untrusted');
  });

  it('is invalid when the certificate in KeyInfo is swapped for another trusted one', () => {
    const second = generateSigningKeyPair();
    const cert = makeSm2Certificate({ subjectName: '沙箱税务局 2', subjectPublicKeyHex: second.publicKeyHex, issuerName: '沙箱税务局 CA', issuerPrivateKeyHex: real.caKeys.privateKeyHex, ...validity });
    const swapped = xml.replace(real.certificate.toString('base64'), cert.toString('base64'));
    expect(verdict(swapped)).toBe('invalid');
  });

  it('with an empty KeyInfo, is checked with the configured bureau keys themselves', () => {
    const bare = xml.replace(/<KeyInfo>.*<\/KeyInfo>/, '<KeyInfo />');
    expect(verdict(bare)).toBe('invalid'); // the CA's key did not sign it
    expect(verdict(bare, { anchors: [real.certificate] })).toBe('valid');
    expect(verdict(bare, { anchors: [] })).toBe('untrusted');
  });

  it('refuses malformed signature values, algorithms and formats', () => {
    const value = /<SignatureValue>([^<]*)<\/SignatureValue>/.exec(xml)![1]!;
    const [hex, time] = value.split('&amp;') as [string, string];
    expect(verdict(xml.replace(value, hex))).toBe('valid'); // the time copy is optional
    for (const bad of [`${hex}0&amp;${time}`, `${hex.toUpperCase()}zz`, `${hex}&amp;`, Buffer.from(hex, 'hex').toString('base64'), `00${hex}`]) {
      expect(verdict(xml.replace(value, bad)), bad).toBe('invalid');
    }
    expect(verdict(xml.replace('1.2.156.10197.1.501', '1.2.840.10045.4.3.2'))).toBe('invalid');
    expect(verdict(xml.replace('>DETACH<', '>ENVELOPED<'))).toBe('invalid');
    expect(verdict(xml.replace('<X509Certificate>', '<X509Certificate>AAAA'))).not.toBe('valid');
  });

  it('is missing when unsigned: no signature block, or an empty SignatureValue', () => {
    expect(verdict(xml.replace(/<SignatureValue>[^<]*<\/SignatureValue>/, '<SignatureValue></SignatureValue>'))).toBe('missing');
    expect(verdict(xml.replace(/<SignatureValue>[^<]*<\/SignatureValue>/, '<SignatureValue />'))).toBe('missing');
    expect(verdict(xml.replace(/ {2}<TaxBureauSignature>[\s\S]*<\/TaxBureauSignature>\n/, ''))).toBe('missing');
  });

  it('never throws, and anything unreadable is invalid', () => {
    for (const doc of ['', 'not xml', xml.slice(0, 200), '<EInvoice><TaxBureauSignature><SignatureValue>1</SignatureValue></TaxBureauSignature></EInvoice>']) {
      expect(['invalid', 'missing']).toContain(verdict(doc));
    }
  });
});

describe('the sandbox layout still verifies against the sandbox key', () => {
  it('valid with its key, invalid with another, missing once its value is gone', () => {
    const keys = generateSigningKeyPair();
    const doc = renderSignedEInvoiceXml(invoice, { privateKeyHex: keys.privateKeyHex, signedAt });
    expect(verdict(doc, { sandboxPublicKeyHex: keys.publicKeyHex, anchors: [] })).toBe('valid');
    expect(verdict(doc, { sandboxPublicKeyHex: generateSigningKeyPair().publicKeyHex, anchors: [] })).toBe('invalid');
    expect(verdict(doc.replace(/<SignatureValue>[^<]*<\/SignatureValue>/, '<SignatureValue></SignatureValue>'), { sandboxPublicKeyHex: keys.publicKeyHex, anchors: [] })).toBe('missing');
  });
});

describe.skipIf(!corpusAvailable())('the corpus XML samples', () => {
  it('11 (bureau layout, empty SignatureValue, names altered) and 12 (no signature block) are unsigned, never valid', () => {
    for (const file of ['11-xml-shudian-official-mof-sample.xml', '12-xml-shudian-gaode-taxi.xml']) {
      const bytes = readCorpusFile(file);
      expect(checkInvoiceSignature(new Uint8Array(bytes), trust).verdict, file).toBe('missing');
      expect(checkInvoiceSignature(new Uint8Array(bytes), { anchors: [real.ca, real.certificate] }).verdict, file).toBe('missing');
    }
  });

  it('11 with a value put in is still not valid (its bytes were never signed by our bureau)', () => {
    const text = readCorpusFile('11-xml-shudian-official-mof-sample.xml').toString('utf8');
    const filled = text.replace('<SignatureValue></SignatureValue>', `<SignatureValue>${'30440220'.padEnd(140, '1')}</SignatureValue>`);
    expect(['invalid', 'untrusted']).toContain(verdict(filled, { anchors: [real.certificate] }));
  });
});
