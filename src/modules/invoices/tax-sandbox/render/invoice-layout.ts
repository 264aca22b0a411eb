import { createCanvas, type Canvas, type SKRSContext2D } from '@napi-rs/canvas';
import QRCode from 'qrcode';
import type { InvoiceFonts } from './fonts.js';
import type { PrintedInvoice } from './invoice-print.js';

/**
 * The two layouts real e-invoices are printed in, drawn on @napi-rs/canvas with real text.
 *
 * - 数电 (电子发票（普通发票）/（增值税专用发票）): taken from a real 数电专票 PDF's page geometry (A5 landscape,
 *   595 × 397 pt, drawn here at 2.35 px/pt): QR top left, the title with its double rule and the 监制章 oval in the
 *   middle, 发票号码 and 开票日期 top right; one table of 购买方信息 | 销售方信息 (名称, 统一社会信用代码/纳税人识别号),
 *   the items (项目名称 规格型号 单位 数量 单价 金额 税率/征收率 税额) with 合计, 价税合计（大写）ⓧ… （小写）¥…, 备注;
 *   开票人 below. No seller stamp: 数电 invoices carry an electronic signature instead.
 * - legacy 增值税电子普通发票 / 专用发票: taken from a real 广西增值税电子普通发票: QR and 机器编号 top left, the
 *   province's title, 发票代码 / 发票号码 / 开票日期 / 校验码 top right; 购买方 (名称, 纳税人识别号, 地址、电话,
 *   开户行及账号) beside the 密码区; the items with ruled columns and 合计; 价税合计; 销售方 beside 备注; 收款人, 复核,
 *   开票人, 销售方:(章); the seller's red 发票专用章 over the lower right.
 *
 * Labels and rules are printed brown, values black, as on paper.
 */

export const INVOICE_PNG_WIDTH = 1400;
export const DIGITAL_PNG_HEIGHT = 940;
export const LEGACY_PNG_HEIGHT = 920;

const RULE = '#9c3d26';
const LABEL = '#9a5a24';
const TITLE = '#a4482a';
const INK = '#1b1b1b';
const STAMP = 'rgba(230, 28, 36, 0.88)';

export type Align = 'left' | 'center' | 'right';

export interface TextStyle {
  readonly color?: string;
  readonly align?: Align;
  /** Condensed horizontally to this width when wider, as the issuing software does with long names. */
  readonly maxWidth?: number;
  readonly mono?: boolean;
}

export interface OvalStamp {
  readonly cx: number;
  readonly cy: number;
  readonly rx: number;
  readonly ry: number;
  readonly ring: number;
  /** Text along the top arc, its size and the arc's span in radians. */
  readonly top: string;
  readonly topSize: number;
  readonly topSpan: number;
  /** Straight lines across the middle, each [text, size, dy from the centre]. */
  readonly lines: readonly (readonly [string, number, number])[];
  /** Text along the bottom arc (smile), if any. */
  readonly bottom?: string;
  readonly bottomSize?: number;
  readonly bottomSpan?: number;
  readonly inner?: boolean;
}

/**
 * What a layout draws on, in the layout's own units (pt for 数电, px of a 1400-wide page for legacy): the PNG
 * renderer's canvas below, and the PDF renderer's pdfkit document (invoice-pdf.ts).
 */
export interface Surface {
  measure(s: string, size: number, mono?: boolean): number;
  text(s: string, x: number, y: number, size: number, style?: TextStyle): void;
  line(x1: number, y1: number, x2: number, y2: number, width: number, color?: string): void;
  rect(x: number, y: number, w: number, h: number, width: number, color?: string): void;
  circle(cx: number, cy: number, r: number, width: number, color: string): void;
  /** Characters drawn one by one: each centred on (x, y), turned by `rotation` radians. */
  glyph(ch: string, x: number, y: number, size: number, rotation: number, color: string): void;
  /** Stamp ink: drawn over what is under it (multiply where the surface can). */
  stamp(draw: () => void): void;
  ellipse(cx: number, cy: number, rx: number, ry: number, width: number, color: string): void;
  /** The QR code with its modules filling `box` (a square at x, y). */
  qr(text: string, x: number, y: number, box: number): void;
}

export const RULE_COLOUR = RULE;
export const STAMP_COLOUR = STAMP;

