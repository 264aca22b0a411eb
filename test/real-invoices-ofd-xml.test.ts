import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityModule } from '../src/modules/identity/index.js';
import { eligibilityReasons } from '../src/modules/invoices/domain/eligibility.js';
import type { Extraction, InvoiceFields } from '../src/modules/invoices/extraction.js';
import { InvoiceFileReader } from '../src/modules/invoices/file-reader.js';
import { DEFAULT_COMPLEXITY_LIMITS } from '../src/modules/invoices/files/complexity.js';
import { invoicesModule } from '../src/modules/invoices/index.js';
import { generateSigningKeyPair } from '../src/modules/invoices/xml/einvoice-xml.js';
import { formatMoney } from '../src/platform/money/money.js';
import { backendPairs } from './support/backends.js';
import { bearer, verifiedLogin } from './support/identity.js';
import { CORPUS, corpusAvailable, readCorpusFile, REAL_INVOICES_DIR, type TrueFields } from './support/real-invoices.js';
import { useTestServer } from './support/test-platform.js';

/**
 * The OFD and XML files of the real-invoice corpus (test/support/real-invoices.ts), read the way an upload is read:
 * InvoiceFileReader, the bounded worker pool the upload route uses, with the default header limits. Every field the
 * corpus's truth gives is compared with what was read. The XML samples had names and tax ids replaced after signing,
 * so the bureau's signature over them must be refused, and refused as a signature, never as an unreadable format.
 */

/** The fixed business date the files are read on, so the number's and code's year checks do not move with the clock. */
const TODAY = '2026-12-03';
const FILES = CORPUS.filter((entry) => entry.format === 'ofd' || entry.format === 'xml');
const available = corpusAvailable();

if (!available) {
  if (process.env.CI === '1') {
    it('has the real-invoice corpus (CI must)', () => {
      throw new Error(`the real-invoice corpus is missing at ${REAL_INVOICES_DIR} (set REAL_INVOICES_DIR)`);
    });
  } else {
    console.log(`real-invoices-ofd-xml: no corpus at ${REAL_INVOICES_DIR}; skipping (set REAL_INVOICES_DIR to run it)`);
  }
}

/** The fields as the preview answer names them: amounts as decimal strings. */
function asAnswer(fields: InvoiceFields): Record<keyof TrueFields, string | null> {
  return {
    kind: fields.kind,
    invoice_number: fields.number,
    invoice_code: fields.code ?? null,
    issue_date: fields.issueDate,
    total_amount: formatMoney(fields.amountFen),
    amount_with_tax: fields.amountWithTaxFen === undefined ? null : formatMoney(fields.amountWithTaxFen),
    check_code: fields.checkCode ?? null,
    seller_tax_id: fields.sellerTaxId ?? null,
    seller_name: fields.sellerName ?? null,
    buyer_name: fields.buyerName ?? null,
  };
}

describe.skipIf(!available)('real OFD and XML invoices, read through the upload path (worker pool)', () => {
  let reader: InvoiceFileReader;
  const read = new Map<string, Promise<Extraction>>();
  /** Each file is read once, in the pool; a refusal fails only that file's tests. */
  const extractionOf = (file: string): Promise<Extraction> => {
    if (!read.has(file)) read.set(file, reader.read(readCorpusFile(file), TODAY));
    return read.get(file)!;
  };

  beforeAll(() => {
    reader = new InvoiceFileReader({ threads: 1, queue: FILES.length, deadlineMs: 60_000, memoryMb: 256 }, DEFAULT_COMPLEXITY_LIMITS);
  });
  afterAll(() => reader?.close());

  it.each(FILES.map((entry) => [entry.file, entry] as const))('%s: every field of the truth', async (file, { truth }) => {
    const extraction = await extractionOf(file);
    expect(extraction.ok, extraction.ok ? '' : `${file}: ${extraction.problem.en}`).toBe(true);
    const answer = asAnswer(extraction.fields);
    for (const [field, value] of Object.entries(truth) as [keyof TrueFields, string | null][]) {
      if (value !== null) expect.soft(answer[field], `${file} ${field}`).toBe(value);
    }
    // What the check uses: 数电 价税合计 with no code or check code; legacy 合计金额 before tax.
    expect.soft(extraction.fields.amountIncludesTax, `${file} amountIncludesTax`).toBe(truth.kind === 'DIGITAL');
    if (truth.kind === 'DIGITAL') {
      expect.soft(answer.invoice_code, `${file} invoice_code`).toBeNull();
      expect.soft(answer.check_code, `${file} check_code`).toBeNull();
    }
  });

  it.each(FILES.filter((entry) => entry.alteredAfterSigning).map((entry) => [entry.file] as const))(
    '%s: the signature is checked (in the pool) and refused, which is the signature reason, not the format',
    async (file) => {
      const extraction = await extractionOf(file);
      expect(extraction.ok).toBe(true);
      if (!extraction.ok) return;
      expect(extraction.signedXml).toBeDefined();
      const { publicKeyHex } = generateSigningKeyPair();
      // Neither was signed as it stands: 11 has the bureau's layout with an empty SignatureValue, 12 no block at all.
      const signature = await reader.verifySignature(extraction.signedXml!, { sandboxPublicKeyHex: publicKeyHex, anchors: [] });
      expect(signature.verdict).toBe('missing');
      const reasons = eligibilityReasons({
        signature: signature.verdict,
        taxStatus: 'NORMAL',
        sellerRegistered: true,
        amountFen: extraction.fields.amountFen,
        issueDate: extraction.fields.issueDate,
        today: TODAY,
        buyerRealNameVerified: true,
        alreadyRegistered: false,
      });
      expect(reasons).toContain('INVOICE_SIGNATURE_MISSING');
      expect(reasons).not.toContain('INVOICE_FORMAT_INVALID');
    },
  );
});

describe.skipIf(!available).each(backendPairs())('real 数电 XML uploaded on $label', ({ db, cache }) => {
  const server = useTestServer({ db, cache, modules: [identityModule, invoicesModule] });

  it.each(FILES.filter((entry) => entry.format === 'xml').map((entry) => [entry.file] as const))(
    '%s: refused for the signature (422 INVOICE_SIGNATURE_MISSING: unsigned as it stands), never as a format problem',
    async (file) => {
      const { access_token } = await verifiedLogin(server.base);
      const res = await fetch(`${server.base}/api/v1/invoices`, { method: 'POST', body: readCorpusFile(file), headers: { ...bearer(access_token), 'content-type': 'application/xml' } });
      const body = (await res.json()) as { error?: string; reasons?: { code: string }[] };
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(body.error, JSON.stringify(body)).toBe('INVOICE_SIGNATURE_MISSING');
      const codes = (body.reasons ?? []).map((reason) => reason.code);
      expect(codes).toContain('INVOICE_SIGNATURE_MISSING');
      expect(codes).not.toContain('INVOICE_FORMAT_INVALID');
    },
  );
});
