import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { AppError } from '../../platform/errors/app-error.js';
import { formatMoney } from '../../platform/money/money.js';
import type { Ledger } from './ledger.js';
import type { SettlementTables } from './schema.js';

export interface StatementFilter {
  readonly partyKind?: string;
  readonly partyIds?: readonly string[];
  readonly cycleDate?: string;
  readonly status?: string;
  /** Statements older than this id (cursor pagination, newest first). */
  readonly before?: string;
  readonly limit: number;
}

export interface RedemptionSource {
  /** Redemptions after `afterId` in id order (the coupons module's record of what was redeemed). */
  redemptionPage(afterId: string, limit: number): Promise<{ redemptionId: string; amountFen: bigint; refundedFen: bigint }[]>;
}

const RECONCILE_PAGE = 5_000;

/** What operators, auditors and merchants read: the trial balance, statements and their lines, reconciliation. */
export class SettlementReports {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly ledger: Ledger,
  ) {}

  /** Σ debits and Σ credits over every account, posted and pending; the difference is zero by construction. */
  async trialBalance() {
    const accounts = await this.ledger.allAccounts(this.db);
    const byKind = new Map<string, { accounts: number; debits: bigint; credits: bigint; pendingDebits: bigint; pendingCredits: bigint; balance: bigint }>();
    let debits = 0n;
    let credits = 0n;
    let pendingDebits = 0n;
    let pendingCredits = 0n;
    for (const a of accounts) {
      debits += a.debitsPosted;
      credits += a.creditsPosted;
      pendingDebits += a.debitsPending;
      pendingCredits += a.creditsPending;
      const kind = byKind.get(a.kind) ?? byKind.set(a.kind, { accounts: 0, debits: 0n, credits: 0n, pendingDebits: 0n, pendingCredits: 0n, balance: 0n }).get(a.kind)!;
      kind.accounts += 1;
      kind.debits += a.debitsPosted;
      kind.credits += a.creditsPosted;
      kind.pendingDebits += a.debitsPending;
      kind.pendingCredits += a.creditsPending;
      kind.balance += a.posted;
    }
    return {
      debits: formatMoney(debits),
      credits: formatMoney(credits),
      difference: formatMoney(debits - credits),
      pending: { debits: formatMoney(pendingDebits), credits: formatMoney(pendingCredits), difference: formatMoney(pendingDebits - pendingCredits) },
      by_kind: [...byKind].map(([kind, k]) => ({
        kind,
        accounts: k.accounts,
        debits: formatMoney(k.debits),
        credits: formatMoney(k.credits),
        pending_debits: formatMoney(k.pendingDebits),
        pending_credits: formatMoney(k.pendingCredits),
        balance: formatMoney(k.balance),
      })),
    };
  }

  async accounts() {
    return (await this.ledger.allAccounts(this.db)).map((a) => ({
      code: a.code,
      kind: a.kind,
      normal_side: a.normalSide,
      may_go_negative: a.mayGoNegative,
      balance: formatMoney(a.posted),
      available: formatMoney(a.available),
      debits_posted: formatMoney(a.debitsPosted),
      credits_posted: formatMoney(a.creditsPosted),
      debits_pending: formatMoney(a.debitsPending),
      credits_pending: formatMoney(a.creditsPending),
    }));
  }

  async statements(filter: StatementFilter) {
    let query = this.db.selectFrom('settlement_statements').selectAll().orderBy('statement_id', 'desc').limit(filter.limit + 1);
    if (filter.partyKind) query = query.where('party_kind', '=', filter.partyKind);
    if (filter.partyIds) query = query.where('party_id', 'in', filter.partyIds.length ? [...filter.partyIds] : ['']);
    if (filter.cycleDate) query = query.where('cycle_date', '=', filter.cycleDate);
    if (filter.status) query = query.where('status', '=', filter.status as never);
    if (filter.before) query = query.where('statement_id', '<', filter.before);
    const rows = await query.execute();
    const page = rows.slice(0, filter.limit);
    return { statements: page.map(presentStatement), next_cursor: rows.length > filter.limit ? String(page[page.length - 1]!.statement_id) : null };
  }

  /** A statement and its lines; `partyIds` limits it to those parties (merchant staff see their own only). */
  async statement(statementId: string, partyIds?: readonly string[]) {
    if (!/^\d{1,20}$/.test(statementId)) throw new AppError('STATEMENT_NOT_FOUND');
    const row = await this.db.selectFrom('settlement_statements').selectAll().where('statement_id', '=', statementId).executeTakeFirst();
    if (!row || (partyIds && (row.party_kind !== 'merchant' || !partyIds.includes(row.party_id)))) throw new AppError('STATEMENT_NOT_FOUND');
    const lines = await sql<{ item_id: string; kind: string; redemption_id: string; transaction_id: string; refund_id: string | null; amount_fen: string; available_on: string }>`
      SELECT item_id, kind, redemption_id, transaction_id, refund_id, amount_fen, available_on::text AS available_on
      FROM settlement_items WHERE statement_id = ${statementId} ORDER BY available_on, item_id
    `.execute(this.db);
    return {
      ...presentStatement(row),
      lines: lines.rows.map((l) => ({
        line_id: String(l.item_id),
        kind: l.kind,
        redemption_id: String(l.redemption_id),
        transaction_id: l.transaction_id,
        refund_id: l.refund_id,
        amount: formatMoney(BigInt(l.amount_fen)),
        available_on: l.available_on,
      })),
    };
  }

  /**
   * Checks that everything adds up: every redemption the coupons module recorded has its split for the same
   * amount (and refunds match), every statement equals the sum of its lines, every account's totals equal the sum
   * of its entries, and the trial balance is zero. Returns the problems found (none: `ok`).
   */
  async reconcile(redemptions: RedemptionSource) {
    const problems: { check: string; subject: string; detail: string }[] = [];
    let checked = 0;
    for (let after = '0'; ; ) {
      const page = await redemptions.redemptionPage(after, RECONCILE_PAGE);
      if (page.length === 0) break;
      after = page[page.length - 1]!.redemptionId;
      checked += page.length;
      const splits = await this.db
        .selectFrom('settlement_splits')
        .select(['redemption_id', 'amount_fen', 'refunded_fen'])
        .where('redemption_id', 'in', page.map((r) => r.redemptionId))
        .execute();
      const byId = new Map(splits.map((s) => [String(s.redemption_id), s]));
      for (const r of page) {
        const s = byId.get(r.redemptionId);
        if (!s) problems.push({ check: 'split_missing', subject: r.redemptionId, detail: `redemption of ${formatMoney(r.amountFen)} has no split` });
        else if (BigInt(s.amount_fen) !== r.amountFen) problems.push({ check: 'split_amount', subject: r.redemptionId, detail: `split ${formatMoney(BigInt(s.amount_fen))}, redeemed ${formatMoney(r.amountFen)}` });
        else if (BigInt(s.refunded_fen) !== r.refundedFen) problems.push({ check: 'refund_amount', subject: r.redemptionId, detail: `split refunded ${formatMoney(BigInt(s.refunded_fen))}, coupons ${formatMoney(r.refundedFen)}` });
      }
    }
    const statements = await sql<{ statement_id: string; total_fen: string; line_count: number; sum: string | null; lines: string }>`
      SELECT s.statement_id, s.total_fen, s.line_count, sum(i.amount_fen) AS sum, count(i.item_id) AS lines
      FROM settlement_statements s LEFT JOIN settlement_items i ON i.statement_id = s.statement_id
      GROUP BY s.statement_id
      HAVING s.total_fen <> coalesce(sum(i.amount_fen), 0) OR s.line_count <> count(i.item_id)
    `.execute(this.db);
    for (const s of statements.rows) {
      problems.push({ check: 'statement_lines', subject: String(s.statement_id), detail: `total ${formatMoney(BigInt(s.total_fen))} over ${s.line_count} lines, lines sum to ${formatMoney(BigInt(s.sum ?? 0))} over ${s.lines}` });
    }
    for (const m of await this.ledger.totalsMismatches(this.db)) {
      problems.push({ check: 'account_totals', subject: m.code, detail: `stored ${JSON.stringify(m.stored)}, entries give ${JSON.stringify(m.derived)}` });
    }
    const trial = await this.trialBalance();
    if (trial.difference !== '0.00' || trial.pending.difference !== '0.00') problems.push({ check: 'trial_balance', subject: 'ledger', detail: `difference ${trial.difference}, pending ${trial.pending.difference}` });
    return { ok: problems.length === 0, redemptions_checked: checked, problems };
  }
}

