import { crc32, deflateSync } from 'node:zlib';

/**
 * The two uploads of issue #16 that held the event loop for seconds: a 9.6 MB "invoice" XML of 1.2 million tiny
 * elements, and a blank 6000×6600 PNG of ~38 KB (39.6 megapixels, just under the decoders' 40 MP ceiling).
 */
export function hostileXml(): Buffer {
  return Buffer.from(`<EInvoice>${'<b>y</b>'.repeat(1_200_000)}</EInvoice>`, 'utf8');
}

export function blankHugePng(width = 6000, height = 6600): Buffer {
  // Built by hand: pngjs's encoder would first allocate 158 MB of RGBA pixels.
  const scanline = Buffer.alloc(1 + width, 0xff); // white, 8-bit greyscale
  scanline[0] = 0; // filter: none
  const raw = Buffer.concat(Array.from({ length: height }, () => scanline));
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}
