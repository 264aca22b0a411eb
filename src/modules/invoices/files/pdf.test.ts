import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import PDFDocument from 'pdfkit';
import { InvoiceFileError } from './errors.js';
import { renderInvoicePdf } from '../tax-sandbox/render/invoice-pdf.js';
import { renderInvoicePng } from '../tax-sandbox/render/invoice-png.js';
import { extractFromPdf, parseInvoiceLayout, parseInvoiceText, PDF_OCR_MAX_PNG_BYTES, PDF_OCR_MAX_SIDE, textLayerUnusable } from './pdf.js';
import { sniffFileKind } from './sniff.js';

const QR = '01,32,,25432000000031411143,655.00,20250311,,19E3';

function pdfOf(pages: readonly (readonly string[])[], options: PDFKit.PDFDocumentOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ autoFirstPage: false, ...options });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    for (const lines of pages) {
      doc.addPage();
      for (const line of lines) doc.text(line);
    }
    doc.end();
  });
}

const INVOICE_LINES = [
  'Electronic invoice (general VAT invoice)',
  'Invoice No: 25432000000031411143',
  'Issue Date: 2025-03-11',
  'Buyer: Zhang San',
  'Seller: Changsha Example Trading Co., Ltd.',
  'Seller Tax ID: 91430100MA4L0XXXXX',
  'Total (tax incl.): 655.00',
  `QR: ${QR}`,
];

/** A small file whose one page holds a million text operators: seconds of PDF.js work for a few dozen KB. */
function heavyPdf(operators: number): Buffer {
  const content = deflateSync(Buffer.from(`BT /F1 1 Tf 0 0 Td\n${'(a) Tj 1 0 Td\n'.repeat(operators)}ET\n`));
  const head =
    '%PDF-1.7\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n' +
    '3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Resources <</Font <</F1 5 0 R>>>> /Contents 4 0 R>> endobj\n' +
    `4 0 obj <</Length ${content.length} /Filter /FlateDecode>> stream\n`;
  const tail = '\nendstream endobj\n5 0 obj <</Type /Font /Subtype /Type1 /BaseFont /Helvetica>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n';
  return Buffer.concat([Buffer.from(head, 'latin1'), content, Buffer.from(tail, 'latin1')]);
}

async function expectFileError(promise: Promise<unknown>, reasons: readonly InvoiceFileError['reason'][]): Promise<InvoiceFileError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(InvoiceFileError);
    expect(reasons).toContain((error as InvoiceFileError).reason);
    return error as InvoiceFileError;
  }
  throw new Error(`expected InvoiceFileError(${reasons.join(' | ')})`);
}

