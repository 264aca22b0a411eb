import { sql, type Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.js';

type Db = Kysely<Database>;

/** Which redemptions: those at `merchantIds` recorded in [from, to). */
export interface RedemptionWindow {
  readonly merchantIds: readonly string[];
  readonly from: Date;
  readonly to: Date;
}

/** One till transaction: its order and what its coupons took off, summed over its redemption rows. */
export interface TransactionRow {
  readonly transaction_id: string;
  readonly merchant_id: string;
  readonly order_id: string;
  readonly order_amount_fen: string;
  readonly discount_fen: string;
  readonly refunded_fen: string;
  readonly first_id: string;
  readonly created_at: Date;
}

export interface TransactionLineRow {
  readonly transaction_id: string;
  readonly redemption_id: string;
  readonly coupon_code: string;
  readonly type: string;
  readonly template_name: string;
  readonly amount_fen: string;
  readonly refunded_fen: string;
}

export interface WindowTotalsRow {
  readonly transactions: string;
  readonly order_amount_fen: string;
  readonly discount_fen: string;
  readonly refunded_fen: string;
}

/**
 * Read-only questions about redemptions for the merchant console (today's list and its totals). Kept apart from
 * repo.ts, which holds the till's hot-path SQL; these run on the (merchant_id, created_at) index.
 */
export class RedemptionQueries {
  /**
   * Transactions in the window, newest first (by their first redemption id, which grows with time), at most
   * `limit`; `before` continues after a page's last `first_id`.
   */
  async transactions(db: Db, window: RedemptionWindow, limit: number, before?: string): Promise<TransactionRow[]> {
    if (window.merchantIds.length === 0) return [];
    const result = await sql<TransactionRow>`
      SELECT transaction_id, min(merchant_id) AS merchant_id, min(order_id) AS order_id,
             max(order_amount_fen)::text AS order_amount_fen, sum(amount_fen)::text AS discount_fen,
             sum(refunded_fen)::text AS refunded_fen, min(redemption_id)::text AS first_id, min(created_at) AS created_at
      FROM coupon_redemptions
      WHERE merchant_id IN (${sql.join([...window.merchantIds])})
        AND created_at >= ${window.from} AND created_at < ${window.to}
      GROUP BY transaction_id
      ${before === undefined ? sql`` : sql`HAVING min(redemption_id) < ${before}`}
      ORDER BY min(redemption_id) DESC
      LIMIT ${limit}
    `.execute(db);
    return result.rows;
  }

  /** The coupons each of `transactionIds` spent, with what each took and has had refunded. */
  async lines(db: Db, transactionIds: readonly string[]): Promise<TransactionLineRow[]> {
    if (transactionIds.length === 0) return [];
    const result = await sql<TransactionLineRow>`
      SELECT r.transaction_id, r.redemption_id::text AS redemption_id, c.code AS coupon_code, t.type, t.name AS template_name,
             r.amount_fen::text AS amount_fen, r.refunded_fen::text AS refunded_fen
      FROM coupon_redemptions r
      JOIN coupon_info c ON c.coupon_id = r.coupon_id
      JOIN coupon_templates t ON t.template_id = c.template_id
      WHERE r.transaction_id IN (${sql.join([...transactionIds])})
      ORDER BY r.redemption_id
    `.execute(db);
    return result.rows;
  }

  /** How many transactions the window holds and what they add up to (orders, discounts, refunds). */
  async totals(db: Db, window: RedemptionWindow): Promise<WindowTotalsRow> {
    if (window.merchantIds.length === 0) return { transactions: '0', order_amount_fen: '0', discount_fen: '0', refunded_fen: '0' };
    const result = await sql<WindowTotalsRow>`
      SELECT count(*)::text AS transactions, coalesce(sum(order_amount_fen), 0)::text AS order_amount_fen,
             coalesce(sum(discount_fen), 0)::text AS discount_fen, coalesce(sum(refunded_fen), 0)::text AS refunded_fen
      FROM (
        SELECT max(order_amount_fen) AS order_amount_fen, sum(amount_fen) AS discount_fen, sum(refunded_fen) AS refunded_fen
        FROM coupon_redemptions
        WHERE merchant_id IN (${sql.join([...window.merchantIds])})
          AND created_at >= ${window.from} AND created_at < ${window.to}
        GROUP BY transaction_id
      ) per_transaction
    `.execute(db);
    return result.rows[0]!;
  }
}
