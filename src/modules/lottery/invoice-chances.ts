import { sql, type Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import type { Clock } from '../../platform/time/clock.js';
import type { CampaignRules } from './domain/campaign-rules.js';
import type { LotteryRepo } from './repo.js';
import type { InvoiceAcceptedPayload, LotteryService } from './service.js';
import type { WeeklyDraws } from './weekly.js';

export type BonusOutcome = 'APPLIED' | 'PENDING' | 'ALREADY_ADDED';

/**
 * Everything that gives an accepted invoice its chances: the campaigns' own terms when it is accepted (or when
 * risk review releases it) and bonus chances from elsewhere (an activity's reward). Both take the invoice's
 * advisory lock first, so whichever comes second sees the other's work: a bonus that arrives before the invoice's
 * chances exist waits and is added when they are granted; one that arrives after is added to them at once. Each
 * extra chance is one more instant draw and one more entry in the weekly draw open at that moment.
 */
export class InvoiceChances {
  constructor(
    private readonly service: LotteryService,
    private readonly weekly: WeeklyDraws,
    private readonly repo: LotteryRepo,
    private readonly clock: Clock,
  ) {}

  /** Grants the invoice's chances with any waiting bonus; weekly entries join the draw open at `entriesAt`. */
  async grant(trx: Transaction<Database>, invoice: InvoiceAcceptedPayload, acceptedAt: Date, entriesAt: Date): Promise<void> {
    await lockInvoice(trx, invoice.invoice_id);
    const waiting = await sql<{ extra: number }>`
      UPDATE lottery_bonus_chances SET applied_at = now() WHERE invoice_id = ${invoice.invoice_id} AND applied_at IS NULL RETURNING extra
    `.execute(trx);
    const bonus = waiting.rows.reduce((sum, row) => sum + row.extra, 0);
    const granted = await this.service.grantChances(trx, invoice, acceptedAt, bonus);
    await this.weekly.addEntries(trx, granted.chances, granted.rulesOf, entriesAt);
  }

  /** Adds `extra` chances to the invoice in every campaign it counts in, once per `source`. */
  async addBonus(trx: Transaction<Database>, bonus: { invoiceId: string; userId: string; extra: number; source: string }): Promise<BonusOutcome> {
    await lockInvoice(trx, bonus.invoiceId);
    const inserted = await sql`
      INSERT INTO lottery_bonus_chances (invoice_id, source, user_id, extra) VALUES (${bonus.invoiceId}, ${bonus.source}, ${bonus.userId}, ${bonus.extra})
      ON CONFLICT (invoice_id, source) DO NOTHING
    `.execute(trx);
    if (Number(inserted.numAffectedRows ?? 0n) === 0) return 'ALREADY_ADDED';
    const raised = await sql<{ campaign_id: string; granted: number; amount_fen: string; invoice_commit: Uint8Array; commit_salt: Uint8Array }>`
      UPDATE lottery_chances SET granted = granted + ${bonus.extra}
      WHERE invoice_id = ${bonus.invoiceId} AND user_id = ${bonus.userId}
      RETURNING campaign_id::text, granted, amount_fen::text, invoice_commit, commit_salt
    `.execute(trx);
    if (raised.rows.length === 0) return 'PENDING';
    await sql`UPDATE lottery_bonus_chances SET applied_at = now() WHERE invoice_id = ${bonus.invoiceId} AND source = ${bonus.source}`.execute(trx);
    const rules = new Map<string, CampaignRules>();
    for (const row of raised.rows) rules.set(row.campaign_id, (await this.repo.campaign(trx, row.campaign_id))!.rules);
    await this.weekly.addEntries(
      trx,
      raised.rows.map((row) => ({
        campaignId: row.campaign_id,
        invoiceId: bonus.invoiceId,
        userId: bonus.userId,
        granted: row.granted,
        firstChance: row.granted - bonus.extra + 1,
        amountFen: Number(row.amount_fen),
        invoiceCommit: row.invoice_commit,
        salt: row.commit_salt,
      })),
      (campaignId) => rules.get(campaignId)!,
      this.clock.now(),
    );
    return 'APPLIED';
  }
}

/** One invoice's chances are changed by one transaction at a time (held until commit). */
async function lockInvoice(trx: Transaction<Database>, invoiceId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`lottery-invoice:${invoiceId}`}, 0))`.execute(trx);
}
