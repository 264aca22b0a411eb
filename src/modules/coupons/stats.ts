import type { Kysely } from 'kysely';
import { rowsPerMinute, type MinuteCount } from '../../platform/db/per-minute.js';
import type { Database } from '../../platform/db/schema.js';
import { deserializeParams, serializeParams } from './domain/coupon-types.js';

/**
 * Read-only aggregates of the coupons module for the operator dashboard and the template list. Nothing here
 * locks or writes; the per-minute counts read only the last hour, so they stay cheap on a large table.
 */
export class CouponStats {
  constructor(private readonly db: Kysely<Database>) {}

  /** Coupons created (claimed, issued in batches, granted as prizes or rewards) per minute since `since`. */
  async issuedPerMinute(since: Date): Promise<MinuteCount[]> {
    return rowsPerMinute(this.db, 'coupon_info', since);
  }

  /** Redemptions (one row per coupon consumed) per minute since `since`. */
  async redemptionsPerMinute(since: Date): Promise<MinuteCount[]> {
    return rowsPerMinute(this.db, 'coupon_redemptions', since);
  }

  /** Templates, newest first, with their latest batches (the operator console's template list). */
  async templates(limit = 200) {
    const templates = await this.db
      .selectFrom('coupon_templates')
      .select(['template_id', 'name', 'type', 'params', 'stackable', 'valid_from', 'valid_until', 'valid_days', 'total_stock', 'issued_count', 'per_user_limit', 'per_user_daily_limit', 'funding', 'status', 'created_at'])
      .orderBy('template_id', 'desc')
      .limit(limit)
      .execute();
    const ids = templates.map((t) => String(t.template_id));
    const batches = ids.length === 0
      ? []
      : await this.db
          .selectFrom('coupon_batches')
          .select(['batch_id', 'template_id', 'quantity', 'issued', 'status', 'created_at', 'finished_at'])
          .where('template_id', 'in', ids)
          .orderBy('batch_id', 'desc')
          .limit(1000)
          .execute();
    return templates.map((t) => ({
      template_id: String(t.template_id),
      name: t.name,
      type: t.type,
      params: serializeParams(deserializeParams(t.type, t.params)),
      stackable: t.stackable,
      valid_from: t.valid_from?.toISOString() ?? null,
      valid_until: t.valid_until?.toISOString() ?? null,
      valid_days: t.valid_days,
      total_stock: t.total_stock,
      issued_count: t.issued_count,
      per_user_limit: t.per_user_limit,
      per_user_daily_limit: t.per_user_daily_limit,
      funding: t.funding,
      status: t.status,
      created_at: t.created_at.toISOString(),
      batches: batches
        .filter((b) => String(b.template_id) === String(t.template_id))
        .slice(0, 10)
        .map((b) => ({ batch_id: String(b.batch_id), quantity: b.quantity, issued: b.issued, status: b.status, created_at: b.created_at.toISOString(), finished_at: b.finished_at?.toISOString() ?? null })),
    }));
  }
}
