import { creditCodeValid } from '../domain/credit-code.js';
import { parseDigitalInvoiceNumber } from '../domain/invoice-number.js';

/** One line the OCR engine recognised: its text and its box (four corners, clockwise from top left, in pixels). */
export interface OcrLine {
  readonly text: string;
  readonly box: readonly (readonly [number, number])[];
  /** The recogniser's mean confidence, 0–1. */
  readonly mean?: number;
}

/** What the printed invoice says, as read by OCR; each field only when found and well-formed. */
export interface OcrInvoiceFields {
  /** 20-digit 数电 number, or the legacy 8-digit 发票号码. */
  readonly number?: string;
  /** Legacy 发票代码 (10 or 12 digits). */
  readonly code?: string;
  /** Legacy 校验码 (20 digits). */
  readonly checkCode?: string;
  /** YYYY-MM-DD. */
  readonly issueDate?: string;
  /** 价税合计 (小写), decimal with two places. */
  readonly amountWithTax?: string;
  /** 合计 金额 (tax excluded). */
  readonly amountWithoutTax?: string;
  /** 合计 税额. */
  readonly tax?: string;
  readonly buyerName?: string;
  readonly buyerTaxId?: string;
  readonly sellerName?: string;
  readonly sellerTaxId?: string;
}

/** A piece of a line between runs of spaces, with where it sits (interpolated along its line's box). */
interface Segment {
  readonly text: string;
  /** Text with every space removed, NFKC-normalised (fullwidth colon, ¥ and brackets made ASCII). */
  readonly compact: string;
  readonly x: number;
  readonly y: number;
  readonly line: number;
}

interface Placed {
  readonly value: string;
  readonly x: number;
  readonly y: number;
}

const MAX_LINES = 400;
const MAX_LINE_CHARS = 400;

/**
 * Finds the invoice's fields by their printed labels in recognised lines (PP-OCR merges the boxes of one row into
 * one line, so a line may hold several label–value pairs: `名 称：甲公司 密 …`). Labels are matched with their
 * spaces removed (`校 验 码`, `合 计`). Which party a 名称 or 纳税人识别号 belongs to is decided by the layout:
 * the nearest 购买方/销售方 heading along the axis on which the two headings lie apart (legacy invoices stack the
 * blocks, 数电 invoices set them side by side); without both headings, the buyer is the one above, or on the left.
 * Where labels are missing (an unlabelled render, a misread label) a 20-digit run that passes the 数电 number
 * check, a date and a ¥ amount are taken as the number, date and total.
 */