describe('extractFromPdf', () => {
  it('reads the text layer and the invoice fields of a PDF with ASCII labels', async () => {
    const pdf = await pdfOf([INVOICE_LINES]);
    expect(sniffFileKind(pdf)).toBe('pdf');
    const result = await extractFromPdf(pdf);
    expect(result.text).toContain('Invoice No: 25432000000031411143');
    expect(result.fields).toEqual({
      number: '25432000000031411143',
      issueDate: '2025-03-11',
      totalWithTax: '655.00',
      sellerTaxId: '91430100MA4L0XXXXX',
    });
    // No image and nothing drawn that is a QR code: the `QR:` line of the text is the QR text.
    expect([result.qr, result.qrSource]).toEqual([QR, 'text']);
  });

  it('reads only the first pages (maxPages)', async () => {
    const pdf = await pdfOf([['page one'], ['page two'], ['page three'], ['Invoice No: 25432000000031411143']]);
    const result = await extractFromPdf(pdf);
    expect(result.text).toContain('page three');
    expect(result.text).not.toContain('25432000000031411143');
    expect(result.fields).toEqual({});
    expect((await extractFromPdf(pdf, { maxPages: 4 })).fields.number).toBe('25432000000031411143');
    expect((await extractFromPdf(pdf, { maxPages: 1 })).text).not.toContain('page two');
  });

  it('caps the text it returns', async () => {
    const pdf = await pdfOf([INVOICE_LINES]);
    expect((await extractFromPdf(pdf, { maxTextChars: 20 })).text.length).toBeLessThanOrEqual(20);
  });

  it('TRUNCATED for the first half of a PDF', async () => {
    const pdf = await pdfOf([INVOICE_LINES, INVOICE_LINES]);
    await expectFileError(extractFromPdf(pdf.subarray(0, pdf.length >> 1)), ['TRUNCATED']);
  });

  it('UNREADABLE for %PDF- followed by garbage, with or without an end marker', async () => {
    await expectFileError(extractFromPdf(Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(8192)])), ['UNREADABLE', 'TRUNCATED']);
    await expectFileError(extractFromPdf(Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(8192), Buffer.from('\n%%EOF\n')])), ['UNREADABLE']);
    await expectFileError(extractFromPdf(Buffer.from('%PDF-')), ['UNREADABLE', 'TRUNCATED']);
  });

  it('UNREADABLE when the middle of a PDF is damaged so that nothing can be recovered', async () => {
    const pdf = Buffer.from(await pdfOf([INVOICE_LINES]));
    const broken = Buffer.concat([pdf.subarray(0, 15), randomBytes(pdf.length - 15 - 200), pdf.subarray(pdf.length - 200)]);
    await expectFileError(extractFromPdf(broken), ['UNREADABLE']);
  });

  it('UNSUPPORTED for bytes that are not a PDF', async () => {
    await expectFileError(extractFromPdf(randomBytes(1000)), ['UNSUPPORTED']);
  });

  it('stops at the deadline (UNREADABLE)', async () => {
    const pdf = await pdfOf([INVOICE_LINES]);
    const started = Date.now();
    await expectFileError(extractFromPdf(pdf, { timeoutMs: 1 }), ['UNREADABLE']);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('terminates PDF.js at the deadline even while it is busy (UNREADABLE)', async () => {
    const pdf = heavyPdf(1_000_000);
    expect(pdf.length).toBeLessThan(100_000);
    const started = Date.now();
    await expectFileError(extractFromPdf(pdf, { timeoutMs: 300 }), ['UNREADABLE']);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('never rejects with anything but InvoiceFileError on random mutations', async () => {
    const pdf = await pdfOf([INVOICE_LINES]);
    for (let round = 0; round < 15; round++) {
      const mutated = Buffer.from(pdf);
      for (let i = 0; i < 1 + round; i++) mutated[5 + (randomBytes(4).readUInt32LE(0) % (mutated.length - 5))] = randomBytes(1)[0]!;
      try {
        await extractFromPdf(mutated);
      } catch (error) {
        expect(error).toBeInstanceOf(InvoiceFileError);
      }
    }
    // Each round also renders page 1 and scans it for a QR code (~1 s when there is none): room on a loaded machine.
  }, 180_000);
});

describe('parseInvoiceLayout', () => {
  const at = (str: string, x: number, y: number, width = str.length * 9, height = 9) => ({ str, x, y, width, height });

  it('pairs labels with the values printed after them, by position (the 数电 layout: buyer left, seller right)', () => {
    // Positions as PDF.js gives them for the corpus's 数电 PDF (08): every label first, then every value.
    const items = [
      at('发票号码：', 438, 357, 45),
      at('开票日期：', 438, 340, 45),
      ...[...'购买方信息'].map((c, i) => at(c, 17, 296 - 10 * i, 8)),
      at('统一社会信用代码/纳税人识别号：', 33, 264, 124),
      ...[...'销售方信息'].map((c, i) => at(c, 302, 296 - 10 * i, 8)),
      at('统一社会信用代码/纳税人识别号：', 317, 264, 124),
      at('名称：', 33, 293, 27),
      at('名称：', 318, 293, 27),
      at('项目名称', 45, 238),
      at('价税合计（大写）', 48, 109, 72),
      at('（小写）', 407, 109, 36),
      at('25317000002228021821', 482, 357, 90),
      at('2025年10月20日', 482, 340, 63),
      at('龙腾半导体股份有限公司', 57, 293),
      at('91610132688983884K', 153, 263, 130, 12),
      at('上海积塔半导体有限公司', 340, 293),
      at('91310115MA1H9HD02E', 438, 263, 130, 12),
      at('叁万伍仟伍佰伍拾玖圆陆角玖分', 178, 111),
      at('¥', 441, 111, 7, 11),
      at('35559.69', 447, 111, 44, 11),
    ];
    expect(parseInvoiceLayout(items)).toEqual({
      number: '25317000002228021821',
      issueDate: '2025-10-20',
      totalWithTax: '35559.69',
      buyerName: '龙腾半导体股份有限公司',
      buyerTaxId: '91610132688983884K',
      sellerName: '上海积塔半导体有限公司',
      sellerTaxId: '91310115MA1H9HD02E',
    });
  });

  it('tells the parties apart by their 购/销 marker in the legacy layout too (buyer above, seller below)', () => {
    const items = [
      at('购', 20, 300, 9),
      at('名 称:', 40, 300, 30),
      at('纳税人识别号:', 40, 288, 60),
      at('销', 20, 100, 9),
      at('名 称:', 40, 100, 30),
      at('纳税人识别号:', 40, 88, 60),
      at('江苏京利华新材料有限公司', 110, 300),
      at('91320000000000000X', 110, 288, 100),
      at('兰溪市悦济舫餐厅', 110, 100),
      at('92330781MA2EDMFU50', 110, 88, 100),
    ];
    expect(parseInvoiceLayout(items)).toEqual({
      buyerName: '江苏京利华新材料有限公司',
      buyerTaxId: '91320000000000000X',
      sellerName: '兰溪市悦济舫餐厅',
      sellerTaxId: '92330781MA2EDMFU50',
    });
  });

  it('leaves out a label with no plausible value beside it', () => {
    expect(parseInvoiceLayout([at('发票号码：', 10, 10, 45), at('12345', 60, 10), at('纳税人识别号：', 10, 30, 60), at('名称：', 100, 30, 27)])).toEqual({});
  });
});

describe('parseInvoiceText', () => {
  it('reads the usual Chinese labels of a 数电 invoice', () => {
    const text = [
      '电子发票（普通发票）',
      '发票号码：25432000000031411143',
      '开票日期：2025年03月11日',
      '购买方信息 名称：张三 统一社会信用代码/纳税人识别号：91110108MA01AAAAAA',
      '销售方信息 名称：长沙某某商贸有限公司 统一社会信用代码/纳税人识别号：91430100MA4L0XXXXX',
      '项目名称 金额 税率/征收率 税额',
      '合 计 ¥648.51 ¥6.49',
      '价税合计（大写） 陆佰伍拾伍圆整 （小写）¥655.00',
    ].join('\n');
    expect(parseInvoiceText(text)).toEqual({
      number: '25432000000031411143',
      issueDate: '2025-03-11',
      totalWithTax: '655.00',
      sellerTaxId: '91430100MA4L0XXXXX',
    });
  });

  it('tolerates spaced-out labels, half-width brackets, separators and thousands commas', () => {
    const text = '发 票 号 码 : 25432000000031411143\n开票日期 2025-3-9\n价税合计(小写) ￥ 1,234,567.80\n纳税人识别号 91110108MA01AAAAAA\n纳税人识别号 91430100MA4L0XXXXX';
    expect(parseInvoiceText(text)).toEqual({
      number: '25432000000031411143',
      issueDate: '2025-03-09',
      totalWithTax: '1234567.80',
      sellerTaxId: '91430100MA4L0XXXXX',
    });
  });

  it('reads older 8-digit numbers, a "QR Code:" line and full-width colons', () => {
    const text = `Invoice Number：29342181\nDate of issue: 2018/06/13\nTotal incl. tax: CNY 104.72\nQR Code： 01,10,050003523456,29342181,104.72,20180613,02418567008427471889,1774,\n`;
    expect(parseInvoiceText(text)).toEqual({
      number: '29342181',
      issueDate: '2018-06-13',
      totalWithTax: '104.72',
      qr: '01,10,050003523456,29342181,104.72,20180613,02418567008427471889,1774,',
    });
  });

  it('leaves out what is absent or implausible', () => {
    expect(parseInvoiceText('')).toEqual({});
    expect(parseInvoiceText('Invoice No: 123\nIssue Date: 2025-02-30\n纳税人识别号：91110108MA01AAAAAA')).toEqual({});
    expect(parseInvoiceText('发票号码：254320000000314111430')).toEqual({});
  });

  it('is fast on long hostile text', () => {
    const started = Date.now();
    parseInvoiceText(`${'（小写）¥'.repeat(5000)}${'1'.repeat(50_000)}.${'销售方'.repeat(5000)}`);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('textLayerUnusable', () => {
  it('is true for no text, for text without any invoice field, and for mostly control or replacement characters', () => {
    expect(textLayerUnusable('', {})).toBe(true);
    expect(textLayerUnusable('  \n ', {})).toBe(true);
    expect(textLayerUnusable('Lorem ipsum dolor sit amet', parseInvoiceText('Lorem ipsum dolor sit amet'))).toBe(true);
    const garbled = '\u0001\u0002\u0003\u0004\u0005：25432000000031411143 \uFFFD\uFFFD\uE001\uE002\u0006\u0007\u0003\u0004\u0008';
    expect(textLayerUnusable(garbled, { number: '25432000000031411143' })).toBe(true);
  });

  it('is false as soon as one field is read from mostly readable text', () => {
    const text = INVOICE_LINES.join('\n');
    expect(textLayerUnusable(text, parseInvoiceText(text))).toBe(false);
    expect(textLayerUnusable('名称：甲公司', { buyerName: '甲公司' })).toBe(false);
  });
});

describe('extractFromPdf: page 1 rendered for OCR when the text layer is unusable', () => {
  const input = {
    qr: '01,32,,25317000002228021821,35559.69,20251020,,1A2B',
    number: '25317000002228021821',
    issueDate: '2025-10-20',
    totalAmount: '35559.69',
    seller: { name: '上海积塔半导体有限公司', taxId: '91310115MA1H9HD02E' },
    buyer: { name: '龙腾半导体股份有限公司', taxId: '91610132688983884K' },
  };
  const pngSize = (png: Uint8Array) => {
    const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
    return { width: view.getUint32(16), height: view.getUint32(20) };
  };

  it('a scanned PDF (an image only): no text fields, the QR from the image, a bounded PNG of page 1', async () => {
    const doc = new PDFDocument({ size: 'A4', margin: 0 });
    const done = new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      doc.on('data', (chunk: Buffer) => chunks.push(chunk));
      doc.on('end', () => resolve(Buffer.concat(chunks)));
    });
    doc.image(renderInvoicePng(input), 0, 0, { width: doc.page.width });
    doc.end();
    const pdf = await extractFromPdf(await done);
    expect(pdf).toMatchObject({ fields: {}, qr: input.qr, textUnusable: true });
    expect(sniffFileKind(pdf.ocrImage!)).toBe('png');
    const { width, height } = pngSize(pdf.ocrImage!);
    expect(Math.max(width, height)).toBeLessThanOrEqual(PDF_OCR_MAX_SIDE);
    expect(Math.max(width, height)).toBeGreaterThan(PDF_OCR_MAX_SIDE - 2);
    expect(pdf.ocrImage!.byteLength).toBeLessThanOrEqual(PDF_OCR_MAX_PNG_BYTES);
  }, 30_000);

  it('a PDF whose font has no ToUnicode map: its garbled text is dropped and page 1 rendered', async () => {
    const latin = (await renderInvoicePdf(input)).toString('latin1');
    const pdf = await extractFromPdf(Buffer.from(latin.replace(/\/ToUnicode \d+ 0 R/g, (ref) => ' '.repeat(ref.length)), 'latin1'));
    expect(pdf).toMatchObject({ fields: {}, qr: input.qr, textUnusable: true });
    expect(sniffFileKind(pdf.ocrImage!)).toBe('png');
  }, 30_000);

  it('a good text layer is read from its text, with no rendering; renderForOcr: false renders nothing', async () => {
    const good = await extractFromPdf(await renderInvoicePdf(input));
    expect(good.fields).toMatchObject({ number: input.number, sellerName: input.seller.name, buyerTaxId: input.buyer.taxId });
    expect(good.textUnusable).toBeUndefined();
    expect(good.ocrImage).toBeUndefined();
    const blank = await extractFromPdf(await pdfOf([[]]), { renderForOcr: false });
    expect(blank.textUnusable).toBe(true);
    expect(blank.ocrImage).toBeUndefined();
  }, 30_000);

  it('bounds the rendering of a huge page by pixels: a 14 400 pt square page gives at most the OCR side', async () => {
    const pdf = await extractFromPdf(await pdfOf([[' ']], { size: [14_400, 14_400] }));
    expect(pdf.textUnusable).toBe(true);
    const { width, height } = pngSize(pdf.ocrImage!);
    expect(width).toBeLessThanOrEqual(PDF_OCR_MAX_SIDE);
    expect(height).toBeLessThanOrEqual(PDF_OCR_MAX_SIDE);
  }, 30_000);
});
