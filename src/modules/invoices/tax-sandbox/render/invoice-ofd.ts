import { createHash } from 'node:crypto';
import { strToU8, zipSync, type Zippable } from 'fflate';

export interface InvoiceOfdInput {
  /** The signed invoice XML; embedded byte for byte (UTF-8) so its signature still verifies. */
  readonly xml: string;
  readonly number: string;
  /** YYYY-MM-DD (YYYYMMDD is accepted too); written to 开票日期 as given. */
  readonly issueDate: string;
  /** 价税合计. */
  readonly totalWithTax: string;
  /** 合计金额 (tax excluded). */
  readonly totalWithoutTax: string;
  /** 合计税额. */
  readonly totalTax: string;
  readonly sellerTaxId: string;
  readonly sellerName: string;
  readonly buyerName: string;
}

export const OFD_NAMESPACE = 'http://www.ofdspec.org/2016';

/** Entry names inside the ZIP. */
export const OFD_ENTRIES = {
  root: 'OFD.xml',
  document: 'Doc_0/Document.xml',
  publicRes: 'Doc_0/PublicRes.xml',
  page: 'Doc_0/Pages/Page_0/Content.xml',
  attachments: 'Doc_0/Attachs/Attachments.xml',
  invoiceXml: 'Doc_0/Attachs/invoice.xml',
} as const;

/**
 * The invoice as an OFD (GB/T 33190-2016: a ZIP of XML parts). `OFD.xml` carries the key fields as
 * DocInfo/CustomDatas (发票号码, 开票日期, 合计金额, 合计税额, 价税合计, 销售方纳税人识别号, 销售方名称, 购买方名称)
 * and points at `Doc_0/Document.xml`; one A5-sized page of text; the signed XML is the attachment
 * `Doc_0/Attachs/invoice.xml`, stored uncompressed. No e-seal (Signs/) is produced. Deterministic: entry times
 * are the issue date, the DocID is derived from the XML.
 */