/** Layout helpers over a surface. */
class Pen {
  constructor(readonly surface: Surface) {}

  text(s: string, x: number, y: number, size: number, style: TextStyle = {}): void {
    if (s !== '') this.surface.text(s, x, y, size, style);
  }

  /** Characters spread evenly over `width` (名  称), the way invoice labels are justified. */
  spread(s: string, x: number, y: number, width: number, size: number, color = LABEL): void {
    const chars = [...s];
    if (chars.length < 2) return this.text(s, x, y, size, { color });
    const used = chars.reduce((sum, ch) => sum + this.surface.measure(ch, size), 0);
    const gap = Math.max(0, (width - used) / (chars.length - 1));
    let cursor = x;
    for (const ch of chars) {
      this.surface.text(ch, cursor, y, size, { color });
      cursor += this.surface.measure(ch, size) + gap;
    }
  }

  /** One character per line, centred on `cx`, evenly from `top` to `bottom` (the centres of the first and last). */
  vertical(s: string, cx: number, top: number, bottom: number, size: number, color = LABEL): void {
    const chars = [...s];
    chars.forEach((ch, i) => this.surface.glyph(ch, cx, chars.length === 1 ? (top + bottom) / 2 : top + ((bottom - top) * i) / (chars.length - 1), size, 0, color));
  }

  line(x1: number, y1: number, x2: number, y2: number, width: number, color = RULE): void {
    this.surface.line(x1, y1, x2, y2, width, color);
  }

  rect(x: number, y: number, w: number, h: number, width: number, color = RULE): void {
    this.surface.rect(x, y, w, h, width, color);
  }

  /** ⓧ: a circle with a cross, printed before the capital amount. */
  crossedCircle(cx: number, cy: number, r: number, width: number): void {
    this.surface.circle(cx, cy, r, width, INK);
    const d = r * 0.62;
    this.line(cx - d, cy - d, cx + d, cy + d, width, INK);
    this.line(cx - d, cy + d, cx + d, cy - d, width, INK);
  }

  /** A red oval seal: its ring(s), text on its arcs and straight lines across it. */
  ovalStamp(s: OvalStamp): void {
    const surface = this.surface;
    surface.stamp(() => {
      surface.ellipse(s.cx, s.cy, s.rx, s.ry, s.ring, STAMP);
      if (s.inner) surface.ellipse(s.cx, s.cy, s.rx - s.ring * 1.6, s.ry - s.ring * 1.6, s.ring * 0.3, STAMP);
      const arc = (text: string, size: number, span: number, bottom: boolean) => {
        const chars = [...text];
        const inset = s.ring + size * 0.75;
        const rx = s.rx - inset;
        const ry = s.ry - inset;
        chars.forEach((ch, i) => {
          const f = chars.length === 1 ? 0.5 : i / (chars.length - 1);
          const theta = bottom ? Math.PI / 2 + span / 2 - span * f : -Math.PI / 2 - span / 2 + span * f;
          // The ellipse's outward normal at theta; characters stand on it (top arc) or hang from it (bottom arc).
          const nx = Math.cos(theta) / rx;
          const ny = Math.sin(theta) / ry;
          const rotation = bottom ? Math.atan2(-ny, -nx) + Math.PI / 2 : Math.atan2(ny, nx) + Math.PI / 2;
          surface.glyph(ch, s.cx + rx * Math.cos(theta), s.cy + ry * Math.sin(theta), size, rotation, STAMP);
        });
      };
      arc(s.top, s.topSize, s.topSpan, false);
      if (s.bottom !== undefined) arc(s.bottom, s.bottomSize ?? s.topSize, s.bottomSpan ?? s.topSpan, true);
      for (const [text, size, dy] of s.lines) {
        const y = s.cy + dy + size * 0.35;
        surface.text(text, s.cx, y, size, { color: STAMP, align: 'center', maxWidth: s.rx * 1.45 });
      }
    });
  }
}

/** The canvas surface: layout units scaled to device pixels by `scale`. */
export class CanvasSurface implements Surface {
  constructor(
    readonly ctx: SKRSContext2D,
    private readonly fonts: InvoiceFonts,
    private readonly scale: number,
  ) {
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
  }

  private font(size: number, mono = false): void {
    this.ctx.font = `${size}px ${mono ? this.fonts.mono : this.fonts.serif}`;
  }

