import { readFileSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { invoiceFonts } from './fonts.js';
import { drawLayout, layoutUnits, type Surface, type TextStyle } from './invoice-layout.js';
import { isoDate, printedInvoice, type InvoicePrintInput, type PrintedInvoice } from './invoice-print.js';

/** What the PDF prints: the same input as the PNG renderer (only qr, number, issueDate and totalAmount required). */
export type InvoicePdfInput = InvoicePrintInput;

const A5_LANDSCAPE = { width: 595.28, height: 419.53 } as const;

/**
 * The invoice as a one-page A5-landscape PDF in the layout real ones have (invoice-layout.ts, the same drawing as
 * the PNG), its text in the CJK font embedded as a subset with a ToUnicode map, so the text layer reads back as
 * real 数电 PDFs do (发票号码：…, 名称：…, （小写）¥…). The QR is a PNG image drawn before any text: on Node 20 the
 * pdf.js bundled with unpdf 1.8 stops building the operator list at the first font (it calls
 * ArrayBuffer.prototype.transferToFixedLength, Node ≥ 21), so extractImages only sees images drawn before text.
 *
 * Without a CJK font (see fonts.ts) it falls back to ASCII text lines in Helvetica (`Invoice No: …`), which the
 * PDF reader also understands.
 *
 * Deterministic: CreationDate is the issue date (00:00 Asia/Shanghai), pdfkit derives the file /ID from the info
 * dictionary (MD5) and the font subset's tag from its id, so the same input gives the same bytes. pdfkit 0.20's only
 * random source is crypto.getRandomValues, used for encryption, which is off here.
 */
export async function renderInvoicePdf(input: InvoicePdfInput): Promise<Buffer> {
  const inv = printedInvoice(input);
  const date = isoDate(input.issueDate);
  const doc = new PDFDocument({
    size: 'A5',
    layout: 'landscape',
    margin: 0,
    info: {
      Title: `E-invoice ${inv.number}`,
      Author: `Seller ${inv.seller.taxId}`,
      Subject: inv.kind === 'DIGITAL' ? 'Digital VAT e-invoice (tax sandbox)' : 'VAT e-invoice (tax sandbox)',
      Producer: 'Quanyi tax sandbox',
      Creator: 'Quanyi tax sandbox',
      CreationDate: new Date(`${date}T00:00:00+08:00`),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const cjk = registerCjkFont(doc);
  if (cjk) {
    const units = layoutUnits(inv.kind);
    const scale = A5_LANDSCAPE.width / units.width;
    doc.scale(scale);
    drawLayout(new PdfSurface(doc, await qrImages(inv)), inv);
  } else {
    await drawAscii(doc, inv, date);
  }
  doc.end();
  return done;
}

let fontBytes: { file: string; bytes: Buffer } | null = null;

/** The CJK font's file, read once per process (the Noto CJK collections are ~25 MB; pdfkit embeds a subset). */
function registerCjkFont(doc: PDFKit.PDFDocument): boolean {
  const fonts = invoiceFonts();
  if (!fonts.cjk || fonts.file === null) return false;
  if (fontBytes?.file !== fonts.file) fontBytes = { file: fonts.file, bytes: readFileSync(fonts.file) };
  // A collection needs a face's PostScript name: the Simplified Chinese one of Noto Serif/Sans CJK, else the file's own.
  const faces = fonts.file.endsWith('.ttc') ? ['NotoSerifCJKsc-Regular', 'NotoSansCJKsc-Regular', undefined] : [undefined];
  for (const face of faces) {
    try {
      doc.registerFont('cjk', fontBytes.bytes, face);
      doc.font('cjk');
      return true;
    } catch {
      // Not a face of this file: try the next.
    }
  }
  return false;
}

/** The QR as a PNG of exactly 8 px per module with its 4-module quiet zone. */
async function qrImages(inv: PrintedInvoice): Promise<{ png: Buffer; modules: number }> {
  const modules = QRCode.create(inv.qr, { errorCorrectionLevel: 'M' }).modules.size;
  const png = await QRCode.toBuffer(inv.qr, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 8 });
  return { png, modules };
}

interface Colour {
  readonly rgb: string | [number, number, number];
  readonly opacity: number;
}

function colour(css: string): Colour {
  const rgba = /^rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*([\d.]+)\s*)?\)$/.exec(css);
  if (!rgba) return { rgb: css, opacity: 1 };
  return { rgb: [Number(rgba[1]), Number(rgba[2]), Number(rgba[3])], opacity: rgba[4] === undefined ? 1 : Number(rgba[4]) };
}

/** The layout on a pdfkit page, in the layout's units (the document is scaled to them). */
class PdfSurface implements Surface {
  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly qrImage: { png: Buffer; modules: number },
  ) {}

  private font(size: number, mono = false): PDFKit.PDFDocument {
    // The 密码区 is ASCII: Courier has every character it uses.
    return this.doc.font(mono ? 'Courier' : 'cjk').fontSize(size);
  }

  private fill(css: string): void {
    const c = colour(css);
    this.doc.fillColor(c.rgb, c.opacity);
  }

  private stroke(css: string, width: number): void {
    const c = colour(css);
    this.doc.lineWidth(width).strokeColor(c.rgb, c.opacity);
  }

  measure(s: string, size: number, mono = false): number {
    return this.font(size, mono).widthOfString(s);
  }

  text(s: string, x: number, y: number, size: number, style: TextStyle = {}): void {
    const width = this.measure(s, size, style.mono);
    this.fill(style.color ?? '#1b1b1b');
    const squeeze = style.maxWidth !== undefined && width > style.maxWidth ? style.maxWidth / width : 1;
    const drawn = width * squeeze;
    const left = style.align === 'right' ? x - drawn : style.align === 'center' ? x - drawn / 2 : x;
    const options = { lineBreak: false, baseline: 'alphabetic' } as const;
    if (squeeze === 1) {
      this.doc.text(s, left, y, options);
      return;
    }
    this.doc.save();
    this.doc.translate(left, y).scale(squeeze, 1);
    this.doc.text(s, 0, 0, options);
    this.doc.restore();
  }

  line(x1: number, y1: number, x2: number, y2: number, width: number, color = '#9c3d26'): void {
    this.stroke(color, width);
    this.doc.moveTo(x1, y1).lineTo(x2, y2).stroke();
  }

  rect(x: number, y: number, w: number, h: number, width: number, color = '#9c3d26'): void {
    this.stroke(color, width);
    this.doc.rect(x, y, w, h).stroke();
  }

  circle(cx: number, cy: number, r: number, width: number, color: string): void {
    this.ellipse(cx, cy, r, r, width, color);
  }

  ellipse(cx: number, cy: number, rx: number, ry: number, width: number, color: string): void {
    this.stroke(color, width);
    this.doc.ellipse(cx, cy, rx, ry).stroke();
  }

  glyph(ch: string, x: number, y: number, size: number, rotation: number, color: string): void {
    const width = this.measure(ch, size);
    this.fill(color);
    this.doc.save();
    this.doc.translate(x, y);
    if (rotation !== 0) this.doc.rotate((rotation * 180) / Math.PI, { origin: [0, 0] });
    this.doc.text(ch, -width / 2, 0, { lineBreak: false, baseline: 'middle' });
    this.doc.restore();
  }

  stamp(draw: () => void): void {
    this.doc.save();
    draw();
    this.doc.restore();
  }

  qr(_text: string, x: number, y: number, box: number): void {
    // The image includes the quiet zone: its modules cover `box`.
    const { png, modules } = this.qrImage;
    const module = box / modules;
    const side = module * (modules + 8);
    this.doc.image(png, x - 4 * module, y - 4 * module, { width: side, height: side });
  }
}

