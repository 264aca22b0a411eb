import jsqrModule from 'jsqr';
import { PNG } from 'pngjs';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeQrFromImage } from '../../files/image-qr.js';
import { configureInvoiceFonts, invoiceFonts } from './fonts.js';
import { DIGITAL_PNG_HEIGHT, INVOICE_PNG_WIDTH, LEGACY_PNG_HEIGHT, PHOTO_DEFAULTS, renderInvoicePng, type InvoicePngInput } from './invoice-png.js';

/** jsqr is CommonJS with an `export default` typing: under NodeNext the default import is the module object. */
const jsQR = ((jsqrModule as unknown as { default?: unknown }).default ?? jsqrModule) as typeof jsqrModule.default;

/** The minimal input every older caller passes: a 数电 普票. */
const input: InvoicePngInput = {
  qr: '01,32,,25432000000031411143,655.00,20250311,,19E3',
  number: '25432000000031411143',
  issueDate: '2025-03-11',
  totalAmount: '655.00',
};

/** Corpus file 13's printed fields (a 广西增值税电子普通发票), as the renderer takes them. */
const legacy: InvoicePngInput = {
  qr: '01,10,045001900111,58279940,1762.83,20220907,77838650584013657784,58E7',
  number: '58279940',
  issueDate: '2022-09-07',
  totalAmount: '1992.00',
  totalWithoutTax: '1762.83',
  machineNumber: '661830109521',
  buyer: { name: '南宁市仁德房地产开发有限责任公司来宾分公司', taxId: '9145130071885913X1' },
  seller: { name: '沃尔玛（广西）商业零售有限公司来宾桂中大道分店', taxId: '914513000865119949', addressPhone: '来宾市桂中大道东368号 0772-8901000', bankAccount: '来宾工行兴宾支行 2108415009300113150' },
  items: [{ name: '*酒*轩尼诗VSOP', unit: 'PN', quantity: '4', unitPrice: '440.7075', amount: '1762.83', taxRate: '13%', tax: '229.17' }],
  payee: '廖艳娜',
  reviewer: '苏燕霞',
  issuer: '覃小河',
};

function decode(png: Buffer) {
  const image = PNG.sync.read(png);
  const found = jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height);
  return { image, text: found?.data ?? null };
}

/** Mean absolute difference per channel between two equally sized images. */
function meanDifference(a: PNG, b: PNG): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) if (i % 4 !== 3) sum += Math.abs(a.data[i]! - b.data[i]!);
  return sum / ((a.data.length / 4) * 3);
}

/** Pixels darker than 160 (any channel) in a box: printed ink. */
function ink(image: PNG, x0: number, y0: number, x1: number, y1: number): number {
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * image.width + x) * 4;
      if (Math.min(image.data[i]!, image.data[i + 1]!, image.data[i + 2]!) < 160) n++;
    }
  }
  return n;
}

afterEach(() => {
  configureInvoiceFonts();
});

