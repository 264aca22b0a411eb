import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvoiceFileError } from './errors.js';
import { sniffFileKind } from './sniff.js';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part))));

describe('sniffFileKind', () => {
  it.each([
    ['xml', bytes('<?xml version="1.0" encoding="UTF-8"?><EInvoice/>')],
    ['xml', bytes([0xef, 0xbb, 0xbf], '<?xml version="1.0"?>')],
    ['xml', bytes([0xef, 0xbb, 0xbf], ' \r\n\t <?xml version="1.0"?>')],
    ['xml', bytes('<EInvoice><Header/></EInvoice>')],
    ['xml', bytes('\n<EInvoice>')],
    ['zip', bytes('PK', [0x03, 0x04], 'OFD.xml')],
    ['pdf', bytes('%PDF-1.7\n')],
    ['png', bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])],
    ['jpeg', bytes([0xff, 0xd8, 0xff, 0xe0])],
  ] as const)('%s: %j', (kind, input) => {
    expect(sniffFileKind(input)).toBe(kind);
  });

  it.each([
    ['empty', bytes()],
    ['short prefixes', bytes('%PDF')],
    ['PK but not a local header (empty archive)', bytes('PK', [0x05, 0x06])],
    ['PNG signature cut short', bytes([0x89, 0x50, 0x4e, 0x47])],
    ['JPEG SOI without marker', bytes([0xff, 0xd8])],
    ['another XML root', bytes('<html><body/></html>')],
    ['a longer name starting with EInvoice', bytes('<EInvoiceX/>')],
    ['XML after other text', bytes('hello <?xml version="1.0"?>')],
    ['UTF-16 XML', Buffer.from('\uFEFF<?xml version="1.0"?>', 'utf16le')],
    ['whitespace only', bytes(' '.repeat(10_000))],
    ['lower-case signatures', bytes('%pdf-1.7')],
  ])('unknown: %s', (_name, input) => {
    expect(sniffFileKind(input)).toBe('unknown');
  });

  it('looks only at the start of large inputs: leading whitespace beyond 4 KiB is not skipped', () => {
    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(50 * 1024 * 1024)]);
    expect(sniffFileKind(big)).toBe('pdf');
    expect(sniffFileKind(Buffer.concat([Buffer.alloc(5 * 1024, 0x20), Buffer.from('<?xml version="1.0"?><EInvoice/>')]))).toBe('unknown');
    expect(sniffFileKind(Buffer.concat([Buffer.alloc(1024, 0x20), Buffer.from('<?xml version="1.0"?><EInvoice/>')]))).toBe('xml');
  });

  it('never throws on random input', () => {
    for (let i = 0; i < 200; i++) expect(typeof sniffFileKind(randomBytes(i))).toBe('string');
  });
});

describe('InvoiceFileError', () => {
  it('is an Error with a typed reason', () => {
    const error = new InvoiceFileError('ZIP_BOMB', 'too many entries');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('InvoiceFileError');
    expect(error.reason).toBe('ZIP_BOMB');
    expect(error.message).toBe('too many entries');
  });
});
