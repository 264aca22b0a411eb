import { createCanvas, Image, ImageData, type Canvas } from '@napi-rs/canvas';
import { PNG } from 'pngjs';
import { invoiceFonts } from './fonts.js';
import { drawInvoice } from './invoice-layout.js';
import { printedInvoice, type InvoicePrintInput } from './invoice-print.js';
import { addNoise, crop, deskColour, KeyStream, paperAndLight, placeOnDesk, type RgbaImage } from './photo-effects.js';

export { DIGITAL_PNG_HEIGHT, INVOICE_PNG_WIDTH, LEGACY_PNG_HEIGHT } from './invoice-layout.js';
export type { InvoiceItemLine, InvoiceParty, InvoicePrintKind, InvoicePrintType } from './invoice-print.js';

/** What the image shows: see {@link InvoicePrintInput} (only qr, number, issueDate and totalAmount are required). */
export type InvoicePngInput = InvoicePrintInput;

export interface InvoicePngOptions {
  /** 'clean' (default): the invoice as its PDF prints, flat white. 'photo': a phone photo of the paper on a desk. */
  readonly style?: 'clean' | 'photo';
  /** Seeds every random choice of the 'photo' effects; defaults to one derived from the input. */
  readonly seed?: string;
  /** Rotation in degrees (positive = clockwise). Photo default: uniform in ±{@link PHOTO_DEFAULTS.maxRotateDeg}. */
  readonly rotateDeg?: number;
  /** Keystone (0–0.3): the far edge is this fraction shorter. Photo default: uniform in 0–{@link PHOTO_DEFAULTS.maxPerspective}, a random edge. */
  readonly perspective?: number;
  /** Gaussian blur sigma in pixels (0–10). */
  readonly blur?: number;
  /** Standard deviation of the pixel noise, in 0–255 grey levels (0–100). */
  readonly noise?: number;
  /** Each side is cropped by a random 0–cropPercent % of the image's width/height (0–20). */
  readonly cropPercent?: number;
  /** Paper tint and uneven light (0 = none, 1 = the photo default's range, up to 3). */
  readonly lighting?: number;
  /** JPEG re-encoding at this quality (1–100): the image goes through a JPEG encoder as phone photos do. */
  readonly jpegQuality?: number;
  /** The bytes returned: 'png' (default) or 'jpeg' (at `jpegQuality`, default 85). */
  readonly format?: 'png' | 'jpeg';
}

/**
 * What 'photo' uses for the options not given. 'clean' uses 0 / none for all of them (explicit options still apply).
 *
 * Measured with the intake's reader (`decodeQrFromImage`, jsQR) on `bench/support/sample-invoice.ts` invoices
 * (数电 QR of ~33 modules drawn at 5 px, legacy ~37 at 4 px, 1400 px wide): the defaults decoded 200/200 (100 seeds
 * of each kind). One option pushed further, the others at their defaults, 12 seeds (6 of each kind):
 * - noise σ 5: 12/12; σ 6: 7/12 (jsQR's block binariser turns the quiet zone into speckle);
 * - blur σ 1.5: 12/12; σ 2: 1/12 (the canvas's Gaussian; 4–5 px modules merge);
 * - perspective 0.15: 12/12; 0.3: 11/12;
 * - JPEG quality 50: 12/12;
 * - rotation 20°: 9/12 (the whole paper stays in frame, but jsQR loses rotated, noisy codes).
 * So the defaults sit at about 2/3 of each limit. Cost per image, CPU time (this 2-core machine was shared and
 * loaded: wall times were 3–5× these): clean ≈ 90 ms, photo ≈ 400 ms (warp ~60, noise ~45, PNG encoding ~160;
 * blur and lighting run on the canvas, ~15 ms). Sandbox-only; benches render up front.
 */
export const PHOTO_DEFAULTS = {
  maxRotateDeg: 3,
  maxPerspective: 0.06,
  blur: 1,
  noise: 4,
  cropPercent: 3,
  lighting: 1,
  /** The paper fills 90–97% of the frame: the desk shows around it. */
  paperScale: [0.9, 0.97],
} as const;

/**
 * The invoice as an image, drawn as real ones look (see invoice-layout.ts) with real text in a CJK font, the QR
 * top left. 'photo' adds paper tint, uneven light, a keystone perspective and rotation onto a desk, blur, noise
 * and a crop of the margins (and JPEG when asked), every choice drawn from a keystream seeded by `seed`: the same
 * input and options give the same bytes.
 */
