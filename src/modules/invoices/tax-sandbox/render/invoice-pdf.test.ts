import jsqrModule from 'jsqr';
import { extractImages, extractText, getDocumentProxy, getMeta } from 'unpdf';
import { afterEach, describe, expect, it } from 'vitest';
import { extractFromPdf } from '../../files/pdf.js';
import { configureInvoiceFonts } from './fonts.js';
import { renderInvoicePdf, type InvoicePdfInput } from './invoice-pdf.js';

/** jsqr is CommonJS with an `export default` typing: under NodeNext the default import is the module object. */
const jsQR = ((jsqrModule as unknown as { default?: unknown }).default ?? jsqrModule) as typeof jsqrModule.default;

const input: InvoicePdfInput = {
  qr: '01,32,,25432000000031411143,655.00,20250311,,19E3',
  number: '25432000000031411143',
  issueDate: '2025-03-11',
  totalAmount: '655.00',
  totalWithoutTax: '648.51',
  totalTax: '6.49',
  seller: { name: '长沙示例商贸有限公司', taxId: '91430100MA4L7XK9BE' },
  buyer: { name: '湖南麓山科技有限公司', taxId: '91430104MA4QWERT1X' },
  items: [{ name: '*日用品*商品一批', unit: '批', quantity: '1', unitPrice: '648.51', amount: '648.51', taxRate: '1%', tax: '6.49' }],
  issuer: '王芳',
};

afterEach(() => {
  configureInvoiceFonts();
});

/** pdf.js takes ownership of (detaches) the buffer it is given: hand it a copy. */
const load = (pdf: Buffer) => getDocumentProxy(new Uint8Array(pdf));

describe('renderInvoicePdf', () => {
  it('is a one-page A5-landscape PDF whose text layer has the fields', async () => {
    const pdf = await renderInvoicePdf(input);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const proxy = await load(pdf);
    expect(proxy.numPages).toBe(1);
    const page = await proxy.getPage(1);
    const [, , width, height] = page.view;
    expect(width).toBeCloseTo(595.28, 0);
    expect(height).toBeCloseTo(419.53, 0);

    const { totalPages, text } = await extractText(proxy, { mergePages: true });
    expect(totalPages).toBe(1);
    // The real 数电 layout, in Chinese, with the CJK font embedded (a ToUnicode map makes it extractable).
    for (const printed of ['电子发票（普通发票）', '发票号码：25432000000031411143', '开票日期：2025年03月11日', '名称：长沙示例商贸有限公司', '91430100MA4L7XK9BE', '价税合计（大写）', '陆佰伍拾伍圆整', '（小写）¥655.00', '¥648.51', '¥6.49', '开票人：王芳']) {
      expect(text).toContain(printed);
    }
  });

  it("is read back by the intake's PDF reader: every field from the layout, the QR from its image", async () => {
    const read = await extractFromPdf(new Uint8Array(await renderInvoicePdf(input)));
    expect(read.qr).toBe(input.qr);
    expect(read.qrSource).toBe('image');
    expect(read.fields).toEqual({
      number: input.number,
      issueDate: input.issueDate,
      totalWithTax: '655.00',
      sellerName: '长沙示例商贸有限公司',
      sellerTaxId: '91430100MA4L7XK9BE',
      buyerName: '湖南麓山科技有限公司',
      buyerTaxId: '91430104MA4QWERT1X',
    });
  });

  it('without a CJK font falls back to ASCII lines the reader understands', async () => {
    configureInvoiceFonts({ paths: [], fontconfig: false, warn: () => {} });
    const { text } = await extractText(await load(await renderInvoicePdf(input)), { mergePages: true });
    expect(text).toContain('Invoice No: 25432000000031411143');
    expect(text).toContain('Issue Date: 2025-03-11');
    expect(text).toContain('Total (tax incl.): 655.00');
    expect(text).toContain('Seller Tax ID: 91430100MA4L7XK9BE');
    expect(text).toContain(`QR: ${input.qr}`);
  });

  it('has the QR code as an image on page 1 that decodes to the QR text', async () => {
    const images = await extractImages(await load(await renderInvoicePdf(input)), 1);
    expect(images).toHaveLength(1);
    const image = images[0]!;
    const rgba = new Uint8ClampedArray(image.width * image.height * 4);
    for (let p = 0; p < image.width * image.height; p++) {
      for (let k = 0; k < 3; k++) rgba[p * 4 + k] = image.data[p * image.channels + (image.channels >= 3 ? k : 0)]!;
      rgba[p * 4 + 3] = 255;
    }
    expect(jsQR(rgba, image.width, image.height)?.data).toBe(input.qr);
  });

  it('is deterministic, dated by the issue date, and accepts YYYYMMDD', async () => {
    const a = await renderInvoicePdf(input);
    const b = await renderInvoicePdf(input);
    expect(a.equals(b)).toBe(true);
    const meta = await getMeta(await load(a));
    expect((meta.info as { CreationDate?: string }).CreationDate).toBe('D:20250310160000Z');
    const compact = await renderInvoicePdf({ ...input, issueDate: '20250311' });
    expect(compact.equals(a)).toBe(true);
    await expect(renderInvoicePdf({ ...input, issueDate: '2025/03/11' })).rejects.toThrow(RangeError);
  });
});
