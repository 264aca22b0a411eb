import { describe, expect, it } from 'vitest';
import { readCsvRecords, type CsvRecord } from './csv-records.js';

function records(text: string, limit = Infinity): CsvRecord[] {
  const out: CsvRecord[] = [];
  readCsvRecords(text, (record) => {
    out.push(record);
    return out.length < limit;
  });
  return out;
}

describe('readCsvRecords', () => {
  it('reads quoted fields, a BOM, CRLF and LF, and numbers records by the line they start on', () => {
    expect(records('\uFEFFa,"b,c"\r\n"d\r\ne",f\n\n"g""h"')).toEqual([
      { line: 1, fields: ['a', 'b,c'] },
      { line: 2, fields: ['d\r\ne', 'f'] },
      { line: 4, fields: [''] },
      { line: 5, fields: ['g"h'] },
    ]);
  });

  it('keeps a lone CR as data, not a line end, in the fields and in the line numbers', () => {
    expect(records('a\rb,c\n"d\re",f\ng')).toEqual([
      { line: 1, fields: ['a\rb', 'c'] },
      { line: 2, fields: ['d\re', 'f'] },
      { line: 3, fields: ['g'] },
    ]);
  });

  it('ends a malformed record at the end of its line and reads on from the next one', () => {
    expect(records('"a" b,c\r\nd,e"f\n"g\nh" i\rj,k\nl,m\n"n')).toEqual([
      { line: 1, fields: [], error: 'a quoted field must end at a comma or the line end' },
      { line: 2, fields: [], error: 'a field with a double quote must be in double quotes (with the quote doubled)' },
      // The quoted field spans lines 3 and 4 and goes wrong on line 4 (the CR there is data): line 5 is next.
      { line: 3, fields: [], error: 'a quoted field must end at a comma or the line end' },
      { line: 5, fields: ['l', 'm'] },
      { line: 6, fields: [], error: 'a quoted field is not closed before the end of the text' },
    ]);
  });

  it('stops when asked, parsing nothing after', () => {
    expect(records('a\nb\n"unclosed', 2)).toEqual([
      { line: 1, fields: ['a'] },
      { line: 2, fields: ['b'] },
    ]);
    expect(records('')).toEqual([]);
  });
});
