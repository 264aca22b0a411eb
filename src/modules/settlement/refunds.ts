import { sql, type Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import type { IdGenerator } from '../../platform/ids/snowflake.js';
import { parseMoney } from '../../platform/money/money.js';
import type { OutboxEvent, Subscriber } from '../../platform/outbox/outbox.js';
import type { Clock } from '../../platform/time/clock.js';
import { businessDate } from '../../platform/time/clock.js';
import { REDEMPTION_CLEARING } from './domain/accounts.js';
import { refundShares, type Party } from './domain/split.js';
import { reserve, type Leg, type TransferSpec } from './domain/transfers.js';
import type { Ledger } from './ledger.js';
import { legTransferId } from './splits.js';

interface RefundedEvent {
  readonly transaction_id: string;
  readonly lines: readonly { readonly redemption_id?: string; readonly amount: string }[];
}

export interface RefundCommand {
  /** Unique per refund of one redemption: a redelivery carries the same id and changes nothing. */
  readonly refundId: string;
  readonly redemptionId: string;
  readonly amountFen: bigint;
}

/** The split is not there yet (its `coupon.consumed` is still on its way): the relay retries later. */
export class SplitNotYetPostedError extends Error {
  override readonly name = 'SplitNotYetPostedError';
}

export const REFUND_SUBSCRIBER = 'settlement.refunds';

/**
 * Refunds take back each party's share pro rata (domain/split.ts `refundShares`, exact over any sequence of
 * partial refunds). Per leg:
 * - not settled yet: its reservation is voided and a smaller one takes its place (same available date), and a
 *   REFUND line is added to the same cycle, so the statement nets it;
 * - already settled: the party's account is debited now (it may go negative; the deficit is netted against the
 *   next payout), and a REFUND line goes to the party's next statement.
 * The money goes back to the funder in the same posted transfer. Everything for one refund commits together,
 * recorded under its refund id first so a redelivery is a no-op.
 */
export class Refunds {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly ledger: Ledger,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  subscriber(): Subscriber<RefundedEvent> {
    return {
      name: REFUND_SUBSCRIBER,
      topics: ['coupon.refunded'],
      handle: async (event: OutboxEvent<RefundedEvent>) => {
        for (const line of event.payload.lines) {
          if (!line.redemption_id) continue;
          const amountFen = parseMoney(line.amount);
          if (amountFen > 0n) await this.apply({ refundId: `${event.id}:${line.redemption_id}`, redemptionId: line.redemption_id, amountFen });
        }
      },
    };
  }

  /** Applies one refund; false if it was applied before. */
  async apply(command: RefundCommand): Promise<boolean> {
    const today = businessDate(this.clock.now());
    return this.db.transaction().execute(async (trx) => {
      const split = (
        await sql<{ funding_account: string; transaction_id: string }>`
          SELECT funding_account, transaction_id
          FROM settlement_splits WHERE redemption_id = ${command.redemptionId} FOR UPDATE
        `.execute(trx)
      ).rows[0];
      if (!split) throw new SplitNotYetPostedError(`redemption ${command.redemptionId} has no split yet`);
      const recorded = await trx
        .insertInto('settlement_refunds')
        .values({ refund_id: command.refundId, redemption_id: command.redemptionId, amount_fen: command.amountFen.toString() })
        .onConflict((oc) => oc.column('refund_id').doNothing())
        .executeTakeFirst();
      if (Number(recorded.numInsertedOrUpdatedRows ?? 0n) === 0) return false;

      const legs = (
        await sql<{ party_kind: Party; party_id: string; account_code: string; amount_fen: string; refunded_fen: string; available_on: string; pending_transfer_id: string | null; revision: number; status: string }>`
          SELECT party_kind, party_id, account_code, amount_fen, refunded_fen, available_on::text AS available_on, pending_transfer_id, revision, status
          FROM settlement_legs WHERE redemption_id = ${command.redemptionId} ORDER BY party_kind FOR UPDATE
        `.execute(trx)
      ).rows;
      // A merchant without a channel has its channel share in the platform's leg, as split() made it; a part of
      // zero has no leg.
      const parts: Record<Party, bigint> = { platform: 0n, merchant: 0n, channel: 0n };
      const given: Record<Party, bigint> = { platform: 0n, merchant: 0n, channel: 0n };
      for (const leg of legs) {
        parts[leg.party_kind] = BigInt(leg.amount_fen);
        given[leg.party_kind] = BigInt(leg.refunded_fen);
      }
      const shares = refundShares(parts, given, command.amountFen);

      const transfers: TransferSpec[] = [];
      const debits: Leg[] = [];
      let fromClearing = 0n;
      for (const leg of legs) {
        const share = shares[leg.party_kind];
        if (share === 0n) continue;
        const refunded = BigInt(leg.refunded_fen) + share;
        const remaining = BigInt(leg.amount_fen) - refunded;
        const settled = leg.status === 'settled';
        if (settled) {
          debits.push({ account: leg.account_code, side: 'D', amountFen: share });
        } else {
          fromClearing += share;
          transfers.push({ id: `void:${leg.pending_transfer_id}`, code: 'SPLIT_LEG_REDUCED', kind: 'void', pendingId: leg.pending_transfer_id!, ref: command.redemptionId });
        }
        const revision = leg.revision + 1;
        const nextPending = !settled && remaining > 0n ? legTransferId(command.redemptionId, leg.party_kind, revision) : null;
        if (nextPending) {
          transfers.push(reserve(nextPending, 'SPLIT_LEG', REDEMPTION_CLEARING, leg.account_code, remaining, { ref: command.redemptionId, memo: `${leg.party_kind} available ${leg.available_on}` }));
        }
        await trx
          .updateTable('settlement_legs')
          .set({ refunded_fen: refunded.toString(), ...(settled ? {} : { pending_transfer_id: nextPending, revision, status: remaining > 0n ? 'pending' : 'refunded' }) })
          .where('redemption_id', '=', command.redemptionId)
          .where('party_kind', '=', leg.party_kind)
          .execute();
        await trx
          .insertInto('settlement_items')
          .values({
            item_id: this.ids.next(),
            party_kind: leg.party_kind,
            party_id: leg.party_id,
            kind: 'REFUND',
            redemption_id: command.redemptionId,
            transaction_id: split.transaction_id,
            refund_id: command.refundId,
            amount_fen: (-share).toString(),
            // A refund of a settled part is due at the next run; of an unsettled part, with the part itself.
            available_on: settled ? today : leg.available_on,
          })
          .execute();
      }
      if (fromClearing > 0n) debits.push({ account: REDEMPTION_CLEARING, side: 'D', amountFen: fromClearing });
      transfers.push({
        id: `refund:${command.refundId}`,
        code: 'REFUND',
        kind: 'posted',
        ref: command.redemptionId,
        legs: [...debits, { account: split.funding_account, side: 'C', amountFen: command.amountFen }],
      });
      await this.ledger.write(trx, transfers);
      await trx
        .updateTable('settlement_splits')
        .set({ refunded_fen: sql<string>`refunded_fen + ${command.amountFen.toString()}::bigint` })
        .where('redemption_id', '=', command.redemptionId)
        .execute();
      return true;
    });
  }
}
