import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { AppError } from '../../platform/errors/app-error.js';
import { ok } from '../../platform/http/envelope.js';
import { formatMoney } from '../../platform/money/money.js';
import { addCalendarDays, businessDate, startOfBusinessDay, type Clock } from '../../platform/time/clock.js';
import { RedemptionQueries, type TransactionLineRow, type TransactionRow } from './redemption-queries.js';
import { calendarDateSchema } from '../../platform/time/calendar-date.js';

const idPattern = '^\\d{1,20}$';

interface RedemptionsQuery {
  date?: string;
  merchant_id?: string;
  cursor?: string;
  limit?: number;
}

/**
 * What the merchant console reads about its own till: the redemptions of one business day (Asia/Shanghai) at
 * the staff's merchants, grouped by till transaction, with the day's totals. Refunds are shown on the
 * transaction they belong to, so the list answers "what did we take today, and what went back".
 */
export async function merchantConsoleRoutes(app: FastifyInstance, db: Kysely<Database>, clock: Clock): Promise<void> {
  const queries = new RedemptionQueries();

  app.get<{ Querystring: RedemptionsQuery }>(
    '/api/v1/merchants/me/redemptions',
    {
      config: { access: { roles: ['merchant_staff'], cashier: true } },
      schema: {
        tags: ['coupons'],
        summary: "Your merchant's redemptions on one business day (Asia/Shanghai; default today), newest transaction first, with the day's totals",
        security: [{ merchantSignature: [] }, { bearer: [] }],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            date: { ...calendarDateSchema, description: 'YYYY-MM-DD, a day in Asia/Shanghai' },
            merchant_id: { type: 'string', pattern: idPattern, description: 'One of your merchants (default: all of them)' },
            cursor: { type: 'string', pattern: idPattern, description: 'next_cursor of the previous page' },
            limit: { type: 'integer', minimum: 1, maximum: 200 },
          },
        },
      },
    },
    async (request) => {
      const own = request.actor!.merchantIds ?? [];
      const { merchant_id: merchantId, cursor } = request.query;
      // Someone else's merchant answers as if it did not exist, as GET /merchants/:id does.
      if (merchantId !== undefined && !own.includes(merchantId)) throw new AppError('MERCHANT_NOT_FOUND');
      const date = request.query.date ?? businessDate(clock.now());
      const window = { merchantIds: merchantId === undefined ? own : [merchantId], from: dayStart(date), to: dayStart(addCalendarDays(date, 1)) };
      const limit = request.query.limit ?? 50;
      const page = await queries.transactions(db, window, limit + 1, cursor);
      const shown = page.slice(0, limit);
      const [lines, totals] = await Promise.all([queries.lines(db, shown.map((t) => t.transaction_id)), queries.totals(db, window)]);
      return ok({
        date,
        merchant_ids: window.merchantIds,
        totals: {
          transactions: Number(totals.transactions),
          order_amount: formatMoney(BigInt(totals.order_amount_fen)),
          discount: formatMoney(BigInt(totals.discount_fen)),
          refunded: formatMoney(BigInt(totals.refunded_fen)),
        },
        transactions: shown.map((t) => present(t, lines)),
        next_cursor: page.length > limit ? shown[shown.length - 1]!.first_id : null,
      });
    },
  );
}

/** 00:00 Asia/Shanghai of `date`; a date the pattern let through but the calendar lacks (2026-02-30) is a 400 in place. */
function dayStart(date: string): Date {
  try {
    return startOfBusinessDay(date);
  } catch {
    throw new AppError('VALIDATION_FAILED', { details: [{ field: 'querystring.date', rule: 'calendar', message: 'not a calendar date' }] });
  }
}

function present(t: TransactionRow, lines: readonly TransactionLineRow[]) {
  const discount = BigInt(t.discount_fen);
  const refunded = BigInt(t.refunded_fen);
  return {
    transaction_id: t.transaction_id,
    merchant_id: t.merchant_id,
    order_id: t.order_id,
    order_amount: formatMoney(BigInt(t.order_amount_fen)),
    discount: formatMoney(discount),
    payable: formatMoney(BigInt(t.order_amount_fen) - discount),
    refunded: formatMoney(refunded),
    status: refunded === 0n ? 'REDEEMED' : refunded >= discount ? 'REFUNDED' : 'PARTLY_REFUNDED',
    created_at: new Date(t.created_at).toISOString(),
    lines: lines
      .filter((l) => l.transaction_id === t.transaction_id)
      .map((l) => ({ coupon_code: l.coupon_code, type: l.type, name: l.template_name, amount: formatMoney(BigInt(l.amount_fen)), refunded: formatMoney(BigInt(l.refunded_fen)) })),
  };
}
