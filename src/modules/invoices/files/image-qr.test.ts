import { randomBytes } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { InvoiceFileError } from './errors.js';
import { decodeQrFromImage, decodeQrFromImageAsync, readJpegSize } from './image-qr.js';
import { sniffFileKind } from './sniff.js';

const PAYLOAD = '01,32,,25432000000031411143,655.00,20250311,,19E3';

interface Raster {
  width: number;
  height: number;
  data: Buffer;
}

async function qrPng(text = PAYLOAD, scale = 4): Promise<Buffer> {
  return QRCode.toBuffer(text, { type: 'png', margin: 4, scale, errorCorrectionLevel: 'M' });
}

function rasterOf(png: Buffer): Raster {
  const { width, height, data } = PNG.sync.read(png);
  return { width, height, data };
}

function pngOf(raster: Raster): Buffer {
  const png = new PNG({ width: raster.width, height: raster.height });
  raster.data.copy(png.data);
  return PNG.sync.write(png);
}

function rotate180(raster: Raster): Raster {
  const data = Buffer.alloc(raster.data.length);
  const pixels = raster.width * raster.height;
  for (let i = 0; i < pixels; i++) raster.data.copy(data, (pixels - 1 - i) * 4, i * 4, i * 4 + 4);
  return { ...raster, data };
}

/** The QR pasted at (left, top) of a white canvas. */
function onCanvas(qr: Raster, width: number, height: number, left: number, top: number): Raster {
  const data = Buffer.alloc(width * height * 4, 255);
  for (let y = 0; y < qr.height; y++) qr.data.copy(data, ((top + y) * width + left) * 4, y * qr.width * 4, (y + 1) * qr.width * 4);
  return { width, height, data };
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'latin1'), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

function ihdr(width: number, height: number, colorType: number, interlace: number): Buffer {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data[8] = 8; // bit depth
  data[9] = colorType;
  data[12] = interlace;
  return chunk('IHDR', data);
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** An Adam7-interlaced 8-bit greyscale PNG (pngjs cannot write interlaced files). */
function interlacedGreyPng(raster: Raster): Buffer {
  const passes = [
    [0, 0, 8, 8],
    [4, 0, 8, 8],
    [0, 4, 4, 8],
    [2, 0, 4, 4],
    [0, 2, 2, 4],
    [1, 0, 2, 2],
    [0, 1, 1, 2],
  ] as const;
  const rows: number[] = [];
  for (const [x0, y0, dx, dy] of passes) {
    for (let y = y0; y < raster.height; y += dy) {
      if (x0 >= raster.width) break;
      rows.push(0); // filter: none
      for (let x = x0; x < raster.width; x += dx) rows.push(raster.data[(y * raster.width + x) * 4]!);
    }
  }
  return Buffer.concat([SIGNATURE, ihdr(raster.width, raster.height, 0, 1), chunk('IDAT', deflateSync(Buffer.from(rows))), chunk('IEND', Buffer.alloc(0))]);
}

function expectFileError(fn: () => unknown, reason: InvoiceFileError['reason']): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvoiceFileError);
    expect((error as InvoiceFileError).reason).toBe(reason);
    return;
  }
  throw new Error(`expected InvoiceFileError(${reason})`);
}

