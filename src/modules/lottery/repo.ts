import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import type { CampaignRules } from './domain/campaign-rules.js';
import type { LotteryTables } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;
export type CampaignRow = Selectable<LotteryTables['lottery_campaigns']>;
export type PrizeRow = Selectable<LotteryTables['lottery_prizes']>;

export interface NewCampaign {
  readonly campaignId: string;
  readonly name: string;
  readonly rules: CampaignRules;
  readonly tickets: number;
  readonly poolSeed: Uint8Array;
  readonly poolSeedCommit: Uint8Array;
  readonly rulesLogIndex: number;
  readonly createdBy: string | null;
}

export interface NewChance {
  readonly campaignId: string;
  readonly invoiceId: string;
  readonly userId: string;
  readonly granted: number;
  /** The first of the chances to enter in weekly draws (1 unless bonus chances are being added to existing ones). */
  readonly firstChance?: number;
  readonly amountFen: number;
  readonly invoiceCommit: Uint8Array;
  readonly salt: Uint8Array;
}

export interface TakenChance {
  readonly campaign_id: string;
  /** 1-based: this draw uses the invoice's `chance`-th chance in the campaign. */
  readonly chance: number;
  readonly invoice_commit: Uint8Array;
}

/** Positions [first, next) of a pool taken by one batch, with what is needed to read their tickets. */
export interface TakenPositions {
  readonly first: number;
  readonly next: number;
  readonly tickets: number;
  readonly pool_seed: Uint8Array;
  readonly rules: CampaignRules;
}

export interface NewInstantDraw {
  readonly drawId: string;
  readonly campaignId: string;
  readonly position: number;
  readonly invoiceId: string;
  readonly userId: string;
  readonly chance: number;
  readonly ticket: number;
  readonly prizeIndex: number | null;
  readonly logIndex: number;
  readonly requestId: string | null;
}

export interface NewPrize {
  readonly prizeId: string;
  readonly userId: string;
  readonly campaignId: string;
  readonly source: 'INSTANT' | 'WEEKLY';
  readonly drawId: string;
  readonly invoiceId: string;
  readonly tier: string | null;
  readonly kind: 'CASH' | 'COUPON';
  readonly amountFen: number | null;
  readonly couponTemplateId: string | null;
  readonly dueAt: Date;
}

/** The one file with SQL for the lottery's tables. */
export class LotteryRepo {
  async insertCampaign(trx: Transaction<Database>, c: NewCampaign): Promise<void> {
    await trx
      .insertInto('lottery_campaigns')
      .values({
        campaign_id: c.campaignId,
        name: c.name,
        starts_at: c.rules.starts_at,
        ends_at: c.rules.ends_at,
        rules: JSON.stringify(c.rules),
        tickets: c.tickets,
        pool_seed: Buffer.from(c.poolSeed),
        pool_seed_commit: Buffer.from(c.poolSeedCommit),
        rules_log_index: c.rulesLogIndex,
        created_by: c.createdBy,
      })
      .execute();
  }

  async campaign(db: Db, campaignId: string): Promise<CampaignRow | undefined> {
    return db.selectFrom('lottery_campaigns').selectAll().where('campaign_id', '=', campaignId).executeTakeFirst();
  }

  async campaigns(db: Db, limit: number): Promise<CampaignRow[]> {
    return db.selectFrom('lottery_campaigns').selectAll().orderBy('campaign_id', 'desc').limit(limit).execute();
  }

  /** Campaigns running at `at` and not yet revealed: the ones an invoice accepted now can earn chances in. */
  async runningCampaigns(db: Db, at: Date): Promise<CampaignRow[]> {
    return db
      .selectFrom('lottery_campaigns')
      .selectAll()
      .where('revealed_at', 'is', null)
      .where('starts_at', '<=', at)
      .where('ends_at', '>', at)
      .execute();
  }

  async endedUnrevealed(db: Db, at: Date): Promise<string[]> {
    const rows = await db
      .selectFrom('lottery_campaigns')
      .select(sql<string>`campaign_id::text`.as('id'))
      .where('revealed_at', 'is', null)
      .where('ends_at', '<=', at)
      .execute();
    return rows.map((r) => r.id);
  }

  async insertChances(trx: Transaction<Database>, chances: readonly NewChance[]): Promise<void> {
    if (chances.length === 0) return;
    await trx
      .insertInto('lottery_chances')
      .values(
        chances.map((c) => ({
          campaign_id: c.campaignId,
          invoice_id: c.invoiceId,
          user_id: c.userId,
          granted: c.granted,
          amount_fen: c.amountFen,
          invoice_commit: Buffer.from(c.invoiceCommit),
          commit_salt: Buffer.from(c.salt),
        })),
      )
      .onConflict((oc) => oc.columns(['campaign_id', 'invoice_id']).doNothing())
      .execute();
  }

