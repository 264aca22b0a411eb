import { sql, type Kysely, type Transaction } from 'kysely';
import type { ReceiptRow } from '../../platform/db/group-commit.js';
import type { Database } from '../../platform/db/schema.js';
import type { PreparedEvents } from '../../platform/outbox/outbox.js';
import type { Funding } from './domain/funding.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface TemplateRow {
  readonly templateId: string;
  readonly name: string;
  readonly type: string;
  readonly params: unknown;
  readonly stackable: boolean;
  readonly merchantIds: readonly string[] | null;
  readonly validFrom: Date | null;
  readonly validUntil: Date | null;
  readonly validDays: number | null;
  readonly totalStock: number | null;
  readonly issuedCount: number;
  readonly perUserLimit: number | null;
  readonly perUserDailyLimit: number | null;
  readonly status: 'active' | 'paused' | 'ended';
  readonly funding: Funding;
}

export interface CouponRow {
  readonly couponId: string;
  readonly code: string;
  readonly templateId: string;
  readonly userId: string | null;
  readonly status: string;
  readonly balanceFen: bigint;
  readonly initialBalanceFen: bigint;
  readonly validFrom: Date | null;
  readonly validUntil: Date | null;
  readonly expired: boolean;
  readonly notYetValid: boolean;
}

export interface CouponEvent {
  readonly id: string;
  readonly couponId: string;
  readonly action: string;
  readonly fromStatus: string | null;
  readonly toStatus: string;
  readonly amountFen?: bigint;
  readonly actor: string;
  readonly reason?: string;
  readonly requestId?: string;
}

export interface RedemptionRow {
  readonly coupon_id: string;
  readonly code: string;
  readonly status: string;
  readonly balance_fen: string;
  readonly held_fen: string;
  readonly expired: boolean;
  readonly not_yet_valid: boolean;
  readonly held_by_lock: boolean;
  readonly type: string;
  readonly params: unknown;
  readonly stackable: boolean;
  readonly merchant_ids: string[] | null;
  readonly template_id: string;
  readonly budgeted: boolean;
}

export interface RedemptionWrites {
  readonly coupons: readonly { couponId: string; balanceFen: bigint; status: string }[];
  /** What the batch took from each budgeted template. */
  readonly budgets: readonly { templateId: string; usedFen: bigint }[];
  readonly events: readonly CouponEvent[];
  readonly redemptions: readonly NewRedemption[];
  /**
   * For a batch decided on rows read without locks: what each of `coupons` was read with. The write then happens
   * only if every one of them is unchanged (and still in date), else nothing is written (serialization_failure).
   */
  readonly expected?: readonly { balanceFen: bigint; status: string; heldFen: bigint }[];
}

export interface NewRedemption {
  readonly redemptionId: string;
  readonly transactionId: string;
  readonly couponId: string;
  readonly merchantId: string;
  readonly orderId: string;
  readonly orderAmountFen: bigint;
  readonly amountFen: bigint;
}

/** The day under which lifetime per-user claim counts are kept (daily counts use the business date). */
const LIFETIME_DAY = '0001-01-01';

/** The only code with SQL for the coupon tables. Every change of a coupon is one guarded statement. */
export class CouponRepo {
  async insertTemplate(db: Db, t: Omit<TemplateRow, 'issuedCount' | 'status'> & { createdBy: string; budgetFen: bigint | null }): Promise<void> {
    await db
      .insertInto('coupon_templates')
      .values({
        template_id: t.templateId,
        name: t.name,
        type: t.type,
        params: JSON.stringify(t.params),
        stackable: t.stackable,
        merchant_ids: t.merchantIds ? [...t.merchantIds] : null,
        valid_from: t.validFrom,
        valid_until: t.validUntil,
        valid_days: t.validDays,
        total_stock: t.totalStock,
        per_user_limit: t.perUserLimit,
        per_user_daily_limit: t.perUserDailyLimit,
        budget_fen: t.budgetFen,
        funding: t.funding,
        created_by: t.createdBy,
      })
      .execute();
  }

  async findTemplate(db: Db, templateId: string): Promise<TemplateRow | undefined> {
    const row = await db.selectFrom('coupon_templates').selectAll().where('template_id', '=', templateId).executeTakeFirst();
    return row && toTemplate(row);
  }

