import { sql, type Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { formatMoney } from '../../platform/money/money.js';

/** Money moved through the ledger in one minute: transfers and the sum of their debit legs. */
export interface MinuteMoney {
  readonly minute: string;
  readonly transfers: number;
  readonly amount: string;
}

/** Read-only aggregates of settlement for the operator dashboard. */
export class SettlementStats {
  constructor(private readonly db: Kysely<Database>) {}

  /** Ledger transfers per minute since `since`, with the amount they moved (debits; every transfer balances). */
  async transfersPerMinute(since: Date): Promise<MinuteMoney[]> {
    const { rows } = await sql<{ minute: Date; transfers: string | number; fen: string | number | null }>`
      SELECT date_trunc('minute', t.created_at) AS minute, count(DISTINCT t.transfer_id) AS transfers, sum(e.amount_fen) AS fen
      FROM ledger_transfers t JOIN ledger_entries e ON e.transfer_id = t.transfer_id AND e.side = 'D'
      WHERE t.created_at >= ${since} GROUP BY 1 ORDER BY 1
    `.execute(this.db);
    return rows.map((r) => ({ minute: new Date(r.minute).toISOString(), transfers: Number(r.transfers), amount: formatMoney(BigInt(r.fen ?? 0)) }));
  }

  /** Statements by status (PENDING, PAID, FAILED …) with their payout totals. */
  async statementTotals(): Promise<{ status: string; count: number; payout: string }[]> {
    const { rows } = await sql<{ status: string; n: string | number; fen: string | number | null }>`
      SELECT status, count(*) AS n, sum(payout_fen) AS fen FROM settlement_statements GROUP BY status ORDER BY status
    `.execute(this.db);
    return rows.map((r) => ({ status: r.status, count: Number(r.n), payout: formatMoney(BigInt(r.fen ?? 0)) }));
  }
}
