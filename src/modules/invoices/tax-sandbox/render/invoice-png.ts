import { createCipheriv, createHmac, type Cipher } from 'node:crypto';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';

export interface InvoicePngInput {
  /** The QR text, e.g. `01,32,,25432000000031411143,655.00,20250311,,19E3`. */
  readonly qr: string;
  readonly number: string;
  /** YYYY-MM-DD (or YYYYMMDD). */
  readonly issueDate: string;
  /** 价税合计, e.g. `655.00`. */
  readonly totalAmount: string;
}

export interface InvoicePngOptions {
  /** 'clean' (default): a flat white scan. 'photo': tinted paper on a desk, rotated, blurred, noisy, cropped. */
  readonly style?: 'clean' | 'photo';
  /** Seeds every random choice of the 'photo' effects; defaults to one derived from the input. */
  readonly seed?: string;
  /** Rotation in degrees (positive = clockwise). Photo default: uniform in ±{@link PHOTO_DEFAULTS.maxRotateDeg}. */
  readonly rotateDeg?: number;
  /** Gaussian blur sigma in pixels (0–10). */
  readonly blur?: number;
  /** Standard deviation of the pixel noise, in 0–255 grey levels (0–100). */
  readonly noise?: number;
  /** Each side is cropped by a random 0–cropPercent % of the image's width/height (0–20). */
  readonly cropPercent?: number;
}

/**
 * What 'photo' uses for the options not given. 'clean' uses 0 for all of them (explicit options still apply).
 * The noise is the limiting factor for jsQR: its binariser thresholds every 8×8 block whose range exceeds 24
 * grey levels at the block mean, so noise σ ≥ 6 turns the blank quiet zone into speckle and no QR is found
 * (σ 4 decoded 200/200 seeds; σ 6 0/30). At σ 4, blur 2 and rotation 5° still decode every seed; from about 8°
 * the rotated QR corner reaches the edge and the default crop can cut into it.
 */
export const PHOTO_DEFAULTS = {
  maxRotateDeg: 3,
  blur: 1,
  noise: 4,
  cropPercent: 3,
} as const;

export const INVOICE_PNG_WIDTH = 1000;
export const INVOICE_PNG_HEIGHT = 640;

type Rgb = readonly [number, number, number];

/** A float RGB canvas, values 0–255, interleaved. */
interface Canvas {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

const INK: Rgb = [40, 40, 40];
const FRAME: Rgb = [150, 75, 45];
const STAMP: Rgb = [210, 40, 40];

/**
 * The invoice as an image: a white 'paper' with the QR code (error correction M, 7 px modules for the usual
 * 数电 payload), a frame, table lines, bars imitating text, the number/date/amount in a small bitmap font and
 * a red stamp. 'photo' adds paper tint, uneven lighting, rotation onto a desk (bilinear), blur, noise and a
 * crop of the margins, all drawn from a keystream seeded by `seed`: the same input and options give the same bytes.
 */
export function renderInvoicePng(input: InvoicePngInput, options: InvoicePngOptions = {}): Buffer {
  if (typeof input.qr !== 'string' || input.qr.length === 0) throw new TypeError('renderInvoicePng: qr must be a non-empty string');
  const style = options.style ?? 'clean';
  if (style !== 'clean' && style !== 'photo') throw new RangeError(`renderInvoicePng: unknown style ${String(style)}`);
  const photo = style === 'photo';
  const seed = options.seed ?? `${input.number}|${input.issueDate}|${input.totalAmount}|${input.qr}`;
  // One stream per effect, so overriding one option leaves the other effects of a seed unchanged.
  const stream = (label: string) => new KeyStream(seed, label);

  const rotateDeg =
    checked('rotateDeg', options.rotateDeg, -180, 180) ?? (photo ? (stream('rotate').uniform() * 2 - 1) * PHOTO_DEFAULTS.maxRotateDeg : 0);
  const blur = checked('blur', options.blur, 0, 10) ?? (photo ? PHOTO_DEFAULTS.blur : 0);
  const noise = checked('noise', options.noise, 0, 100) ?? (photo ? PHOTO_DEFAULTS.noise : 0);
  const cropPercent = checked('cropPercent', options.cropPercent, 0, 20) ?? (photo ? PHOTO_DEFAULTS.cropPercent : 0);

  let canvas = drawPaper(input);
  if (photo) applyPaperAndLight(canvas, stream('paper'));
  if (rotateDeg !== 0) canvas = rotate(canvas, rotateDeg, photo ? deskColour(stream('desk')) : [255, 255, 255]);
  if (blur > 0) gaussianBlur(canvas, blur);
  if (noise > 0) addNoise(canvas, noise, stream('noise'));
  if (cropPercent > 0) canvas = crop(canvas, cropPercent, stream('crop'));
  return encodePng(canvas);
}

function checked(name: string, value: number | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value < min || value > max) throw new RangeError(`renderInvoicePng: ${name} must be within ${min}..${max}`);
  return value;
}