  /**
   * Counts a claim against a per-user limit: a guarded upsert on (template, user, day), so two concurrent claims
   * by one user can't both pass the last free slot. `day` is a business date for daily limits, or null for the
   * lifetime counter. Returns false when the limit is reached.
   */
  async countClaim(db: Db, templateId: string, userId: string, day: string | null, limit: number): Promise<boolean> {
    const key = day ?? LIFETIME_DAY;
    const result = await sql`
      INSERT INTO coupon_user_claims (template_id, user_id, day, claimed) VALUES (${templateId}, ${userId}, ${key}, 1)
      ON CONFLICT (template_id, user_id, day) DO UPDATE SET claimed = coupon_user_claims.claimed + 1
        WHERE coupon_user_claims.claimed < ${limit}
    `.execute(db);
    return Number(result.numAffectedRows ?? 0n) === 1;
  }

  async insertEvents(db: Db, events: readonly CouponEvent[]): Promise<void> {
    if (events.length === 0) return;
    await sql`
      INSERT INTO coupon_events (id, coupon_id, action, from_status, to_status, amount_fen, actor, reason, request_id)
      ${eventRows(events)}
    `.execute(db);
  }

  async findCouponByCode(db: Db, code: string): Promise<CouponRow | undefined> {
    const row = await db
      .selectFrom('coupon_info')
      .selectAll()
      .select([sql<boolean>`valid_until IS NOT NULL AND valid_until <= now()`.as('expired'), sql<boolean>`valid_from IS NOT NULL AND valid_from > now()`.as('not_yet_valid')])
      .where('code', '=', code)
      .executeTakeFirst();
    return row && toCoupon(row);
  }

  /**
   * Redeems `amountFen` from a coupon in one guarded statement: only an ACTIVATED, in-date coupon with enough
   * balance changes, and `expectedStatus`/balance are re-checked on the row's latest version, so of concurrent
   * consumes exactly those that fit succeed. A single-use coupon goes to USED with balance 0; a gift card keeps
   * its status until its balance reaches 0 with nothing held by a lock. Undefined when the guard fails (lost a race, spent, expired…).
   */
  async redeem(db: Db, couponId: string, amountFen: bigint, singleUse: boolean): Promise<{ balanceFen: bigint; status: string } | undefined> {
    const result = await sql<{ balance_fen: string; status: string }>`
      UPDATE coupon_info SET ${spendAssignments(amountFen, singleUse)}
      WHERE coupon_id = ${couponId} AND ${spendableGuard(amountFen, singleUse)}
      RETURNING balance_fen, status
    `.execute(db);
    const row = result.rows[0];
    return row && { balanceFen: BigInt(row.balance_fen), status: row.status };
  }

  /**
   * The coupons behind `codes` with their templates' terms, for a redemption decision. `lock` takes their row
   * locks in coupon_id order, so batches that share coupons queue instead of deadlocking; the rows read are then
   * the latest versions, and nothing can change them before the batch commits.
   */
  async loadForRedemption(db: Db, codes: readonly string[], lock: boolean): Promise<RedemptionRow[]> {
    const result = await sql<RedemptionRow>`SELECT * FROM coupon_redemption_rows(${[...codes]}::text[], ${lock})`.execute(db);
    return result.rows;
  }

  /**
   * What is left of each budgeted template's budget. `lock` holds the template rows (in id order, after the
   * coupons) until the batch commits, so concurrent batches cannot both spend the last of a budget.
   */
  async remainingBudgets(db: Db, templateIds: readonly string[], lock: boolean): Promise<Map<string, bigint>> {
    if (templateIds.length === 0) return new Map();
    const result = await sql<{ template_id: string; remaining: string }>`
      SELECT template_id::text AS template_id, (budget_fen - budget_used_fen)::text AS remaining
      FROM coupon_templates WHERE template_id = ANY(${[...templateIds]}::bigint[]) AND budget_fen IS NOT NULL
      ORDER BY template_id
      ${lock ? sql`FOR UPDATE` : sql``}
    `.execute(db);
    return new Map(result.rows.map((r) => [r.template_id, BigInt(r.remaining)]));
  }

