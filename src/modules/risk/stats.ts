import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { rowsPerMinute, type MinuteCount } from '../../platform/db/per-minute.js';

/** Read-only aggregates of risk control for the operator dashboard. */
export class RiskStats {
  constructor(private readonly db: Kysely<Database>) {}

  /** Recorded risk decisions per minute since `since`. */
  async decisionsPerMinute(since: Date): Promise<MinuteCount[]> {
    return rowsPerMinute(this.db, 'risk_decisions', since);
  }

  /** Decisions since `since` by outcome (ALLOW, REVIEW, BLOCK …), and the review cases still open. */
  async summary(since: Date): Promise<{ by_decision: Record<string, number>; open_cases: number }> {
    const byDecision = await this.db
      .selectFrom('risk_decisions')
      .select((eb) => ['decision', eb.fn.countAll<string>().as('n')])
      .where('created_at', '>=', since)
      .groupBy('decision')
      .execute();
    const open = await this.db.selectFrom('risk_cases').select((eb) => eb.fn.countAll<string>().as('n')).where('status', '=', 'OPEN').executeTakeFirstOrThrow();
    return { by_decision: Object.fromEntries(byDecision.map((r) => [r.decision, Number(r.n)])), open_cases: Number(open.n) };
  }
}
