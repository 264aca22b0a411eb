import type { Kysely, Transaction } from 'kysely';
import { GroupCommit, type Outcome } from '../../platform/db/group-commit.js';
import type { GroupCommitMetrics } from '../../platform/metrics/metrics.js';
import type { Database } from '../../platform/db/schema.js';
import { AppError } from '../../platform/errors/app-error.js';
import { storeIdempotentResponses } from '../../platform/http/idempotency.js';
import type { IdGenerator } from '../../platform/ids/snowflake.js';
import { formatMoney } from '../../platform/money/money.js';
import type { Outbox } from '../../platform/outbox/outbox.js';
import { businessDate, type Clock } from '../../platform/time/clock.js';
import { generateCouponCode } from './domain/coupon-code.js';
import { deserializeParams } from './domain/coupon-types.js';
import { faceValue } from './domain/face-value.js';
import type { CouponRepo, TemplateRow } from './repo.js';

export interface ClaimCommand {
  readonly templateId: string;
  readonly userId: string;
  readonly requestId: string;
}

export interface ClaimResult {
  readonly coupon_id: string;
  readonly coupon_code: string;
  readonly template_id: string;
  readonly status: 'ACTIVATED';
  readonly balance: string;
  readonly valid_until: string | null;
}

const DAY_MS = 86_400_000;
const MAX_BATCH = 500;
const CODE_ATTEMPTS = 5;

/**
 * Claiming (领取) by group commit, one queue per template: the claims that arrive while a batch commits are
 * decided together — per-user limits counted for all of them in one statement, the stock taken for all of
 * them in one update of the template row, their coupons, events and `coupon.claimed` events written in a few
 * more. The template row, the hot spot of a flash sale, is locked once per batch instead of once per claim.
 * A user's second claim never shares a batch with their first, so limits are counted one claim at a time.
 */
export class Claims {
  readonly committer: GroupCommit<ClaimCommand, ClaimResult>;

  constructor(
    db: Kysely<Database>,
    private readonly repo: CouponRepo,
    private readonly outbox: Outbox,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    metrics?: GroupCommitMetrics,
  ) {
    this.committer = new GroupCommit(db, {
      name: 'coupon.claim',
      maxBatch: MAX_BATCH,
      laneOf: (command) => command.templateId,
      conflictKeyOf: (command) => command.userId,
      run: (trx, commands) => this.claimMany(trx, commands),
      storeReceipts: storeIdempotentResponses,
      metrics,
    });
  }

  /** One claim in the caller's transaction (fixtures, scripts); throws the refusal. */
  async claim(trx: Transaction<Database>, templateId: string, userId: string, requestId: string): Promise<ClaimResult> {
    const [outcome] = await this.claimMany(trx, [{ templateId, userId, requestId }]);
    if (!outcome!.ok) throw outcome!.error;
    return outcome!.value;
  }

