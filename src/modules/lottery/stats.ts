import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { rowsPerMinute, type MinuteCount } from '../../platform/db/per-minute.js';

/** Read-only aggregates of the lottery for the operator dashboard. */
export class LotteryStats {
  constructor(private readonly db: Kysely<Database>) {}

  /** Instant draws made per minute since `since`. */
  async instantDrawsPerMinute(since: Date): Promise<MinuteCount[]> {
    return rowsPerMinute(this.db, 'lottery_instant_draws', since);
  }

  /** Instant draws overall and how many of them won a prize. */
  async instantTotals(): Promise<{ draws: number; wins: number }> {
    const row = await this.db
      .selectFrom('lottery_instant_draws')
      .select((eb) => [eb.fn.countAll<string>().as('draws'), eb.fn.count<string>('prize_index').as('wins')])
      .executeTakeFirstOrThrow();
    return { draws: Number(row.draws), wins: Number(row.wins) };
  }
}