export function renderInvoiceOfd(input: InvoiceOfdInput): Buffer {
  const date = isoDate(input.issueDate);
  const xmlBytes = Buffer.from(input.xml, 'utf8');
  const docId = createHash('sha256').update(xmlBytes).digest('hex').slice(0, 32);

  const customData: ReadonlyArray<readonly [string, string]> = [
    ['发票号码', input.number],
    ['开票日期', input.issueDate],
    ['合计金额', input.totalWithoutTax],
    ['合计税额', input.totalTax],
    ['价税合计', input.totalWithTax],
    ['销售方纳税人识别号', input.sellerTaxId],
    ['销售方名称', input.sellerName],
    ['购买方名称', input.buyerName],
  ];

  const ofdXml = `<?xml version="1.0" encoding="UTF-8"?>
<ofd:OFD xmlns:ofd="${OFD_NAMESPACE}" Version="1.1" DocType="OFD">
  <ofd:DocBody>
    <ofd:DocInfo>
      <ofd:DocID>${docId}</ofd:DocID>
      <ofd:Title>${esc(`电子发票 ${input.number}`)}</ofd:Title>
      <ofd:Author>${esc(input.sellerName)}</ofd:Author>
      <ofd:CreationDate>${date}</ofd:CreationDate>
      <ofd:Creator>Quanyi tax sandbox</ofd:Creator>
      <ofd:CustomDatas>
${customData.map(([name, value]) => `        <ofd:CustomData Name="${esc(name)}">${esc(value)}</ofd:CustomData>`).join('\n')}
      </ofd:CustomDatas>
    </ofd:DocInfo>
    <ofd:DocRoot>${OFD_ENTRIES.document}</ofd:DocRoot>
  </ofd:DocBody>
</ofd:OFD>
`;

  // IDs: font 1, page 2, layer 3, text objects from 4.
  const lines: ReadonlyArray<readonly [string, string]> = [
    ['电子发票（普通发票）', ''],
    ['发票号码：', input.number],
    ['开票日期：', date],
    ['购买方名称：', input.buyerName],
    ['销售方名称：', input.sellerName],
    ['销售方纳税人识别号：', input.sellerTaxId],
    ['合计金额：', `¥${input.totalWithoutTax}`],
    ['合计税额：', `¥${input.totalTax}`],
    ['价税合计（小写）：', `¥${input.totalWithTax}`],
  ];
  const textObjects = lines.map(([label, value], k) => {
    const y = 12 + k * 9;
    const size = k === 0 ? 6 : 3.5;
    return `      <ofd:TextObject ID="${4 + k}" Boundary="10 ${y} 190 ${size + 2}" Font="1" Size="${size}">
        <ofd:TextCode X="0" Y="${size}">${esc(label + value)}</ofd:TextCode>
      </ofd:TextObject>`;
  });
  const maxUnitId = 3 + lines.length;

  const documentXml = `<?xml version="1.0" encoding="UTF-8"?>
<ofd:Document xmlns:ofd="${OFD_NAMESPACE}">
  <ofd:CommonData>
    <ofd:MaxUnitID>${maxUnitId + 1}</ofd:MaxUnitID>
    <ofd:PageArea>
      <ofd:PhysicalBox>0 0 210 140</ofd:PhysicalBox>
    </ofd:PageArea>
    <ofd:PublicRes>PublicRes.xml</ofd:PublicRes>
  </ofd:CommonData>
  <ofd:Pages>
    <ofd:Page ID="2" BaseLoc="Pages/Page_0/Content.xml"/>
  </ofd:Pages>
  <ofd:Attachments>Attachs/Attachments.xml</ofd:Attachments>
</ofd:Document>
`;

  const publicResXml = `<?xml version="1.0" encoding="UTF-8"?>
<ofd:Res xmlns:ofd="${OFD_NAMESPACE}" BaseLoc="Res">
  <ofd:Fonts>
    <ofd:Font ID="1" FontName="宋体" FamilyName="宋体"/>
  </ofd:Fonts>
</ofd:Res>
`;

  const pageXml = `<?xml version="1.0" encoding="UTF-8"?>
<ofd:Page xmlns:ofd="${OFD_NAMESPACE}">
  <ofd:Content>
    <ofd:Layer ID="3">
${textObjects.join('\n')}
    </ofd:Layer>
  </ofd:Content>
</ofd:Page>
`;

  // FileLoc is relative to Attachments.xml; Size is in KB (GB/T 33190 §20).
  const attachmentsXml = `<?xml version="1.0" encoding="UTF-8"?>
<ofd:Attachments xmlns:ofd="${OFD_NAMESPACE}">
  <ofd:Attachment ID="${maxUnitId + 1}" Name="invoice.xml" Format="xml" CreationDate="${date}T00:00:00" Size="${(xmlBytes.length / 1024).toFixed(3)}" Visible="false" Usage="none">
    <ofd:FileLoc>invoice.xml</ofd:FileLoc>
  </ofd:Attachment>
</ofd:Attachments>
`;

  // DOS timestamps are local wall-clock fields: build them from fields, not from an instant, so the bytes do not
  // depend on the machine's time zone.
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const mtime = new Date(y, m - 1, d, 10, 0, 0);
  const files: Zippable = {
    [OFD_ENTRIES.root]: [strToU8(ofdXml), { mtime }],
    [OFD_ENTRIES.document]: [strToU8(documentXml), { mtime }],
    [OFD_ENTRIES.publicRes]: [strToU8(publicResXml), { mtime }],
    [OFD_ENTRIES.page]: [strToU8(pageXml), { mtime }],
    [OFD_ENTRIES.attachments]: [strToU8(attachmentsXml), { mtime }],
    [OFD_ENTRIES.invoiceXml]: [new Uint8Array(xmlBytes.buffer, xmlBytes.byteOffset, xmlBytes.length), { mtime, level: 0 }],
  };
  const zip = zipSync(files, { level: 6 });
  return Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
}

function isoDate(issueDate: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(issueDate)) return issueDate;
  if (/^\d{8}$/.test(issueDate)) return `${issueDate.slice(0, 4)}-${issueDate.slice(4, 6)}-${issueDate.slice(6, 8)}`;
  throw new RangeError(`renderInvoiceOfd: issueDate must be YYYY-MM-DD or YYYYMMDD, got ${issueDate}`);
}

function esc(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}