  /**
   * Uses one chance for each request of a batch (each invoice at most once per batch), in one statement; the
   * guard `used < granted` is re-checked under the row lock, so racing draws cannot use one chance twice. An
   * unnamed campaign resolves to the invoice's campaign whose pool can draw now (so a spent pool elsewhere does
   * not hide a live one), else its oldest. Returns the chances taken, keyed by the request's ordinal.
   */
  async takeChances(
    trx: Transaction<Database>,
    requests: readonly { ord: number; userId: string; invoiceId: string; campaignId: string | undefined }[],
    at: Date,
  ): Promise<Map<number, TakenChance>> {
    const result = await sql<TakenChance & { ord: number }>`
      WITH req AS (
        SELECT * FROM unnest(${requests.map((r) => r.ord)}::int[], ${requests.map((r) => r.invoiceId)}::bigint[],
                             ${requests.map((r) => r.userId)}::bigint[], ${requests.map((r) => r.campaignId ?? null)}::bigint[])
          AS r(ord, invoice_id, user_id, campaign_id)
      ), pick AS (
        SELECT r.ord, r.invoice_id, r.user_id, COALESCE(r.campaign_id, (
          SELECT c.campaign_id FROM lottery_chances c JOIN lottery_campaigns k ON k.campaign_id = c.campaign_id
          WHERE c.invoice_id = r.invoice_id AND c.user_id = r.user_id AND c.used < c.granted
          ORDER BY (k.revealed_at IS NULL AND k.next_position < k.tickets AND k.starts_at <= ${at} AND k.ends_at > ${at}) DESC, c.campaign_id
          LIMIT 1)) AS campaign_id
        FROM req r
      )
      UPDATE lottery_chances c SET used = c.used + 1 FROM pick p
      WHERE c.campaign_id = p.campaign_id AND c.invoice_id = p.invoice_id AND c.user_id = p.user_id AND c.used < c.granted
      RETURNING p.ord, c.campaign_id::text, c.used AS chance, c.invoice_commit
    `.execute(trx);
    return new Map(result.rows.map((row) => [row.ord, row]));
  }

  /** Gives back chances taken by requests that then found no position (the pool ran out, the campaign ended). */
  async returnChances(trx: Transaction<Database>, chances: readonly { campaignId: string; invoiceId: string }[]): Promise<void> {
    if (chances.length === 0) return;
    await sql`
      UPDATE lottery_chances c SET used = c.used - 1
      FROM unnest(${chances.map((x) => x.campaignId)}::bigint[], ${chances.map((x) => x.invoiceId)}::bigint[]) AS r(campaign_id, invoice_id)
      WHERE c.campaign_id = r.campaign_id AND c.invoice_id = r.invoice_id
    `.execute(trx);
  }

  /**
   * Takes up to `count` consecutive positions of a running campaign's pool under its row lock: positions
   * [first, next). Undefined when the campaign is not running; fewer than asked when the pool runs out.
   */
  async takePositions(trx: Transaction<Database>, campaignId: string, count: number, at: Date): Promise<TakenPositions | undefined> {
    const result = await sql<TakenPositions>`
      WITH old AS (SELECT next_position FROM lottery_campaigns WHERE campaign_id = ${campaignId} FOR UPDATE)
      UPDATE lottery_campaigns k SET next_position = LEAST(k.tickets, old.next_position + ${count}) FROM old
      WHERE k.campaign_id = ${campaignId} AND k.revealed_at IS NULL AND k.starts_at <= ${at} AND k.ends_at > ${at}
      RETURNING old.next_position AS first, k.next_position AS next, k.tickets, k.pool_seed, k.rules
    `.execute(trx);
    return result.rows[0];
  }

  async insertInstantDraws(trx: Transaction<Database>, draws: readonly NewInstantDraw[]): Promise<void> {
    if (draws.length === 0) return;
    await trx
      .insertInto('lottery_instant_draws')
      .values(
        draws.map((d) => ({
          draw_id: d.drawId,
          campaign_id: d.campaignId,
          position: d.position,
          invoice_id: d.invoiceId,
          user_id: d.userId,
          chance: d.chance,
          ticket: d.ticket,
          prize_index: d.prizeIndex,
          log_index: d.logIndex,
          request_id: d.requestId,
        })),
      )
      .execute();
  }

  async insertPrizes(trx: Transaction<Database>, prizes: readonly NewPrize[]): Promise<void> {
    for (const prize of prizes) await this.insertPrize(trx, prize);
  }

  async insertPrize(trx: Transaction<Database>, p: NewPrize): Promise<void> {
    await trx
      .insertInto('lottery_prizes')
      .values({
        prize_id: p.prizeId,
        user_id: p.userId,
        campaign_id: p.campaignId,
        source: p.source,
        draw_id: p.drawId,
        invoice_id: p.invoiceId,
        tier: p.tier,
        kind: p.kind,
        amount_fen: p.amountFen,
        coupon_template_id: p.couponTemplateId,
        due_at: p.dueAt,
      })
      .execute();
  }

  async prizesOf(db: Db, userId: string): Promise<PrizeRow[]> {
    return db.selectFrom('lottery_prizes').selectAll().where('user_id', '=', userId).orderBy('prize_id', 'desc').limit(200).execute();
  }

  async chancesOf(db: Db, userId: string) {
    return db
      .selectFrom('lottery_chances')
      .select(['campaign_id', 'invoice_id', 'granted', 'used', 'invoice_commit', 'commit_salt', 'created_at'])
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .limit(200)
      .execute();
  }

  async drawsOf(db: Db, userId: string) {
    return db
      .selectFrom('lottery_instant_draws')
      .select(['draw_id', 'campaign_id', 'position', 'invoice_id', 'chance', 'prize_index', 'log_index', 'created_at'])
      .where('user_id', '=', userId)
      .orderBy('draw_id', 'desc')
      .limit(200)
      .execute();
  }

  /** Marks the campaign revealed unless someone already did; false when they had. */
  async markRevealed(trx: Transaction<Database>, campaignId: string, at: Date, logIndex: number): Promise<boolean> {
    const result = await trx
      .updateTable('lottery_campaigns')
      .set({ revealed_at: at, reveal_log_index: logIndex })
      .where('campaign_id', '=', campaignId)
      .where('revealed_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Locks the campaign row (reveal must not race a draw) and reads how many positions were drawn. */
  async lockCampaign(trx: Transaction<Database>, campaignId: string): Promise<CampaignRow | undefined> {
    return trx.selectFrom('lottery_campaigns').selectAll().where('campaign_id', '=', campaignId).forUpdate().executeTakeFirst();
  }
}
