import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { IdGenerator } from '../../platform/ids/snowflake.js';
import type { Logger } from '../../platform/log/logger.js';
import { formatMoney } from '../../platform/money/money.js';
import type { Outbox } from '../../platform/outbox/outbox.js';
import { startOfBusinessDay } from '../../platform/time/clock.js';
import { PayoutUnavailableError, type PayoutPort, type PayoutResult } from '../payouts/port.js';
import { BANK, channelPayable, merchantPayable, PLATFORM_REVENUE } from './domain/accounts.js';
import { reserve, type TransferSpec } from './domain/transfers.js';
import type { Ledger } from './ledger.js';
import type { StatementStatus } from './schema.js';
import { partyKey, type PartyKind, type SettlementSettings } from './settings.js';

export interface RunSummary {
  readonly date: string;
  /** Statements this run made (a re-run of the same date makes none). */
  readonly statements: number;
  /** Parties left for later because of a risk hold. */
  readonly held: number;
  readonly paid: number;
  readonly payoutsPending: number;
  readonly payoutsFailed: number;
}

interface DueStatement {
  readonly statementId: string;
  readonly partyKind: string;
  readonly partyId: string;
  readonly payoutFen: bigint;
  readonly transferId: string;
}

export const payoutIdOf = (statementId: string) => `settlement-${statementId}`;

export function partyAccount(kind: string, id: string): string {
  if (kind === 'platform') return PLATFORM_REVENUE;
  return kind === 'merchant' ? merchantPayable(id) : channelPayable(id);
}

/**
 * The settlement run for a date (daily on the scheduler, or `quanyi settle --date`). For each party with lines
 * due by that date and no risk hold, in one transaction:
 *
 * Parties whose last payout was refused or had no payee are included too, so what they are owed is paid in the
 * next run even when nothing new is due (their statement then has no lines).
 *
 * 1. the statement for (party, date) is inserted first — it is unique, so a re-run, or a second scheduler racing
 *    this one, finds it and does nothing (the loser waits on the unique index until the winner commits);
 * 2. the due lines are taken, and the reservations of their legs are posted: the money becomes available;
 * 3. the party's available balance is what it is owed, net of any deficit carried from refunds after payout;
 *    if positive and the party is paid out (merchants and channels; the platform keeps its revenue) and has a
 *    payee, that amount is reserved from its account to the bank.
 *
 * The statement, and later the bank's answer, are announced on the outbox (`settlement.statement_created`,
 * `settlement.payout_paid`, `settlement.payout_failed`) in the transactions that record them.
 *
 * Then each reserved payout is sent through the Payout port with the statement's payout id (the bank answers a
 * repeat with its first outcome), and the reservation is posted when paid or voided when refused. A bank that
 * does not answer leaves the payout pending; `payPending` retries it.
 */
