import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../platform/db/schema.js';
import { addCalendarDays, businessDate, startOfBusinessDay, type Clock } from '../../../platform/time/clock.js';
import '../schema.js';

/** How many times a day (Asia/Shanghai) one user, and one ID number across all users, may reach the verifier. */
export interface RealNameAttemptLimits {
  readonly perUserPerDay: number;
  readonly perIdNumberPerDay: number;
}

export type AttemptTaken = { readonly ok: true; readonly day: string } | { readonly ok: false; readonly retryAfterSeconds: number };

/**
 * Daily allowances of real-name attempts. An attempt is taken before the paid verifier is called, from both the
 * user's and the ID number's allowance at once: a guarded upsert per counter, in one transaction, so concurrent
 * attempts can never exceed either cap and a refused attempt takes nothing from the other.
 */
export class RealNameAttempts {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly limits: RealNameAttemptLimits,
    private readonly clock: Clock,
  ) {}

  async take(userId: string, idNumberHash: string): Promise<AttemptTaken> {
    const now = this.clock.now();
    const day = businessDate(now);
    const taken = await this.db
      .transaction()
      .execute(async (trx) => {
        if (!(await countOne(trx, 'user', userId, day, this.limits.perUserPerDay))) throw CAP_REACHED;
        if (!(await countOne(trx, 'id_number', idNumberHash, day, this.limits.perIdNumberPerDay))) throw CAP_REACHED;
        return true;
      })
      .catch((error: unknown) => {
        if (error === CAP_REACHED) return false;
        throw error;
      });
    if (taken) return { ok: true, day };
    const nextDay = startOfBusinessDay(addCalendarDays(day, 1));
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((nextDay.getTime() - now.getTime()) / 1000)) };
  }

  /** Gives an attempt back when the verifier gave no answer about the person (busy, down): not the user's doing. */
  async giveBack(userId: string, idNumberHash: string, day: string): Promise<void> {
    await this.db
      .updateTable('real_name_attempts')
      .set({ attempts: sql<number>`attempts - 1` })
      .where('day', '=', day)
      .where('attempts', '>', 0)
      .where((eb) => eb.or([eb.and([eb('scope', '=', 'user'), eb('subject', '=', userId)]), eb.and([eb('scope', '=', 'id_number'), eb('subject', '=', idNumberHash)])]))
      .execute();
  }

  /** Drops the counters of days before yesterday (they decide nothing any more). */
  async purgeOld(): Promise<number> {
    const cutoff = addCalendarDays(businessDate(this.clock.now()), -1);
    const result = await this.db.deleteFrom('real_name_attempts').where('day', '<', cutoff).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

const CAP_REACHED = Symbol('cap reached');

async function countOne(db: Kysely<Database>, scope: 'user' | 'id_number', subject: string, day: string, cap: number): Promise<boolean> {
  const row = await db
    .insertInto('real_name_attempts')
    .values({ scope, subject, day, attempts: 1 })
    .onConflict((oc) =>
      oc
        .columns(['scope', 'subject', 'day'])
        .doUpdateSet({ attempts: sql<number>`real_name_attempts.attempts + 1` })
        .where('real_name_attempts.attempts', '<', cap),
    )
    .returning('attempts')
    .executeTakeFirst();
  return row !== undefined;
}