/** Without a CJK font: the QR and the fields as ASCII lines the PDF reader understands. */
async function drawAscii(doc: PDFKit.PDFDocument, inv: PrintedInvoice, date: string): Promise<void> {
  const qrPng = await QRCode.toBuffer(inv.qr, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 8 });
  const qrSize = 130;
  doc.image(qrPng, 28, 28, { width: qrSize, height: qrSize });
  const textX = 28 + qrSize + 24;
  const textWidth = doc.page.width - textX - 28;
  doc.font('Helvetica-Bold').fontSize(16).text(inv.kind === 'DIGITAL' ? 'Digital VAT e-invoice' : 'VAT e-invoice', textX, 32, { width: textWidth });
  doc.font('Helvetica').fontSize(11);
  const lines = [
    ...(inv.code ? [`Invoice Code: ${inv.code}`] : []),
    `Invoice No: ${inv.number}`,
    `Issue Date: ${date}`,
    `Amount (excl. tax): ${inv.totalWithoutTax}`,
    `Tax: ${inv.totalTax}`,
    `Total (tax incl.): ${inv.totalWithTax}`,
    `Seller Tax ID: ${inv.seller.taxId}`,
  ];
  lines.forEach((line, k) => doc.text(line, textX, 62 + k * 16, { width: textWidth, lineBreak: false }));
  const ruleY = 28 + qrSize + 16;
  doc.moveTo(28, ruleY).lineTo(doc.page.width - 28, ruleY).lineWidth(0.8).stroke();
  doc.font('Helvetica').fontSize(9).text(`QR: ${inv.qr}`, 28, ruleY + 10, { width: doc.page.width - 56 });
}