describe('decodeQrFromImage', () => {
  it('reads the QR code of a PNG', async () => {
    const png = await qrPng();
    expect(sniffFileKind(png)).toBe('png');
    expect(decodeQrFromImage(png)).toBe(PAYLOAD);
  });

  it('reads the QR code of a JPEG', async () => {
    const raster = rasterOf(await qrPng());
    const jpg = jpeg.encode(raster, 85).data;
    expect(sniffFileKind(jpg)).toBe('jpeg');
    expect(readJpegSize(jpg)).toEqual({ width: raster.width, height: raster.height });
    expect(decodeQrFromImage(jpg)).toBe(PAYLOAD);
  });

  it('reads an upside-down QR code, alone and on a larger JPEG canvas', async () => {
    const raster = rasterOf(await qrPng());
    expect(decodeQrFromImage(pngOf(rotate180(raster)))).toBe(PAYLOAD);
    const canvas = onCanvas(raster, 900, 600, 500, 150);
    expect(decodeQrFromImage(jpeg.encode(rotate180(canvas), 90).data)).toBe(PAYLOAD);
  });

  it('reads a QR code in an image larger than the scan size (downscaled first)', async () => {
    const raster = rasterOf(await qrPng(PAYLOAD, 12));
    const canvas = onCanvas(raster, 3000, 2000, 1700, 900);
    const started = Date.now();
    expect(decodeQrFromImage(pngOf(canvas))).toBe(PAYLOAD);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('reads transparent PNGs as if on white', async () => {
    const raster = rasterOf(await qrPng());
    for (let i = 0; i < raster.data.length; i += 4) {
      if (raster.data[i] === 255) raster.data.fill(0, i, i + 4); // white → transparent black
    }
    expect(decodeQrFromImage(pngOf(raster))).toBe(PAYLOAD);
  });

  it('reads an interlaced PNG', async () => {
    const png = interlacedGreyPng(rasterOf(await qrPng()));
    expect(decodeQrFromImage(png)).toBe(PAYLOAD);
  });

  it('has an async variant that does not block the event loop', async () => {
    const png = await qrPng();
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 1);
    const noise = { width: 1000, height: 1000, data: randomBytes(1000 * 1000 * 4) };
    await expect(decodeQrFromImageAsync(pngOf(noise), { timeoutMs: 300 })).rejects.toMatchObject({ reason: 'UNREADABLE' });
    clearInterval(ticker);
    expect(ticks).toBeGreaterThan(20);
    expect(await decodeQrFromImageAsync(png)).toBe(PAYLOAD);
  });

  it('gives up on images that take jsQR too long (noise), within the deadline (UNREADABLE)', () => {
    const noise = { width: 1500, height: 1500, data: randomBytes(1500 * 1500 * 4) };
    for (let i = 3; i < noise.data.length; i += 4) noise.data[i] = 255;
    const png = pngOf(noise);
    const started = Date.now();
    expectFileError(() => decodeQrFromImage(png, { timeoutMs: 500 }), 'UNREADABLE');
    expect(Date.now() - started).toBeLessThan(15_000); // generous under CI load; unbounded jsQR on noise takes minutes
  });

  it('returns null for an image without a QR code', () => {
    const blank = { width: 400, height: 300, data: Buffer.alloc(400 * 300 * 4, 255) };
    expect(decodeQrFromImage(pngOf(blank))).toBeNull();
    expect(decodeQrFromImage(jpeg.encode(blank, 80).data)).toBeNull();
  });

  it('refuses a PNG header claiming 100000×100000 before decoding anything (TOO_LARGE)', () => {
    const png = Buffer.concat([SIGNATURE, ihdr(100_000, 100_000, 6, 0), chunk('IDAT', deflateSync(Buffer.alloc(10))), chunk('IEND', Buffer.alloc(0))]);
    const before = process.memoryUsage().arrayBuffers;
    expectFileError(() => decodeQrFromImage(png), 'TOO_LARGE');
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
    expectFileError(() => decodeQrFromImage(png, { maxPixels: 1_000_000 }), 'TOO_LARGE');
  });

  it('honours a lower maxPixels for PNG and JPEG', async () => {
    const png = await qrPng();
    const { width, height } = rasterOf(png);
    expectFileError(() => decodeQrFromImage(png, { maxPixels: width * height - 1 }), 'TOO_LARGE');
    const jpg = jpeg.encode(rasterOf(png), 85).data;
    expectFileError(() => decodeQrFromImage(jpg, { maxPixels: width * height - 1 }), 'TOO_LARGE');
  });

  it('refuses a JPEG whose frame header claims 60000×60000 (TOO_LARGE)', () => {
    const jpg = Buffer.from(jpeg.encode({ width: 16, height: 16, data: Buffer.alloc(16 * 16 * 4, 128) }, 80).data);
    const sof = jpg.indexOf(Buffer.from([0xff, 0xc0]));
    jpg.writeUInt16BE(60_000, sof + 5);
    jpg.writeUInt16BE(60_000, sof + 7);
    expectFileError(() => decodeQrFromImage(jpg), 'TOO_LARGE');
  });

  it('refuses an interlaced PNG whose data inflates beyond its size (decompression bomb)', () => {
    const bomb = deflateSync(Buffer.alloc(64 * 1024 * 1024));
    const png = Buffer.concat([SIGNATURE, ihdr(100, 100, 0, 1), chunk('IDAT', bomb), chunk('IEND', Buffer.alloc(0))]);
    expectFileError(() => decodeQrFromImage(png), 'TOO_LARGE');
    // Not interlaced, pngjs itself inflates with a cap at the image size and refuses the excess.
    const flat = Buffer.concat([SIGNATURE, ihdr(100, 100, 0, 0), chunk('IDAT', bomb), chunk('IEND', Buffer.alloc(0))]);
    expectFileError(() => decodeQrFromImage(flat), 'UNREADABLE');
  });

  it('UNSUPPORTED for random bytes, UNREADABLE for corrupt images', async () => {
    expectFileError(() => decodeQrFromImage(randomBytes(4096)), 'UNSUPPORTED');
    expectFileError(() => decodeQrFromImage(new Uint8Array(0)), 'UNSUPPORTED');
    // Fixed filler, not random bytes: random bytes after a signature can spell a header claiming a huge image (TOO_LARGE).
    expectFileError(() => decodeQrFromImage(Buffer.concat([SIGNATURE, Buffer.alloc(4096, 0x5a)])), 'UNREADABLE');
    expectFileError(() => decodeQrFromImage(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(4096, 0x5a)])), 'UNREADABLE');
    const png = await qrPng();
    expectFileError(() => decodeQrFromImage(png.subarray(0, png.length >> 1)), 'UNREADABLE');
    const corrupt = Buffer.from(png);
    corrupt[60] = corrupt[60]! ^ 0xff; // inside IDAT: the chunk CRC no longer matches
    expectFileError(() => decodeQrFromImage(corrupt), 'UNREADABLE');
    expectFileError(() => decodeQrFromImage(Buffer.concat([SIGNATURE, ihdr(0, 10, 6, 0)])), 'UNREADABLE');
  });

  it('never throws anything but InvoiceFileError on random mutations', async () => {
    const png = await qrPng();
    const jpg = jpeg.encode(rasterOf(png), 85).data;
    for (const original of [png, jpg]) {
      for (let round = 0; round < 60; round++) {
        const mutated = Buffer.from(original);
        for (let i = 0; i < 1 + (round % 6); i++) mutated[8 + (randomBytes(4).readUInt32LE(0) % (mutated.length - 8))] = randomBytes(1)[0]!;
        try {
          decodeQrFromImage(mutated);
        } catch (error) {
          expect(error).toBeInstanceOf(InvoiceFileError);
        }
      }
    }
  });
});
