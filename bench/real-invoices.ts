// npm run bench:real-invoices — for each file of the real-invoice corpus (test/support/real-invoices.ts, read from
// beside the checkout; REAL_INVOICES_DIR overrides), the fields read right out of the fields its truth gives, through
// what POST /api/v1/invoices/preview runs (InvoiceFileReader's worker pool with the default limits, then toPreview),
// and the time taken: wall ms and CPU ms (this process, every thread) of the first, cold read and the median of
// BENCH_RUNS reads (default 3). Prints figures only; skips with a message when the corpus is absent.
import { InvoiceFileReader } from '../src/modules/invoices/file-reader.js';
import { DEFAULT_COMPLEXITY_LIMITS } from '../src/modules/invoices/files/complexity.js';
import { toPreview, type PreviewField } from '../src/modules/invoices/preview.js';
import { AppError } from '../src/platform/errors/app-error.js';
import { CORPUS, corpusAvailable, readCorpusFile, REAL_INVOICES_DIR, type TrueFields } from '../test/support/real-invoices.js';

if (!corpusAvailable()) {
  console.log(`bench:real-invoices: no corpus at ${REAL_INVOICES_DIR} (set REAL_INVOICES_DIR); nothing to measure`);
  process.exit(0);
}

const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
/** The business date files are read on (bounds the number's year), as the corpus tests use. */
const TODAY = process.env.BENCH_TODAY ?? '2026-12-03';

interface Timing {
  readonly ms: number;
  readonly cpuMs: number;
}

interface Row {
  readonly file: string;
  readonly right: number;
  readonly expected: number;
  readonly missed: string[];
  readonly cold: Timing;
  readonly median: Timing;
}

const reader = new InvoiceFileReader({ threads: 1, queue: 4, deadlineMs: 120_000, memoryMb: 1024 }, DEFAULT_COMPLEXITY_LIMITS);

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; timing: Timing }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await work();
  const used = process.cpuUsage(cpu);
  return { value, timing: { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000 } };
}

async function preview(bytes: Buffer) {
  try {
    return toPreview(await reader.read(bytes, TODAY), 'en');
  } catch (error) {
    if (error instanceof AppError) return { refused: error.code };
    throw error;
  }
}

const medianOf = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const rows: Row[] = [];
for (const entry of CORPUS) {
  const bytes = readCorpusFile(entry.file);
  const timings: Timing[] = [];
  let answer: Awaited<ReturnType<typeof preview>> | undefined;
  for (let i = 0; i < runs; i++) {
    const { value, timing } = await timed(() => preview(bytes));
    answer ??= value;
    timings.push(timing);
  }
  const expectedFields = (Object.entries(entry.truth) as [keyof TrueFields, string | null][]).filter(([, value]) => value !== null);
  const fields = answer && 'fields' in answer ? answer.fields : undefined;
  const missed = expectedFields.filter(([field, value]) => fields?.[field as PreviewField] !== value).map(([field]) => field);
  rows.push({
    file: entry.file,
    right: expectedFields.length - missed.length,
    expected: expectedFields.length,
    missed: answer && 'refused' in answer ? [`refused ${answer.refused}`] : missed,
    cold: timings[0]!,
    median: { ms: medianOf(timings.map((t) => t.ms)), cpuMs: medianOf(timings.map((t) => t.cpuMs)) },
  });
}
await reader.close();

const pad = (text: string, width: number) => text.padEnd(width);
const num = (n: number, width: number, digits = 0) => n.toFixed(digits).padStart(width);
const fileWidth = Math.max(...rows.map((r) => r.file.length), 5);
console.log(`real-invoice corpus: ${rows.length} files, read ${runs}× each through the preview path (worker pool, default limits); today ${TODAY}`);
console.log(`${pad('file', fileWidth)}  fields  cold ms  cold CPU ms  median ms  median CPU ms  missed`);
for (const r of rows) {
  console.log(
    `${pad(r.file, fileWidth)}  ${`${r.right}/${r.expected}`.padStart(6)}  ${num(r.cold.ms, 7)}  ${num(r.cold.cpuMs, 11)}  ${num(r.median.ms, 9)}  ${num(r.median.cpuMs, 13)}  ${r.missed.join(', ') || '-'}`,
  );
}
const sum = (pick: (r: Row) => number) => rows.reduce((total, r) => total + pick(r), 0);
const right = sum((r) => r.right);
const expected = sum((r) => r.expected);
console.log(
  `${pad('total', fileWidth)}  ${`${right}/${expected}`.padStart(6)}  ${num(sum((r) => r.cold.ms), 7)}  ${num(sum((r) => r.cold.cpuMs), 11)}  ${num(sum((r) => r.median.ms), 9)}  ${num(sum((r) => r.median.cpuMs), 13)}  ${((100 * right) / expected).toFixed(1)}% of fields right`,
);
