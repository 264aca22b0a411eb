import type { FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../../platform/errors/app-error.js';
import type { RoleName } from '../../platform/http/access.js';
import { ok } from '../../platform/http/envelope.js';
import { parseAmountField } from '../../platform/money/amount-field.js';
import { moneySchema } from '../../platform/money/money.js';
import { startOfBusinessDay } from '../../platform/time/clock.js';
import { statementCsv } from './reports.js';
import type { MerchantTerms, PartyKind } from './settings.js';
import type { Settlement } from './index.js';

const bearer = [{ bearer: [] }];
const idPattern = '^\\d{1,20}$';
const datePattern = '^\\d{4}-\\d{2}-\\d{2}$';
const STAFF: RoleName[] = ['operator', 'auditor'];

interface TermsBody {
  platform_bps: number;
  merchant_bps: number;
  channel_bps: number;
  platform_days?: number;
  merchant_days?: number;
  day_basis?: 'calendar' | 'working';
}

export async function settlementRoutes(app: FastifyInstance, settlement: Settlement, identify: (code: string) => Promise<{ couponId: string; type: string; initialBalanceFen: bigint } | undefined>): Promise<void> {
  const { db, reports, settings, run, funding } = settlement;

  app.get(
    '/api/v1/ledger/trial-balance',
    { config: { access: { roles: STAFF } }, schema: { tags: ['settlement'], summary: 'Trial balance: Σ debits, Σ credits (difference always 0.00), posted and pending, per account kind', security: bearer } },
    async () => ok(await reports.trialBalance()),
  );

  app.get(
    '/api/v1/ledger/accounts',
    { config: { access: { roles: STAFF } }, schema: { tags: ['settlement'], summary: 'Every ledger account with its totals and balance', security: bearer } },
    async () => ok({ accounts: await reports.accounts() }),
  );

  app.post<{ Body: { source: 'PLATFORM' | 'BRAND'; brand_merchant_id?: string; amount: string | number; reference?: string } }>(
    '/api/v1/ledger/top-ups',
    {
      config: { access: { roles: ['operator'] } },
      schema: {
        tags: ['settlement'],
        summary: "Top up a funding account (the platform's marketing budget or a brand's prepaid account) from the bank",
        security: bearer,
        body: {
          type: 'object',
          required: ['source', 'amount'],
          additionalProperties: false,
          properties: { source: { type: 'string', enum: ['PLATFORM', 'BRAND'] }, brand_merchant_id: { type: 'string', pattern: idPattern }, amount: moneySchema, reference: { type: 'string', maxLength: 200 } },
        },
      },
    },
    async (request, reply) => {
      const { amount, reference, ...target } = request.body;
      const amountFen = parseAmountField('amount', amount, { allowZero: false });
      return reply.transact(async (trx) => ok(await funding.topUp(trx, target, amountFen, reference)));
    },
  );

  app.post<{ Body: { coupon_code: string; amount?: string | number } }>(
    '/api/v1/ledger/gift-card-sales',
    {
      config: { access: { roles: ['operator'] } },
      schema: {
        tags: ['settlement'],
        summary: "Record a gift card's sale: the price paid becomes the gift-card liability that funds its redemptions (once per card)",
        security: bearer,
        body: { type: 'object', required: ['coupon_code'], additionalProperties: false, properties: { coupon_code: { type: 'string', minLength: 1, maxLength: 40 }, amount: moneySchema } },
      },
    },
    async (request, reply) => {
      const card = await identify(request.body.coupon_code);
      if (!card) throw new AppError('COUPON_NOT_FOUND');
      const amountFen = request.body.amount === undefined ? card.initialBalanceFen : parseAmountField('amount', request.body.amount, { allowZero: false });
      return reply.transact(async (trx) => ok(await funding.giftCardSold(trx, { couponId: card.couponId, code: request.body.coupon_code, type: card.type }, amountFen)));
    },
  );

  app.post<{ Body: { date: string } }>(
    '/api/v1/settlement/runs',
    {
      config: { access: { roles: ['operator'] } },
      schema: {
        tags: ['settlement'],
        summary: 'Run settlement for a date: due lines become statements and payouts; re-running a date changes nothing',
        security: bearer,
        body: { type: 'object', required: ['date'], additionalProperties: false, properties: { date: { type: 'string', pattern: datePattern } } },
      },
    },
    async (request) => ok(await run.settle(request.body.date)),
  );

  app.get<{ Querystring: { party_kind?: string; party_id?: string; cycle_date?: string; status?: string; cursor?: string; limit?: number } }>(
    '/api/v1/settlement/statements',
    {
      config: { access: { roles: STAFF } },
      schema: {
        tags: ['settlement'],
        summary: 'Statements by party, cycle and status, newest first (cursor pagination)',
        security: bearer,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            party_kind: { type: 'string', enum: ['platform', 'merchant', 'channel'] },
            party_id: { type: 'string', maxLength: 20 },
            cycle_date: { type: 'string', pattern: datePattern },
            status: { type: 'string', enum: ['RETAINED', 'NO_PAYOUT', 'AWAITING_PAYEE', 'PAYOUT_PENDING', 'PAID', 'PAYOUT_FAILED'] },
            cursor: { type: 'string', pattern: idPattern },
            limit: { type: 'integer', minimum: 1, maximum: 200 },
          },
        },
      },
    },
    async (request) => {
      const q = request.query;
      if (q.cycle_date) calendarDate(q.cycle_date);
      return ok(await reports.statements({ partyKind: q.party_kind, partyIds: q.party_id ? [q.party_id] : undefined, cycleDate: q.cycle_date, status: q.status, before: q.cursor, limit: q.limit ?? 50 }));
    },
  );

  app.get<{ Params: { id: string }; Querystring: { format?: 'json' | 'csv' } }>(
    '/api/v1/settlement/statements/:id',
    {
      config: { access: { roles: STAFF } },
      schema: { tags: ['settlement'], summary: 'A statement with its lines (format=csv downloads it)', security: bearer, querystring: formatQuery },
    },
    async (request, reply) => sendStatement(reply, await reports.statement(request.params.id), request.query.format),
  );

  app.get<{ Querystring: { cursor?: string; limit?: number } }>(
    '/api/v1/merchants/me/settlements',
    {
      config: { access: { roles: ['merchant_staff'], cashier: true } },
      schema: {
        tags: ['settlement'],
        summary: "Your merchant's settlement statements, newest first",
        security: [{ merchantSignature: [] }, { bearer: [] }],
        querystring: { type: 'object', additionalProperties: false, properties: { cursor: { type: 'string', pattern: idPattern }, limit: { type: 'integer', minimum: 1, maximum: 200 } } },
      },
    },
    async (request) => ok(await reports.statements({ partyKind: 'merchant', partyIds: request.actor!.merchantIds ?? [], before: request.query.cursor, limit: request.query.limit ?? 50 })),
  );

  app.get<{ Params: { id: string }; Querystring: { format?: 'json' | 'csv' } }>(
    '/api/v1/merchants/me/settlements/:id',
    {
      config: { access: { roles: ['merchant_staff'], cashier: true } },
      schema: { tags: ['settlement'], summary: 'One of your statements with its lines (format=csv downloads it)', security: [{ merchantSignature: [] }, { bearer: [] }], querystring: formatQuery },
    },
    async (request, reply) => sendStatement(reply, await reports.statement(request.params.id, request.actor!.merchantIds ?? []), request.query.format),
  );

  app.get(
    '/api/v1/settlement/reconciliation',
    {
      config: { access: { roles: STAFF } },
      schema: { tags: ['settlement'], summary: 'Reconciliation: every redemption has its split, every statement equals its lines, account totals equal their entries', security: bearer },
    },
    async () => ok(await reports.reconcile(settlement.redemptions)),
  );

  app.get<{ Params: { merchant_id: string } }>(
    '/api/v1/settlement/rules/:merchant_id',
    {
      config: { access: { roles: STAFF } },
      schema: {
        tags: ['settlement'],
        summary: "A merchant's split and T+N terms (the defaults when none were set)",
        security: bearer,
        params: { type: 'object', properties: { merchant_id: { type: 'string', pattern: idPattern } } },
      },
    },
    async (request) => ok(presentTerms(request.params.merchant_id, (await settings.termsOf(db, [request.params.merchant_id])).get(request.params.merchant_id)!)),
  );

  app.put<{ Params: { merchant_id: string }; Body: TermsBody }>(
    '/api/v1/settlement/rules/:merchant_id',
    {
      config: { access: { roles: ['operator'] } },
      schema: {
        tags: ['settlement'],
        summary: "Set a merchant's split (basis points summing to 10000) and T+N terms",
        security: bearer,
        params: { type: 'object', properties: { merchant_id: { type: 'string', pattern: idPattern } } },
        body: {
          type: 'object',
          required: ['platform_bps', 'merchant_bps', 'channel_bps'],
          additionalProperties: false,
          properties: {
            platform_bps: { type: 'integer', minimum: 0, maximum: 10000 },
            merchant_bps: { type: 'integer', minimum: 0, maximum: 10000 },
            channel_bps: { type: 'integer', minimum: 0, maximum: 10000 },
            platform_days: { type: 'integer', minimum: 0, maximum: 60 },
            merchant_days: { type: 'integer', minimum: 0, maximum: 60 },
            day_basis: { type: 'string', enum: ['calendar', 'working'] },
          },
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const terms: MerchantTerms = {
        platformBps: b.platform_bps,
        merchantBps: b.merchant_bps,
        channelBps: b.channel_bps,
        platformDays: b.platform_days ?? 1,
        merchantDays: b.merchant_days ?? 3,
        dayBasis: b.day_basis ?? 'calendar',
      };
      return reply.transact(async (trx) => ok(presentTerms(request.params.merchant_id, await settings.setTerms(trx, request.params.merchant_id, terms, `user:${request.actor!.id}`))));
    },
  );

  app.get<{ Querystring: { year: number } }>(
    '/api/v1/settlement/holidays',
    {
      config: { access: { roles: STAFF } },
      schema: { tags: ['settlement'], summary: 'The holiday calendar of a year', security: bearer, querystring: { type: 'object', required: ['year'], properties: { year: { type: 'integer', minimum: 2000, maximum: 2100 } } } },
    },
    async (request) => ok({ days: await settings.holidays(db, request.query.year) }),
  );

  app.put<{ Params: { day: string }; Body: { working: boolean; name?: string } }>(
    '/api/v1/settlement/holidays/:day',
    {
      config: { access: { roles: ['operator'] } },
      schema: {
        tags: ['settlement'],
        summary: 'Mark a day as a holiday (working: false) or as a make-up working day (调休, working: true)',
        security: bearer,
        params: { type: 'object', properties: { day: { type: 'string', pattern: datePattern } } },
        body: { type: 'object', required: ['working'], additionalProperties: false, properties: { working: { type: 'boolean' }, name: { type: 'string', maxLength: 50 } } },
      },
    },
    async (request, reply) =>
      reply.transact(async (trx) => {
        calendarDate(request.params.day);
        await settings.setHoliday(trx, request.params.day, request.body.working, request.body.name ?? '');
        return ok({ day: request.params.day, working: request.body.working, name: request.body.name ?? '' });
      }),
  );

  app.put<{ Params: { kind: 'merchant' | 'channel'; id: string }; Body: { name: string; bank_card: string } }>(
    '/api/v1/settlement/payees/:kind/:id',
    {
      config: { access: { roles: ['operator'] } },
      schema: {
        tags: ['settlement'],
        summary: 'Set where a merchant or channel is paid (name and bank card, stored encrypted, shown masked)',
        security: bearer,
        params: { type: 'object', properties: { kind: { type: 'string', enum: ['merchant', 'channel'] }, id: { type: 'string', pattern: idPattern } } },
        body: {
          type: 'object',
          required: ['name', 'bank_card'],
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, bank_card: { type: 'string', pattern: '^\\d{12,19}$' } },
        },
      },
    },
    async (request, reply) =>
      reply.transact(async (trx) => ok(await settings.setPayee(trx, request.params.kind, request.params.id, { name: request.body.name, bankCard: request.body.bank_card }, `user:${request.actor!.id}`))),
  );

  app.get<{ Querystring: { active?: boolean } }>(
    '/api/v1/settlement/holds',
    {
      config: { access: { roles: ['operator', 'risk_reviewer', 'auditor'] } },
      schema: { tags: ['settlement'], summary: 'Settlement holds (active only by default)', security: bearer, querystring: { type: 'object', properties: { active: { type: 'boolean' } } } },
    },
    async (request) => ok({ holds: await settings.holds(db, request.query.active ?? true) }),
  );

  app.post<{ Body: { party_kind: PartyKind; party_id: string; reason: string } }>(
    '/api/v1/settlement/holds',
    {
      config: { access: { roles: ['operator', 'risk_reviewer'] } },
      schema: {
        tags: ['settlement'],
        summary: "Hold a merchant's or channel's settlement until released (risk review)",
        security: bearer,
        body: {
          type: 'object',
          required: ['party_kind', 'party_id', 'reason'],
          additionalProperties: false,
          properties: { party_kind: { type: 'string', enum: ['merchant', 'channel'] }, party_id: { type: 'string', pattern: idPattern }, reason: { type: 'string', minLength: 1, maxLength: 500 } },
        },
      },
    },
    async (request, reply) => reply.transact(async (trx) => ok(await settings.placeHold(trx, request.body.party_kind, request.body.party_id, request.body.reason, `user:${request.actor!.id}`))),
  );

  app.post<{ Params: { id: string }; Body: { note?: string } }>(
    '/api/v1/settlement/holds/:id/release',
    {
      config: { access: { roles: ['operator', 'risk_reviewer'] } },
      schema: {
        tags: ['settlement'],
        summary: 'Release a hold: the next run settles what waited',
        security: bearer,
        params: { type: 'object', properties: { id: { type: 'string', pattern: idPattern } } },
        body: { type: 'object', additionalProperties: false, properties: { note: { type: 'string', maxLength: 500 } } },
      },
    },
    async (request, reply) => reply.transact(async (trx) => ok(await settings.releaseHold(trx, request.params.id, `user:${request.actor!.id}`, request.body?.note ?? ''))),
  );

}

const formatQuery = { type: 'object', additionalProperties: false, properties: { format: { type: 'string', enum: ['json', 'csv'] } } };

function sendStatement(reply: FastifyReply, statement: Awaited<ReturnType<Settlement['reports']['statement']>>, format: 'json' | 'csv' | undefined) {
  if (format !== 'csv') return ok(statement);
  reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="statement-${statement.statement_id}.csv"`);
  return statementCsv(statement);
}

function presentTerms(merchantId: string, t: MerchantTerms) {
  return { merchant_id: merchantId, platform_bps: t.platformBps, merchant_bps: t.merchantBps, channel_bps: t.channelBps, platform_days: t.platformDays, merchant_days: t.merchantDays, day_basis: t.dayBasis };
}

/** A YYYY-MM-DD that the pattern let through but the calendar does not have (2026-02-30) gets a clear 400. */
function calendarDate(date: string): string {
  try {
    startOfBusinessDay(date);
  } catch {
    throw new AppError('SETTLEMENT_DATE_INVALID', { date });
  }
  return date;
}
