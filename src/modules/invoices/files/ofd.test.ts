import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createDeflateRaw } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { deflateSync, strToU8, zipSync } from 'fflate';
import { InvoiceFileError } from './errors.js';
import { extractFromOfd, rootElementName } from './ofd.js';
import { sniffFileKind } from './sniff.js';

const EINVOICE_XML =
  '<?xml version="1.0" encoding="UTF-8"?>\n<EInvoice><Header><EIid>25432000000031411143</EIid><EInvoiceTag>SWEI4300</EInvoiceTag>' +
  '<Version>0.32</Version></Header><EInvoiceData><SellerInformation><SellerIdNum>91430100MA4L0XXXXX</SellerIdNum>' +
  '<SellerName>长沙某某有限公司</SellerName></SellerInformation></EInvoiceData></EInvoice>';

function ofdXml(prefix: 'ofd:' | ''): string {
  const ns = prefix === '' ? 'xmlns="http://www.ofdspec.org/2016"' : 'xmlns:ofd="http://www.ofdspec.org/2016"';
  return (
    `<?xml version="1.0" encoding="UTF-8"?><${prefix}OFD ${ns} Version="1.1" DocType="OFD"><${prefix}DocBody>` +
    `<${prefix}DocInfo><${prefix}DocID>a1b2c3</${prefix}DocID><${prefix}CustomDatas>` +
    `<${prefix}CustomData Name="发票号码">25432000000031411143</${prefix}CustomData>` +
    `<${prefix}CustomData Name="开票日期">2025年03月11日</${prefix}CustomData>` +
    `<${prefix}CustomData Name="合计金额">648.51</${prefix}CustomData>` +
    `<${prefix}CustomData Name="合计税额">6.49</${prefix}CustomData>` +
    `<${prefix}CustomData Name="销售方纳税人识别号">91430100MA4L0XXXXX</${prefix}CustomData>` +
    `<${prefix}CustomData Name="备注">A &amp; B</${prefix}CustomData>` +
    `</${prefix}CustomDatas></${prefix}DocInfo><${prefix}DocRoot>Doc_0/Document.xml</${prefix}DocRoot></${prefix}DocBody></${prefix}OFD>`
  );
}

const DOCUMENT_XML = '<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:CommonData/></ofd:Document>';
const CONTENT_XML = '<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content/></ofd:Page>';

function normalOfd(): Uint8Array {
  return zipSync({
    'OFD.xml': strToU8(ofdXml('ofd:')),
    'Doc_0/Document.xml': strToU8(DOCUMENT_XML),
    'Doc_0/Pages/Page_0/Content.xml': strToU8(CONTENT_XML),
    'Doc_0/Attachs/a7f3c0de.xml': strToU8(EINVOICE_XML),
    'Doc_0/Res/logo.png': randomBytes(2000),
  });
}

function expectFileError(fn: () => unknown, reason: InvoiceFileError['reason']): InvoiceFileError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvoiceFileError);
    expect((error as InvoiceFileError).reason).toBe(reason);
    return error as InvoiceFileError;
  }
  throw new Error(`expected InvoiceFileError(${reason})`);
}

interface RawEntry {
  readonly name: string;
  readonly method: 0 | 8;
  readonly data: Uint8Array; // already compressed for method 8
  readonly crc: number;
  readonly size: number; // declared uncompressed size
}

/** A minimal ZIP writer so tests can declare sizes that fflate's zipSync would never write. */
function buildZip(entries: readonly RawEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(entry.method, 8);
    local.writeUInt32LE(entry.crc >>> 0, 14);
    local.writeUInt32LE(entry.data.length, 18);
    local.writeUInt32LE(entry.size, 22);
    local.writeUInt16LE(name.length, 26);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(0x0800, 8);
    header.writeUInt16LE(entry.method, 10);
    header.writeUInt32LE(entry.crc >>> 0, 16);
    header.writeUInt32LE(entry.data.length, 20);
    header.writeUInt32LE(entry.size, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(offset, 42);
    parts.push(local, name, entry.data);
    central.push(header, name);
    offset += local.length + name.length + entry.data.length;
  }
  const cdSize = central.reduce((n, b) => n + b.length, 0);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cdSize, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, ...central, eocd]);
}

function deflatedEntry(name: string, content: Uint8Array, declaredSize = content.length): RawEntry {
  return { name, method: 8, data: deflateSync(content), crc: crc32(content), size: declaredSize };
}

