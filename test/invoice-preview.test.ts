import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { identityModule } from '../src/modules/identity/index.js';
import { invoicesModule } from '../src/modules/invoices/index.js';
import { backendPairs } from './support/backends.js';
import { blankHugePng, hostileXml } from './support/hostile-files.js';
import { http } from './support/http.js';
import { bearer, smsLogin, verifiedLogin } from './support/identity.js';
import { corpusAvailable, readCorpusFile } from './support/real-invoices.js';
import { useTestServer, type TestServer } from './support/test-platform.js';

interface Issued {
  invoice_number: string;
  issue_date: string;
  total_amount: string;
  seller_tax_id: string;
  seller_name: string;
  qr: string;
  xml: string;
}

interface Preview {
  fields: Record<string, string | null>;
  sources: Record<string, string>;
  problem: string | null;
}

interface Answer {
  status: number;
  error: string | undefined;
  retryAfter: string | null;
  data: Preview | undefined;
}

async function preview(server: TestServer, token: string, body: Uint8Array | Record<string, unknown>, type = 'application/json'): Promise<Answer> {
  const res = await fetch(`${server.base}/api/v1/invoices/preview`, {
    method: 'POST',
    body: body instanceof Uint8Array ? body : JSON.stringify(body),
    headers: { ...bearer(token), 'content-type': type },
  });
  const json = (await res.json()) as { data?: Preview; error?: string };
  return { status: res.status, error: json.error, retryAfter: res.headers.get('retry-after'), data: json.data };
}

/** What a preview must leave untouched: invoice rows, the sandbox's status queries, the outbox, stored files. */
async function footprint(server: TestServer): Promise<Record<string, string>> {
  const db = server.platform.database.db;
  const count = async (table: 'invoices' | 'tax_sandbox_queries' | 'outbox_events') => {
    const result = await sql<{ n: string }>`SELECT count(*)::text AS n FROM ${sql.table(table)}`.execute(db);
    return result.rows[0]!.n;
  };
  const queries = await sql<{ n: string | null }>`SELECT coalesce(sum(count), 0)::text AS n FROM tax_sandbox_queries`.execute(db);
  const files = await readdir(path.join(server.platform.config.dataDir, 'files'), { recursive: true, withFileTypes: true }).catch(() => []);
  return { files: String(files.filter((entry) => entry.isFile()).length), invoices: await count('invoices'), query_rows: await count('tax_sandbox_queries'), queries: queries.rows[0]!.n ?? '0', outbox: await count('outbox_events') };
}

/** A "scanned" PDF: the invoice's image as the page's only content (no text layer at all). */
function scannedPdf(png: Uint8Array): Promise<Uint8Array> {
  const doc = new PDFDocument({ size: 'A5', layout: 'landscape', margin: 0 });
  const chunks: Buffer[] = [];
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
  });
  doc.image(Buffer.from(png), 0, 0, { width: doc.page.width, height: doc.page.height });
  doc.end();
  return done;
}

/**
 * The sandbox's PDF with its font's ToUnicode map unlinked (blanked in place, so the xref offsets still hold): the
 * page draws as before, but its text layer reads back as glyph ids (control characters), as real PDFs without a
 * usable ToUnicode map do.
 */
function withoutToUnicode(pdf: Uint8Array): Uint8Array {
  const text = Buffer.from(pdf).toString('latin1');
  expect(text).toMatch(/\/ToUnicode \d+ 0 R/);
  return new Uint8Array(Buffer.from(text.replace(/\/ToUnicode \d+ 0 R/g, (ref) => ' '.repeat(ref.length)), 'latin1'));
}

const modules = [identityModule, invoicesModule];
const corpus = corpusAvailable();
if (!corpus && process.env.CI) throw new Error('the real-invoice corpus is missing (REAL_INVOICES_DIR); CI must have it');
if (!corpus) console.warn('real-invoice corpus not found beside the checkout (REAL_INVOICES_DIR): skipping the corpus PDF preview');

