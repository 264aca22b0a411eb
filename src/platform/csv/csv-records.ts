import { CsvError, parse } from 'csv-parse/sync';

/**
 * The records of RFC 4180 CSV text, read by csv-parse, for imports that report each bad row and keep the good
 * ones: fields in double quotes may hold commas, line breaks and doubled quotes; CRLF or LF ends a record (a lone
 * CR is data); a UTF-8 BOM at the start is skipped; a blank line is a record of one empty field. A malformed
 * record carries an error and ends at the end of the line where it went wrong, and reading goes on from the next
 * line: csv-parse stops at the first error (its skip_records_with_error reads on from inside the broken record,
 * so the rows after an unbalanced quote are lost or merged), so the rest is read again from that next line.
 *
 * `take` receives each record in order and returns false to stop reading: nothing after it is parsed, so a caller
 * with a row limit pays only for the rows it reads.
 */
export interface CsvRecord {
  /** The line the record starts on (1 is the first line; only LF and CRLF end a line). */
  readonly line: number;
  readonly fields: readonly string[];
  /** Why the record is malformed; its fields are then empty. */
  readonly error?: string;
}

/** csv-parse's codes for malformed records, in the words an import reports them with. */
const MALFORMED: Partial<Record<string, string>> = {
  CSV_INVALID_CLOSING_QUOTE: 'a quoted field must end at a comma or the line end',
  INVALID_OPENING_QUOTE: 'a field with a double quote must be in double quotes (with the quote doubled)',
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is not closed before the end of the text',
};

const STOP = Symbol('stop');
const LF = 0x0a;
const BOM = Buffer.from('\uFEFF');

export function readCsvRecords(text: string, take: (record: CsvRecord) => boolean): void {
  // Offsets are bytes of the UTF-8 text, as csv-parse counts them (a CR, LF or quote is one byte there too).
  const bytes = Buffer.from(text);
  const lines = new LineCounter(bytes);
  let offset = 0;
  while (offset < bytes.length) {
    const segment = offset === 0 ? bytes : bytes.subarray(offset);
    // Where the record being read starts (a BOM at the very start is not part of it).
    let start = offset === 0 && bytes.subarray(0, BOM.length).equals(BOM) ? BOM.length : offset;
    try {
      parse(segment, {
        bom: offset === 0,
        raw: true,
        record_delimiter: ['\r\n', '\n'],
        relax_column_count: true,
        skip_empty_lines: false,
        on_record: (record, context) => {
          // With `raw` csv-parse hands over { record, raw }, which its types do not say.
          const fields = (record as unknown as { readonly record: string[] }).record;
          const line = lines.lineAt(start);
          start = offset + context.bytes; // csv-parse's count of the segment's bytes read, up to this record's end
          if (!take({ line, fields })) throw STOP;
          return null;
        },
      });
      return;
    } catch (error) {
      if (error === STOP) return;
      const message = error instanceof CsvError ? MALFORMED[error.code] : undefined;
      if (!(error instanceof CsvError) || !message) throw error;
      if (!take({ line: lines.lineAt(start), fields: [], error: message })) return;
      if (error.code === 'CSV_QUOTE_NOT_CLOSED') return; // the rest of the text was inside the quotes
      // The error's `raw` is the record up to the character that broke it: read on from the line after that one.
      const end = bytes.indexOf(LF, start + Buffer.byteLength(String(error.raw)));
      if (end < 0) return;
      offset = end + 1;
    }
  }
}

/** Line numbers of byte offsets, counted forward once (offsets are asked for in increasing order). */
class LineCounter {
  private position = 0;
  private line = 1;

  constructor(private readonly bytes: Buffer) {}

  lineAt(offset: number): number {
    for (let at = this.bytes.indexOf(LF, this.position); at >= 0 && at < offset; at = this.bytes.indexOf(LF, at + 1)) this.line += 1;
    this.position = Math.max(this.position, offset);
    return this.line;
  }
}