  measure(s: string, size: number, mono = false): number {
    this.font(size, mono);
    return this.ctx.measureText(s).width;
  }

  text(s: string, x: number, y: number, size: number, style: TextStyle = {}): void {
    const ctx = this.ctx;
    this.font(size, style.mono);
    ctx.fillStyle = style.color ?? INK;
    ctx.textAlign = style.align ?? 'left';
    ctx.textBaseline = 'alphabetic';
    const width = ctx.measureText(s).width;
    if (style.maxWidth !== undefined && width > style.maxWidth) {
      ctx.save();
      ctx.translate(x, y);
      ctx.scale(style.maxWidth / width, 1);
      ctx.fillText(s, 0, 0);
      ctx.restore();
    } else {
      ctx.fillText(s, x, y);
    }
    ctx.textAlign = 'left';
  }

  line(x1: number, y1: number, x2: number, y2: number, width: number, color = RULE): void {
    const ctx = this.ctx;
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.beginPath();
    ctx.moveTo(x1, y1);
    ctx.lineTo(x2, y2);
    ctx.stroke();
  }

  rect(x: number, y: number, w: number, h: number, width: number, color = RULE): void {
    this.ctx.strokeStyle = color;
    this.ctx.lineWidth = width;
    this.ctx.strokeRect(x, y, w, h);
  }

  circle(cx: number, cy: number, r: number, width: number, color: string): void {
    this.ellipse(cx, cy, r, r, width, color);
  }

  ellipse(cx: number, cy: number, rx: number, ry: number, width: number, color: string): void {
    const ctx = this.ctx;
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.beginPath();
    ctx.ellipse(cx, cy, rx, ry, 0, 0, 2 * Math.PI);
    ctx.stroke();
  }

  glyph(ch: string, x: number, y: number, size: number, rotation: number, color: string): void {
    const ctx = this.ctx;
    this.font(size);
    ctx.fillStyle = color;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.save();
    ctx.translate(x, y);
    if (rotation !== 0) ctx.rotate(rotation);
    ctx.fillText(ch, 0, 0);
    ctx.restore();
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
  }

  stamp(draw: () => void): void {
    this.ctx.save();
    this.ctx.globalCompositeOperation = 'multiply';
    draw();
    this.ctx.restore();
  }

  /** In device pixels, whole pixels per module so the code stays crisp. */
  qr(text: string, x: number, y: number, box: number): void {
    const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
    const size = qr.modules.size;
    const module = Math.max(3, Math.min(6, Math.floor((box * this.scale) / size)));
    const px = Math.round(x * this.scale);
    const py = Math.round(y * this.scale);
    const ctx = this.ctx;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#000000';
    for (let row = 0; row < size; row++) {
      for (let col = 0; col < size; col++) if (qr.modules.data[row * size + col]) ctx.fillRect(px + col * module, py + row * module, module, module);
    }
    ctx.restore();
  }
}

/** px per pt: the 595.28 pt wide A5 page on a 1400 px canvas. */
const PT = INVOICE_PNG_WIDTH / 595.28;

/** The layout's size in its own units, and the units per PNG pixel. */
export function layoutUnits(kind: PrintedInvoice['kind']): { readonly width: number; readonly height: number; readonly pxPerUnit: number } {
  return kind === 'DIGITAL' ? { width: 595.28, height: DIGITAL_PNG_HEIGHT / PT, pxPerUnit: PT } : { width: INVOICE_PNG_WIDTH, height: LEGACY_PNG_HEIGHT, pxPerUnit: 1 };
}

export function drawInvoice(inv: PrintedInvoice, fonts: InvoiceFonts): Canvas {
  const height = inv.kind === 'DIGITAL' ? DIGITAL_PNG_HEIGHT : LEGACY_PNG_HEIGHT;
  const canvas = createCanvas(INVOICE_PNG_WIDTH, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, INVOICE_PNG_WIDTH, height);
  drawLayout(new CanvasSurface(ctx, fonts, layoutUnits(inv.kind).pxPerUnit), inv);
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  return canvas;
}