  /** Charges one redemption to its template's budget; false when that would overdraw it (no budget: true). */
  async chargeBudget(db: Db, couponId: string, amountFen: bigint): Promise<boolean> {
    const result = await sql<{ ok: boolean }>`
      WITH target AS (
        SELECT t.template_id, t.budget_fen, t.budget_used_fen FROM coupon_templates t JOIN coupon_info c ON c.template_id = t.template_id
        WHERE c.coupon_id = ${couponId} AND t.budget_fen IS NOT NULL FOR UPDATE OF t
      ), charged AS (
        UPDATE coupon_templates t SET budget_used_fen = t.budget_used_fen + ${amountFen}
        FROM target WHERE t.template_id = target.template_id AND target.budget_used_fen + ${amountFen} <= target.budget_fen
        RETURNING 1
      )
      SELECT NOT EXISTS (SELECT 1 FROM target) OR EXISTS (SELECT 1 FROM charged) AS ok
    `.execute(db);
    return result.rows[0]!.ok;
  }

  /** Gives refunded value back to a template's budget (nothing for templates without one). */
  async releaseBudget(db: Db, couponId: string, amountFen: bigint): Promise<void> {
    await sql`
      UPDATE coupon_templates t SET budget_used_fen = greatest(t.budget_used_fen - ${amountFen}, 0)
      FROM coupon_info c WHERE c.coupon_id = ${couponId} AND t.template_id = c.template_id AND t.budget_fen IS NOT NULL
    `.execute(db);
  }

  /**
   * Writes a decided batch of redemptions in one call of coupon_redeem_batch (migration 0021): each coupon's final
   * state, one event per spend, the budgets taken, one redemption row per spend that moved money, the batch's
   * outbox events and idempotent answers. The coupons are rows locked by `loadForRedemption`, or rows read
   * without locks and guarded by `expected`.
   */
  async writeRedemptions(db: Db, w: RedemptionWrites, published: PreparedEvents, receipts: readonly ReceiptRow[]): Promise<void> {
    const r = w.redemptions;
    const e = w.events;
    const bigints = (values: readonly bigint[]) => values.map((v) => v.toString());
    await sql`
      SELECT coupon_redeem_batch(
        ${w.coupons.map((c) => c.couponId)}::bigint[], ${bigints(w.coupons.map((c) => c.balanceFen))}::bigint[], ${w.coupons.map((c) => c.status)}::text[],
        ${w.expected ? bigints(w.expected.map((x) => x.balanceFen)) : null}::bigint[], ${w.expected?.map((x) => x.status) ?? null}::text[],
        ${w.expected ? bigints(w.expected.map((x) => x.heldFen)) : null}::bigint[],
        ${e.map((x) => x.id)}::bigint[], ${e.map((x) => x.couponId)}::bigint[], ${e.map((x) => x.action)}::text[],
        ${e.map((x) => x.fromStatus)}::text[], ${e.map((x) => x.toStatus)}::text[], ${e.map((x) => x.amountFen?.toString() ?? null)}::bigint[],
        ${e.map((x) => x.actor)}::text[], ${e.map((x) => x.reason ?? null)}::text[], ${e.map((x) => x.requestId ?? null)}::text[],
        ${w.budgets.map((b) => b.templateId)}::bigint[], ${bigints(w.budgets.map((b) => b.usedFen))}::bigint[],
        ${r.map((x) => x.redemptionId)}::bigint[], ${r.map((x) => x.transactionId)}::text[], ${r.map((x) => x.couponId)}::bigint[],
        ${r.map((x) => x.merchantId)}::text[], ${r.map((x) => x.orderId)}::text[],
        ${bigints(r.map((x) => x.orderAmountFen))}::bigint[], ${bigints(r.map((x) => x.amountFen))}::bigint[],
        ${published.topic}, ${[...published.subscribers]}::text[], ${[...published.ids]}::bigint[], ${[...published.aggregateIds]}::text[],
        ${[...published.payloads]}::jsonb[], ${[...published.requestIds]}::text[],
        ${receipts.map((x) => x.scope)}::text[], ${receipts.map((x) => x.key)}::text[], ${receipts.map((x) => x.status)}::int[], ${receipts.map((x) => x.body)}::text[]
      )
    `.execute(db);
  }

