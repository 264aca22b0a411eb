import type { Kysely, Transaction } from 'kysely';
import { GroupCommit, type Outcome } from '../../platform/db/group-commit.js';
import type { Database } from '../../platform/db/schema.js';
import { AppError } from '../../platform/errors/app-error.js';
import { storeIdempotentResponses } from '../../platform/http/idempotency.js';
import type { IdGenerator } from '../../platform/ids/snowflake.js';
import type { GroupCommitMetrics } from '../../platform/metrics/metrics.js';
import type { Outbox } from '../../platform/outbox/outbox.js';
import type { Clock } from '../../platform/time/clock.js';
import type { TransparencyLog } from '../audit/transparency-log.js';
import { presentPrize, type PrizeSpec } from './domain/campaign-rules.js';
import { poolPermutation, prizeOfTicket } from './domain/instant-pool.js';
import { logEntries } from './log-entries.js';
import type { LotteryRepo, NewInstantDraw } from './repo.js';

/** FAQ Q2: instant prizes are paid within 24 hours. */
const INSTANT_PAYOUT_MS = 24 * 3_600_000;
const MAX_BATCH = 200;

export interface InstantDrawCommand {
  readonly userId: string;
  readonly invoiceId: string;
  readonly campaignId: string | undefined;
  readonly requestId: string;
}

export interface InstantDrawResult {
  readonly draw_id: string;
  readonly campaign_id: string;
  readonly position: number;
  readonly prize: Record<string, unknown> | null;
  readonly log_index: number;
}

interface Decided extends Omit<NewInstantDraw, 'logIndex'> {
  readonly ord: number;
  readonly invoiceCommit: Uint8Array;
  readonly prize: PrizeSpec | null;
}

/**
 * Instant draws, group-committed: draws arriving together are decided in one transaction that uses their chances
 * in one statement, takes consecutive positions of each pool under its row lock once, appends all their log
 * entries at once and writes draws, prizes and events in bulk. Positions stay exact: a batch takes at most what
 * is left of a pool, and whoever finds none gets LOTTERY_POOL_EXHAUSTED with their chance given back.
 */
export class InstantDraws {
  readonly committer: GroupCommit<InstantDrawCommand, InstantDrawResult>;
  /** Pools already shuffled in this process: a permutation depends only on the seed, so it never goes stale. */
  private readonly pools = new Map<string, Uint32Array>();

  constructor(
    db: Kysely<Database>,
    private readonly repo: LotteryRepo,
    private readonly log: TransparencyLog,
    private readonly outbox: Outbox,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    metrics?: GroupCommitMetrics,
  ) {
    this.committer = new GroupCommit(db, {
      name: 'lottery.instant-draw',
      maxBatch: MAX_BATCH,
      // One invoice's draws never share a batch, so each uses a chance the batch saw it had.
      conflictKeyOf: (command) => command.invoiceId,
      run: (trx, commands) => this.drawMany(trx, commands),
      storeReceipts: storeIdempotentResponses,
      ...(metrics ? { metrics } : {}),
    });
  }

  /** One draw in the caller's transaction (scripts, fixtures); throws the refusal. */
  async draw(trx: Transaction<Database>, command: InstantDrawCommand): Promise<InstantDrawResult> {
    const [outcome] = await this.drawMany(trx, [command]);
    if (!outcome!.ok) throw outcome!.error;
    return outcome!.value;
  }