export class SettlementRun {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly ledger: Ledger,
    private readonly settings: SettlementSettings,
    private readonly bank: () => PayoutPort,
    private readonly ids: IdGenerator,
    private readonly outbox: Outbox,
    private readonly logger: Logger,
  ) {}

  async settle(date: string): Promise<RunSummary> {
    try {
      startOfBusinessDay(date);
    } catch {
      throw new AppError('SETTLEMENT_DATE_INVALID', { date });
    }
    const due = await sql<{ party_kind: PartyKind; party_id: string }>`
      SELECT DISTINCT party_kind, party_id FROM settlement_items WHERE status = 'pending' AND available_on <= ${date}::date
      UNION
      SELECT party_kind, party_id FROM (
        SELECT DISTINCT ON (party_kind, party_id) party_kind, party_id, status FROM settlement_statements
        WHERE party_kind <> 'platform' AND cycle_date < ${date}::date ORDER BY party_kind, party_id, cycle_date DESC
      ) latest WHERE status IN ('PAYOUT_FAILED', 'AWAITING_PAYEE')
      ORDER BY party_kind, party_id
    `.execute(this.db);
    const held = await this.settings.heldParties(this.db);
    let statements = 0;
    let heldCount = 0;
    const toPay: DueStatement[] = [];
    for (const party of due.rows) {
      if (held.has(partyKey(party.party_kind, party.party_id))) {
        heldCount += 1;
        continue;
      }
      const payee = party.party_kind === 'platform' ? undefined : await this.settings.payeeOf(this.db, party.party_kind, party.party_id);
      const made = await this.settleParty(party.party_kind, party.party_id, date, payee !== undefined);
      if (!made) continue;
      statements += 1;
      if (made.payout) toPay.push(made.payout);
    }
    const paid = await this.pay(toPay);
    return { date, statements, held: heldCount, ...paid };
  }

  /** Sends payouts the bank has not answered yet (a scheduled job; also the tail of every run). */
  async payPending(limit = 100) {
    const rows = await this.db
      .selectFrom('settlement_statements')
      .select(['statement_id', 'party_kind', 'party_id', 'payout_fen', 'payout_transfer_id'])
      .where('status', '=', 'PAYOUT_PENDING')
      .orderBy('statement_id')
      .limit(limit)
      .execute();
    return this.pay(rows.map((r) => ({ statementId: String(r.statement_id), partyKind: r.party_kind, partyId: r.party_id, payoutFen: BigInt(r.payout_fen), transferId: r.payout_transfer_id! })));
  }

  private async settleParty(partyKind: PartyKind, partyId: string, date: string, hasPayee: boolean): Promise<{ payout?: DueStatement } | undefined> {
    const statementId = this.ids.next();
    const account = partyAccount(partyKind, partyId);
    try {
      return await this.db.transaction().execute(async (trx) => {
        const created = await trx
          .insertInto('settlement_statements')
          .values({ statement_id: statementId, party_kind: partyKind, party_id: partyId, cycle_date: date, opening_fen: '0', total_fen: '0', closing_fen: '0', payout_fen: '0', line_count: 0, status: 'NO_PAYOUT' })
          .onConflict((oc) => oc.columns(['party_kind', 'party_id', 'cycle_date']).doNothing())
          .returning('statement_id')
          .executeTakeFirst();
        if (!created) return undefined;

        const items = await sql<{ item_id: string; amount_fen: string }>`
          UPDATE settlement_items SET status = 'settled', statement_id = ${statementId}
          WHERE party_kind = ${partyKind} AND party_id = ${partyId} AND status = 'pending' AND available_on <= ${date}::date
          RETURNING item_id, amount_fen
        `.execute(trx);
        const legs = await sql<{ pending_transfer_id: string; redemption_id: string }>`
          UPDATE settlement_legs SET status = 'settled', statement_id = ${statementId}
          WHERE party_kind = ${partyKind} AND party_id = ${partyId} AND status = 'pending' AND available_on <= ${date}::date
          RETURNING pending_transfer_id, redemption_id
        `.execute(trx);
        const posts: TransferSpec[] = legs.rows.map((l) => ({ id: `settle:${l.pending_transfer_id}`, code: 'SETTLE', kind: 'post', pendingId: l.pending_transfer_id, ref: String(l.redemption_id) }));
        await this.ledger.write(trx, posts);

        const total = items.rows.reduce((sum, i) => sum + BigInt(i.amount_fen), 0n);
        const closing = (await this.ledger.balances(trx, [account])).get(account)?.available ?? 0n;
        if (items.rows.length === 0 && closing <= 0n) throw new NothingToSettle(); // a retry with nothing owed
        const opening = closing - total;
        let status: StatementStatus;
        let payoutFen = 0n;
        let transferId: string | null = null;
        if (partyKind === 'platform') status = 'RETAINED';
        else if (closing <= 0n) status = 'NO_PAYOUT';
        else if (!hasPayee) status = 'AWAITING_PAYEE';
        else if (!(await this.bankCanPay(trx, closing))) status = 'PAYOUT_FAILED';
        else {
          status = 'PAYOUT_PENDING';
          payoutFen = closing;
          transferId = `payout:${statementId}`;
          await this.ledger.write(trx, [reserve(transferId, 'PAYOUT', account, BANK, closing, { ref: statementId, memo: `statement ${statementId}` })]);
        }
        await trx
          .updateTable('settlement_statements')
          .set({
            opening_fen: opening.toString(),
            total_fen: total.toString(),
            closing_fen: closing.toString(),
            payout_fen: payoutFen.toString(),
            line_count: items.rows.length,
            status,
            payout_transfer_id: transferId,
            payout_error: status === 'PAYOUT_FAILED' ? 'BANK_FUNDS_INSUFFICIENT' : null,
          })
          .where('statement_id', '=', statementId)
          .execute();
        await this.outbox.publish(trx, {
          topic: 'settlement.statement_created',
          aggregateId: statementId,
          payload: { statement_id: statementId, party_kind: partyKind, party_id: partyId, cycle_date: date, total: formatMoney(total), closing_balance: formatMoney(closing), payout: formatMoney(payoutFen), status },
        });
        return { payout: transferId ? { statementId, partyKind, partyId, payoutFen, transferId } : undefined };
      });
    } catch (error) {
      if (error instanceof NothingToSettle) return undefined;
      throw error;
    }
  }

  /** Whether the bank account holds `amountFen` beyond what earlier payouts reserved (read under its row lock). */
  private async bankCanPay(trx: Transaction<Database>, amountFen: bigint): Promise<boolean> {
    const row = await sql<{ available: string }>`
      SELECT debits_posted - credits_posted - credits_pending AS available FROM ledger_accounts WHERE code = ${BANK} FOR UPDATE
    `.execute(trx);
    return BigInt(row.rows[0]?.available ?? '0') >= amountFen;
  }

  private async pay(statements: readonly DueStatement[]) {
    const result = { paid: 0, payoutsPending: 0, payoutsFailed: 0 };
    for (const statement of statements) {
      const outcome = await this.payOne(statement);
      if (outcome === 'PAID') result.paid += 1;
      else if (outcome === 'PAYOUT_FAILED') result.payoutsFailed += 1;
      else result.payoutsPending += 1;
    }
    return result;
  }

  private async payOne(statement: DueStatement): Promise<StatementStatus> {
    const payee = await this.settings.payeeOf(this.db, statement.partyKind, statement.partyId);
    let answer: PayoutResult;
    try {
      if (!payee) throw new PayoutUnavailableError('the payee was removed');
      answer = await this.bank().pay({
        payout_id: payoutIdOf(statement.statementId),
        amount_fen: Number(statement.payoutFen),
        payee: { name: payee.name, bank_card: payee.bankCard },
        memo: `权益结算 ${statement.statementId}`,
      });
    } catch (error) {
      if (!(error instanceof PayoutUnavailableError)) throw error;
      this.logger.warn({ statement_id: statement.statementId, reason: error.message }, 'the bank did not answer a settlement payout; it will be retried');
      await this.db.updateTable('settlement_statements').set({ payout_attempts: sql<number>`payout_attempts + 1` }).where('statement_id', '=', statement.statementId).execute();
      return 'PAYOUT_PENDING';
    }
    return this.db.transaction().execute(async (trx) => {
      const still = await trx
        .selectFrom('settlement_statements')
        .select('status')
        .where('statement_id', '=', statement.statementId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (still.status !== 'PAYOUT_PENDING') return still.status; // another run recorded the bank's answer first
      const paid = answer.status === 'PAID';
      await this.ledger.write(trx, [
        paid
          ? { id: `${statement.transferId}:paid`, code: 'PAYOUT', kind: 'post', pendingId: statement.transferId, ref: statement.statementId }
          : { id: `${statement.transferId}:refused`, code: 'PAYOUT', kind: 'void', pendingId: statement.transferId, ref: statement.statementId },
      ]);
      await trx
        .updateTable('settlement_statements')
        .set(
          answer.status === 'PAID'
            ? { status: 'PAID', payout_reference: answer.reference, paid_at: sql<Date>`now()`, payout_attempts: sql<number>`payout_attempts + 1` }
            : { status: 'PAYOUT_FAILED', payout_error: answer.reason, payout_attempts: sql<number>`payout_attempts + 1` },
        )
        .where('statement_id', '=', statement.statementId)
        .execute();
      await this.outbox.publish(trx, {
        topic: paid ? 'settlement.payout_paid' : 'settlement.payout_failed',
        aggregateId: statement.statementId,
        payload: {
          statement_id: statement.statementId,
          party_kind: statement.partyKind,
          party_id: statement.partyId,
          amount: formatMoney(statement.payoutFen),
          ...(answer.status === 'PAID' ? { reference: answer.reference } : { reason: answer.reason }),
        },
      });
      if (!paid) this.logger.warn({ statement_id: statement.statementId, amount: formatMoney(statement.payoutFen), reason: answer.status === 'FAILED' ? answer.reason : '' }, 'settlement payout refused');
      return paid ? 'PAID' : 'PAYOUT_FAILED';
    });
  }
}

/** Rolls back a statement begun for a payout retry when the party turns out to be owed nothing. */
class NothingToSettle extends Error {}
