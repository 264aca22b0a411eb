import jsqrModule from 'jsqr';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { INVOICE_PNG_HEIGHT, INVOICE_PNG_WIDTH, PHOTO_DEFAULTS, renderInvoicePng, type InvoicePngInput } from './invoice-png.js';

/** jsqr is CommonJS with an `export default` typing: under NodeNext the default import is the module object. */
const jsQR = ((jsqrModule as unknown as { default?: unknown }).default ?? jsqrModule) as typeof jsqrModule.default;

const input: InvoicePngInput = {
  qr: '01,32,,25432000000031411143,655.00,20250311,,19E3',
  number: '25432000000031411143',
  issueDate: '2025-03-11',
  totalAmount: '655.00',
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

describe('renderInvoicePng', () => {
  it('clean: a 1000×640 PNG whose QR reads back as the input text', () => {
    const png = renderInvoicePng(input);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const { image, text } = decode(png);
    expect([image.width, image.height]).toEqual([INVOICE_PNG_WIDTH, INVOICE_PNG_HEIGHT]);
    expect(text).toBe(input.qr);
    // A white paper: the corner inside the frame is pure white, and the QR's top-left finder is black.
    const at = (x: number, y: number) => [...image.data.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 3)];
    expect(at(40, 40)).toEqual([255, 255, 255]);
    expect(at(70, 70)).toEqual([0, 0, 0]);
  });

  it('clean is the default and is deterministic; another invoice gives another image', () => {
    expect(renderInvoicePng(input, { style: 'clean' }).equals(renderInvoicePng(input))).toBe(true);
    const other = { ...input, qr: '01,32,,25432000000031411144,12.30,20250311,,0A1B', number: '25432000000031411144', totalAmount: '12.30' };
    const png = renderInvoicePng(other);
    expect(png.equals(renderInvoicePng(input))).toBe(false);
    expect(decode(png).text).toBe(other.qr);
  });

  it('photo: the QR reads back for 12 different seeds at the default settings', () => {
    const sizes = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const { image, text } = decode(renderInvoicePng(input, { style: 'photo', seed: `seed-${i}` }));
      expect(text, `seed-${i}`).toBe(input.qr);
      // Cropped by at most cropPercent per side.
      expect(image.width).toBeGreaterThanOrEqual(Math.floor(INVOICE_PNG_WIDTH * (1 - (2 * PHOTO_DEFAULTS.cropPercent) / 100)));
      expect(image.width).toBeLessThanOrEqual(INVOICE_PNG_WIDTH);
      expect(image.height).toBeGreaterThanOrEqual(Math.floor(INVOICE_PNG_HEIGHT * (1 - (2 * PHOTO_DEFAULTS.cropPercent) / 100)));
      sizes.add(`${image.width}x${image.height}`);
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

  it('photo really degrades the image: tinted, noisy and not the clean pixels', () => {
    const settings = { style: 'photo', seed: 's', rotateDeg: 0, cropPercent: 0 } as const;
    const clean = PNG.sync.read(renderInvoicePng(input));
    const photo = PNG.sync.read(renderInvoicePng(input, settings));
    expect([photo.width, photo.height]).toEqual([INVOICE_PNG_WIDTH, INVOICE_PNG_HEIGHT]);
    expect(meanDifference(clean, photo)).toBeGreaterThan(5);
    // Paper is no longer pure white anywhere in a blank area.
    let white = 0;
    for (let y = 290; y < 296; y++) for (let x = 600; x < 700; x++) if (photo.data[(y * photo.width + x) * 4] === 255) white++;
    expect(white).toBeLessThan(50);
    // Noise only: same geometry, so the difference is small but non-zero, and the noise is seeded.
    const quiet = PNG.sync.read(renderInvoicePng(input, { ...settings, noise: 0 }));
    const diff = meanDifference(quiet, photo);
    expect(diff).toBeGreaterThan(1.5);
    expect(diff).toBeLessThan(15);
  });

  it('explicit options override the style defaults and are checked', () => {
    const rotated = decode(renderInvoicePng(input, { rotateDeg: 8 }));
    expect([rotated.image.width, rotated.image.height]).toEqual([INVOICE_PNG_WIDTH, INVOICE_PNG_HEIGHT]);
    expect(rotated.text).toBe(input.qr);
    expect(renderInvoicePng(input, { rotateDeg: 8 }).equals(renderInvoicePng(input))).toBe(false);
    expect(() => renderInvoicePng(input, { blur: -1 })).toThrow(RangeError);
    expect(() => renderInvoicePng(input, { noise: Number.NaN })).toThrow(RangeError);
    expect(() => renderInvoicePng(input, { cropPercent: 50 })).toThrow(RangeError);
    expect(() => renderInvoicePng({ ...input, qr: '' })).toThrow(TypeError);
  });
});