  async drawMany(trx: Transaction<Database>, commands: readonly InstantDrawCommand[]): Promise<Outcome<InstantDrawResult>[]> {
    const now = this.clock.now();
    const refusals = new Map<number, AppError>();
    const chances = await this.repo.takeChances(
      trx,
      commands.map((c, ord) => ({ ord, userId: c.userId, invoiceId: c.invoiceId, campaignId: c.campaignId })),
      now,
    );
    const byCampaign = new Map<string, number[]>();
    for (const [ord, command] of commands.entries()) {
      const chance = chances.get(ord);
      if (chance) {
        byCampaign.set(chance.campaign_id, [...(byCampaign.get(chance.campaign_id) ?? []), ord]);
      } else if (command.campaignId && !(await this.repo.campaign(trx, command.campaignId))) {
        refusals.set(ord, new AppError('LOTTERY_CAMPAIGN_NOT_FOUND', { campaign_id: command.campaignId }));
      } else {
        refusals.set(ord, new AppError('LOTTERY_NO_CHANCE', { invoice_id: command.invoiceId }));
      }
    }

    const decided: Decided[] = [];
    const returned: { campaignId: string; invoiceId: string }[] = [];
    // Campaign rows in id order, so two batches never wait on each other's locks in opposite orders.
    for (const campaignId of [...byCampaign.keys()].sort()) {
      const takers = byCampaign.get(campaignId)!;
      const taken = await this.repo.takePositions(trx, campaignId, takers.length, now);
      const granted = taken ? taken.next - taken.first : 0;
      for (const [i, ord] of takers.entries()) {
        const command = commands[ord]!;
        const chance = chances.get(ord)!;
        if (!taken || i >= granted) {
          refusals.set(ord, new AppError(taken ? 'LOTTERY_POOL_EXHAUSTED' : 'LOTTERY_CAMPAIGN_NOT_ACTIVE', { campaign_id: campaignId }));
          returned.push({ campaignId, invoiceId: command.invoiceId });
          continue;
        }
        const position = taken.first + i;
        const prizes = taken.rules.instant?.prizes ?? [];
        const ticket = this.permutation(campaignId, taken.pool_seed, taken.tickets)[position]!;
        const prizeIndex = prizeOfTicket(prizes, ticket);
        decided.push({
          ord,
          drawId: this.ids.next(),
          campaignId,
          position,
          invoiceId: command.invoiceId,
          userId: command.userId,
          chance: chance.chance,
          ticket,
          prizeIndex,
          requestId: command.requestId,
          invoiceCommit: chance.invoice_commit,
          prize: prizeIndex === null ? null : prizes[prizeIndex]!,
        });
      }
    }
    await this.repo.returnChances(trx, returned);
    const results = await this.write(trx, decided, now);
    return commands.map((_, ord) => {
      const value = results.get(ord);
      return value ? { ok: true, value } : { ok: false, error: refusals.get(ord)! };
    });
  }

  /** Logs, records and announces the decided draws; every draw's log entry commits with it. */
  private async write(trx: Transaction<Database>, decided: readonly Decided[], now: Date): Promise<Map<number, InstantDrawResult>> {
    const results = new Map<number, InstantDrawResult>();
    if (decided.length === 0) return results;
    const indices = await this.log.append(
      trx,
      decided.map((d) =>
        logEntries.instantDraw({ campaignId: d.campaignId, drawId: d.drawId, position: d.position, ticket: d.ticket, prizeIndex: d.prizeIndex, invoiceCommit: d.invoiceCommit, chance: d.chance }),
      ),
    );
    await this.repo.insertInstantDraws(
      trx,
      decided.map(({ ord: _ord, invoiceCommit: _commit, prize: _prize, ...draw }, i) => ({ ...draw, logIndex: indices[i]! })),
    );
    const winners = decided.filter((d) => d.prize);
    const prizeIds = winners.map(() => this.ids.next());
    await this.repo.insertPrizes(
      trx,
      winners.map((d, i) => ({
        prizeId: prizeIds[i]!,
        userId: d.userId,
        campaignId: d.campaignId,
        source: 'INSTANT' as const,
        drawId: d.drawId,
        invoiceId: d.invoiceId,
        tier: null,
        kind: d.prize!.kind,
        amountFen: d.prize!.kind === 'CASH' ? d.prize!.amount_fen : null,
        couponTemplateId: d.prize!.kind === 'COUPON' ? d.prize!.coupon_template_id : null,
        dueAt: new Date(now.getTime() + INSTANT_PAYOUT_MS),
      })),
    );
    await this.outbox.publishMany(
      trx,
      winners.map((d, i) => ({
        topic: 'lottery.prize_won',
        aggregateId: prizeIds[i]!,
        payload: { prize_id: prizeIds[i]!, user_id: d.userId, source: 'INSTANT', draw_id: d.drawId, ...presentPrize(d.prize!) },
        requestId: d.requestId ?? undefined,
      })),
    );
    decided.forEach((d, i) =>
      results.set(d.ord, {
        draw_id: d.drawId,
        campaign_id: d.campaignId,
        position: d.position,
        prize: d.prize && { index: d.prizeIndex, ...presentPrize(d.prize) },
        log_index: indices[i]!,
      }),
    );
    return results;
  }

  private permutation(campaignId: string, seed: Uint8Array, tickets: number): Uint32Array {
    let pool = this.pools.get(campaignId);
    if (!pool) {
      pool = poolPermutation(seed, tickets);
      if (this.pools.size >= 8) this.pools.delete(this.pools.keys().next().value!);
      this.pools.set(campaignId, pool);
    }
    return pool;
  }
}