/** The invoice's layout on any surface; the QR is drawn first (PDF readers on Node 20 need images before text). */
export function drawLayout(surface: Surface, inv: PrintedInvoice): void {
  const pen = new Pen(surface);
  if (inv.kind === 'DIGITAL') drawDigital(pen, inv);
  else drawLegacy(pen, inv);
}

// ---------------------------------------------------------------------------------------------- 数电

function drawDigital(pen: Pen, inv: PrintedInvoice): void {
  pen.surface.qr(inv.qr, 30 / PT, 22 / PT, 168 / PT);

  // Title, its double rule and the 监制章 over them.
  pen.text(inv.title, 297.6, 40, inv.title.length > 10 ? 19 : 20, { color: TITLE, align: 'center' });
  pen.line(186, 50.5, 410, 50.5, 0.6);
  pen.line(186, 52.8, 410, 52.8, 0.6);
  pen.ovalStamp({
    cx: 298,
    cy: 50,
    rx: 40,
    ry: 26,
    ring: 1.8,
    top: '全国统一发票监制章',
    topSize: 7.2,
    topSpan: 2.7,
    lines: [['国家税务总局', 6.4, 1]],
    bottom: inv.bureau,
    bottomSize: 6.2,
    bottomSpan: Math.min(1.6, 0.26 * [...inv.bureau].length),
    inner: true,
  });

  pen.text('发票号码：', 438, 40, 9, { color: LABEL });
  pen.text(inv.number, 482, 40, 9);
  pen.text('开票日期：', 438, 57, 9, { color: LABEL });
  pen.text(inv.dateText, 482, 57, 9);

  // The table.
  const L = 13;
  const R = 583;
  const top = 88;
  const partiesBottom = 150.5;
  const itemsBottom = 275;
  const totalBottom = 298;
  const bottom = 355;
  pen.rect(L, top, R - L, bottom - top, 0.8);
  for (const y of [partiesBottom, itemsBottom, totalBottom]) pen.line(L, y, R, y, 0.8);
  for (const x of [30, 298, 315]) pen.line(x, top, x, partiesBottom, 0.8);
  pen.line(160, itemsBottom, 160, totalBottom, 0.8);
  pen.line(30, totalBottom, 30, bottom, 0.8);

  const partyBlock = (title: string, labelCx: number, x: number, p: PrintedInvoice['buyer'], right: number) => {
    pen.vertical(title, labelCx, top + 15, partiesBottom - 15, 8);
    pen.text('名称：', x, 107, 9, { color: LABEL });
    pen.text(p.name, x + 24, 107, 9, { maxWidth: right - x - 28 });
    pen.text('统一社会信用代码/纳税人识别号：', x, 136, 8, { color: LABEL });
    pen.text(p.taxId, x + 120, 136, 11, { maxWidth: right - x - 122 });
  };
  partyBlock('购买方信息', 21.5, 33, inv.buyer, 298);
  partyBlock('销售方信息', 306.5, 318, inv.seller, R);

  // Items.
  const head = 162;
  const headers: readonly [string, number][] = [
    ['项目名称', 63],
    ['规格型号', 137],
    ['单  位', 203],
    ['数  量', 277],
    ['单  价', 348],
    ['金  额', 420],
    ['税率/征收率', 472],
    ['税  额', 564],
  ];
  for (const [label, cx] of headers) pen.text(label, cx, head, 9, { color: LABEL, align: 'center' });
  const rows = Math.min(inv.items.length, 8);
  for (let i = 0; i < rows; i++) {
    const item = inv.items[i]!;
    const y = 174 + i * 12;
    pen.text(item.name, 15, y, 9, { maxWidth: 102 });
    pen.text(item.spec, 119, y, 9, { maxWidth: 62 });
    pen.text(item.unit, 203, y, 9, { align: 'center', maxWidth: 26 });
    pen.text(item.quantity, 292, y, 9, { align: 'right', maxWidth: 50 });
    pen.text(item.unitPrice, 362, y, 9, { align: 'right', maxWidth: 62 });
    pen.text(item.amount, 435, y, 9, { align: 'right', maxWidth: 66 });
    pen.text(item.taxRate, 472, y, 9, { align: 'center', maxWidth: 40 });
    pen.text(item.tax, 581, y, 9, { align: 'right', maxWidth: 60 });
  }
  pen.text('合', 58, 271, 9, { color: LABEL });
  pen.text('计', 104, 271, 9, { color: LABEL });
  pen.text(`¥${inv.totalWithoutTax}`, 435, 271, 9, { align: 'right' });
  pen.text(`¥${inv.totalTax}`, 581, 271, 9, { align: 'right' });

  // 价税合计.
  pen.text('价税合计（大写）', 48, 290.5, 9, { color: LABEL });
  pen.crossedCircle(172, 287.3, 4.2, 0.6);
  pen.text(inv.capital, 179, 290.5, 9, { maxWidth: 220 });
  pen.text('（小写）', 407, 290.5, 9, { color: LABEL });
  pen.text(`¥${inv.totalWithTax}`, 441, 290.5, 10.5);

  // 备注, then 开票人 under the table.
  pen.vertical('备注', 21.5, 314, 339, 9);
  remarkLines(pen, inv.remarks, 540, 8).forEach((line, i) => pen.text(line, 33, 307 + i * 10, 8));
  pen.text('开票人：', 55, 379, 9, { color: LABEL });
  pen.text(inv.issuer, 91, 379, 9);
}