function presentStatement(row: Selectable<SettlementTables['settlement_statements']>) {
  return {
    statement_id: String(row.statement_id),
    party_kind: row.party_kind,
    party_id: row.party_id,
    cycle_date: cycleDateText(row.cycle_date),
    opening_balance: formatMoney(BigInt(row.opening_fen)),
    total: formatMoney(BigInt(row.total_fen)),
    closing_balance: formatMoney(BigInt(row.closing_fen)),
    payout: formatMoney(BigInt(row.payout_fen)),
    line_count: row.line_count,
    status: row.status,
    payout_reference: row.payout_reference,
    payout_error: row.payout_error,
    created_at: row.created_at.toISOString(),
    paid_at: row.paid_at?.toISOString() ?? null,
  };
}

/** A `date` column as YYYY-MM-DD: node-postgres gives a local-midnight Date, PGlite may give either. */
function cycleDateText(value: unknown): string {
  if (typeof value === 'string') return value.slice(0, 10);
  const d = value as Date;
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** A statement as CSV: a header row, then one row per line (amounts in yuan, as in the API). */
export function statementCsv(statement: Awaited<ReturnType<SettlementReports['statement']>>): string {
  const header = ['statement_id', 'party_kind', 'party_id', 'cycle_date', 'line_id', 'kind', 'redemption_id', 'transaction_id', 'refund_id', 'amount', 'available_on'];
  const rows = statement.lines.map((l) => [statement.statement_id, statement.party_kind, statement.party_id, statement.cycle_date, l.line_id, l.kind, l.redemption_id, l.transaction_id, l.refund_id ?? '', l.amount, l.available_on]);
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
