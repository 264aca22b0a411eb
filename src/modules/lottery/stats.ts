import { sql, type Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { toMinuteCount, type MinuteCount } from '../coupons/stats.js';

/** Read-only aggregates of the lottery for the operator dashboard. */
export class LotteryStats {
  constructor(private readonly db: Kysely<Database>) {}

  /** Instant draws made per minute since `since`. */
  async instantDrawsPerMinute(since: Date): Promise<MinuteCount[]> {
    const { rows } = await sql<{ minute: Date; n: string | number }>`
      SELECT date_trunc('minute', created_at) AS minute, count(*) AS n
      FROM lottery_instant_draws WHERE created_at >= ${since} GROUP BY 1 ORDER BY 1
    `.execute(this.db);
    return rows.map(toMinuteCount);
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
