import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import type { BeaconValue } from './beacon/beacon-port.js';
import type { LotteryTables, WeeklyWinner } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;
export type WeeklyDrawRow = Selectable<LotteryTables['lottery_weekly_draws']>;
export type LocalBeaconRow = Selectable<LotteryTables['lottery_local_beacons']>;

export interface StoredWeeklyEntry {
  readonly invoice_commit: Uint8Array;
  readonly chance: number;
  readonly invoice_id: string;
  readonly user_id: string;
}

/** The one file with SQL for the weekly draws' tables (entries, draws, local beacons). */
export class WeeklyRepo {
  /** Holds the campaign against a concurrent close while entries are added to its next draw. */
  async shareCampaign(trx: Transaction<Database>, campaignId: string): Promise<void> {
    await sql`SELECT 1 FROM lottery_campaigns WHERE campaign_id = ${campaignId} FOR SHARE`.execute(trx);
  }

  /** Closing takes the campaign exclusively: no entry can join a set once it is being fixed. */
  async lockCampaign(trx: Transaction<Database>, campaignId: string): Promise<void> {
    await sql`SELECT 1 FROM lottery_campaigns WHERE campaign_id = ${campaignId} FOR UPDATE`.execute(trx);
  }

  async drawExists(db: Db, campaignId: string, closeAt: Date): Promise<boolean> {
    const row = await db.selectFrom('lottery_weekly_draws').select('draw_id').where('campaign_id', '=', campaignId).where('close_at', '=', closeAt).executeTakeFirst();
    return Boolean(row);
  }

  async insertEntries(
    trx: Transaction<Database>,
    rows: readonly { campaignId: string; closeAt: Date; invoiceCommit: Uint8Array; chance: number; invoiceId: string; userId: string }[],
  ): Promise<void> {
    if (rows.length === 0) return;
    const sets = [...new Map(rows.map((r) => [`${r.campaignId}@${r.closeAt.toISOString()}`, r])).values()];
    await trx
      .insertInto('lottery_weekly_sets')
      .values(sets.map((r) => ({ campaign_id: r.campaignId, close_at: r.closeAt })))
      .onConflict((oc) => oc.doNothing())
      .execute();
    await trx
      .insertInto('lottery_weekly_entries')
      .values(rows.map((r) => ({ campaign_id: r.campaignId, close_at: r.closeAt, invoice_commit: Buffer.from(r.invoiceCommit), chance: r.chance, invoice_id: r.invoiceId, user_id: r.userId })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  /** (campaign, close) pairs whose time has come and that have entries but no draw yet. */
  async dueCloses(db: Db, now: Date): Promise<{ campaign_id: string; close_at: Date }[]> {
    const result = await sql<{ campaign_id: string; close_at: Date }>`
      SELECT s.campaign_id::text, s.close_at FROM lottery_weekly_sets s
      WHERE s.close_at <= ${now}
        AND NOT EXISTS (SELECT 1 FROM lottery_weekly_draws d WHERE d.campaign_id = s.campaign_id AND d.close_at = s.close_at)
      ORDER BY s.close_at
    `.execute(db);
    return result.rows;
  }

  /** The entry set in the draw's order: by commitment bytes, then chance (the primary key's order). */
  async entries(db: Db, campaignId: string, closeAt: Date): Promise<StoredWeeklyEntry[]> {
    return db
      .selectFrom('lottery_weekly_entries')
      .select(['invoice_commit', 'chance', sql<string>`invoice_id::text`.as('invoice_id'), sql<string>`user_id::text`.as('user_id')])
      .where('campaign_id', '=', campaignId)
      .where('close_at', '=', closeAt)
      .orderBy('invoice_commit')
      .orderBy('chance')
      .execute();
  }

  async insertDraw(
    trx: Transaction<Database>,
    d: { drawId: string; campaignId: string; closeAt: Date; entryCount: number; entriesRoot: Uint8Array; beaconId: string; targetRound: number; closeLogIndex: number },
  ): Promise<void> {
    await trx
      .insertInto('lottery_weekly_draws')
      .values({
        draw_id: d.drawId,
        campaign_id: d.campaignId,
        close_at: d.closeAt,
        status: 'CLOSED',
        entry_count: d.entryCount,
        entries_root: Buffer.from(d.entriesRoot),
        beacon_id: d.beaconId,
        target_round: d.targetRound,
        close_log_index: d.closeLogIndex,
      })
      .execute();
  }

  async closedDraws(db: Db): Promise<WeeklyDrawRow[]> {
    return db.selectFrom('lottery_weekly_draws').selectAll().where('status', '=', 'CLOSED').orderBy('close_at').execute();
  }

  async draw(db: Db, drawId: string): Promise<WeeklyDrawRow | undefined> {
    return db.selectFrom('lottery_weekly_draws').selectAll().where('draw_id', '=', drawId).executeTakeFirst();
  }

  async drawsOf(db: Db, campaignId: string): Promise<WeeklyDrawRow[]> {
    return db.selectFrom('lottery_weekly_draws').selectAll().where('campaign_id', '=', campaignId).orderBy('close_at', 'desc').limit(100).execute();
  }

  /** Marks a closed draw drawn; false when another process already did. */
  async markDrawn(trx: Transaction<Database>, drawId: string, r: { beacon: BeaconValue; seed: Uint8Array; winners: readonly WeeklyWinner[]; resultLogIndex: number; at: Date }): Promise<boolean> {
    const result = await trx
      .updateTable('lottery_weekly_draws')
      .set({ status: 'DRAWN', beacon: JSON.stringify(r.beacon), seed: Buffer.from(r.seed), winners: JSON.stringify(r.winners), result_log_index: r.resultLogIndex, drawn_at: r.at })
      .where('draw_id', '=', drawId)
      .where('status', '=', 'CLOSED')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async lockClosedDraw(trx: Transaction<Database>, drawId: string): Promise<boolean> {
    const row = await trx.selectFrom('lottery_weekly_draws').select('draw_id').where('draw_id', '=', drawId).where('status', '=', 'CLOSED').forUpdate().executeTakeFirst();
    return Boolean(row);
  }

  async localBeacons(db: Db): Promise<LocalBeaconRow[]> {
    return db.selectFrom('lottery_local_beacons').selectAll().orderBy('genesis_time', 'desc').execute();
  }

  async insertLocalBeacon(trx: Transaction<Database>, b: { beaconId: string; anchor: Uint8Array; secret: Uint8Array; genesisTime: number; period: number; length: number; logIndex: number }): Promise<void> {
    await trx
      .insertInto('lottery_local_beacons')
      .values({ beacon_id: b.beaconId, anchor: Buffer.from(b.anchor), secret: Buffer.from(b.secret), genesis_time: b.genesisTime, period: b.period, length: b.length, log_index: b.logIndex })
      .execute();
  }
}