/**
 * A deterministic stream of pseudo-random bytes: AES-256-CTR over zeros, keyed by HMAC-SHA256(seed, label)
 * (the HMAC counter-stream idea, but one AES block per 16 bytes so a million noise samples stay cheap).
 */
class KeyStream {
  private readonly cipher: Cipher;
  private buffer = Buffer.alloc(0);
  private offset = 0;

  constructor(seed: string, label: string) {
    const key = createHmac('sha256', seed).update(`quanyi/invoice-png/${label}`).digest();
    this.cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  }

  bytes(n: number): Buffer {
    if (this.offset + n > this.buffer.length) {
      const rest = this.buffer.subarray(this.offset);
      this.buffer = Buffer.concat([rest, this.cipher.update(Buffer.alloc(Math.max(n, 4096)))]);
      this.offset = 0;
    }
    const out = this.buffer.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.bytes(6).readUIntBE(0, 6) / 2 ** 48;
  }

  range(min: number, max: number): number {
    return min + (max - min) * this.uniform();
  }
}

// ---------------------------------------------------------------------------------------------- drawing

function newCanvas(width: number, height: number, colour: Rgb): Canvas {
  const data = new Float32Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) {
    data[i] = colour[0];
    data[i + 1] = colour[1];
    data[i + 2] = colour[2];
  }
  return { width, height, data };
}

function fillRect(c: Canvas, x: number, y: number, w: number, h: number, colour: Rgb): void {
  const x0 = Math.max(0, Math.round(x));
  const y0 = Math.max(0, Math.round(y));
  const x1 = Math.min(c.width, Math.round(x + w));
  const y1 = Math.min(c.height, Math.round(y + h));
  for (let yy = y0; yy < y1; yy++) {
    for (let xx = x0; xx < x1; xx++) {
      const i = (yy * c.width + xx) * 3;
      c.data[i] = colour[0];
      c.data[i + 1] = colour[1];
      c.data[i + 2] = colour[2];
    }
  }
}

function strokeRect(c: Canvas, x: number, y: number, w: number, h: number, thickness: number, colour: Rgb): void {
  fillRect(c, x, y, w, thickness, colour);
  fillRect(c, x, y + h - thickness, w, thickness, colour);
  fillRect(c, x, y, thickness, h, colour);
  fillRect(c, x + w - thickness, y, thickness, h, colour);
}

/** Stamp ink: multiplies what is under it (ink over print), with a little coverage so print shows through. */
function stampRing(c: Canvas, cx: number, cy: number, radius: number, thickness: number, colour: Rgb): void {
  const coverage = 0.8;
  for (let y = Math.floor(cy - radius - 1); y <= Math.ceil(cy + radius + 1); y++) {
    for (let x = Math.floor(cx - radius - 1); x <= Math.ceil(cx + radius + 1); x++) {
      if (x < 0 || y < 0 || x >= c.width || y >= c.height) continue;
      const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
      // Anti-aliased annulus: 1 inside [radius - thickness, radius], fading over one pixel.
      const a = Math.max(0, Math.min(1, radius - d + 0.5, d - (radius - thickness) + 0.5)) * coverage;
      if (a > 0) multiply(c, x, y, colour, a);
    }
  }
}

function stampRect(c: Canvas, x: number, y: number, w: number, h: number, colour: Rgb): void {
  for (let yy = Math.max(0, Math.round(y)); yy < Math.min(c.height, Math.round(y + h)); yy++) {
    for (let xx = Math.max(0, Math.round(x)); xx < Math.min(c.width, Math.round(x + w)); xx++) multiply(c, xx, yy, colour, 0.8);
  }
}

function multiply(c: Canvas, x: number, y: number, colour: Rgb, alpha: number): void {
  const i = (y * c.width + x) * 3;
  for (let k = 0; k < 3; k++) c.data[i + k] = c.data[i + k]! * (1 - alpha + (alpha * colour[k]!) / 255);
}