/** Raw DEFLATE of the chunks, streamed through node:zlib so the test never holds the inflated data. */
async function deflateStream(chunks: Iterable<Uint8Array>): Promise<{ data: Uint8Array; crc: number; size: number }> {
  let crc = 0;
  let size = 0;
  const source = Readable.from(
    (function* () {
      for (const chunk of chunks) {
        crc = crc32(chunk, crc);
        size += chunk.length;
        yield chunk;
      }
    })(),
    { objectMode: false },
  );
  const out: Buffer[] = [];
  await pipeline(source, createDeflateRaw({ level: 1 }), async function (compressed: AsyncIterable<Buffer>) {
    for await (const data of compressed) out.push(data);
  });
  return { data: Buffer.concat(out), crc, size };
}

function* zeros(megabytes: number, head?: Uint8Array): Generator<Uint8Array> {
  if (head) yield head;
  const chunk = new Uint8Array(1024 * 1024);
  for (let i = 0; i < megabytes; i++) yield chunk;
}

describe('extractFromOfd', () => {
  it('finds the embedded EInvoice XML wherever it is, and the CustomDatas of OFD.xml', () => {
    const bytes = normalOfd();
    expect(sniffFileKind(bytes)).toBe('zip');
    const result = extractFromOfd(bytes);
    expect(result.invoiceXml).toBeInstanceOf(Buffer);
    expect(result.invoiceXml!.toString('utf8')).toBe(EINVOICE_XML);
    expect(result.customData).toEqual({
      发票号码: '25432000000031411143',
      开票日期: '2025年03月11日',
      合计金额: '648.51',
      合计税额: '6.49',
      销售方纳税人识别号: '91430100MA4L0XXXXX',
      备注: 'A & B',
    });
  });

  it('reads CustomDatas without a namespace prefix, and an OFD without an embedded XML', () => {
    const bytes = zipSync({ 'OFD.xml': strToU8(ofdXml('')), 'Doc_0/Document.xml': strToU8(DOCUMENT_XML) });
    const result = extractFromOfd(bytes);
    expect(result.invoiceXml).toBeNull();
    expect(result.customData['发票号码']).toBe('25432000000031411143');
  });

  it('finds the XML by its root element, not by its name or folder, and keeps the bytes exactly', () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`<!-- issued -->\n${EINVOICE_XML.replace(/^<\?xml[^>]*>\n/, '')}`)]);
    const bytes = zipSync({ 'OFD.xml': strToU8(ofdXml('ofd:')), 'Doc_0/Res/original.dat.xml': withBom, 'Doc_0/Attachs/readme.txt': strToU8('hello') });
    expect(Buffer.compare(extractFromOfd(bytes).invoiceXml!, withBom)).toBe(0);
  });

  it('collects inline values of an old Tags/CustomTag.xml (eInvoice) and skips ObjectRefs and line items', () => {
    const tag =
      '<?xml version="1.0" encoding="UTF-8"?><fp:eInvoice xmlns:fp="http://www.edrm.org.cn/schema/e-invoice/2019" ' +
      'xmlns:ofd="http://www.ofdspec.org/2016"><fp:InvoiceCode>050003523456</fp:InvoiceCode><fp:InvoiceNo>29342181</fp:InvoiceNo>' +
      '<fp:IssueDate><![CDATA[2018年06月13日]]></fp:IssueDate><fp:Buyer><fp:BuyerName><ofd:ObjectRef PageRef="1">65</ofd:ObjectRef></fp:BuyerName></fp:Buyer>' +
      '<fp:Seller><fp:SellerTaxID>91110108MA01XXXXXX</fp:SellerTaxID></fp:Seller><fp:TaxExclusiveTotalAmount>104.72</fp:TaxExclusiveTotalAmount>' +
      '<fp:GoodsInfos><fp:GoodsInfo><fp:Amount>1.00</fp:Amount></fp:GoodsInfo></fp:GoodsInfos></fp:eInvoice>';
    const bytes = zipSync({ 'OFD.xml': strToU8(ofdXml('ofd:').replace(/<ofd:CustomDatas>.*<\/ofd:CustomDatas>/, '')), 'Doc_0/Tags/CustomTag.xml': strToU8(tag) });
    const result = extractFromOfd(bytes);
    expect(result.invoiceXml).toBeNull();
    expect(result.customData).toEqual({
      InvoiceCode: '050003523456',
      InvoiceNo: '29342181',
      IssueDate: '2018年06月13日',
      SellerTaxID: '91110108MA01XXXXXX',
      TaxExclusiveTotalAmount: '104.72',
    });
  });

  it("reads an XBRL attachment's facts by local name, skipping contexts, units and line-item tuples", () => {
    const xbrl =
      '<xbrl xmlns="http://www.xbrl.org/2003/instance" xmlns:inv="http://xbrl.mof.gov.cn/taxonomy/2021-09-30/inv">' +
      '<context id="c1"><entity><identifier scheme="x"><![CDATA[91330106MA7XXXXXXX]]></identifier></entity></context><unit id="u1"><measure>iso4217:CNY</measure></unit>' +
      '<inv:CodeOfInvoice contextRef="c1"><![CDATA[033002200211]]></inv:CodeOfInvoice><inv:NumberOfInvoice contextRef="c1"><![CDATA[12345678]]></inv:NumberOfInvoice>' +
      '<inv:TotalAmountExcludingTax contextRef="c1" unitRef="u1" decimals="2">9.91</inv:TotalAmountExcludingTax><inv:Remarks contextRef="c1"></inv:Remarks>' +
      '<inv:InformationOfTaxableGoodsOrServicesDetailItemsTuple><inv:AmountExcludingTax contextRef="c1">9.91</inv:AmountExcludingTax></inv:InformationOfTaxableGoodsOrServicesDetailItemsTuple></xbrl>';
    const ofd = ofdXml('ofd:').replace(/<ofd:CustomDatas>.*<\/ofd:CustomDatas>/, '');
    const result = extractFromOfd(zipSync({ 'OFD.xml': strToU8(ofd), 'Doc_0/Attachs/inv_ord_issuer_x.xml': strToU8(xbrl) }));
    expect(result.customData).toEqual({});
    expect(result.xbrlData).toEqual({ CodeOfInvoice: '033002200211', NumberOfInvoice: '12345678', TotalAmountExcludingTax: '9.91' });
  });

  /** An OFD whose custom tag only points at page 7's text objects. */
  function taggedOfd(tag: string, content: string, pages = '<ofd:Page ID="7" BaseLoc="Pages/Page_0/Content.xml"/>'): Uint8Array {
    const ofd = ofdXml('ofd:').replace(/<ofd:CustomDatas>.*<\/ofd:CustomDatas>/, '');
    const documentXml = `<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Pages>${pages}</ofd:Pages></ofd:Document>`;
    return zipSync({ 'OFD.xml': strToU8(ofd), 'Doc_0/Document.xml': strToU8(documentXml), 'Doc_0/Pages/Page_0/Content.xml': strToU8(content), 'Doc_0/Tags/CustomTag.xml': strToU8(tag) });
  }
  const page = (objects: string) => `<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer ID="1">${objects}</ofd:Layer></ofd:Content></ofd:Page>`;
  const text = (id: number, value: string) => `<ofd:TextObject ID="${id}" Boundary="0 0 10 5" Font="1" Size="3"><ofd:TextCode X="0" Y="3">${value}</ofd:TextCode></ofd:TextObject>`;

  it("resolves custom tags given as ObjectRefs to the page's text, through Document.xml's page list", () => {
    const tag =
      '<?xml version="1.0" encoding="UTF-8"?><ofd:root xmlns:ofd="http://www.ofdspec.org/2016"><ofd:InvoiceNo><ofd:ObjectRef PageRef="7">11</ofd:ObjectRef></ofd:InvoiceNo>' +
      '<ofd:Buyer><ofd:BuyerName><ofd:ObjectRef PageRef="7">12</ofd:ObjectRef></ofd:BuyerName></ofd:Buyer>' +
      '<ofd:TaxInclusiveTotalAmount><ofd:ObjectRef PageRef="7">13</ofd:ObjectRef><ofd:ObjectRef PageRef="7">14</ofd:ObjectRef></ofd:TaxInclusiveTotalAmount>' +
      '<ofd:SellerName><ofd:ObjectRef PageRef="7">99</ofd:ObjectRef></ofd:SellerName><ofd:Note><ofd:ObjectRef PageRef="8">11</ofd:ObjectRef></ofd:Note></ofd:root>';
    const content = page(text(11, '25432000000031411143') + text(12, '上海某某 &amp; 科技有限公司') + text(13, '¥') + text(14, '655.00') + text(15, '不相干'));
    const result = extractFromOfd(taggedOfd(tag, content));
    // SellerName points at an object the page does not have, Note at a page the document does not list: left out.
    expect(result.pageText).toEqual({ InvoiceNo: '25432000000031411143', BuyerName: '上海某某 & 科技有限公司', TaxInclusiveTotalAmount: '¥655.00' });
    // Without the page list nothing can be resolved.
    expect(() => extractFromOfd(taggedOfd(tag, content, ''))).toThrow(InvoiceFileError);
  });

  it('holds every XML it parses inside the OFD to the element and depth limits (TOO_COMPLEX)', () => {
    const tag = '<ofd:root xmlns:ofd="http://www.ofdspec.org/2016"><ofd:InvoiceNo><ofd:ObjectRef PageRef="7">11</ofd:ObjectRef></ofd:InvoiceNo></ofd:root>';
    const many = page(text(11, '25432000000031411143') + '<ofd:PathObject ID="2"/>'.repeat(2_000));
    expectFileError(() => extractFromOfd(taggedOfd(tag, many), { maxXmlElements: 1_000 }), 'TOO_COMPLEX');
    expect(extractFromOfd(taggedOfd(tag, many)).pageText['InvoiceNo']).toBe('25432000000031411143');
    const deep = page(text(11, '1') + '<a>'.repeat(80) + '</a>'.repeat(80));
    expectFileError(() => extractFromOfd(taggedOfd(tag, deep)), 'TOO_COMPLEX');
    const deepOfdXml = zipSync({ 'OFD.xml': strToU8(ofdXml('ofd:').replace('<ofd:DocID>', `${'<x>'.repeat(70)}${'</x>'.repeat(70)}<ofd:DocID>`)) });
    expectFileError(() => extractFromOfd(deepOfdXml), 'TOO_COMPLEX');
  });

  it('NO_INVOICE when the archive has neither', () => {
    const bytes = zipSync({ 'Doc_0/Document.xml': strToU8(DOCUMENT_XML), 'Doc_0/Pages/Page_0/Content.xml': strToU8(CONTENT_XML) });
    expectFileError(() => extractFromOfd(bytes), 'NO_INVOICE');
    expectFileError(() => extractFromOfd(zipSync({})), 'NO_INVOICE');
  });

  it('does not expand DTD entities (billion laughs in OFD.xml is ignored, not expanded)', () => {
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE OFD [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">' +
      '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><OFD><DocBody><DocInfo><CustomDatas><CustomData Name="x">&c;</CustomData>' +
      '</CustomDatas></DocInfo></DocBody></OFD>';
    expectFileError(() => extractFromOfd(zipSync({ 'OFD.xml': strToU8(laughs) })), 'NO_INVOICE');
  });

  it('refuses an archive with too many entries before inflating anything (ZIP_BOMB)', () => {
    const files: Record<string, Uint8Array> = { 'OFD.xml': strToU8(ofdXml('ofd:')) };
    for (let i = 0; i < 300; i++) files[`Doc_0/Res/r${i}.xml`] = strToU8('<x/>');
    const error = expectFileError(() => extractFromOfd(zipSync(files)), 'ZIP_BOMB');
    expect(error.message).toContain('301 entries');
    expect(extractFromOfd(zipSync(files), { maxEntries: 400 }).customData['发票号码']).toBe('25432000000031411143');
  });

  it('refuses a 200 MB entry of zeros from its declared size and ratio (ZIP_BOMB), without inflating it', async () => {
    const bomb = await deflateStream(zeros(200));
    expect(bomb.size).toBe(200 * 1024 * 1024);
    expect(bomb.data.length).toBeLessThan(2 * 1024 * 1024);
    const bytes = buildZip([deflatedEntry('OFD.xml', strToU8(ofdXml('ofd:'))), { name: 'Doc_0/Attachs/bomb.xml', method: 8, ...bomb }]);
    const started = Date.now();
    expectFileError(() => extractFromOfd(bytes), 'ZIP_BOMB');
    expect(Date.now() - started).toBeLessThan(10_000); // generous: an unbounded inflation of 200 MB would take far longer
  });

  it('catches the same bomb behind a lying header: declared 1 KiB, inflation stops at the declared size', async () => {
    const bomb = await deflateStream(zeros(200));
    const bytes = buildZip([
      deflatedEntry('OFD.xml', strToU8(ofdXml('ofd:'))),
      { name: 'Doc_0/Attachs/bomb.xml', method: 8, data: bomb.data, crc: bomb.crc, size: 1024 },
    ]);
    let started = Date.now();
    // The peek at its root needs only the first KiB; the bomb is not an XML document, so it is never read in full.
    expect(extractFromOfd(bytes).invoiceXml).toBeNull();
    expect(Date.now() - started).toBeLessThan(5_000);
    // Disguised as the invoice XML it is read in full, and the inflater stops one chunk past the declared size.
    const head = strToU8('<EInvoice>');
    const disguised = await deflateStream(zeros(200, head));
    const lying = buildZip([{ name: 'Doc_0/Attachs/a.xml', method: 8, data: disguised.data, crc: disguised.crc, size: head.length + 1024 }]);
    started = Date.now();
    expectFileError(() => extractFromOfd(lying), 'ZIP_BOMB');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses a ratio bomb built with zipSync under lower limits, and an oversized incompressible entry (TOO_LARGE)', () => {
    const bomb = zipSync({ 'OFD.xml': strToU8(ofdXml('ofd:')), 'Doc_0/Res/zero.bin': new Uint8Array(3 * 1024 * 1024) });
    expectFileError(() => extractFromOfd(bomb), 'ZIP_BOMB');
    const big = zipSync({ 'OFD.xml': strToU8(ofdXml('ofd:')), 'Doc_0/Res/font.ttf': [randomBytes(2 * 1024 * 1024), { level: 0 }] });
    expectFileError(() => extractFromOfd(big, { maxEntryBytes: 1024 * 1024 }), 'TOO_LARGE');
    expectFileError(() => extractFromOfd(big, { maxTotalBytes: 1024 * 1024 }), 'TOO_LARGE');
    expect(extractFromOfd(big).customData['发票号码']).toBe('25432000000031411143');
  });

  it('UNREADABLE for corrupt archives', () => {
    const good = normalOfd();
    // Truncated: the central directory is gone.
    expectFileError(() => extractFromOfd(good.subarray(0, good.length >> 1)), 'UNREADABLE');
    // Not a ZIP at all, or just the magic bytes.
    expectFileError(() => extractFromOfd(randomBytes(4096)), 'UNREADABLE');
    expectFileError(() => extractFromOfd(Buffer.from('PK\x03\x04garbage')), 'UNREADABLE');
    expectFileError(() => extractFromOfd(new Uint8Array(0)), 'UNREADABLE');
    // Damaged compressed data: a bad deflate stream or a CRC mismatch.
    const entry = deflatedEntry('OFD.xml', strToU8(ofdXml('ofd:')));
    const damaged = entry.data.slice();
    for (let i = 10; i < damaged.length - 10; i += 7) damaged[i]! ^= 0x5a;
    expectFileError(() => extractFromOfd(buildZip([{ ...entry, data: damaged }])), 'UNREADABLE');
    expectFileError(() => extractFromOfd(buildZip([{ ...entry, crc: entry.crc ^ 1 }])), 'UNREADABLE');
    // Sizes that disagree with the data: shorter than declared, or a central directory pointing past the file.
    expectFileError(() => extractFromOfd(buildZip([{ ...entry, size: entry.size + 10 }])), 'UNREADABLE');
    const zip = Buffer.from(buildZip([entry]));
    zip.writeUInt32LE(0x7fffffff, zip.length - 22 - 46 - entry.name.length + 42);
    expectFileError(() => extractFromOfd(zip), 'UNREADABLE');
  });

  it('never throws anything but InvoiceFileError on random mutations of a valid OFD', () => {
    const tag = '<ofd:root xmlns:ofd="http://www.ofdspec.org/2016"><ofd:InvoiceNo><ofd:ObjectRef PageRef="7">11</ofd:ObjectRef></ofd:InvoiceNo></ofd:root>';
    for (const [round, good] of Array.from({ length: 300 }, (_, i) => [i, i % 2 === 0 ? normalOfd() : taggedOfd(tag, page(text(11, '25432000000031411143')))] as const)) {
      const mutated = Buffer.from(good);
      const flips = 1 + (round % 8);
      for (let i = 0; i < flips; i++) mutated[randomBytes(4).readUInt32LE(0) % mutated.length] = randomBytes(1)[0]!;
      try {
        extractFromOfd(mutated);
      } catch (error) {
        expect(error).toBeInstanceOf(InvoiceFileError);
      }
    }
  });
});

describe('rootElementName', () => {
  it('skips the BOM, declaration, comments and DOCTYPE', () => {
    expect(rootElementName(strToU8('\uFEFF<?xml version="1.0"?>\n<!-- c --><!DOCTYPE x [<!ELEMENT x ANY>]>\n<fp:eInvoice a="1">'))).toBe('fp:eInvoice');
    expect(rootElementName(strToU8('<EInvoice>'))).toBe('EInvoice');
    expect(rootElementName(strToU8('<?xml version="1.0"?><!-- unterminated'))).toBeNull();
    expect(rootElementName(strToU8('not xml'))).toBeNull();
  });
});
