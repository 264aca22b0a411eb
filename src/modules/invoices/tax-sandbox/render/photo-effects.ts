import { createCipheriv, createHmac, type Cipher } from 'node:crypto';
import type { SKRSContext2D } from '@napi-rs/canvas';

/**
 * Photo-like degradations of a rendered invoice: paper tint and uneven light (on the canvas), the paper laid on a
 * desk (rotation, a keystone perspective and a scale, one projective warp with bilinear sampling, on RGBA pixels),
 * defocus blur (the canvas's Gaussian filter), sensor noise and a crop. Every random choice comes from a {@link KeyStream}, so a seed gives the
 * same bytes on every run.
 */

export type Rgb = readonly [number, number, number];

/** An RGBA image, as canvas ImageData holds it. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

/**
 * A deterministic stream of pseudo-random bytes from node:crypto: AES-256-CTR over zeros, keyed by
 * HMAC-SHA-256(seed, label). A plain SHA-256 counter stream costs one hash per 32 bytes, too slow for the ~9 MB
 * of noise a photo needs; AES-CTR gives the same determinism at memory speed.
 */
export class KeyStream {
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

  pick<T>(values: readonly T[]): T {
    return values[Math.floor(this.uniform() * values.length)]!;
  }
}

/**
 * Tinted paper under light that falls off from a point over the page, plus a mild gradient across it; `strength`
 * scales both. Drawn on the canvas itself (multiply), so it costs a few ms.
 */
export function paperAndLight(ctx: SKRSContext2D, width: number, height: number, rng: KeyStream, strength: number): void {
  const s = Math.min(1, strength);
  const grey = 255 - rng.range(7, 37) * s;
  const paper: Rgb = [grey, grey - rng.range(0, 6) * s, grey - rng.range(4, 14) * s];
  const lx = rng.range(0, width);
  const ly = rng.range(0, height);
  const falloff = Math.min(0.6, rng.range(0.05, 0.14) * strength);
  const gx = rng.range(-0.05, 0.05) * strength;
  const gy = rng.range(-0.05, 0.05) * strength;
  const diag = Math.hypot(width, height);
  const grey255 = (f: number) => {
    const v = Math.round(255 * Math.max(0, Math.min(1, f)));
    return `rgb(${v},${v},${v})`;
  };
  ctx.save();
  ctx.globalCompositeOperation = 'multiply';
  ctx.fillStyle = `rgb(${paper.map((v) => Math.round(v)).join(',')})`;
  ctx.fillRect(0, 0, width, height);
  // Light ∝ 1 − falloff·(r/diag)², as stops of a radial gradient.
  const radial = ctx.createRadialGradient(lx, ly, 0, lx, ly, diag);
  for (let k = 0; k <= 8; k++) radial.addColorStop(k / 8, grey255(1 - falloff * (k / 8) ** 2));
  ctx.fillStyle = radial;
  ctx.fillRect(0, 0, width, height);
  // A linear gradient of |gx| + |gy| across the page, brightest on the side the light comes from.
  const linear = ctx.createLinearGradient(gx < 0 ? width : 0, gy < 0 ? height : 0, gx < 0 ? 0 : width, gy < 0 ? 0 : height);
  linear.addColorStop(0, grey255(1 - Math.abs(gx) - Math.abs(gy)));
  linear.addColorStop(1, grey255(1));
  ctx.fillStyle = linear;
  ctx.fillRect(0, 0, width, height);
  ctx.restore();
}

export function deskColour(rng: KeyStream): Rgb {
  const g = rng.range(70, 150);
  return [g + rng.range(0, 20), g + rng.range(0, 12), g];
}

export interface Placement {
  /** Rotation in degrees, clockwise. */
  readonly rotateDeg: number;
  /** Keystone: the far edge is this fraction shorter than the near one (0 = none). */
  readonly perspective: number;
  /** Which edge is far from the camera. */
  readonly farEdge: 'top' | 'bottom' | 'left' | 'right';
  /** The paper's size relative to the largest that fits in the frame (≤ 1). */
  readonly scale: number;
  /** Shift of the paper's centre, as a fraction (−1..1) of the free margin on each axis. */
  readonly shiftX: number;
  readonly shiftY: number;
}

/**
 * The paper as seen by a camera: its corners go to a quadrilateral (keystone, rotation, scale, shift) inside the
 * same frame, and every output pixel samples the paper through the inverse homography (bilinear). What falls
 * outside the paper shows `background`.
 */