export function renderInvoicePng(input: InvoicePngInput, options: InvoicePngOptions = {}): Buffer {
  const printed = printedInvoice(input);
  const style = options.style ?? 'clean';
  if (style !== 'clean' && style !== 'photo') throw new RangeError(`renderInvoicePng: unknown style ${String(style)}`);
  const format = options.format ?? 'png';
  if (format !== 'png' && format !== 'jpeg') throw new RangeError(`renderInvoicePng: unknown format ${String(format)}`);
  const photo = style === 'photo';
  const seed = options.seed ?? `${input.number}|${input.issueDate}|${input.totalAmount}|${input.qr}`;
  // One stream per effect, so overriding one option leaves the other effects of a seed unchanged.
  const stream = (label: string) => new KeyStream(seed, label);
  const place = stream('place');
  const randomRotate = (place.uniform() * 2 - 1) * PHOTO_DEFAULTS.maxRotateDeg;
  const randomPerspective = place.uniform() * PHOTO_DEFAULTS.maxPerspective;
  const farEdge = place.pick(['top', 'bottom', 'left', 'right'] as const);
  const paperScale = place.range(...PHOTO_DEFAULTS.paperScale);
  const shiftX = place.range(-0.8, 0.8);
  const shiftY = place.range(-0.8, 0.8);

  const rotateDeg = checked('rotateDeg', options.rotateDeg, -180, 180) ?? (photo ? randomRotate : 0);
  const perspective = checked('perspective', options.perspective, 0, 0.3) ?? (photo ? randomPerspective : 0);
  const blur = checked('blur', options.blur, 0, 10) ?? (photo ? PHOTO_DEFAULTS.blur : 0);
  const noise = checked('noise', options.noise, 0, 100) ?? (photo ? PHOTO_DEFAULTS.noise : 0);
  const cropPercent = checked('cropPercent', options.cropPercent, 0, 20) ?? (photo ? PHOTO_DEFAULTS.cropPercent : 0);
  const lighting = checked('lighting', options.lighting, 0, 3) ?? (photo ? PHOTO_DEFAULTS.lighting : 0);
  const jpegQuality = checked('jpegQuality', options.jpegQuality, 1, 100);

  const canvas = drawInvoice(printed, invoiceFonts());
  const { width, height } = canvas;
  const ctx = canvas.getContext('2d');
  if (lighting > 0) paperAndLight(ctx, width, height, stream('paper'), lighting);
  const placed = photo || rotateDeg !== 0 || perspective > 0;
  if (!placed && blur === 0 && noise === 0 && cropPercent === 0) return encode(canvas, format, jpegQuality);

  let image: RgbaImage = { width, height, data: ctx.getImageData(0, 0, width, height).data };
  if (placed) {
    const placement = { rotateDeg, perspective, farEdge, scale: photo ? paperScale : 1, shiftX: photo ? shiftX : 0, shiftY: photo ? shiftY : 0 };
    image = placeOnDesk(image, placement, photo ? deskColour(stream('desk')) : [255, 255, 255]);
  }
  if (blur > 0) image = blurred(image, blur);
  if (noise > 0) addNoise(image, noise, stream('noise'));
  if (cropPercent > 0) image = crop(image, cropPercent, stream('crop'));
  if (format === 'png' && jpegQuality === undefined) return encodePng(image);
  return encode(toCanvas(image), format, jpegQuality);
}

function checked(name: string, value: number | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value < min || value > max) throw new RangeError(`renderInvoicePng: ${name} must be within ${min}..${max}`);
  return value;
}

function toCanvas(image: RgbaImage): Canvas {
  const canvas = createCanvas(image.width, image.height);
  canvas.getContext('2d').putImageData(new ImageData(image.data, image.width, image.height), 0, 0);
  return canvas;
}

/** Gaussian defocus (the canvas's `blur()` filter, σ in px: ~15 ms where a JS convolution takes ~150). */
function blurred(image: RgbaImage, sigma: number): RgbaImage {
  const source = toCanvas(image);
  const out = createCanvas(image.width, image.height);
  const ctx = out.getContext('2d');
  // The paper's edge pixels, repeated under the blur, so the frame does not fade to transparent.
  ctx.drawImage(source, 0, 0);
  ctx.filter = `blur(${sigma}px)`;
  ctx.drawImage(source, 0, 0);
  const data = ctx.getImageData(0, 0, image.width, image.height).data;
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { width: image.width, height: image.height, data };
}

/** RGB PNG (pngjs, Paeth on every row): on a noisy photo ~2× faster than the canvas's encoder and a little smaller. */
function encodePng(image: RgbaImage): Buffer {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return PNG.sync.write(png, { colorType: 2, filterType: 4 });
}

function encode(canvas: Canvas, format: 'png' | 'jpeg', jpegQuality: number | undefined): Buffer {
  if (format === 'jpeg') return canvas.encodeSync('jpeg', jpegQuality ?? 85);
  if (jpegQuality === undefined) return canvas.encodeSync('png');
  // Through JPEG and back: the artefacts stay, the bytes are a PNG.
  const jpeg = new Image();
  jpeg.src = canvas.encodeSync('jpeg', jpegQuality);
  const out = createCanvas(jpeg.width, jpeg.height);
  const ctx = out.getContext('2d');
  ctx.drawImage(jpeg, 0, 0);
  return encodePng({ width: out.width, height: out.height, data: ctx.getImageData(0, 0, out.width, out.height).data });
}