/** A 5×7 bitmap font for the digits and the few signs invoices print next to them. */
const GLYPHS: Readonly<Record<string, readonly string[]>> = {
  '0': ['.###.', '#...#', '#..##', '#.#.#', '##..#', '#...#', '.###.'],
  '1': ['..#..', '.##..', '..#..', '..#..', '..#..', '..#..', '.###.'],
  '2': ['.###.', '#...#', '....#', '...#.', '..#..', '.#...', '#####'],
  '3': ['#####', '...#.', '..#..', '...#.', '....#', '#...#', '.###.'],
  '4': ['...#.', '..##.', '.#.#.', '#..#.', '#####', '...#.', '...#.'],
  '5': ['#####', '#....', '####.', '....#', '....#', '#...#', '.###.'],
  '6': ['..##.', '.#...', '#....', '####.', '#...#', '#...#', '.###.'],
  '7': ['#####', '....#', '...#.', '..#..', '.#...', '.#...', '.#...'],
  '8': ['.###.', '#...#', '#...#', '.###.', '#...#', '#...#', '.###.'],
  '9': ['.###.', '#...#', '#...#', '.####', '....#', '...#.', '.##..'],
  '.': ['.....', '.....', '.....', '.....', '.....', '.##..', '.##..'],
  ',': ['.....', '.....', '.....', '.....', '.##..', '..#..', '.#...'],
  '-': ['.....', '.....', '.....', '#####', '.....', '.....', '.....'],
  ':': ['.....', '.##..', '.##..', '.....', '.##..', '.##..', '.....'],
  '¥': ['#...#', '.#.#.', '..#..', '#####', '..#..', '#####', '..#..'],
};

/** Draws `text` (unknown characters become spaces) and returns the width used. */
function drawText(c: Canvas, text: string, x: number, y: number, scale: number, colour: Rgb): number {
  let cursor = x;
  for (const ch of text) {
    const glyph = GLYPHS[ch];
    if (glyph) {
      glyph.forEach((row, gy) => {
        for (let gx = 0; gx < row.length; gx++) if (row[gx] === '#') fillRect(c, cursor + gx * scale, y + gy * scale, scale, scale, colour);
      });
    }
    cursor += 6 * scale;
  }
  return cursor - x;
}

/** Bars of varying length in place of printed words (deterministic per invoice, not per photo seed). */
function textBars(c: Canvas, layout: KeyStream, x: number, y: number, maxWidth: number, rows: number, rowHeight: number, colour: Rgb): void {
  for (let r = 0; r < rows; r++) {
    let cursor = x;
    const end = x + layout.range(0.55, 1) * maxWidth;
    while (cursor < end - 12) {
      const w = Math.min(end - cursor, layout.range(14, 60));
      fillRect(c, cursor, y + r * rowHeight, w, Math.max(2, Math.round(rowHeight * 0.45)), colour);
      cursor += w + layout.range(6, 12);
    }
  }
}

function displayDate(issueDate: string): string {
  return /^\d{8}$/.test(issueDate) ? `${issueDate.slice(0, 4)}-${issueDate.slice(4, 6)}-${issueDate.slice(6, 8)}` : issueDate;
}