  /** Decides and writes a batch of claims on one template, each user at most once (see the class comment). */
  async claimMany(trx: Transaction<Database>, commands: readonly ClaimCommand[]): Promise<Outcome<ClaimResult>[]> {
    const templateId = commands[0]!.templateId;
    if (commands.some((c) => c.templateId !== templateId)) throw new Error('a claim batch spans one template');
    const refusals = new Map<ClaimCommand, AppError>();
    const refuse = (list: readonly ClaimCommand[], error: AppError) => list.forEach((c) => refusals.set(c, error));
    const template = await this.repo.findTemplate(trx, templateId);
    if (!template) return commands.map(() => ({ ok: false, error: new AppError('COUPON_TEMPLATE_NOT_FOUND') }));
    if (!this.issuing(template)) return commands.map(() => ({ ok: false, error: new AppError('COUPON_TEMPLATE_INACTIVE') }));

    // Per-user limits first (rows of their own), then the hot template row, so it is locked as late as possible.
    let candidates = [...commands];
    const counted: (string | null)[] = []; // the counters already raised for every remaining candidate
    const uncount = async (users: readonly ClaimCommand[]) => {
      if (users.length === 0) return;
      for (const day of counted) await this.repo.uncountClaims(trx, templateId, users.map((c) => c.userId), day);
    };
    const limits = [
      { limit: template.perUserLimit, day: null, code: 'COUPON_LIMIT_REACHED' as const },
      { limit: template.perUserDailyLimit, day: businessDate(this.clock.now()), code: 'COUPON_DAILY_LIMIT_REACHED' as const },
    ];
    for (const { limit, day, code } of limits) {
      if (!limit || candidates.length === 0) continue;
      const passed = await this.repo.countClaims(trx, templateId, candidates.map((c) => c.userId), day, limit);
      const over = candidates.filter((c) => !passed.has(c.userId));
      refuse(over, new AppError(code));
      await uncount(over);
      candidates = candidates.filter((c) => passed.has(c.userId));
      counted.push(day);
    }

    const granted = candidates.length === 0 ? 0 : await this.repo.takeStockUpTo(trx, templateId, candidates.length);
    const winners = candidates.slice(0, granted);
    const losers = candidates.slice(granted);
    if (losers.length > 0) {
      refuse(losers, new AppError('COUPON_OUT_OF_STOCK'));
      await uncount(losers);
    }

    const results = await this.issue(trx, template, winners);
    return commands.map((command) => {
      const value = results.get(command);
      return value ? { ok: true, value } : { ok: false, error: refusals.get(command)! };
    });
  }

  private issuing(template: TemplateRow): boolean {
    return template.status === 'active' && (!template.validUntil || template.validUntil > this.clock.now());
  }

  /** Writes the winners' coupons (drawing new codes for the rare collision), their events and outbox events. */
  private async issue(trx: Transaction<Database>, template: TemplateRow, winners: readonly ClaimCommand[]): Promise<Map<ClaimCommand, ClaimResult>> {
    const results = new Map<ClaimCommand, ClaimResult>();
    if (winners.length === 0) return results;
    const balanceFen = faceValue(deserializeParams(template.type, template.params));
    const validUntil = template.validDays ? new Date(this.clock.now().getTime() + template.validDays * DAY_MS) : template.validUntil;
    let pending = winners.map((command) => ({ command, couponId: this.ids.next(), code: '' }));
    const issued: typeof pending = [];
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === CODE_ATTEMPTS) throw new Error(`could not draw unused coupon codes in ${CODE_ATTEMPTS} attempts`);
      for (const p of pending) p.code = generateCouponCode();
      const inserted = await this.repo.insertClaimedCoupons(
        trx,
        template.templateId,
        balanceFen,
        template.validFrom,
        validUntil,
        pending.map((p) => ({ couponId: p.couponId, code: p.code, userId: p.command.userId })),
      );
      issued.push(...pending.filter((p) => inserted.has(p.couponId)));
      pending = pending.filter((p) => !inserted.has(p.couponId));
    }
    await this.repo.insertEvents(
      trx,
      issued.map((p) => ({ id: this.ids.next(), couponId: p.couponId, action: 'claim', fromStatus: null, toStatus: 'ACTIVATED', actor: `user:${p.command.userId}`, requestId: p.command.requestId })),
    );
    await this.outbox.publishMany(
      trx,
      issued.map((p) => ({
        topic: 'coupon.claimed',
        aggregateId: p.couponId,
        payload: { coupon_id: p.couponId, template_id: template.templateId, user_id: p.command.userId },
        requestId: p.command.requestId,
      })),
    );
    for (const p of issued) {
      results.set(p.command, {
        coupon_id: p.couponId,
        coupon_code: p.code,
        template_id: template.templateId,
        status: 'ACTIVATED',
        balance: formatMoney(balanceFen),
        valid_until: validUntil?.toISOString() ?? null,
      });
    }
    return results;
  }
}
