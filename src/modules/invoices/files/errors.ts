/**
 * Why an uploaded invoice file could not be read. Every extractor in this folder fails with this error only, so the
 * upload route can map `reason` to a response without catching anything untyped.
 *
 * - UNSUPPORTED: a format or feature we do not read (unknown file kind, encrypted ZIP entry or PDF, exotic compression).
 * - UNREADABLE: corrupt or malformed data, or extraction that did not finish in time.
 * - TOO_LARGE: declared or actual dimensions/sizes above the configured limits.
 * - ZIP_BOMB: an archive whose structure or compression ratio looks like a decompression bomb.
 * - NO_INVOICE: a well-formed file that carries no invoice data.
 * - TRUNCATED: the file ends early (e.g. an interrupted upload).
 * - TOO_COMPLEX: its headers promise more work than an invoice needs (pixels, XML elements or depth, PDF pages).
 */
export type InvoiceFileErrorReason = 'UNSUPPORTED' | 'UNREADABLE' | 'TOO_LARGE' | 'ZIP_BOMB' | 'NO_INVOICE' | 'TRUNCATED' | 'TOO_COMPLEX';

export class InvoiceFileError extends Error {
  override name = 'InvoiceFileError';

  constructor(
    readonly reason: InvoiceFileErrorReason,
    message: string,
  ) {
    super(message);
  }
}