export function findInvoiceFields(input: readonly OcrLine[], today: string): OcrInvoiceFields {
  const lines = input.slice(0, MAX_LINES).map((line) => ({ ...line, text: line.text.slice(0, MAX_LINE_CHARS) }));
  const skew = skewOf(lines);
  const segments = lines.flatMap((line, index) => segmentsOf(line, index, skew));
  const all = lines.map((line) => compact(line.text));
  const joined = all.join('\n');
  const fields: { -readonly [K in keyof OcrInvoiceFields]: OcrInvoiceFields[K] } = {};

  const code = /发票代码:?(\d{10}|\d{12})(?!\d)/.exec(joined);
  if (code) fields.code = code[1]!;
  const number = /发票号码:?(\d{20}|\d{8})(?!\d)/.exec(joined);
  if (number) fields.number = number[1]!;
  const check = /校验码:?(\d{20})(?!\d)/.exec(joined);
  if (check) fields.checkCode = check[1]!;
  const dated = /开票日期:?(20\d{2})[年\-/.](\d{1,2})[月\-/.](\d{1,2})日?/.exec(joined);
  if (dated) fields.issueDate = isoDate(dated[1]!, dated[2]!, dated[3]!);

  // 价税合计: the (小写) figure, on the 价税合计 row (the row also holds the 大写 words).
  // A line marked 小写 first (a photo's 价税合计 label may share its line with the 合计 figures), then one labelled 价税合计.
  for (const text of [...all.filter((t) => /小写|\(小/.test(t)), ...all.filter((t) => /价税合计/.test(t))]) {
    const small = /小写\)?[¥YV$]?(\d+\.\d{2})(?!\d)/.exec(text) ?? lastYuan(text);
    if (small) {
      fields.amountWithTax = amount(small[1]!);
      break;
    }
  }
  // 合计: ¥金额 then ¥税额. Where the 价税合计 was read, the two ¥ figures of one line that add up to it (a photo's
  // 合计 row is often read without its label, or its label on a line of its own).
  if (fields.amountWithTax !== undefined) {
    const total = fen(fields.amountWithTax);
    for (const text of all) {
      const figures = [...text.matchAll(/[¥YV$](\d+\.\d{2})(?!\d)/g)].map((m) => amount(m[1]!));
      const at = figures.findIndex((figure, i) => i + 1 < figures.length && fen(figure) + fen(figures[i + 1]!) === total);
      if (at >= 0) {
        fields.amountWithoutTax = figures[at]!;
        fields.tax = figures[at + 1]!;
        break;
      }
    }
  }
  // Else the row that starts with 合计, whose widely spaced 合 may go unread (价税合计 is another row).
  for (const text of fields.amountWithoutTax === undefined ? all : []) {
    if (!/^合?计[¥YV\d]/.test(text)) continue;
    const figures = [...text.matchAll(/[¥YV$](\d+\.\d{2})(?!\d)/g)].map((m) => amount(m[1]!));
    if (figures.length >= 1) fields.amountWithoutTax = figures[0]!;
    if (figures.length >= 2) fields.tax = figures[1]!;
    if (figures.length >= 1) break;
  }

  const names = placedValues(segments, /^名称:?/, nameValue);
  const taxIds = placedValues(segments, /^(?:统一社会信用代码\/?)?纳税人识别号:?|^统一社会信用代码:?/, taxIdValue);
  // A misread label (纳税人职9号): an 18-character run that passes the 统一社会信用代码 check stands for itself.
  for (const segment of segments) {
    for (const run of segment.compact.matchAll(/(?<![0-9A-Z])[0-9A-Z]{18}(?![0-9A-Z])/g)) {
      if (creditCodeValid(run[0]) && !taxIds.some((p) => p.value === run[0])) taxIds.push({ value: run[0], x: segment.x, y: segment.y });
    }
  }
  const headings = partyHeadings(segments);
  const assign = (found: Placed[], onto: 'Name' | 'TaxId') => {
    for (const [party, value] of assignParties(found, headings)) {
      const key = `${party}${onto}` as const;
      fields[key] ??= value;
    }
  };
  assign(names, 'Name');
  if (headings.length === 0) {
    // No heading read: the names, once placed, stand for their blocks.
    for (const party of ['buyer', 'seller'] as const) {
      const name = fields[`${party}Name`];
      const placed = names.find((p) => p.value === name);
      if (placed) headings.push({ party, x: placed.x, y: placed.y });
    }
  }
  assign(taxIds, 'TaxId');

  // Without labels: what the values themselves look like.
  if (fields.number === undefined) {
    for (const text of all) {
      const found = [...text.matchAll(/(?<!\d)\d{20}(?!\d)/g)].map((m) => m[0]).find((run) => parseDigitalInvoiceNumber(run, today).ok);
      if (found) {
        fields.number = found;
        break;
      }
    }
  }
  if (fields.issueDate === undefined) {
    for (const text of all) {
      const match = /(?<!\d)(20\d{2})[年\-/.](\d{1,2})[月\-/.](\d{1,2})(?!\d)/.exec(text);
      const date = match ? isoDate(match[1]!, match[2]!, match[3]!) : undefined;
      if (date) {
        fields.issueDate = date;
        break;
      }
    }
  }
  if (fields.amountWithTax === undefined) {
    const signed = [...joined.matchAll(/[¥YV$](\d+\.\d{2})(?!\d)/g)].map((m) => amount(m[1]!));
    // The largest ¥ figure: 价税合计 is never below 金额 or 税额.
    const largest = signed.sort((a, b) => Number(b) - Number(a))[0];
    if (largest !== undefined && fields.amountWithoutTax === undefined) fields.amountWithTax = largest;
  }
  for (const key of Object.keys(fields) as (keyof OcrInvoiceFields)[]) if (fields[key] === undefined) delete fields[key];
  return fields;
}