function drawPaper(input: InvoicePngInput): Canvas {
  const W = INVOICE_PNG_WIDTH;
  const H = INVOICE_PNG_HEIGHT;
  const c = newCanvas(W, H, [255, 255, 255]);
  const layout = new KeyStream(`${input.number}|${input.qr}`, 'layout');

  // Frame (a double rule, as on the printed 数电 layout).
  strokeRect(c, 16, 16, W - 32, H - 32, 3, FRAME);
  strokeRect(c, 22, 22, W - 44, H - 44, 1, FRAME);

  // QR at the top left, 4-module quiet zone kept white.
  const qr = QRCode.create(input.qr, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const module = Math.max(3, Math.min(7, Math.floor(231 / size)));
  const qrX = 36 + 4 * module;
  const qrY = 36 + 4 * module;
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      if (qr.modules.data[row * size + col]) fillRect(c, qrX + col * module, qrY + row * module, module, module, [0, 0, 0]);
    }
  }
  const qrRight = qrX + (size + 4) * module;
  const qrBottom = qrY + (size + 4) * module;

  // Title: two thick bars and a double underline in the frame colour.
  fillRect(c, 380, 48, 110, 22, FRAME);
  fillRect(c, 500, 48, 130, 22, FRAME);
  fillRect(c, 370, 80, 270, 3, FRAME);
  fillRect(c, 370, 86, 270, 1, FRAME);

  // Number, date and total at the top right, each after a short 'label' bar.
  const rightX = 600;
  const lines = [input.number, displayDate(input.issueDate), `¥${input.totalAmount}`];
  lines.forEach((line, k) => {
    const y = 120 + k * 44;
    fillRect(c, rightX - 56, y + 6, 44, 10, INK);
    const scale = line.length * 18 > W - 40 - rightX ? 2 : 3;
    drawText(c, line, rightX, y, scale, INK);
  });

  // Table below the QR: buyer/seller boxes, item rows, totals row.
  const tableTop = Math.max(qrBottom + 8, 300);
  const rowsY = [tableTop, tableTop + 90, tableTop + 200, H - 60];
  for (const y of rowsY) fillRect(c, 30, y, W - 60, 2, FRAME);
  fillRect(c, W / 2, rowsY[0]!, 2, rowsY[1]! - rowsY[0]!, FRAME);
  fillRect(c, 30, rowsY[0]!, 2, rowsY[3]! - rowsY[0]!, FRAME);
  fillRect(c, W - 32, rowsY[0]!, 2, rowsY[3]! - rowsY[0]!, FRAME);
  textBars(c, layout, 50, rowsY[0]! + 18, W / 2 - 80, 3, 22, INK);
  textBars(c, layout, W / 2 + 20, rowsY[0]! + 18, W / 2 - 80, 3, 22, INK);
  textBars(c, layout, 50, rowsY[1]! + 18, W - 120, 4, 22, INK);
  fillRect(c, 50, rowsY[2]! + 20, 90, 12, INK);
  drawText(c, `¥${input.totalAmount}`, W - 60 - `¥${input.totalAmount}`.length * 12, rowsY[2]! + 16, 2, INK);
  textBars(c, layout, 50, rowsY[3]! + 20, 300, 1, 20, INK);

  // Bars to the right of the QR (seller's notes), clear of its quiet zone.
  textBars(c, layout, qrRight + 12, 130, rightX - 76 - (qrRight + 12), 5, 26, INK);

  // Red stamp over the lower right: ring, a centre mark and 'characters' on an arc.
  const sx = W - 300;
  const sy = rowsY[2]! - 10;
  stampRing(c, sx, sy, 72, 6, STAMP);
  stampRing(c, sx, sy, 12, 12, STAMP);
  for (let k = 0; k < 9; k++) {
    const a = Math.PI * (1.15 + (0.7 * k) / 8);
    stampRect(c, sx + 52 * Math.cos(a) - 5, sy + 52 * Math.sin(a) - 5, 10, 10, STAMP);
  }
  stampRect(c, sx - 40, sy + 28, 80, 8, STAMP);
  return c;
}

// ---------------------------------------------------------------------------------------------- photo effects

function applyPaperAndLight(c: Canvas, rng: KeyStream): void {
  const grey = rng.range(218, 248);
  const paper: Rgb = [grey, grey - rng.range(0, 6), grey - rng.range(4, 14)];
  // Light falls off away from a point somewhere over the page, plus a mild linear gradient.
  const lx = rng.range(0, c.width);
  const ly = rng.range(0, c.height);
  const falloff = rng.range(0.05, 0.14);
  const gx = rng.range(-0.05, 0.05);
  const gy = rng.range(-0.05, 0.05);
  const diag2 = c.width * c.width + c.height * c.height;
  for (let y = 0; y < c.height; y++) {
    for (let x = 0; x < c.width; x++) {
      const light = 1 - (falloff * ((x - lx) ** 2 + (y - ly) ** 2)) / diag2 + gx * (x / c.width - 0.5) + gy * (y / c.height - 0.5);
      const i = (y * c.width + x) * 3;
      for (let k = 0; k < 3; k++) c.data[i + k] = (c.data[i + k]! * paper[k]! * light) / 255;
    }
  }
}

function deskColour(rng: KeyStream): Rgb {
  const g = rng.range(70, 150);
  return [g + rng.range(0, 20), g + rng.range(0, 12), g];
}

