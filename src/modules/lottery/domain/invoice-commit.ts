import { createHash } from 'node:crypto';

/**
 * What the public log says about an invoice: a salted hash, never the invoice. The salt is random per
 * (campaign, invoice) and shown only to the invoice's owner, who can then find their own entries — nobody else
 * can link an entry to an invoice, nor brute-force the small space of invoice numbers.
 *
 * commit = SHA-256(salt ‖ UTF-8("quanyi/invoice-commit/v1\n" ‖ invoice_id ‖ "\n" ‖ invoice_number))
 */
export function invoiceCommit(salt: Uint8Array, invoiceId: string, invoiceNumber: string): Uint8Array {
  return createHash('sha256').update(salt).update(`quanyi/invoice-commit/v1\n${invoiceId}\n${invoiceNumber}`, 'utf8').digest();
}