/** Spaces removed, NFKC (：→:, ￥→¥, （）→()), and the look-alikes OCR gives for ¥ and the colon. */
function compact(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\s+/g, '')
    .replace(/[;；]/g, ':')
    .replace(/:+/g, ':');
}

function lastYuan(text: string): RegExpExecArray | null {
  let last: RegExpExecArray | null = null;
  for (const match of text.matchAll(/[¥YV$](\d+\.\d{2})(?!\d)/g)) last = match as RegExpExecArray;
  return last;
}

function fen(text: string): number {
  return Math.round(Number(text) * 100);
}

function amount(text: string): string {
  return text.replace(/^0+(?=\d)/, '');
}

function isoDate(year: string, month: string, day: string): string | undefined {
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  if (y < 2000 || y > 2099 || m < 1 || m > 12 || d < 1 || d > new Date(Date.UTC(y, m, 0)).getUTCDate()) return undefined;
  return `${year}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * A line's pieces between spaces, each placed by its share of the line's characters along the box's top edge.
 * A label split by the letter-spacing of the print (`名 称：`) is joined back: a piece that is only a label's
 * first characters takes the pieces after it until the label is whole.
 */
function segmentsOf(line: OcrLine, index: number, skew = 0): Segment[] {
  const [topLeft, topRight, , bottomLeft] = line.box;
  const x0 = topLeft?.[0] ?? 0;
  const x1 = topRight?.[0] ?? x0;
  const y = ((topLeft?.[1] ?? 0) + (bottomLeft?.[1] ?? topLeft?.[1] ?? 0)) / 2;
  const length = Math.max(1, line.text.length);
  const pieces: { text: string; start: number }[] = [];
  for (const match of line.text.matchAll(/\S+/g)) pieces.push({ text: match[0], start: match.index });
  const merged: { text: string; start: number }[] = [];
  for (let i = 0; i < pieces.length; i++) {
    let { text } = pieces[i]!;
    const { start } = pieces[i]!;
    while (i + 1 < pieces.length && continuesLabel(compact(text), compact(text + pieces[i + 1]!.text))) text += pieces[++i]!.text;
    merged.push({ text, start });
  }
  const [cos, sin] = [Math.cos(skew), Math.sin(skew)];
  // A row PP-OCR merged across a gap (a heading's character far left, the text at the right) is wider than its
  // characters: its last piece is then placed back from the box's right end, by the width its characters need
  // (a Han character about the line's height, others about half).
  const height = Math.max(1, (bottomLeft?.[1] ?? 0) - (topLeft?.[1] ?? 0));
  const needs = (text: string) => [...text].reduce((sum, ch) => sum + (/\p{Script=Han}|[\uff00-\uffef]/u.test(ch) ? height : height / 2), 0);
  const gapped = merged.length > 1 && x1 - x0 > 1.5 * needs(line.text);
  return merged.map((piece, i) => {
    const x = gapped && i === merged.length - 1 ? x1 - needs(piece.text) : x0 + ((x1 - x0) * piece.start) / length;
    // Placed on the page as if it lay straight: turned back by the skew of its lines.
    return { text: piece.text, compact: compact(piece.text), x: x * cos + y * sin, y: -x * sin + y * cos, line: index };
  });
}

/**
 * How far the page is turned (radians, clockwise positive as image y grows downwards): the median slope of the top
 * edges of the lines at least 100 px wide (a photo's paper lies a few degrees askew, so a row's right end sits
 * higher or lower than its left, and a block on the right may seem above one on the left). 0 without such lines, and
 * never more than 15°.
 */
export function skewOf(lines: readonly OcrLine[]): number {
  const angles: number[] = [];
  for (const line of lines) {
    const [topLeft, topRight] = line.box;
    if (!topLeft || !topRight) continue;
    const dx = topRight[0] - topLeft[0];
    const dy = topRight[1] - topLeft[1];
    if (dx < 100) continue;
    angles.push(Math.atan2(dy, dx));
  }
  if (angles.length === 0) return 0;
  angles.sort((a, b) => a - b);
  const middle = angles.length / 2;
  const median = angles.length % 2 === 1 ? angles[Math.floor(middle)]! : (angles[middle - 1]! + angles[middle]!) / 2;
  return Math.abs(median) <= (15 * Math.PI) / 180 ? median : 0;
}

/** `joined` goes on spelling a label that `piece` only began (`名` + `称：甲` → `名称：甲`, but not `购` + `名称：…`). */
function continuesLabel(piece: string, joined: string): boolean {
  return LABELS.some((label) => label !== piece && label.startsWith(piece) && (label.startsWith(joined) || joined.startsWith(label)));
}

/** Labels whose letter-spaced prints are joined back (see segmentsOf). */
const LABELS = ['名称:', '名称', '纳税人识别号:', '纳税人识别号', '购买方', '销售方', '地址、电话:', '开户行及账号:'];

/** Each occurrence of a label and its value (the rest of its piece, else the next piece of the line). */
function placedValues(segments: readonly Segment[], label: RegExp, value: (text: string) => string | undefined): Placed[] {
  const found: Placed[] = [];
  segments.forEach((segment, i) => {
    const match = label.exec(segment.compact);
    if (!match) return;
    let rest = segment.compact.slice(match[0].length).replace(/^:+/, '');
    if (rest === '') {
      const next = segments[i + 1];
      if (next && next.line === segment.line) rest = next.compact.replace(/^:+/, '');
    }
    const read = value(rest);
    if (read !== undefined) found.push({ value: read, x: segment.x, y: segment.y });
  });
  return found;
}

/** A company or person name: CJK, Latin letters, digits and brackets; fullwidth brackets as printed. */
function nameValue(text: string): string | undefined {
  const name = /^[\p{Script=Han}A-Za-z0-9()（）·&.-]+/u.exec(text)?.[0];
  if (!name || !/\p{Script=Han}|[A-Za-z]{2}/u.test(name)) return undefined;
  return name.replace(/\(/g, '（').replace(/\)/g, '）');
}

/** A 纳税人识别号 / 统一社会信用代码: 15 to 20 digits and capitals. */
function taxIdValue(text: string): string | undefined {
  const id = /^[0-9A-Z]{15,20}(?![0-9A-Z])/.exec(text)?.[0];
  // 18 characters is a 统一社会信用代码, whose check character catches a misread one (15 and 20 are older ids).
  return id !== undefined && id.length === 18 && !creditCodeValid(id) ? undefined : id;
}

interface Heading {
  readonly party: 'buyer' | 'seller';
  readonly x: number;
  readonly y: number;
}

/** The 购买方 / 销售方 headings of the party blocks (printed vertically, so often read as 购, 买, 方 alone). */
function partyHeadings(segments: readonly Segment[]): Heading[] {
  const headings: Heading[] = [];
  for (const segment of segments) {
    const text = segment.compact;
    if (/^(购买方|购方|购|买方)(信息)?$/.test(text)) headings.push({ party: 'buyer', x: segment.x, y: segment.y });
    else if (/^(销售方|销方|销)(信息)?$/.test(text)) headings.push({ party: 'seller', x: segment.x, y: segment.y });
  }
  return headings;
}

/** Which party each value belongs to, by the headings' layout, else by reading order (buyer above or left). */
function assignParties(found: readonly Placed[], headings: readonly Heading[]): ['buyer' | 'seller', string][] {
  const buyers = headings.filter((h) => h.party === 'buyer');
  const sellers = headings.filter((h) => h.party === 'seller');
  if (buyers.length > 0 && sellers.length > 0) {
    const b = buyers[0]!;
    const s = sellers.reduce((best, h) => (Math.hypot(h.x - b.x, h.y - b.y) < Math.hypot(best.x - b.x, best.y - b.y) ? h : best));
    const vertical = Math.abs(s.y - b.y) > Math.abs(s.x - b.x);
    const along = (p: { x: number; y: number }) => (vertical ? p.y : p.x);
    return found.map((p) => [Math.abs(along(p) - along(b)) <= Math.abs(along(p) - along(s)) ? 'buyer' : 'seller', p.value]);
  }
  if (found.length < 2) return [];
  const [first, second] = [...found].sort((p, q) => (Math.abs(p.y - q.y) > 12 ? p.y - q.y : p.x - q.x));
  return [
    ['buyer', first!.value],
    ['seller', second!.value],
  ];
}
