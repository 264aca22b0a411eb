// npm run bench:ocr — field-level accuracy of reading photo-style sandbox invoices: (a) the QR code
// (decodeQrFromImageAsync + parseInvoiceQr) and (b) OCR of the printed digits (readInvoiceFieldsByOcr).
// BENCH_IMAGES (default 200) invoices with seeded random numbers/dates/amounts and photo seeds. Prints figures only.
import { createHash } from 'node:crypto';
import { parseInvoiceQr } from '../src/modules/invoices/domain/qr-payload.js';
import { decodeQrFromImageAsync } from '../src/modules/invoices/files/image-qr.js';
import { closeOcr, readInvoiceFieldsByOcr } from '../src/modules/invoices/files/ocr.js';
import { parseMoney } from '../src/platform/money/money.js';
import { renderInvoicePng } from '../src/modules/invoices/tax-sandbox/render/invoice-png.js';

const imageCount = Number(process.env.BENCH_IMAGES ?? 200);
const CLAIMED = 98.7;
const FIELDS = ['number', 'issueDate', 'totalAmount'] as const;
type Field = (typeof FIELDS)[number];

/** Seeded values: SHA-256 counter stream (node:crypto), so every run benches the same invoices. */
function seeded(i: number): () => number {
  let counter = 0;
  return () => createHash('sha256').update(`bench-ocr/${i}/${counter++}`).digest().readUInt32BE(0);
}

const REGIONS = ['11', '31', '32', '33', '43', '44', '51'];
function invoiceOf(i: number) {
  const next = seeded(i);
  const year = 2022 + (next() % 4);
  const month = 1 + (next() % 12);
  const day = 1 + (next() % 28);
  const sequence = Array.from({ length: 15 }, () => String(next() % 10)).join('');
  const number = `${String(year % 100)}${REGIONS[next() % REGIONS.length]}2${sequence}`;
  const issueDate = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const fen = 100 + (next() % 9_999_900);
  const totalAmount = `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
  const qr = `01,32,,${number},${totalAmount},${issueDate.replace(/-/g, '')},,${(next() % 0x10000).toString(16).toUpperCase().padStart(4, '0')}`;
  return { qr, number, issueDate, totalAmount };
}

interface Tally {
  correct: Record<Field, number>;
  ms: number;
}
const tally = (): Tally => ({ correct: { number: 0, issueDate: 0, totalAmount: 0 }, ms: 0 });
const qrTally = tally();
const ocrTally = tally();
let renderMs = 0;

for (let i = 0; i < imageCount; i++) {
  const invoice = invoiceOf(i);
  let t0 = performance.now();
  const png = renderInvoicePng(invoice, { style: 'photo', seed: `bench-ocr-${i}` });
  renderMs += performance.now() - t0;

  t0 = performance.now();
  const qrText = await decodeQrFromImageAsync(png).catch(() => null);
  const parsed = qrText === null ? null : parseInvoiceQr(qrText);
  qrTally.ms += performance.now() - t0;
  if (parsed?.ok) {
    if (parsed.number === invoice.number) qrTally.correct.number++;
    if (parsed.issueDate === invoice.issueDate) qrTally.correct.issueDate++;
    if (parsed.amountFen === parseMoney(invoice.totalAmount)) qrTally.correct.totalAmount++;
  }

  t0 = performance.now();
  const ocr = await readInvoiceFieldsByOcr(png).catch(() => null);
  ocrTally.ms += performance.now() - t0;
  for (const field of FIELDS) if (ocr?.[field] === invoice[field]) ocrTally.correct[field]++;
  if ((i + 1) % 20 === 0) process.stderr.write(`  ${i + 1}/${imageCount}\n`);
}
await closeOcr();

const pct = (n: number, d: number) => (d === 0 ? '—' : `${((100 * n) / d).toFixed(1)}%`);
console.log(`\nOCR bench: ${imageCount} photo-style invoices (render ${(renderMs / imageCount).toFixed(0)} ms/image)\n`);
console.log('path  field        correct / total   accuracy');
for (const [name, t] of [
  ['QR', qrTally],
  ['OCR', ocrTally],
] as const) {
  let all = 0;
  for (const field of FIELDS) {
    all += t.correct[field];
    console.log(`${name.padEnd(5)} ${field.padEnd(12)} ${String(t.correct[field]).padStart(7)} / ${String(imageCount).padEnd(7)} ${pct(t.correct[field], imageCount).padStart(8)}`);
  }
  console.log(`${name.padEnd(5)} ${'ALL FIELDS'.padEnd(12)} ${String(all).padStart(7)} / ${String(3 * imageCount).padEnd(7)} ${pct(all, 3 * imageCount).padStart(8)}   ${(t.ms / imageCount).toFixed(0)} ms/image`);
}
console.log(`\nclaimed in the seed: ${CLAIMED}% (for comparison; not asserted)`);
