import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors/app-error.js';
import { pickLanguage } from '../../platform/errors/language.js';
import { envelopeSchema, ok } from '../../platform/http/envelope.js';
import { moneySchema } from '../../platform/money/money.js';
import { businessDate } from '../../platform/time/clock.js';
import { fromTypedEntry, type TypedInvoice } from './extraction.js';
import { previewSchema, toPreview } from './preview.js';
import type { Invoices } from './index.js';
import { deviceIdOf } from '../../platform/http/device-id.js';
import type { RiskGate } from '../../platform/risk/risk-gate.js';
import { calendarDateSchema } from '../../platform/time/calendar-date.js';

const bearer = [{ bearer: [] }];
/** Invoice files are small (a 数电 XML is a few kB, a PDF or a phone photo a few MB): larger bodies are refused before they are read. */
const MAX_FILE_BYTES = 10 * 1024 * 1024;
const FILE_TYPES = ['application/xml', 'text/xml', 'application/pdf', 'image/png', 'image/jpeg', 'application/ofd', 'application/zip', 'application/octet-stream'];

const typedInvoice = {
  type: 'object',
  required: ['invoice_number', 'issue_date', 'total_amount'],
  additionalProperties: false,
  properties: {
    invoice_number: { type: 'string', minLength: 1, maxLength: 40, description: '数电票: 20 digits; legacy: the 8-digit 发票号码' },
    issue_date: calendarDateSchema,
    total_amount: { ...moneySchema, description: '数电票: 价税合计 (tax included); legacy: the amount on the QR code (tax excluded)' },
    invoice_code: { type: 'string', maxLength: 20, description: 'Legacy invoices only: the 10/12-digit 发票代码' },
    check_code: { type: 'string', maxLength: 30, description: 'Legacy invoices only: the 20-digit 校验码' },
  },
} as const;

export async function invoiceRoutes(app: FastifyInstance, { service, clock, reader, quota }: Invoices, riskGate: () => RiskGate): Promise<void> {
  app.addHook('onClose', () => reader.close());
  // An invoice file posted as the body (the platform's other bodies are JSON). Its kind is read from its bytes.
  app.addContentTypeParser(FILE_TYPES, { parseAs: 'buffer', bodyLimit: MAX_FILE_BYTES }, (_request, body, done) => done(null, body));

  app.post<{ Body: TypedInvoice | Buffer }>(
    '/api/v1/invoices',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['invoices'],
        summary: 'Register an invoice: the typed form (JSON) or its 数电 XML file (application/xml). Refusals list every reason.',
        security: bearer,
        body: {
          content: {
            'application/json': { schema: typedInvoice },
            // Files are checked by the extraction (kind by magic bytes, limits, fields, signature), not by a schema.
            ...Object.fromEntries(FILE_TYPES.map((type) => [type, { schema: { description: 'An invoice file: 数电 XML, OFD, PDF, PNG or JPEG (up to 10 MB)' } }])),
          },
        },
      },
    },
    async (request) => {
      await riskGate().check('invoice.submit', { userId: request.actor!.id, ip: request.ip, deviceId: deviceIdOf(request), requestId: request.id });
      const today = businessDate(clock.now());
      const body = request.body as TypedInvoice | Buffer | string | null;
      // A body of another type (text/plain arrives as a string) is neither the form nor a file we read.
      if (typeof body !== 'object' || body === null) throw new AppError('INVOICE_FILE_UNSUPPORTED');
      if (!Buffer.isBuffer(body)) {
        return ok(await service.submit({ userId: request.actor!.id, extraction: fromTypedEntry(body, today), requestId: request.id, language: language(request) }));
      }
      // The cheap checks first; then the file is read in the worker pool, never on this event loop.
      const userId = request.actor!.id;
      await service.assertMayUpload(userId);
      await quota.charge(userId, body.byteLength);
      const extraction = await reader.read(body, today);
      return ok(await service.submit({ userId, extraction, requestId: request.id, language: language(request), file: body }));
    },
  );

  app.post<{ Body: TypedInvoice | Buffer }>(
    '/api/v1/invoices/preview',
    {
      // Reads and answers, nothing else: no invoice row, no tax query, no stored file, so a retry needs no key.
      config: { access: 'authenticated', idempotency: 'off' },
      schema: {
        tags: ['invoices'],
        summary: 'What an invoice file (or the typed form) says, field by field with where each was read, before it is submitted; nothing is recorded',
        security: bearer,
        body: {
          content: {
            'application/json': { schema: typedInvoice },
            ...Object.fromEntries(FILE_TYPES.map((type) => [type, { schema: { description: 'An invoice file: 数电 XML, OFD, PDF, PNG or JPEG (up to 10 MB)' } }])),
          },
        },
        response: { 200: envelopeSchema(previewSchema) },
      },
    },
    async (request) => {
      const today = businessDate(clock.now());
      const body = request.body as TypedInvoice | Buffer | string | null;
      if (typeof body !== 'object' || body === null) throw new AppError('INVOICE_FILE_UNSUPPORTED');
      if (!Buffer.isBuffer(body)) return ok(toPreview(fromTypedEntry(body, today), language(request)));
      // The same checks as a submitted file, in the same order: a preview is an upload too and counts against the quota.
      const userId = request.actor!.id;
      await service.assertMayUpload(userId);
      await quota.charge(userId, body.byteLength);
      return ok(toPreview(await reader.read(body, today), language(request)));
    },
  );

  app.get<{ Querystring: { number: string } }>(
    '/api/v1/invoices/check-number',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['invoices'],
        summary: "The form's live check of a 数电 number: format (length, year, province) and whether it is already registered",
        security: bearer,
        querystring: { type: 'object', required: ['number'], properties: { number: { type: 'string', minLength: 1, maxLength: 40 } } },
      },
    },
    async (request) => ok(await service.checkNumber(request.query.number)),
  );

  app.get(
    '/api/v1/users/me/invoices',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['invoices'], summary: 'My invoices, newest first, with their status and the reasons of any refusal', security: bearer },
    },
    async (request) => ok({ invoices: await service.listMine(request.actor!.id, language(request)) }),
  );
}

function language(request: FastifyRequest) {
  return pickLanguage(request.headers['accept-language']);
}
