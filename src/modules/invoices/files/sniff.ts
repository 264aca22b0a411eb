/** What an uploaded invoice file is, judged by its first bytes only (never by name or declared content type). */
export type FileKind = 'xml' | 'zip' | 'pdf' | 'png' | 'jpeg' | 'unknown';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;
const ZIP_LOCAL_HEADER = [0x50, 0x4b, 0x03, 0x04] as const; // "PK\x03\x04"; OFD files are ZIP archives
const PDF_HEADER = [0x25, 0x50, 0x44, 0x46, 0x2d] as const; // "%PDF-"
const JPEG_SOI = [0xff, 0xd8, 0xff] as const;
const XML_DECLARATION = [0x3c, 0x3f, 0x78, 0x6d, 0x6c] as const; // "<?xml"
const EINVOICE_ROOT = [0x3c, 0x45, 0x49, 0x6e, 0x76, 0x6f, 0x69, 0x63, 0x65] as const; // "<EInvoice"

/** Leading whitespace we skip before an XML start; bounded so a file of blanks costs nothing. */
const MAX_LEADING_WHITESPACE = 4096;

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  if (bytes.length - at < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}

function isXmlWhitespace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

/**
 * XML: optional UTF-8 BOM, optional whitespace, then `<?xml` or `<EInvoice` (followed by a delimiter, so
 * `<EInvoiceX>` is not taken for an invoice). ZIP: `PK\x03\x04`. PDF: `%PDF-`. PNG: the 8-byte signature.
 * JPEG: `FF D8 FF`.
 */
export function sniffFileKind(bytes: Uint8Array): FileKind {
  if (startsWith(bytes, PNG_SIGNATURE)) return 'png';
  if (startsWith(bytes, JPEG_SOI)) return 'jpeg';
  if (startsWith(bytes, PDF_HEADER)) return 'pdf';
  if (startsWith(bytes, ZIP_LOCAL_HEADER)) return 'zip';

  let at = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  const limit = Math.min(bytes.length, at + MAX_LEADING_WHITESPACE);
  while (at < limit && isXmlWhitespace(bytes[at])) at++;
  if (startsWith(bytes, XML_DECLARATION, at)) {
    const next = bytes[at + XML_DECLARATION.length];
    if (isXmlWhitespace(next) || next === 0x3f /* "?" */) return 'xml';
  }
  if (startsWith(bytes, EINVOICE_ROOT, at)) {
    const next = bytes[at + EINVOICE_ROOT.length];
    if (isXmlWhitespace(next) || next === 0x3e /* ">" */ || next === 0x2f /* "/" */) return 'xml';
  }
  return 'unknown';
}
