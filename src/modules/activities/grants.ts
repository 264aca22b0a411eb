import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { IdGenerator } from '../../platform/ids/snowflake.js';
import type { Outbox } from '../../platform/outbox/outbox.js';
import type { Reward } from './domain/template.js';
import type { PointsLedger } from './points.js';
import './schema.js';

/** Issues a coupon of a template to a user inside the caller's transaction (the coupons module's claim). */
export type CouponIssuer = (trx: Transaction<Database>, templateId: string, userId: string, requestId: string) => Promise<{ coupon_code: string }>;

/** Adds extra draw chances to an accepted invoice, once per source (the lottery module's InvoiceChances). */
export type DrawChanceGiver = (
  trx: Transaction<Database>,
  bonus: { invoiceId: string; userId: string; extra: number; source: string },
) => Promise<'APPLIED' | 'PENDING' | 'ALREADY_ADDED'>;

/** What triggered a grant, for rewards that attach to it. */
export interface GrantContext {
  readonly invoiceId?: string;
  /**
   * Grants to other accounts of the same person (by the identity module's sign-up record) that count as this one:
   * if one of them was GRANTED, this grant is not made. How a once-per-person reward survives account erasure.
   */
  readonly samePerson?: readonly { readonly userId: string; readonly grantKey: string }[];
}

export type GrantOutcome = 'GRANTED' | 'ALREADY_GRANTED' | 'PERSON_ALREADY_REWARDED' | 'FAILED' | 'NOT_RUNNING' | 'BUDGET_EXHAUSTED' | 'CAP_REACHED';

/**
 * Grants an activity's rewards to a user, exactly once per (activity, user, grant key): the grant row's unique
 * key decides between retries and races, in the same transaction as the rewards. The activity row is locked
 * first, so its budget (`max_grants`) and each user's cap are counted exactly. A reward that cannot be issued
 * (the coupon template ran out, say) records the grant as FAILED with the reason, and gives nothing.
 */
export class Grants {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly issueCoupon: CouponIssuer,
    private readonly points: PointsLedger,
    private readonly drawChances: DrawChanceGiver,
    private readonly outbox: Outbox,
    private readonly ids: IdGenerator,
  ) {}

  async grant(activityId: string, userId: string, grantKey: string, rewards: readonly Reward[], now: Date, requestId?: string, context: GrantContext = {}): Promise<GrantOutcome> {
    return this.db.transaction().execute(async (trx) => {
      const activity = await trx
        .selectFrom('activities')
        .select(['status', 'granted', 'max_grants', 'per_user_cap', 'starts_at', 'ends_at'])
        .where('activity_id', '=', activityId)
        .forUpdate()
        .executeTakeFirst();
      if (!activity || activity.status !== 'active' || (activity.starts_at && activity.starts_at > now) || (activity.ends_at && activity.ends_at <= now)) return 'NOT_RUNNING';
      const already = await trx.selectFrom('activity_grants').select('status').where('activity_id', '=', activityId).where('user_id', '=', userId).where('grant_key', '=', grantKey).executeTakeFirst();
      if (already) return 'ALREADY_GRANTED';
      // Read under the activity's lock, so two sign-ups of one person cannot both pass.
      if (await this.grantedToSamePerson(trx, activityId, context.samePerson ?? [])) return 'PERSON_ALREADY_REWARDED';
      const held = await trx
        .selectFrom('activity_grants')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('activity_id', '=', activityId)
        .where('user_id', '=', userId)
        .where('status', '=', 'GRANTED')
        .executeTakeFirstOrThrow();
      if (Number(held.n) >= activity.per_user_cap) return 'CAP_REACHED';
      if (activity.max_grants !== null && activity.granted >= activity.max_grants) return 'BUDGET_EXHAUSTED';

      const grantId = this.ids.next();
      const inserted = await trx
        .insertInto('activity_grants')
        .values({ grant_id: grantId, activity_id: activityId, user_id: userId, grant_key: grantKey, status: 'GRANTED', rewards: '[]' })
        .onConflict((oc) => oc.columns(['activity_id', 'user_id', 'grant_key']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return 'ALREADY_GRANTED';

      let given: unknown[];
      try {
        given = await this.inSavepoint(trx, () => this.give(trx, grantId, activityId, userId, rewards, context));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        await trx.updateTable('activity_grants').set({ status: 'FAILED', failure: error.code }).where('grant_id', '=', grantId).execute();
        return 'FAILED';
      }
      await trx.updateTable('activity_grants').set({ rewards: JSON.stringify(given) }).where('grant_id', '=', grantId).execute();
      await trx.updateTable('activities').set({ granted: sql<number>`granted + 1` }).where('activity_id', '=', activityId).execute();
      await this.outbox.publish(trx, {
        topic: 'activity.granted',
        aggregateId: grantId,
        payload: { grant_id: grantId, activity_id: activityId, user_id: userId, grant_key: grantKey, rewards: given },
        requestId,
      });
      return 'GRANTED';
    });
  }

  private async give(trx: Transaction<Database>, grantId: string, activityId: string, userId: string, rewards: readonly Reward[], context: GrantContext): Promise<unknown[]> {
    const given: unknown[] = [];
    for (const [i, reward] of rewards.entries()) {
      if (reward.kind === 'POINTS') {
        await this.points.issue(trx, `grant:${grantId}:${i}`, activityId, userId, reward.points);
        given.push({ points: reward.points });
      } else if (reward.kind === 'DRAW_CHANCES') {
        // The template check allows these only on invoice-triggered activities, which always pass the invoice.
        if (!context.invoiceId) throw new AppError('ACTIVITY_REWARD_UNAVAILABLE', { reward: 'draw_chances' });
        const status = await this.drawChances(trx, { invoiceId: context.invoiceId, userId, extra: reward.chances, source: `activity:${activityId}:${i}` });
        given.push({ draw_chances: reward.chances, invoice_id: context.invoiceId, status });
      } else {
        const codes: string[] = [];
        for (let n = 0; n < reward.quantity; n++) codes.push((await this.issueCoupon(trx, reward.templateId, userId, `activity-grant-${grantId}-${i}-${n}`)).coupon_code);
        given.push({ coupon_id: reward.templateId, coupon_codes: codes });
      }
    }
    return given;
  }

  private async grantedToSamePerson(trx: Transaction<Database>, activityId: string, samePerson: NonNullable<GrantContext['samePerson']>): Promise<boolean> {
    if (samePerson.length === 0) return false;
    const earlier = await trx
      .selectFrom('activity_grants')
      .select('grant_id')
      .where('activity_id', '=', activityId)
      .where('status', '=', 'GRANTED')
      .where((eb) => eb.or(samePerson.map((g) => eb.and([eb('user_id', '=', g.userId), eb('grant_key', '=', g.grantKey)]))))
      .executeTakeFirst();
    return earlier !== undefined;
  }

  private async inSavepoint<T>(trx: Transaction<Database>, work: () => Promise<T>): Promise<T> {
    await sql`SAVEPOINT activity_rewards`.execute(trx);
    try {
      const value = await work();
      await sql`RELEASE SAVEPOINT activity_rewards`.execute(trx);
      return value;
    } catch (error) {
      await sql`ROLLBACK TO SAVEPOINT activity_rewards`.execute(trx);
      throw error;
    }
  }
}