/** Rotates about the centre, same size, bilinear; what falls outside the paper shows the background. */
function rotate(src: Canvas, degrees: number, background: Rgb): Canvas {
  const { width: W, height: H } = src;
  const out = new Float32Array(W * H * 3);
  const t = (degrees * Math.PI) / 180;
  const cos = Math.cos(t);
  const sin = Math.sin(t);
  const cx = W / 2;
  const cy = H / 2;
  const tap = (x: number, y: number, k: number) => (x < 0 || y < 0 || x >= W || y >= H ? background[k]! : src.data[(y * W + x) * 3 + k]!);
  const d = src.data;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      // Inverse map: output pixel centre rotated back by -t into the source, then to sample coordinates.
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      const sx = cos * dx + sin * dy + cx - 0.5;
      const sy = -sin * dx + cos * dy + cy - 0.5;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const w00 = (1 - fx) * (1 - fy);
      const w10 = fx * (1 - fy);
      const w01 = (1 - fx) * fy;
      const w11 = fx * fy;
      const o = (y * W + x) * 3;
      if (x0 >= 0 && y0 >= 0 && x0 + 1 < W && y0 + 1 < H) {
        const i00 = (y0 * W + x0) * 3;
        const i01 = i00 + W * 3;
        for (let k = 0; k < 3; k++) out[o + k] = d[i00 + k]! * w00 + d[i00 + 3 + k]! * w10 + d[i01 + k]! * w01 + d[i01 + 3 + k]! * w11;
      } else {
        for (let k = 0; k < 3; k++) {
          out[o + k] = tap(x0, y0, k) * w00 + tap(x0 + 1, y0, k) * w10 + tap(x0, y0 + 1, k) * w01 + tap(x0 + 1, y0 + 1, k) * w11;
        }
      }
    }
  }
  return { width: W, height: H, data: out };
}

/** Separable Gaussian blur, edges clamped: a horizontal pass, then a vertical one. */
function gaussianBlur(c: Canvas, sigma: number): void {
  const radius = Math.max(1, Math.ceil(sigma * 3));
  const kernel = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += kernel[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < kernel.length; i++) kernel[i] = kernel[i]! / sum;
  const tmp = new Float32Array(c.data.length);
  blurPass(c.data, tmp, c.width, c.height, kernel, radius, true);
  blurPass(tmp, c.data, c.width, c.height, kernel, radius, false);
}

/** One direction of the blur, reading `src` and writing `dst` (RGB, 3 bytes per pixel). */
function blurPass(src: ArrayLike<number>, dst: { [i: number]: number }, W: number, H: number, kernel: Float32Array, radius: number, horizontal: boolean): void {
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = -radius; k <= radius; k++) {
        const xx = horizontal ? Math.min(W - 1, Math.max(0, x + k)) : x;
        const yy = horizontal ? y : Math.min(H - 1, Math.max(0, y + k));
        const i = (yy * W + xx) * 3;
        const w = kernel[k + radius]!;
        r += src[i]! * w;
        g += src[i + 1]! * w;
        b += src[i + 2]! * w;
      }
      const o = (y * W + x) * 3;
      dst[o] = r;
      dst[o + 1] = g;
      dst[o + 2] = b;
    }
  }
}

function addNoise(c: Canvas, sigma: number, rng: KeyStream): void {
  const pixels = c.width * c.height;
  const bytes = rng.bytes(pixels * 7);
  const irwinHallSd = Math.sqrt((4 * (256 * 256 - 1)) / 12);
  for (let p = 0; p < pixels; p++) {
    const b = p * 7;
    const luma = ((bytes[b]! + bytes[b + 1]! + bytes[b + 2]! + bytes[b + 3]! - 510) / irwinHallSd) * sigma;
    const i = p * 3;
    for (let k = 0; k < 3; k++) c.data[i + k] = c.data[i + k]! + luma + ((bytes[b + 4 + k]! - 127.5) / 73.9) * sigma * 0.35;
  }
}

function crop(c: Canvas, percent: number, rng: KeyStream): Canvas {
  const f = percent / 100;
  const left = Math.floor(rng.uniform() * f * c.width);
  const right = Math.floor(rng.uniform() * f * c.width);
  const top = Math.floor(rng.uniform() * f * c.height);
  const bottom = Math.floor(rng.uniform() * f * c.height);
  const width = c.width - left - right;
  const height = c.height - top - bottom;
  const data = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = ((y + top) * c.width + left) * 3;
    data.set(c.data.subarray(from, from + width * 3), y * width * 3);
  }
  return { width, height, data };
}

function encodePng(c: Canvas): Buffer {
  const png = new PNG({ width: c.width, height: c.height });
  for (let p = 0, n = c.width * c.height; p < n; p++) {
    for (let k = 0; k < 3; k++) png.data[p * 4 + k] = Math.max(0, Math.min(255, Math.round(c.data[p * 3 + k]!)));
    png.data[p * 4 + 3] = 255;
  }
  // Paeth on every row: about twice as fast as pngjs's per-row filter search, and as small on photos.
  return PNG.sync.write(png, { colorType: 2, filterType: 4 });
}
