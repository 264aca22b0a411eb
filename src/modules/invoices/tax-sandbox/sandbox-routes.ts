import type { FastifyInstance } from 'fastify';
import { AppError } from '../../../platform/errors/app-error.js';
import { ok } from '../../../platform/http/envelope.js';
import { moneySchema } from '../../../platform/money/money.js';
import { renderInvoiceOfd } from './render/invoice-ofd.js';
import { renderInvoicePdf } from './render/invoice-pdf.js';
import { renderInvoicePng, type InvoicePngInput } from './render/invoice-png.js';
import type { TaxSandbox } from './sandbox-service.js';
import { parseSandboxImport, SandboxImportError, type ImportRowInput } from './import-file.js';
import { parseAmountField } from '../../../platform/money/amount-field.js';
import { calendarDateSchema } from '../../../platform/time/calendar-date.js';

const number = { type: 'string', pattern: '^[0-9]{20}$' } as const;
/** Status changes name 数电 invoices by number, legacy ones by number (8 digits) and `?code=` (their 发票代码). */
const anyNumber = { type: 'string', pattern: '^([0-9]{8}|[0-9]{20})$' } as const;
const legacyCode = { type: 'object', properties: { code: { type: 'string', pattern: '^([0-9]{10}|[0-9]{12})$' } } } as const;
const date = calendarDateSchema;

/**
 * The tax-authority sandbox over HTTP, the contract a real provider adapter is written against (issue #5):
 * issue, void, red-flush and flag invoices; status checks; the signing public key. Mounted under /sandbox/tax
 * outside production, and served alone by `quanyi tax-sandbox`.
 */
