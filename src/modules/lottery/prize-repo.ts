import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import type { PrizeRow } from './repo.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * A prize taken by one payout run: its id and the attempt number the claim gave it. Every outcome is written
 * only while the prize is still PENDING at that attempt, so a run whose lease lapsed (and was taken over) can
 * never overwrite the run that took over.
 */
export interface ClaimedPrize {
  readonly prize_id: string;
  readonly attempts: number;
}

/** SQL for paying prizes (the lottery's other SQL is in repo.ts). */
export class PrizeRepo {
  /**
   * Takes the next payable prize: PENDING and due, skipping rows another run holds; counts the attempt and
   * leases the prize until `leaseUntil`, so no other run takes it meanwhile. Commits on its own.
   */
  async claimNext(db: Kysely<Database>, now: Date, leaseUntil: Date): Promise<PrizeRow | undefined> {
    return db
      .updateTable('lottery_prizes')
      .set({ attempts: sql<number>`attempts + 1`, next_attempt_at: leaseUntil })
      .where('prize_id', '=', (eb) =>
        eb
          .selectFrom('lottery_prizes')
          .select('prize_id')
          .where('status', '=', 'PENDING')
          .where('next_attempt_at', '<=', now)
          .orderBy('next_attempt_at')
          .orderBy('prize_id')
          .limit(1)
          .forUpdate()
          .skipLocked(),
      )
      .where('status', '=', 'PENDING')
      .returningAll()
      .executeTakeFirst();
  }

  /** Locks a claimed prize for its outcome; false when the claim is no longer ours. */
  async lockClaimed(trx: Transaction<Database>, claim: ClaimedPrize): Promise<boolean> {
    const row = await trx
      .selectFrom('lottery_prizes')
      .select('prize_id')
      .where('prize_id', '=', claim.prize_id)
      .where('status', '=', 'PENDING')
      .where('attempts', '=', claim.attempts)
      .forUpdate()
      .executeTakeFirst();
    return row !== undefined;
  }

  async markPaid(trx: Transaction<Database>, claim: ClaimedPrize, reference: string, at: Date): Promise<boolean> {
    return this.settle(trx, claim, { status: 'PAID', payout_reference: reference, settled_at: at, last_error: null });
  }

  async markIssued(trx: Transaction<Database>, claim: ClaimedPrize, couponCode: string, at: Date): Promise<boolean> {
    return this.settle(trx, claim, { status: 'ISSUED', coupon_code: couponCode, settled_at: at, last_error: null });
  }

  async markFailed(trx: Transaction<Database>, claim: ClaimedPrize, reason: string): Promise<boolean> {
    return this.settle(trx, claim, { status: 'FAILED', last_error: reason });
  }

  /** Leaves the prize PENDING, to be taken again at `nextAttemptAt`, noting why. */
  async scheduleRetry(db: Db, claim: ClaimedPrize, nextAttemptAt: Date, reason: string): Promise<boolean> {
    return this.settle(db, claim, { next_attempt_at: nextAttemptAt, last_error: reason });
  }

  async find(db: Db, prizeId: string): Promise<PrizeRow | undefined> {
    return db.selectFrom('lottery_prizes').selectAll().where('prize_id', '=', prizeId).executeTakeFirst();
  }

  /** Which of the campaign's instant prizes a draw won (its name is in the rules, by index). */
  async instantPrizeIndex(db: Db, drawId: string): Promise<number | null> {
    const row = await db.selectFrom('lottery_instant_draws').select('prize_index').where('draw_id', '=', drawId).executeTakeFirst();
    return row?.prize_index ?? null;
  }

  /**
   * Runs `work` inside a savepoint: when it throws, what it wrote is undone and the transaction stays usable for
   * recording the refusal (a coupon refused for stock leaves no half-issued coupon behind).
   */
  async inSavepoint<T>(trx: Transaction<Database>, work: () => Promise<T>): Promise<T> {
    await sql`SAVEPOINT prize_work`.execute(trx);
    try {
      const value = await work();
      await sql`RELEASE SAVEPOINT prize_work`.execute(trx);
      return value;
    } catch (error) {
      await sql`ROLLBACK TO SAVEPOINT prize_work`.execute(trx);
      throw error;
    }
  }

  private async settle(
    db: Db,
    claim: ClaimedPrize,
    changes: { status?: 'PAID' | 'ISSUED' | 'FAILED'; payout_reference?: string; coupon_code?: string; settled_at?: Date; last_error?: string | null; next_attempt_at?: Date },
  ): Promise<boolean> {
    const result = await db
      .updateTable('lottery_prizes')
      .set(changes)
      .where('prize_id', '=', claim.prize_id)
      .where('status', '=', 'PENDING')
      .where('attempts', '=', claim.attempts)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Per source, unpaid (PENDING) prizes past their deadline (`due_at`: 24 h instant, 3 working days weekly) and the oldest deadline missed. */
  async pastDue(db: Db, now: Date): Promise<{ source: 'INSTANT' | 'WEEKLY'; count: number; oldestDueAt: Date | null }[]> {
    const rows = await db
      .selectFrom('lottery_prizes')
      .select(['source', sql<number>`count(*)::int`.as('count'), sql<Date | null>`min(due_at)`.as('oldest')])
      .where('status', '=', 'PENDING')
      .where('due_at', '<', now)
      .groupBy('source')
      .execute();
    return rows.map((r) => ({ source: r.source, count: r.count, oldestDueAt: r.oldest }));
  }
}
