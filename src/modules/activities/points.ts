import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import './schema.js';

const userAccount = (userId: string) => `user:${userId}`;
const issuedBy = (activityId: string) => `issued:activity:${activityId}`;

/**
 * The points ledger, double-entry: a grant is a journal moving points from the activity's issuance account (it
 * goes negative by what it has issued) to the user's account. A deferred trigger checks each journal sums to
 * zero at commit; entries are append-only; a user's balance may never go below zero.
 */
export class PointsLedger {
  constructor(private readonly db: Kysely<Database>) {}

  /** Issues `points` from an activity to a user under `journalId` (unique: the same journal twice is refused). */
  async issue(trx: Transaction<Database>, journalId: string, activityId: string, userId: string, points: number): Promise<void> {
    const entries = [
      { account: issuedBy(activityId), amount: -points },
      { account: userAccount(userId), amount: points },
    ];
    await trx.insertInto('points_entries').values(entries.map((e) => ({ journal_id: journalId, account: e.account, amount: e.amount }))).execute();
    await sql`
      INSERT INTO points_balances (account, balance)
      SELECT * FROM unnest(${entries.map((e) => e.account)}::text[], ${entries.map((e) => e.amount)}::bigint[])
      ON CONFLICT (account) DO UPDATE SET balance = points_balances.balance + EXCLUDED.balance
    `.execute(trx);
  }

  async balanceOf(userId: string): Promise<number> {
    const row = await this.db.selectFrom('points_balances').select('balance').where('account', '=', userAccount(userId)).executeTakeFirst();
    return Number(row?.balance ?? 0);
  }

  async entriesOf(userId: string, limit = 50) {
    const rows = await this.db.selectFrom('points_entries').select(['journal_id', 'amount', 'created_at']).where('account', '=', userAccount(userId)).orderBy('created_at', 'desc').limit(limit).execute();
    return rows.map((r) => ({ journal_id: r.journal_id, points: Number(r.amount), at: r.created_at.toISOString() }));
  }
}