describe('renderInvoicePng', () => {
  it('clean 数电: a 1400×940 PNG whose QR reads back, with the title, number and amounts printed', () => {
    const png = renderInvoicePng(input);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const { image, text } = decode(png);
    expect([image.width, image.height]).toEqual([INVOICE_PNG_WIDTH, DIGITAL_PNG_HEIGHT]);
    expect(text).toBe(input.qr);
    const at = (x: number, y: number) => [...image.data.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 3)];
    expect(at(5, 5)).toEqual([255, 255, 255]);
    expect(at(32, 24)).toEqual([0, 0, 0]); // the QR's top-left finder
    expect(ink(image, 390, 50, 930, 100)).toBeGreaterThan(3000); // 电子发票（普通发票）
    expect(ink(image, 1130, 80, 1400, 100)).toBeGreaterThan(300); // the 20-digit number
    expect(ink(image, 100, 690, 1360, 720)).toBeGreaterThan(800); // 合计 ¥ ¥
    expect(ink(image, 100, 900, 800, 920)).toBe(0); // nothing below 开票人
  });

  it('clean legacy: 1400×920 with the QR, the province title, 密码区 and the seller stamp', () => {
    const { image, text } = decode(renderInvoicePng(legacy));
    expect([image.width, image.height]).toEqual([INVOICE_PNG_WIDTH, LEGACY_PNG_HEIGHT]);
    expect(text).toBe(legacy.qr);
    expect(ink(image, 440, 40, 970, 100)).toBeGreaterThan(5000); // 广西增值税电子普通发票
    expect(ink(image, 840, 220, 1340, 345)).toBeGreaterThan(5000); // 密码区
    let red = 0;
    for (let y = 710; y < 875; y++) {
      for (let x = 1075; x < 1320; x++) {
        const i = (y * image.width + x) * 4;
        if (image.data[i]! > 180 && image.data[i + 1]! < 110 && image.data[i + 2]! < 110) red++;
      }
    }
    expect(red).toBeGreaterThan(2000); // 发票专用章
  });

  it('clean is the default and is deterministic; another invoice gives another image', () => {
    expect(renderInvoicePng(input, { style: 'clean' }).equals(renderInvoicePng(input))).toBe(true);
    const other = { ...input, qr: '01,32,,25432000000031411144,12.30,20250311,,0A1B', number: '25432000000031411144', totalAmount: '12.30' };
    const png = renderInvoicePng(other);
    expect(png.equals(renderInvoicePng(input))).toBe(false);
    expect(decode(png).text).toBe(other.qr);
  });

  it('photo: the QR reads back for different seeds of both kinds at the default settings', () => {
    const sizes = new Set<string>();
    for (const [name, invoice] of [
      ['digital', input],
      ['legacy', legacy],
    ] as const) {
      for (let i = 0; i < 3; i++) {
        const png = renderInvoicePng(invoice, { style: 'photo', seed: `seed-${i}` });
        const image = PNG.sync.read(png);
        // The intake's reader (jsQR in a worker).
        expect(decodeQrFromImage(png), `${name} seed-${i}`).toBe(invoice.qr);
        // Cropped by at most cropPercent per side.
        expect(image.width).toBeGreaterThanOrEqual(Math.floor(INVOICE_PNG_WIDTH * (1 - (2 * PHOTO_DEFAULTS.cropPercent) / 100)));
        expect(image.width).toBeLessThanOrEqual(INVOICE_PNG_WIDTH);
        sizes.add(`${image.width}x${image.height}`);
      }
    }
    expect(sizes.size).toBeGreaterThan(1);
  });

  it('photo: the same seed gives identical bytes, a different seed different bytes', () => {
    const a = renderInvoicePng(input, { style: 'photo', seed: 'bench-7' });
    const b = renderInvoicePng(input, { style: 'photo', seed: 'bench-7' });
    const c = renderInvoicePng(input, { style: 'photo', seed: 'bench-8' });
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
    // Without a seed the photo is still a function of the input.
    expect(renderInvoicePng(input, { style: 'photo' }).equals(renderInvoicePng(input, { style: 'photo' }))).toBe(true);
  });

  it('photo really degrades the image: tinted, noisy, on a desk, not the clean pixels', () => {
    const settings = { style: 'photo', seed: 's', rotateDeg: 0, perspective: 0, cropPercent: 0 } as const;
    const clean = PNG.sync.read(renderInvoicePng(input));
    const photo = PNG.sync.read(renderInvoicePng(input, settings));
    expect([photo.width, photo.height]).toEqual([INVOICE_PNG_WIDTH, DIGITAL_PNG_HEIGHT]);
    expect(meanDifference(clean, photo)).toBeGreaterThan(5);
    // Paper is no longer pure white in a blank area of the item table.
    let white = 0;
    for (let y = 520; y < 526; y++) for (let x = 600; x < 700; x++) if (photo.data[(y * photo.width + x) * 4] === 255) white++;
    expect(white).toBeLessThan(50);
    // Noise only: same geometry, so the difference is small but non-zero, and the noise is seeded.
    const quiet = PNG.sync.read(renderInvoicePng(input, { ...settings, noise: 0 }));
    const diff = meanDifference(quiet, photo);
    expect(diff).toBeGreaterThan(1.5);
    expect(diff).toBeLessThan(15);
  });

  it('explicit options override the style defaults and are checked', () => {
    const rotated = decode(renderInvoicePng(input, { rotateDeg: 8 }));
    expect([rotated.image.width, rotated.image.height]).toEqual([INVOICE_PNG_WIDTH, DIGITAL_PNG_HEIGHT]);
    expect(rotated.text).toBe(input.qr);
    expect(renderInvoicePng(input, { rotateDeg: 8 }).equals(renderInvoicePng(input))).toBe(false);
    expect(decode(renderInvoicePng(legacy, { perspective: 0.12, blur: 1, jpegQuality: 60 })).text).toBe(legacy.qr);
    expect(() => renderInvoicePng(input, { blur: -1 })).toThrow(RangeError);
    expect(() => renderInvoicePng(input, { noise: Number.NaN })).toThrow(RangeError);
    expect(() => renderInvoicePng(input, { cropPercent: 50 })).toThrow(RangeError);
    expect(() => renderInvoicePng(input, { perspective: 0.5 })).toThrow(RangeError);
    expect(() => renderInvoicePng(input, { jpegQuality: 0 })).toThrow(RangeError);
    expect(() => renderInvoicePng({ ...input, qr: '' })).toThrow(TypeError);
    expect(() => renderInvoicePng({ ...input, totalWithoutTax: '600.00', totalTax: '1.00' })).toThrow(RangeError);
  });

  it("format 'jpeg' gives a JPEG whose QR still reads", () => {
    const jpeg = renderInvoicePng(legacy, { style: 'photo', seed: 'j', format: 'jpeg', jpegQuality: 70 });
    expect([...jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect(decodeQrFromImage(jpeg)).toBe(legacy.qr);
  });

  it('without a CJK font: warns once and still renders a readable invoice', () => {
    const warnings: string[] = [];
    const fonts = configureInvoiceFonts({ paths: ['/nonexistent/font.ttc'], fontconfig: false, warn: (m) => warnings.push(m) });
    expect(fonts).toMatchObject({ cjk: false, file: null });
    const png = renderInvoicePng(legacy);
    renderInvoicePng(input);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/fonts-noto-cjk/);
    expect(decode(png).text).toBe(legacy.qr);
    expect(invoiceFonts().cjk).toBe(false);
    // Back to the machine's CJK font (CI and this machine have fonts-noto-cjk).
    expect(configureInvoiceFonts().cjk).toBe(true);
    expect(renderInvoicePng(legacy).equals(png)).toBe(false);
  });
});