describe.each(backendPairs())('invoice preview on $label', ({ db, cache }) => {
  describe('with the default limits', () => {
    const server = useTestServer({ db, cache, modules });
    const issue = async (body: Record<string, unknown> = {}): Promise<Issued> => {
      const res = await http(`${server.base}/sandbox/tax/invoices`, { body: { total_amount: '655.00', ...body } });
      expect(res.status, res.text).toBe(200);
      return res.json.data as unknown as Issued;
    };
    const sandboxFile = async (invoice: Issued, ext: string) => new Uint8Array(await (await fetch(`${server.base}/sandbox/tax/invoices/${invoice.invoice_number}.${ext}`)).arrayBuffer());

    it('answers the typed form as typed, with no effect: no invoice row, no tax query, no event', async () => {
      const { access_token } = await verifiedLogin(server.base);
      const invoice = await issue({ total_amount: '128.50' });
      const before = await footprint(server);
      const answer = await preview(server, access_token, { invoice_number: invoice.invoice_number, issue_date: invoice.issue_date, total_amount: '128.5' });
      expect(answer.status, JSON.stringify(answer)).toBe(200);
      expect(answer.data).toEqual({
        fields: {
          kind: 'DIGITAL',
          invoice_number: invoice.invoice_number,
          invoice_code: null,
          issue_date: invoice.issue_date,
          total_amount: '128.50',
          amount_with_tax: '128.50',
          check_code: null,
          seller_tax_id: null,
          seller_name: null,
          buyer_name: null,
          buyer_tax_id: null,
        },
        sources: { kind: 'typed', invoice_number: 'typed', issue_date: 'typed', total_amount: 'typed', amount_with_tax: 'typed' },
        problem: null,
      });
      // A malformed entry is previewed too, with what is wrong with it.
      const bad = await preview(server, access_token, { invoice_number: '123', issue_date: invoice.issue_date, total_amount: '1.00' });
      expect(bad.status).toBe(200);
      expect(bad.data!.problem).toEqual(expect.any(String));
      expect(await footprint(server)).toEqual(before);
      // The same invoice can still be submitted afterwards: nothing was registered.
      const submitted = await http(`${server.base}/api/v1/invoices`, { body: { invoice_number: invoice.invoice_number, issue_date: invoice.issue_date, total_amount: '128.50' }, headers: bearer(access_token) });
      expect(submitted.status, submitted.text).toBe(200);
    });

    it('reads an XML and a PDF file field by field with their sources, and records nothing', async () => {
      const { access_token } = await verifiedLogin(server.base);
      const invoice = await issue({ total_amount: '88.00', buyer_name: '张三' });
      const before = await footprint(server);
      const xml = await preview(server, access_token, Buffer.from(invoice.xml), 'application/xml');
      expect(xml.status, JSON.stringify(xml)).toBe(200);
      expect(xml.data!.fields).toMatchObject({ kind: 'DIGITAL', invoice_number: invoice.invoice_number, issue_date: invoice.issue_date, total_amount: '88.00', seller_tax_id: invoice.seller_tax_id, seller_name: '长沙示例商贸有限公司', buyer_name: '张三' });
      expect(xml.data!.sources).toMatchObject({ invoice_number: 'xml', total_amount: 'xml', seller_name: 'xml', buyer_name: 'xml' });
      // The sandbox's PDF: the QR code as an image, the ASCII text layer as a cross-check.
      const pdf = await preview(server, access_token, await sandboxFile(invoice, 'pdf'), 'application/pdf');
      expect(pdf.status, JSON.stringify(pdf)).toBe(200);
      expect(pdf.data!.fields).toMatchObject({ kind: 'DIGITAL', invoice_number: invoice.invoice_number, issue_date: invoice.issue_date, total_amount: '88.00', amount_with_tax: '88.00' });
      expect(pdf.data!.sources).toMatchObject({ invoice_number: 'qr', issue_date: 'qr', total_amount: 'qr' });
      expect(pdf.data!.problem).toBeNull();
      expect(await footprint(server)).toEqual(before);
      const mine = await http(`${server.base}/api/v1/users/me/invoices`, { headers: bearer(access_token) });
      expect((mine.json.data as { invoices: unknown[] }).invoices).toHaveLength(0);
    });

    it('reads a scanned PDF (the invoice as its only image) and one whose text is garbled by OCR of page 1, the QR staying the authority', async () => {
      const { access_token } = await verifiedLogin(server.base);
      const invoice = await issue({ total_amount: '1234.50', buyer_name: '长沙星河科技有限公司', buyer_tax_id: '91430100MA4L1234XL' });
      const before = await footprint(server);
      const scanned = await scannedPdf(await sandboxFile(invoice, 'png'));
      const garbled = withoutToUnicode(await sandboxFile(invoice, 'pdf'));
      for (const [name, file] of [['scanned', scanned], ['garbled', garbled]] as const) {
        const answer = await preview(server, access_token, file, 'application/pdf');
        expect(answer.status, `${name}: ${JSON.stringify(answer)}`).toBe(200);
        expect(answer.data!.fields, name).toEqual({
          kind: 'DIGITAL',
          invoice_number: invoice.invoice_number,
          invoice_code: null,
          issue_date: invoice.issue_date,
          total_amount: '1234.50',
          amount_with_tax: '1234.50',
          check_code: null,
          seller_tax_id: invoice.seller_tax_id,
          seller_name: invoice.seller_name,
          buyer_name: '长沙星河科技有限公司',
          buyer_tax_id: '91430100MA4L1234XL',
        });
        expect(answer.data!.sources, name).toEqual({
          kind: 'qr',
          invoice_number: 'qr',
          issue_date: 'qr',
          total_amount: 'qr',
          amount_with_tax: 'qr',
          seller_tax_id: 'ocr',
          seller_name: 'ocr',
          buyer_name: 'ocr',
          buyer_tax_id: 'ocr',
        });
        expect(answer.data!.problem, name).toBeNull();
      }
      expect(await footprint(server)).toEqual(before);
    }, 120_000);

    it.skipIf(!corpus)('reads the real 数电 PDF of the corpus: the QR off the rendered page, names and tax ids from its text', async () => {
      const { access_token } = await verifiedLogin(server.base);
      const before = await footprint(server);
      const answer = await preview(server, access_token, readCorpusFile('08-pdf-shudian-special-sh-2025.pdf'), 'application/pdf');
      expect(answer.status, JSON.stringify(answer)).toBe(200);
      expect(answer.data!.fields).toEqual({
        kind: 'DIGITAL',
        invoice_number: '25317000002228021821',
        invoice_code: null,
        issue_date: '2025-10-20',
        total_amount: '35559.69',
        amount_with_tax: '35559.69',
        check_code: null,
        seller_tax_id: '91310115MA1H9HD02E',
        seller_name: '上海积塔半导体有限公司',
        buyer_name: '龙腾半导体股份有限公司',
        buyer_tax_id: '91610132688983884K',
      });
      expect(answer.data!.sources).toMatchObject({ invoice_number: 'qr', total_amount: 'qr', seller_name: 'pdf-text', buyer_tax_id: 'pdf-text' });
      expect(await footprint(server)).toEqual(before);
    }, 60_000);

    it('checks the real name before reading a file, and refuses hostile and broken files with their 4xx', async () => {
      const unverified = (await smsLogin(server.base)).access_token;
      const invoice = await issue();
      expect(await preview(server, unverified, Buffer.from(invoice.xml), 'application/xml')).toMatchObject({ status: 422, error: 'REAL_NAME_REQUIRED' });
      const { access_token } = await verifiedLogin(server.base);
      const before = await footprint(server);
      expect(await preview(server, access_token, hostileXml(), 'application/xml')).toMatchObject({ status: 422, error: 'INVOICE_FILE_TOO_COMPLEX' });
      expect(await preview(server, access_token, blankHugePng(), 'image/png')).toMatchObject({ status: 422, error: 'INVOICE_FILE_TOO_COMPLEX' });
      const pdf = await sandboxFile(invoice, 'pdf');
      const truncated = await preview(server, access_token, pdf.slice(0, Math.floor(pdf.length / 2)), 'application/pdf');
      expect(truncated.status).toBe(422);
      expect(truncated.error).toMatch(/^INVOICE_FILE_/);
      expect(await preview(server, access_token, new Uint8Array(4096), 'application/octet-stream')).toMatchObject({ status: 415, error: 'INVOICE_FILE_UNSUPPORTED' });
      expect(await footprint(server)).toEqual(before);
    });
  });

  describe('with a small upload quota', () => {
    const server = useTestServer({ db, cache, modules, env: { INVOICE_UPLOADS_PER_HOUR: '2' } });

    it('counts previewed files against the upload quota (typed previews are not uploads)', async () => {
      const { access_token } = await verifiedLogin(server.base);
      const issued = await http(`${server.base}/sandbox/tax/invoices`, { body: { total_amount: '66.00' } });
      const invoice = issued.json.data as unknown as Issued;
      expect((await preview(server, access_token, Buffer.from(invoice.xml), 'application/xml')).status).toBe(200);
      expect((await preview(server, access_token, Buffer.from(invoice.xml), 'application/xml')).status).toBe(200);
      const third = await preview(server, access_token, Buffer.from(invoice.xml), 'application/xml');
      expect([third.status, third.error]).toEqual([429, 'INVOICE_UPLOAD_QUOTA_EXCEEDED']);
      expect(Number(third.retryAfter)).toBeGreaterThan(0);
      // A submitted file after the previews finds the same quota spent.
      const submit = await fetch(`${server.base}/api/v1/invoices`, { method: 'POST', body: invoice.xml, headers: { ...bearer(access_token), 'content-type': 'application/xml' } });
      expect(submit.status).toBe(429);
      const typed = await preview(server, access_token, { invoice_number: invoice.invoice_number, issue_date: invoice.issue_date, total_amount: '66.00' });
      expect(typed.status).toBe(200);
    });
  });
});