/** The remarks broken into lines of at most `width` units (at most 4 lines). */
function remarkLines(pen: Pen, text: string, width: number, size: number): string[] {
  if (text === '') return [];
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const ch of paragraph) {
      if (line !== '' && pen.surface.measure(line + ch, size) > width) {
        lines.push(line);
        line = '';
      }
      line += ch;
    }
    lines.push(line);
  }
  return lines.slice(0, 4);
}

// ---------------------------------------------------------------------------------------------- legacy

function drawLegacy(pen: Pen, inv: PrintedInvoice): void {
  pen.surface.qr(inv.qr, 60, 22, 160);
  pen.text('机器编号：', 60, 206, 17, { color: LABEL });
  pen.text(inv.machineNumber, 146, 206, 17);

  // Title with its double rule, and the 监制章.
  pen.text(inv.title, 705, 86, inv.title.length > 11 ? 42 : 46, { color: TITLE, align: 'center', maxWidth: 540 });
  pen.line(452, 122, 962, 122, 1.4);
  pen.line(452, 128, 962, 128, 1.4);
  pen.ovalStamp({
    cx: 702,
    cy: 128,
    rx: 86,
    ry: 56,
    ring: 4,
    top: '全国统一发票监制章',
    topSize: 15,
    topSpan: 2.5,
    lines: [['国家税务总局', 14, 2]],
    bottom: inv.bureau,
    bottomSize: 12,
    bottomSpan: Math.min(1.9, 0.23 * [...inv.bureau].length),
  });

  const topRight: readonly [string, string][] = [
    ['发票代码', inv.code],
    ['发票号码', inv.number],
    ['开票日期', inv.dateText],
    // 专票 have no 校验码.
    ...(inv.checkCode === '' ? [] : [['校验码', inv.checkCode] as [string, string]]),
  ];
  topRight.forEach(([label, value], i) => {
    const y = 50 + i * 39;
    pen.spread(label, 1000, y, 68, 17);
    pen.text(':', 1070, y, 17, { color: LABEL });
    pen.text(value, 1078, y, 17, { maxWidth: 318 });
  });

  // The table: 购买方 | 密码区, items, 价税合计, 销售方 | 备注.
  const L = 52;
  const R = 1348;
  const top = 214;
  const buyerBottom = 350;
  const itemsBottom = 632;
  const totalBottom = 686;
  const bottom = 818;
  pen.rect(L, top, R - L, bottom - top, 1.6);
  for (const y of [buyerBottom, itemsBottom, totalBottom]) pen.line(L, y, R, y, 1.2);
  for (const x of [97, 800, 836]) pen.line(x, top, x, buyerBottom, 1.2);
  for (const x of [102, 800, 836]) pen.line(x, totalBottom, x, bottom, 1.2);
  const columns = [L, 400, 505, 585, 740, 905, 1110, 1165, R];
  for (const x of columns.slice(1, -1)) pen.line(x, buyerBottom, x, itemsBottom, 1.2);
  pen.line(400, itemsBottom, 400, totalBottom, 1.2);

  const partyBlock = (title: string, labelCx: number, x: number, valueX: number, y0: number, p: PrintedInvoice['buyer']) => {
    pen.vertical(title, labelCx, y0 + 8, y0 + 82, 19);
    const rows: readonly [string, string][] = [
      ['名称', p.name],
      ['纳税人识别号', p.taxId],
      ['地址、电话', p.addressPhone],
      ['开户行及账号', p.bankAccount],
    ];
    rows.forEach(([label, value], i) => {
      const y = y0 + i * 32;
      pen.spread(label, x, y, 104, 17);
      pen.text(':', x + 106, y, 17, { color: LABEL });
      pen.text(value, valueX, y, 16, { maxWidth: 792 - valueX });
    });
  };
  partyBlock('购买方', 74.5, 106, 232, 241, inv.buyer);
  pen.vertical('密码区', 818, 240, 325, 17);
  inv.cipher.forEach((line, i) => pen.text(line, 846, 243 + i * 31, 22, { mono: true, maxWidth: 496 }));

  const headers = ['货物或应税劳务、服务名称', '规格型号', '单位', '数 量', '单 价', '金 额', '税率', '税 额'];
  headers.forEach((label, i) => pen.text(label, (columns[i]! + columns[i + 1]!) / 2, 375, 17, { color: LABEL, align: 'center', maxWidth: columns[i + 1]! - columns[i]! - 8 }));
  const rows = Math.min(inv.items.length, 8);
  for (let i = 0; i < rows; i++) {
    const item = inv.items[i]!;
    const y = 408 + i * 26;
    pen.text(item.name, L + 6, y, 16, { maxWidth: 400 - L - 12 });
    pen.text(item.spec, 452, y, 16, { align: 'center', maxWidth: 96 });
    pen.text(item.unit, 545, y, 16, { align: 'center', maxWidth: 72 });
    pen.text(item.quantity, 735, y, 16, { align: 'right', maxWidth: 145 });
    pen.text(item.unitPrice, 900, y, 16, { align: 'right', maxWidth: 155 });
    pen.text(item.amount, 1104, y, 16, { align: 'right', maxWidth: 195 });
    pen.text(item.taxRate, 1160, y, 16, { align: 'right', maxWidth: 50 });
    pen.text(item.tax, 1342, y, 16, { align: 'right', maxWidth: 175 });
  }
  pen.text('合', 150, 620, 17, { color: LABEL });
  pen.text('计', 238, 620, 17, { color: LABEL });
  pen.text(`¥${inv.totalWithoutTax}`, 1104, 620, 16, { align: 'right' });
  pen.text(`¥${inv.totalTax}`, 1342, 620, 16, { align: 'right' });

  pen.text('价税合计(大写)', (L + 400) / 2, 666, 17, { color: LABEL, align: 'center' });
  pen.crossedCircle(432, 660, 10, 1.6);
  pen.text(inv.capital, 452, 666, 17, { maxWidth: 540 });
  pen.text('(小写)', 1034, 666, 17, { color: LABEL });
  pen.text(`¥${inv.totalWithTax}`, 1106, 666, 17);

  partyBlock('销售方', 77, 110, 240, 712, inv.seller);
  pen.vertical('备注', 818, 730, 785, 17);
  remarkLines(pen, inv.remarks, 500, 16).forEach((line, i) => pen.text(line, 842, 710 + i * 24, 16));

  const footer: readonly [string, string, number][] = [
    ['收款人:', inv.payee, 78],
    ['复核:', inv.reviewer, 440],
    ['开票人:', inv.issuer, 722],
    ['销售方:(章)', '', 1005],
  ];
  for (const [label, value, x] of footer) {
    pen.text(label, x, 852, 17, { color: LABEL });
    pen.text(value, x + pen.surface.measure(label, 17) + 4, 852, 17);
  }

  // The seller's 发票专用章: its name round the top, its tax id and 发票专用章 across.
  const name = inv.seller.name;
  if (name !== '' || inv.seller.taxId !== '') {
    pen.ovalStamp({
      cx: 1196,
      cy: 792,
      rx: 124,
      ry: 84,
      ring: 4.5,
      top: name,
      topSize: Math.min(22, Math.max(13, 400 / Math.max(1, [...name].length))),
      topSpan: Math.min(3.5, 0.3 * [...name].length),
      lines: [
        [inv.seller.taxId, 17, 0],
        ['发票专用章', 21, 40],
      ],
    });
  }
}