export async function taxSandboxRoutes(app: FastifyInstance, sandbox: TaxSandbox, prefix = '/sandbox/tax'): Promise<void> {
  const tags = ['tax sandbox'];
  app.post<{ Body: { total_amount: string | number; issue_date?: string; buyer_name?: string; buyer_tax_id?: string; seller_tax_id?: string } }>(
    `${prefix}/invoices`,
    {
      config: { idempotency: 'off' },
      schema: {
        tags,
        summary: 'Issue a 数电 invoice: signed XML and QR text',
        body: {
          type: 'object',
          required: ['total_amount'],
          additionalProperties: false,
          properties: {
            total_amount: moneySchema,
            issue_date: date,
            buyer_name: { type: 'string', minLength: 1, maxLength: 100 },
            buyer_tax_id: { type: 'string', maxLength: 20 },
            seller_tax_id: { type: 'string', maxLength: 20 },
          },
        },
      },
    },
    async (request) => {
      const b = request.body;
      const issued = await sandbox.issue({
        totalAmountFen: parseAmountField('amount', b.total_amount, { allowZero: false }),
        issueDate: b.issue_date,
        buyerName: b.buyer_name,
        buyerTaxId: b.buyer_tax_id,
        sellerTaxId: b.seller_tax_id,
      });
      const base = `${prefix}/invoices/${issued.invoice_number}`;
      return ok({ ...issued, xml_url: `${base}.xml`, pdf_url: `${base}.pdf`, png_url: `${base}.png`, ofd_url: `${base}.ofd` });
    },
  );

  app.get<{ Params: { number: string; format: string }; Querystring: { style?: 'clean' | 'photo'; seed?: string; layout?: 'sandbox' | 'bureau' } }>(
    `${prefix}/invoices/:number.:format`,
    {
      schema: {
        tags,
        summary:
          "An issued invoice as a file: signed XML (the sandbox's layout, or the bureau's with ?layout=bureau), PDF (QR and text on page 1), PNG (photo-like with ?style=photo&seed=…) or OFD",
        params: { type: 'object', properties: { number, format: { type: 'string', enum: ['xml', 'pdf', 'png', 'ofd'] } } },
        querystring: {
          type: 'object',
          properties: { style: { type: 'string', enum: ['clean', 'photo'] }, seed: { type: 'string', maxLength: 64 }, layout: { type: 'string', enum: ['sandbox', 'bureau'] } },
        },
      },
    },
    async (request, reply) => {
      const doc = await sandbox.invoiceDocument(request.params.number);
      if (!doc) throw new AppError('NOT_FOUND');
      switch (request.params.format) {
        case 'xml':
          return reply.type('application/xml; charset=utf-8').send(request.query.layout === 'bureau' ? await sandbox.bureauXml(doc.number) : doc.xml);
        case 'pdf':
          return reply.type('application/pdf').send(await renderInvoicePdf(pngInput(doc)));
        case 'png':
          return reply.type('image/png').send(renderInvoicePng(pngInput(doc), { style: request.query.style ?? 'clean', seed: request.query.seed ?? doc.number }));
        default:
          return reply.type('application/ofd').send(renderInvoiceOfd(doc));
      }
    },
  );

  app.post<{ Params: { number: string }; Querystring: { code?: string } }>(
    `${prefix}/invoices/:number/void`,
    { config: { idempotency: 'off' }, schema: { tags, summary: 'Void an invoice (作废)', params: { type: 'object', properties: { number: anyNumber } }, querystring: legacyCode } },
    async (request) => ok(await sandbox.void(request.params.number, request.query.code)),
  );

  app.post<{ Params: { number: string }; Querystring: { code?: string }; Body: { amount?: string | number } | undefined }>(
    `${prefix}/invoices/:number/red-flush`,
    {
      config: { idempotency: 'off' },
      schema: {
        tags,
        summary: 'Red-flush an invoice (红冲): in full, or partly with an amount',
        params: { type: 'object', properties: { number: anyNumber } },
        querystring: legacyCode,
        body: { type: ['object', 'null'], additionalProperties: false, properties: { amount: moneySchema } },
      },
    },
    async (request) => {
      const part = request.body?.amount;
      return ok(await sandbox.redFlush(request.params.number, part === undefined ? undefined : parseAmountField('amount', part, { allowZero: false }), request.query.code));
    },
  );

  app.post<{ Params: { number: string }; Querystring: { code?: string }; Body: { status: 'OUT_OF_CONTROL' | 'ABNORMAL' | 'NORMAL' } }>(
    `${prefix}/invoices/:number/flag`,
    {
      config: { idempotency: 'off' },
      schema: {
        tags,
        summary: 'Flag an invoice out of control (失控) or abnormal (异常), or clear the flag',
        params: { type: 'object', properties: { number: anyNumber } },
        querystring: legacyCode,
        body: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['OUT_OF_CONTROL', 'ABNORMAL', 'NORMAL'] } } },
      },
    },
    async (request) => ok(await sandbox.flag(request.params.number, request.body.status, request.query.code)),
  );

  app.post<{ Body: { tax_id?: string; name: string; region_code: string } }>(
    `${prefix}/taxpayers`,
    {
      config: { idempotency: 'off' },
      schema: {
        tags,
        summary: 'Register a taxpayer',
        body: {
          type: 'object',
          required: ['name', 'region_code'],
          additionalProperties: false,
          properties: { tax_id: { type: 'string', pattern: '^[0-9A-Z]{15,20}$' }, name: { type: 'string', minLength: 1, maxLength: 100 }, region_code: { type: 'string', pattern: '^[0-9]{2}$' } },
        },
      },
    },
    async (request) => ok(await sandbox.registerTaxpayer({ taxId: request.body.tax_id, name: request.body.name, regionCode: request.body.region_code })),
  );

  app.post<{ Params: { taxId: string } }>(
    `${prefix}/taxpayers/:taxId/deregister`,
    { config: { idempotency: 'off' }, schema: { tags, summary: 'Deregister a taxpayer: its invoices then show an unregistered seller' } },
    async (request) => {
      await sandbox.deregisterTaxpayer(request.params.taxId);
      return ok({ tax_id: request.params.taxId, status: 'deregistered' });
    },
  );

  app.get<{ Querystring: { number: string; date: string; amount?: string; code?: string; check_code?: string } }>(
    `${prefix}/status`,
    {
      schema: {
        tags,
        summary:
          'Check an invoice (5 checks per invoice per day): 数电 by number, date and tax-inclusive amount; legacy by code, number, date and the 校验码 last 6 digits (普票) or the pre-tax amount (专票)',
        querystring: {
          type: 'object',
          required: ['number', 'date'],
          properties: {
            number: { type: 'string', pattern: '^([0-9]{8}|[0-9]{20})$' },
            date,
            amount: { type: 'string', maxLength: 20 },
            code: { type: 'string', pattern: '^([0-9]{10}|[0-9]{12})$' },
            check_code: { type: 'string', pattern: '^[0-9]{6}$' },
          },
        },
      },
    },
    async (request) => {
      const q = request.query;
      return ok(
        await sandbox.status({
          number: q.number,
          issueDate: q.date,
          ...(q.amount !== undefined ? { amountFen: parseAmountField('amount', q.amount, { allowZero: false }) } : {}),
          ...(q.code !== undefined ? { code: q.code } : {}),
          ...(q.check_code !== undefined ? { checkCodeLast6: q.check_code } : {}),
        }),
      );
    },
  );

  app.post<{ Body: { invoices: ImportRowInput[] } }>(
    `${prefix}/invoices/import`,
    {
      config: { idempotency: 'off' },
      schema: {
        tags,
        summary: 'Add known invoices (read off real files) to the register: the rows of `quanyi tax-sandbox import`',
        body: {
          type: 'object',
          required: ['invoices'],
          additionalProperties: false,
          properties: { invoices: { type: 'array', maxItems: 10_000, items: { type: 'object' } } },
        },
      },
    },
    async (request) => {
      let rows;
      try {
        rows = parseSandboxImport(JSON.stringify(request.body.invoices), 'import.json');
      } catch (error) {
        if (error instanceof SandboxImportError) throw new AppError('VALIDATION_FAILED', { row: error.row, field: error.field, problem: error.problem }, { zh: error.message, en: error.message });
        throw error;
      }
      return ok(await sandbox.importInvoices(rows));
    },
  );

  app.get(`${prefix}/ca-certificates`, { schema: { tags, summary: "The sandbox bureau's CA certificates (DER, base64): they issue the certificate of the bureau-layout XML signature" } }, async () =>
    ok({ certificates: [(await sandbox.bureauCertificates()).ca.toString('base64')] }),
  );

  app.get(`${prefix}/public-key`, { schema: { tags, summary: 'The SM2 public key invoice XML is signed with' } }, async () =>
    ok({ algorithm: 'SM2', signature_algorithm: '1.2.156.10197.1.501', public_key: (await sandbox.signingKey()).publicKeyHex }),
  );
}

/** What an issued sandbox invoice prints (PNG and PDF) (a 数电 普票 with the sandbox's one item line at 13%). */
function pngInput(doc: Exclude<Awaited<ReturnType<TaxSandbox['invoiceDocument']>>, false | undefined>): InvoicePngInput {
  return {
    qr: doc.qr,
    number: doc.number,
    issueDate: doc.issueDate,
    totalAmount: doc.totalWithTax,
    totalWithoutTax: doc.totalWithoutTax,
    totalTax: doc.totalTax,
    seller: { name: doc.sellerName, taxId: doc.sellerTaxId },
    buyer: { name: doc.buyerName, ...(doc.buyerTaxId ? { taxId: doc.buyerTaxId } : {}) },
  };
}
