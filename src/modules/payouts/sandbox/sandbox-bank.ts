import { createHash } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../../../platform/db/schema.js';
import { AppError } from '../../../platform/errors/app-error.js';
import { formatMoney, type Fen } from '../../../platform/money/money.js';
import type { PayoutTables } from '../schema.js';
import { sandboxTransferDecision } from './sandbox-rules.js';

export interface TransferRequest {
  readonly payoutId: string;
  readonly amountFen: Fen;
  readonly payeeName: string;
  readonly bankCard: string;
  readonly memo: string;
}

type TransferRow = Selectable<PayoutTables['payout_sandbox_transfers']>;

/**
 * The sandbox bank's payout desk (rules in sandbox-rules.ts). Idempotent by payout id: the first request decides
 * and is recorded; a repeat of the same request answers that record (and counts the repeat); the same id with a
 * different transfer is refused, as a bank refuses a reused idempotency key.
 */
export class SandboxBank {
  constructor(private readonly db: Kysely<Database>) {}

  async transfer(request: TransferRequest) {
    if (!(await this.isAvailable())) throw new AppError('PAYOUT_UNAVAILABLE');
    const fingerprint = fingerprintOf(request);
    const decision = sandboxTransferDecision(request.payoutId, request.bankCard);
    const inserted = await this.db
      .insertInto('payout_sandbox_transfers')
      .values({
        payout_id: request.payoutId,
        amount_fen: request.amountFen,
        card_last4: request.bankCard.slice(-4),
        fingerprint,
        memo: request.memo,
        status: decision.status,
        reference: decision.status === 'PAID' ? decision.reference : null,
        reason: decision.status === 'FAILED' ? decision.reason : null,
      })
      .onConflict((oc) => oc.column('payout_id').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return present(inserted);
    const repeated = await this.db
      .updateTable('payout_sandbox_transfers')
      .set({ requests: sql<number>`requests + 1` })
      .where('payout_id', '=', request.payoutId)
      .where('fingerprint', '=', fingerprint)
      .returningAll()
      .executeTakeFirst();
    if (!repeated) throw new AppError('IDEMPOTENCY_KEY_REUSED', { payout_id: request.payoutId });
    return present(repeated);
  }

  async find(payoutId: string) {
    const row = await this.db.selectFrom('payout_sandbox_transfers').selectAll().where('payout_id', '=', payoutId).executeTakeFirst();
    return row && present(row);
  }

  /** Takes the bank "down" (every transfer answers 503) or back up. */
  async setAvailable(available: boolean): Promise<{ available: boolean }> {
    await this.db
      .insertInto('payout_sandbox_settings')
      .values({ name: 'available', value: String(available) })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value: String(available) }))
      .execute();
    return { available };
  }

  async isAvailable(): Promise<boolean> {
    const row = await this.db.selectFrom('payout_sandbox_settings').select('value').where('name', '=', 'available').executeTakeFirst();
    return row?.value !== 'false';
  }
}

function fingerprintOf(request: TransferRequest): string {
  return createHash('sha256')
    .update(JSON.stringify([request.payoutId, String(request.amountFen), request.payeeName, request.bankCard, request.memo]))
    .digest('hex');
}

function present(row: TransferRow) {
  return {
    payout_id: row.payout_id,
    status: row.status,
    amount: formatMoney(BigInt(row.amount_fen)),
    card_last4: row.card_last4,
    memo: row.memo,
    reference: row.reference,
    reason: row.reason,
    requests: row.requests,
    created_at: row.created_at.toISOString(),
  };
}