  /** Moves a coupon from one status to another only if it is still in `from` (freeze, unfreeze, refund…). */
  async transition(db: Db, couponId: string, from: string, to: string): Promise<boolean> {
    const result = await db
      .updateTable('coupon_info')
      .set({ status: to, updated_at: sql<Date>`now()` })
      .where('coupon_id', '=', couponId)
      .where('status', '=', from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Moves every coupon of a user in status `from` to `to` at once; answers the ids and codes moved. */
  async transitionAllOfUser(db: Db, userId: string, from: string, to: string, onlyCouponIds?: readonly string[]): Promise<{ couponId: string; code: string }[]> {
    if (onlyCouponIds && onlyCouponIds.length === 0) return [];
    let query = db
      .updateTable('coupon_info')
      .set({ status: to, updated_at: sql<Date>`now()` })
      .where('user_id', '=', userId)
      .where('status', '=', from);
    if (onlyCouponIds) query = query.where('coupon_id', 'in', [...onlyCouponIds]);
    const rows = await query.returning(['coupon_id', 'code']).execute();
    return rows.map((r) => ({ couponId: String(r.coupon_id), code: r.code }));
  }

  async holdersOf(db: Db, couponIds: readonly string[]): Promise<string[]> {
    if (couponIds.length === 0) return [];
    const rows = await db.selectFrom('coupon_info').select('user_id').distinct().where('coupon_id', 'in', [...couponIds]).where('user_id', 'is not', null).execute();
    return rows.map((r) => String(r.user_id));
  }

  /** The user's ACTIVATED single-use coupons (every type but gift cards): what is free to them, unspent. */
  async activatedSingleUseOf(db: Db, userId: string): Promise<string[]> {
    const rows = await db
      .selectFrom('coupon_info as c')
      .innerJoin('coupon_templates as t', 't.template_id', 'c.template_id')
      .select('c.coupon_id')
      .where('c.user_id', '=', userId)
      .where('c.status', '=', 'ACTIVATED')
      .where('t.type', '!=', 'GIFT_CARD')
      .execute();
    return rows.map((r) => String(r.coupon_id));
  }

  /** Of these FROZEN coupons of a user, the single-use ones (not gift cards) become REVOKED. */
  async revokeFrozen(db: Db, userId: string, couponIds: readonly string[]): Promise<{ couponId: string; code: string }[]> {
    if (couponIds.length === 0) return [];
    const rows = await db
      .updateTable('coupon_info as c')
      .from('coupon_templates as t')
      .set({ status: 'REVOKED', updated_at: sql<Date>`now()` })
      .whereRef('t.template_id', '=', 'c.template_id')
      .where('t.type', '!=', 'GIFT_CARD')
      .where('c.user_id', '=', userId)
      .where('c.status', '=', 'FROZEN')
      .where('c.coupon_id', 'in', [...couponIds])
      .returning(['c.coupon_id', 'c.code'])
      .execute();
    return rows.map((r) => ({ couponId: String(r.coupon_id), code: r.code }));
  }

  /** Coupons whose latest freeze carried `reason` (a risk case's freeze, say). */
  async couponsFrozenWith(db: Db, userId: string, reason: string): Promise<string[]> {
    const rows = await db
      .selectFrom('coupon_events as e')
      .innerJoin('coupon_info as c', 'c.coupon_id', 'e.coupon_id')
      .select('c.coupon_id')
      .where('c.user_id', '=', userId)
      .where('e.action', '=', 'freeze')
      .where('e.reason', '=', reason)
      .execute();
    return [...new Set(rows.map((r) => String(r.coupon_id)))];
  }

  /** Redemptions after `afterId` in id order, a page at a time (settlement's reconciliation walks them all). */
  async redemptionPage(db: Db, afterId: string, limit: number) {
    return db
      .selectFrom('coupon_redemptions')
      .select(['redemption_id', 'amount_fen', 'refunded_fen'])
      .where('redemption_id', '>', afterId)
      .orderBy('redemption_id')
      .limit(limit)
      .execute();
  }

  async redemptionsOf(db: Db, transactionId: string) {
    return db
      .selectFrom('coupon_redemptions as r')
      .innerJoin('coupon_info as c', 'c.coupon_id', 'r.coupon_id')
      .innerJoin('coupon_templates as t', 't.template_id', 'c.template_id')
      .select(['r.redemption_id', 'r.coupon_id', 'r.merchant_id', 'r.amount_fen', 'r.refunded_fen', 'c.code', 'c.status', 't.type'])
      .where('r.transaction_id', '=', transactionId)
      .orderBy('r.redemption_id')
      .execute();
  }

  /** A coupon's redemptions at these merchants only, oldest first (what a till may see of it). */
  async redemptionsOfCouponAt(db: Db, couponId: string, merchantIds: readonly string[]) {
    return db
      .selectFrom('coupon_redemptions')
      .select(['transaction_id', 'merchant_id', 'order_id', 'amount_fen', 'refunded_fen', 'created_at'])
      .where('coupon_id', '=', couponId)
      .where('merchant_id', 'in', merchantIds)
      .orderBy('redemption_id')
      .limit(100)
      .execute();
  }

  /** Records a refund against a redemption; the guard (and a CHECK) keep it within what was taken. */
  async refundRedemption(db: Db, redemptionId: string, amountFen: bigint): Promise<boolean> {
    const result = await sql`
      UPDATE coupon_redemptions SET refunded_fen = refunded_fen + ${amountFen}
      WHERE redemption_id = ${redemptionId} AND refunded_fen + ${amountFen} <= amount_fen
    `.execute(db);
    return Number(result.numAffectedRows ?? 0n) === 1;
  }

  /** Gives a gift card its money back; a card spent to 0 (USED) becomes ACTIVATED again, a frozen one stays frozen. */
  async restoreBalance(db: Db, couponId: string, amountFen: bigint): Promise<{ balanceFen: bigint; status: string; fromStatus: string } | undefined> {
    const result = await sql<{ balance_fen: string; status: string; from_status: string }>`
      UPDATE coupon_info c
      SET balance_fen = c.balance_fen + ${amountFen},
          status = CASE WHEN c.status = 'USED' THEN 'ACTIVATED' ELSE c.status END,
          updated_at = now()
      FROM (SELECT coupon_id, status AS from_status FROM coupon_info WHERE coupon_id = ${couponId} FOR UPDATE) old
      WHERE c.coupon_id = old.coupon_id AND c.balance_fen + ${amountFen} <= c.initial_balance_fen
        AND c.status IN ('ACTIVATED', 'USED', 'FROZEN')
      RETURNING c.balance_fen, c.status, old.from_status
    `.execute(db);
    const row = result.rows[0];
    return row && { balanceFen: BigInt(row.balance_fen), status: row.status, fromStatus: row.from_status };
  }

  /** Binds an issued code to its first holder; only one caller can win an UNACTIVATED, unowned coupon. */
  async activate(db: Db, couponId: string, userId: string, validUntil: Date | null): Promise<boolean> {
    const result = await db
      .updateTable('coupon_info')
      .set({ status: 'ACTIVATED', user_id: userId, activated_at: sql<Date>`now()`, valid_until: validUntil, updated_at: sql<Date>`now()` })
      .where('coupon_id', '=', couponId)
      .where('status', '=', 'UNACTIVATED')
      .where('user_id', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Expires up to `limit` coupons whose validity has ended; returns them with the status they had. */
  async expireDue(db: Db, limit: number): Promise<{ couponId: string; fromStatus: string }[]> {
    const result = await sql<{ coupon_id: string; from_status: string }>`
      WITH due AS (
        SELECT coupon_id, status FROM coupon_info
        WHERE status IN ('UNACTIVATED', 'ACTIVATED', 'FROZEN') AND valid_until IS NOT NULL AND valid_until <= now()
        ORDER BY valid_until
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      UPDATE coupon_info c SET status = 'EXPIRED', updated_at = now()
      FROM due WHERE c.coupon_id = due.coupon_id
      RETURNING c.coupon_id, due.status AS from_status
    `.execute(db);
    return result.rows.map((r) => ({ couponId: String(r.coupon_id), fromStatus: r.from_status }));
  }

  async insertEvent(db: Db, e: CouponEvent): Promise<void> {
    await this.insertEvents(db, [e]);
  }

  async insertRedemption(db: Db, r: NewRedemption): Promise<void> {
    await db
      .insertInto('coupon_redemptions')
      .values({
        redemption_id: r.redemptionId,
        transaction_id: r.transactionId,
        coupon_id: r.couponId,
        merchant_id: r.merchantId,
        order_id: r.orderId,
        order_amount_fen: r.orderAmountFen,
        amount_fen: r.amountFen,
      })
      .execute();
  }

  async eventsOf(db: Db, couponId: string) {
    return db
      .selectFrom('coupon_events')
      .select(['action', 'from_status', 'to_status', 'amount_fen', 'actor', 'reason', 'created_at'])
      .where('coupon_id', '=', couponId)
      .orderBy('id')
      .execute();
  }

  async couponsOfUser(db: Db, userId: string, status: string | undefined, limit: number) {
    let query = db
      .selectFrom('coupon_info')
      .innerJoin('coupon_templates', 'coupon_templates.template_id', 'coupon_info.template_id')
      .select(['coupon_info.coupon_id', 'coupon_info.code', 'coupon_info.status', 'coupon_info.balance_fen', 'coupon_info.valid_until', 'coupon_templates.name', 'coupon_templates.type', 'coupon_info.template_id'])
      .where('coupon_info.user_id', '=', userId)
      .orderBy('coupon_info.coupon_id', 'desc')
      .limit(limit);
    if (status) query = query.where('coupon_info.status', '=', status);
    return query.execute();
  }
}

function toTemplate(row: Record<string, unknown>): TemplateRow {
  return {
    templateId: String(row.template_id),
    name: row.name as string,
    type: row.type as string,
    params: row.params,
    stackable: row.stackable as boolean,
    merchantIds: (row.merchant_ids as string[] | null) ?? null,
    validFrom: (row.valid_from as Date | null) ?? null,
    validUntil: (row.valid_until as Date | null) ?? null,
    validDays: (row.valid_days as number | null) ?? null,
    totalStock: (row.total_stock as number | null) ?? null,
    issuedCount: Number(row.issued_count),
    perUserLimit: (row.per_user_limit as number | null) ?? null,
    perUserDailyLimit: (row.per_user_daily_limit as number | null) ?? null,
    status: row.status as TemplateRow['status'],
    funding: row.funding as Funding,
  };
}

function toCoupon(row: Record<string, unknown>): CouponRow {
  return {
    couponId: String(row.coupon_id),
    code: row.code as string,
    templateId: String(row.template_id),
    userId: row.user_id === null ? null : String(row.user_id),
    status: row.status as string,
    balanceFen: BigInt(row.balance_fen as string),
    initialBalanceFen: BigInt(row.initial_balance_fen as string),
    validFrom: (row.valid_from as Date | null) ?? null,
    validUntil: (row.valid_until as Date | null) ?? null,
    expired: Boolean(row.expired),
    notYetValid: Boolean(row.not_yet_valid),
  };
}

/** How spending `amountFen` changes a coupon: a single-use one is used up; a gift card is used up at 0 with nothing held. */
function spendAssignments(amountFen: bigint, singleUse: boolean) {
  return sql`
    balance_fen = CASE WHEN ${singleUse} THEN 0 ELSE balance_fen - ${amountFen} END,
    status = CASE WHEN ${singleUse} OR (balance_fen - ${amountFen} = 0 AND held_fen = 0) THEN 'USED' ELSE status END,
    updated_at = now()`;
}

/**
 * The one condition under which a coupon may be spent, re-checked by PostgreSQL on the row's latest version:
 * ACTIVATED, in date, enough balance (gift cards), and no live lock held on it by another till (single-use).
 */
function spendableGuard(amountFen: bigint, singleUse: boolean) {
  return sql`
    status = 'ACTIVATED'
    AND (valid_until IS NULL OR valid_until > now())
    AND (valid_from IS NULL OR valid_from <= now())
    AND (${singleUse} OR balance_fen >= ${amountFen})
    AND NOT (${singleUse} AND EXISTS (
      SELECT 1 FROM coupon_locks l
      WHERE l.coupon_id = coupon_info.coupon_id AND l.status = 'held' AND NOT l.gift_card AND l.expires_at > now()))`;
}

/** Event rows as `SELECT … FROM unnest(…)`, for inserting many in one statement. */
function eventRows(e: readonly CouponEvent[]) {
  return sql`
    SELECT * FROM unnest(${e.map((x) => x.id)}::bigint[], ${e.map((x) => x.couponId)}::bigint[], ${e.map((x) => x.action)}::text[],
                         ${e.map((x) => x.fromStatus)}::text[], ${e.map((x) => x.toStatus)}::text[],
                         ${e.map((x) => x.amountFen?.toString() ?? null)}::bigint[], ${e.map((x) => x.actor)}::text[],
                         ${e.map((x) => x.reason ?? null)}::text[], ${e.map((x) => x.requestId ?? null)}::text[])`;
}