export function placeOnDesk(src: RgbaImage, placement: Placement, background: Rgb): RgbaImage {
  const { width: W, height: H } = src;
  const k = placement.perspective;
  // The paper centred on the origin, keystoned: the far edge shrinks by k, and the paper looks a little shorter.
  const hw = W / 2;
  const hh = H / 2;
  const fore = 1 - k / 4;
  let quad: [number, number][];
  switch (placement.farEdge) {
    case 'top':
      quad = [[-hw * (1 - k), -hh * fore], [hw * (1 - k), -hh * fore], [hw, hh], [-hw, hh]];
      break;
    case 'bottom':
      quad = [[-hw, -hh], [hw, -hh], [hw * (1 - k), hh * fore], [-hw * (1 - k), hh * fore]];
      break;
    case 'left':
      quad = [[-hw * fore, -hh * (1 - k)], [hw, -hh], [hw, hh], [-hw * fore, hh * (1 - k)]];
      break;
    default:
      quad = [[-hw, -hh], [hw * fore, -hh * (1 - k)], [hw * fore, hh * (1 - k)], [-hw, hh]];
  }
  const t = (placement.rotateDeg * Math.PI) / 180;
  const cos = Math.cos(t);
  const sin = Math.sin(t);
  quad = quad.map(([x, y]) => [x * cos - y * sin, x * sin + y * cos]);
  const xs = quad.map((p) => p[0]);
  const ys = quad.map((p) => p[1]);
  const bw = Math.max(...xs) - Math.min(...xs);
  const bh = Math.max(...ys) - Math.min(...ys);
  const s = Math.min(W / bw, H / bh) * placement.scale;
  const cx = W / 2 - ((Math.max(...xs) + Math.min(...xs)) / 2) * s + (placement.shiftX * (W - bw * s)) / 2;
  const cy = H / 2 - ((Math.max(...ys) + Math.min(...ys)) / 2) * s + (placement.shiftY * (H - bh * s)) / 2;
  const dest = quad.map(([x, y]) => [cx + x * s, cy + y * s] as const);
  const corners = [
    [0, 0],
    [W, 0],
    [W, H],
    [0, H],
  ] as const;
  const h = homography(dest, corners);

  const out = new Uint8ClampedArray(W * H * 4);
  const d = src.data;
  const bg: readonly number[] = [...background, 255];
  const tap = (x: number, y: number, k: number) => (x < 0 || y < 0 || x >= W || y >= H ? bg[k]! : d[(y * W + x) * 4 + k]!);
  const [h0, h1, h2, h3, h4, h5, h6, h7] = h as [number, number, number, number, number, number, number, number];
  for (let y = 0; y < H; y++) {
    const py = y + 0.5;
    for (let x = 0; x < W; x++) {
      const px = x + 0.5;
      const wz = h6 * px + h7 * py + 1;
      const sx = (h0 * px + h1 * py + h2) / wz - 0.5;
      const sy = (h3 * px + h4 * py + h5) / wz - 0.5;
      const o = (y * W + x) * 4;
      if (sx < -1 || sy < -1 || sx >= W || sy >= H) {
        out[o] = bg[0]!;
        out[o + 1] = bg[1]!;
        out[o + 2] = bg[2]!;
        out[o + 3] = 255;
        continue;
      }
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const w00 = (1 - fx) * (1 - fy);
      const w10 = fx * (1 - fy);
      const w01 = (1 - fx) * fy;
      const w11 = fx * fy;
      if (x0 >= 0 && y0 >= 0 && x0 + 1 < W && y0 + 1 < H) {
        const i00 = (y0 * W + x0) * 4;
        const i01 = i00 + W * 4;
        out[o] = d[i00]! * w00 + d[i00 + 4]! * w10 + d[i01]! * w01 + d[i01 + 4]! * w11;
        out[o + 1] = d[i00 + 1]! * w00 + d[i00 + 5]! * w10 + d[i01 + 1]! * w01 + d[i01 + 5]! * w11;
        out[o + 2] = d[i00 + 2]! * w00 + d[i00 + 6]! * w10 + d[i01 + 2]! * w01 + d[i01 + 6]! * w11;
      } else {
        for (let c = 0; c < 3; c++) out[o + c] = tap(x0, y0, c) * w00 + tap(x0 + 1, y0, c) * w10 + tap(x0, y0 + 1, c) * w01 + tap(x0 + 1, y0 + 1, c) * w11;
      }
      out[o + 3] = 255;
    }
  }
  return { width: W, height: H, data: out };
}

/** The 3×3 projective map (h33 = 1) taking each `from[i]` to `to[i]`, as 8 coefficients. */
function homography(from: readonly (readonly [number, number])[], to: readonly (readonly [number, number])[]): number[] {
  const a: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i]!;
    const [u, v] = to[i]!;
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  // Gaussian elimination with partial pivoting on the 8×9 augmented matrix.
  for (let col = 0; col < 8; col++) {
    let pivot = col;
    for (let r = col + 1; r < 8; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const p = a[col]!;
    for (let r = 0; r < 8; r++) {
      if (r === col) continue;
      const row = a[r]!;
      const f = row[col]! / p[col]!;
      if (f === 0) continue;
      for (let c = col; c < 9; c++) row[c] = row[c]! - f * p[c]!;
    }
  }
  return a.map((row, i) => row[8]! / row[i]!);
}

/** Grey sensor noise of standard deviation `sigma` (Irwin–Hall of 4 bytes) plus a weaker colour noise. */
export function addNoise(image: RgbaImage, sigma: number, rng: KeyStream): void {
  const pixels = image.width * image.height;
  const bytes = rng.bytes(pixels * 7);
  const irwinHallSd = Math.sqrt((4 * (256 * 256 - 1)) / 12);
  const d = image.data;
  for (let p = 0; p < pixels; p++) {
    const b = p * 7;
    const luma = ((bytes[b]! + bytes[b + 1]! + bytes[b + 2]! + bytes[b + 3]! - 510) / irwinHallSd) * sigma;
    const i = p * 4;
    for (let k = 0; k < 3; k++) d[i + k] = d[i + k]! + luma + ((bytes[b + 4 + k]! - 127.5) / 73.9) * sigma * 0.35;
  }
}

/** Each side cut by a random 0–percent % of the width (left/right) or height (top/bottom). */
export function crop(image: RgbaImage, percent: number, rng: KeyStream): RgbaImage {
  const f = percent / 100;
  const left = Math.floor(rng.uniform() * f * image.width);
  const right = Math.floor(rng.uniform() * f * image.width);
  const top = Math.floor(rng.uniform() * f * image.height);
  const bottom = Math.floor(rng.uniform() * f * image.height);
  const width = image.width - left - right;
  const height = image.height - top - bottom;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const from = ((y + top) * image.width + left) * 4;
    data.set(image.data.subarray(from, from + width * 4), y * width * 4);
  }
  return { width, height, data };
}
