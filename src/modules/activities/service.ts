import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { IpGeo } from '../../platform/geo/ip-geo.js';
import type { IdGenerator } from '../../platform/ids/snowflake.js';
import { formatMoney, parseMoney } from '../../platform/money/money.js';
import type { Clock } from '../../platform/time/clock.js';
import { compileRules, ConditionEvaluationError, evaluate, type CompiledCondition, type ConditionContext, type NamedLists } from './domain/conditions/index.js';
import { parseTemplate, type ActivityDefinition, type ActivityType, type ReferralTrigger, type Reward } from './domain/template.js';
import type { GrantOutcome, Grants } from './grants.js';
import type { PointsLedger } from './points.js';
import './schema.js';

/** The named lists conditions may use, e.g. `device_id NOT IN (blacklist)`. */
export const LIST_NAMES = ['blacklist', 'blacklisted_ips'] as const;

export interface ActivityDeps {
  /** The risk module's blacklisted device ids and IPs, as named lists. */
  readonly lists: () => Promise<NamedLists>;
  readonly templateExists: (templateId: string) => Promise<boolean>;
  /** The identity module's other accounts of the same person (same phone or device at sign-up, erased included). */
  readonly otherAccountsOfSamePerson: (userId: string) => Promise<string[]>;
}

export interface PreparedActivity {
  readonly template: Record<string, unknown>;
  readonly definition: ActivityDefinition;
  readonly conditions: readonly CompiledCondition[];
}

interface RunningActivity {
  readonly activityId: string;
  readonly type: ActivityType;
  readonly rewards: readonly Reward[];
  readonly conditions: readonly CompiledCondition[];
  readonly minAmountFen: bigint | null;
  readonly referralTrigger: ReferralTrigger;
}

export interface RegisteredEvent {
  readonly user_id: string;
  readonly ip: string | null;
  readonly device_id: string | null;
  readonly invite_code: string | null;
  readonly registered_at: string;
}

export interface InvoiceAcceptedEvent {
  readonly invoice_id: string;
  readonly user_id: string;
  readonly total_amount: string;
}

/** How long a process keeps the running activities it read (a new or paused activity takes effect within this). */
const CACHE_MS = 5_000;
const INVITE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/**
 * The activity engine (issue #8, specification §4.3): operators post templates whose rules are conditions in the
 * specification's SQL-like syntax or CEL (domain/conditions); events (a sign-up, an accepted invoice) are matched against
 * the running activities of their type, and each activity whose every condition holds grants its rewards
 * (grants.ts: exactly once per user and grant key, within budget and cap).
 */
export class ActivityService {
  private running: { at: number; activities: RunningActivity[] } | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly grants: Grants,
    readonly points: PointsLedger,
    private readonly geo: IpGeo,
    private readonly deps: ActivityDeps,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  /** Checks a template and compiles its rules, outside any transaction (it asks the coupons module about rewards). */
  async prepare(template: Record<string, unknown>): Promise<PreparedActivity> {
    const parsed = parseTemplate(template);
    if (!parsed.ok) throw new AppError('ACTIVITY_TEMPLATE_INVALID', { field: parsed.problem.field, reason: parsed.problem.message });
    const { definition } = parsed;
    const compiled = compileRules(definition.conditions.map((condition) => ({ condition })), LIST_NAMES);
    if (!compiled.ok) throw new AppError('ACTIVITY_RULE_INVALID', { index: compiled.error.index, column: compiled.error.column, reason: compiled.error.message });
    for (const [i, reward] of definition.rewards.entries()) {
      if (reward.kind === 'COUPON' && !(await this.deps.templateExists(reward.templateId))) {
        throw new AppError('ACTIVITY_TEMPLATE_INVALID', { field: `reward[${i}].coupon_id`, reason: `no coupon template ${reward.templateId}` });
      }
    }
    return { template, definition, conditions: compiled.conditions };
  }

  async create(trx: Transaction<Database>, { template, definition, conditions }: PreparedActivity, createdBy: string) {
    const activityId = this.ids.next();
    await trx
      .insertInto('activities')
      .values({
        activity_id: activityId,
        name: definition.name,
        activity_type: definition.type,
        template: JSON.stringify(template),
        rules: JSON.stringify(conditions.map((c) => ({ condition: c.source, dialect: c.dialect, cel: c.cel }))),
        rewards: JSON.stringify(definition.rewards),
        max_grants: definition.maxGrants,
        per_user_cap: definition.perUserCap,
        min_amount_fen: definition.minAmountFen,
        starts_at: definition.startsAt,
        ends_at: definition.endsAt,
        created_by: createdBy,
      })
      .execute();
    this.running = undefined;
    return { activity_id: activityId, activity_type: definition.type, rules: conditions.map((c) => ({ condition: c.source, dialect: c.dialect, cel: c.cel })) };
  }

  async setStatus(trx: Transaction<Database>, activityId: string, status: 'active' | 'paused' | 'ended') {
    if (!/^\d{1,20}$/.test(activityId)) throw new AppError('ACTIVITY_NOT_FOUND');
    const row = await trx.updateTable('activities').set({ status }).where('activity_id', '=', activityId).returning('activity_id').executeTakeFirst();
    if (!row) throw new AppError('ACTIVITY_NOT_FOUND');
    this.running = undefined;
    return { activity_id: activityId, status };
  }

  async list() {
    const rows = await this.db.selectFrom('activities').selectAll().orderBy('activity_id', 'desc').limit(200).execute();
    return rows.map(present);
  }

  async get(activityId: string) {
    if (!/^\d{1,20}$/.test(activityId)) throw new AppError('ACTIVITY_NOT_FOUND');
    const row = await this.db.selectFrom('activities').selectAll().where('activity_id', '=', activityId).executeTakeFirst();
    if (!row) throw new AppError('ACTIVITY_NOT_FOUND');
    return present(row);
  }

  async myRewards(userId: string) {
    const rows = await this.db
      .selectFrom('activity_grants as g')
      .innerJoin('activities as a', 'a.activity_id', 'g.activity_id')
      .select(['g.grant_id', 'g.activity_id', 'a.name', 'a.activity_type', 'g.status', 'g.rewards', 'g.failure', 'g.created_at'])
      .where('g.user_id', '=', userId)
      .orderBy('g.grant_id', 'desc')
      .limit(100)
      .execute();
    return rows.map((r) => ({ grant_id: String(r.grant_id), activity_id: String(r.activity_id), name: r.name, activity_type: r.activity_type, status: r.status, rewards: r.rewards, failure: r.failure, at: r.created_at.toISOString() }));
  }

  /** The user's invite code, made on first ask (8 characters without look-alikes). */
  async inviteCode(trx: Transaction<Database>, userId: string) {
    const existing = await trx.selectFrom('activity_invite_codes').select('code').where('user_id', '=', userId).executeTakeFirst();
    if (existing) return { invite_code: existing.code };
    for (let attempt = 0; attempt < 5; attempt++) {
      const bytes = randomBytes(8);
      const code = [...bytes].map((b) => INVITE_ALPHABET[b % INVITE_ALPHABET.length]).join('');
      const inserted = await trx.insertInto('activity_invite_codes').values({ code, user_id: userId }).onConflict((oc) => oc.doNothing()).returning('code').executeTakeFirst();
      if (inserted) return { invite_code: code };
      const mine = await trx.selectFrom('activity_invite_codes').select('code').where('user_id', '=', userId).executeTakeFirst();
      if (mine) return { invite_code: mine.code };
    }
    throw new Error('could not allocate an invite code');
  }

  /** A sign-up: NEW_USER_REGISTER activities for the new user, and REFERRAL ones for whoever invited them. */
  async onRegistered(event: RegisteredEvent, requestId?: string): Promise<Record<string, GrantOutcome>> {
    const outcomes: Record<string, GrantOutcome> = {};
    const context = await this.contextOf({ userId: event.user_id, ip: event.ip, deviceId: event.device_id, now: new Date(event.registered_at) });
    const lists = await this.deps.lists();
    const now = this.clock.now();
    // Sign-up rewards are once per person: an account erased and signed up again is the same person.
    const others = await this.deps.otherAccountsOfSamePerson(event.user_id);
    for (const activity of await this.runningOf('NEW_USER_REGISTER')) {
      if (!this.holds(activity, context, lists)) continue;
      const samePerson = others.map((userId) => ({ userId, grantKey: 'register' }));
      outcomes[activity.activityId] = await this.grants.grant(activity.activityId, event.user_id, 'register', activity.rewards, now, requestId, { samePerson });
    }
    const inviter = event.invite_code ? await this.recordReferral(event.user_id, event.invite_code) : undefined;
    if (inviter) {
      for (const activity of await this.runningOf('REFERRAL')) {
        if (activity.referralTrigger !== 'REGISTER' || !this.holds(activity, context, lists)) continue;
        const samePerson = others.map((userId) => ({ userId: inviter, grantKey: `invitee:${userId}` }));
        outcomes[activity.activityId] = await this.grants.grant(activity.activityId, inviter, `invitee:${event.user_id}`, activity.rewards, now, requestId, { samePerson });
      }
    }
    return outcomes;
  }

  /**
   * Coupons redeemed at a till, by their holders: REFERRAL activities triggered by FIRST_REDEMPTION reward the
   * inviter of each holder who was invited, once per invitee (the grant key), so only the first redemption counts.
   * `holdersOf` is asked only while such an activity runs.
   */
  async onCouponsRedeemed(couponIds: readonly string[], holdersOf: (couponIds: readonly string[]) => Promise<string[]>, requestId?: string): Promise<Record<string, GrantOutcome>> {
    const outcomes: Record<string, GrantOutcome> = {};
    const activities = (await this.runningOf('REFERRAL')).filter((a) => a.referralTrigger === 'FIRST_REDEMPTION');
    if (activities.length === 0 || couponIds.length === 0) return outcomes;
    const lists = await this.deps.lists();
    const now = this.clock.now();
    for (const invitee of await holdersOf(couponIds)) {
      const referral = await this.db.selectFrom('activity_referrals').select('inviter_id').where('invitee_id', '=', invitee).executeTakeFirst();
      if (!referral) continue;
      const context = await this.contextOf({ userId: invitee, ip: null, deviceId: null, now });
      for (const activity of activities) {
        if (!this.holds(activity, context, lists)) continue;
        outcomes[activity.activityId] = await this.grants.grant(activity.activityId, String(referral.inviter_id), `invitee-redeemed:${invitee}`, activity.rewards, now, requestId);
      }
    }
    return outcomes;
  }

  /** An accepted invoice: INVOICE_ACCEPTED activities (per invoice) and SPEND_THRESHOLD ones (once, when reached). */
  async onInvoiceAccepted(event: InvoiceAcceptedEvent, requestId?: string): Promise<Record<string, GrantOutcome>> {
    const outcomes: Record<string, GrantOutcome> = {};
    const amountFen = parseMoney(event.total_amount);
    const context: ConditionContext = { ...(await this.contextOf({ userId: event.user_id, ip: null, deviceId: null, now: this.clock.now() })), invoice_amount: Number(amountFen) / 100, amount: Number(amountFen) / 100 };
    const lists = await this.deps.lists();
    const now = this.clock.now();
    for (const type of ['INVOICE_ACCEPTED', 'SPEND_THRESHOLD'] as const) {
      for (const activity of await this.runningOf(type)) {
        if (activity.minAmountFen !== null && amountFen < activity.minAmountFen) continue;
        if (!this.holds(activity, context, lists)) continue;
        const key = type === 'INVOICE_ACCEPTED' ? `invoice:${event.invoice_id}` : 'threshold';
        outcomes[activity.activityId] = await this.grants.grant(activity.activityId, event.user_id, key, activity.rewards, now, requestId, { invoiceId: event.invoice_id });
      }
    }
    return outcomes;
  }

  /** Every condition holds. A condition that cannot be decided (the IP database does not know the city) does not. */
  private holds(activity: RunningActivity, context: ConditionContext, lists: NamedLists): boolean {
    return activity.conditions.every((condition) => {
      try {
        return evaluate(condition, context, lists);
      } catch (error) {
        if (error instanceof ConditionEvaluationError) return false;
        throw error;
      }
    });
  }

  private async contextOf(input: { userId: string; ip: string | null; deviceId: string | null; now: Date }): Promise<ConditionContext> {
    const place = input.ip ? await this.geo.lookup(input.ip) : undefined;
    return {
      user_id: input.userId,
      is_new_user: true,
      registered_days: 0,
      ...(input.deviceId ? { device_id: input.deviceId } : {}),
      ...(input.ip ? { ip: input.ip } : {}),
      ...(place?.city ? { ip_city: place.city } : {}),
      ...(place?.province ? { ip_province: place.province } : {}),
      now: input.now,
    };
  }

  private async recordReferral(inviteeId: string, code: string): Promise<string | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const owner = await trx.selectFrom('activity_invite_codes').select('user_id').where('code', '=', code.toUpperCase()).executeTakeFirst();
      if (!owner || String(owner.user_id) === inviteeId) return undefined;
      await trx.insertInto('activity_referrals').values({ invitee_id: inviteeId, inviter_id: owner.user_id, code: code.toUpperCase() }).onConflict((oc) => oc.column('invitee_id').doNothing()).execute();
      const referral = await trx.selectFrom('activity_referrals').select('inviter_id').where('invitee_id', '=', inviteeId).executeTakeFirstOrThrow();
      return String(referral.inviter_id);
    });
  }

  private async runningOf(type: ActivityType): Promise<RunningActivity[]> {
    if (!this.running || this.clock.now().getTime() - this.running.at > CACHE_MS) {
      const rows = await this.db.selectFrom('activities').select(['activity_id', 'activity_type', 'template', 'rewards', 'rules', 'min_amount_fen']).where('status', '=', 'active').execute();
      const activities = rows.flatMap((row): RunningActivity[] => {
        const rules = row.rules as { condition: string }[];
        const compiled = compileRules(rules, LIST_NAMES);
        if (!compiled.ok) return []; // it compiled when saved; a grammar change must not grant blindly
        const referralTrigger = ((row.template as { referral_trigger?: ReferralTrigger }).referral_trigger ?? 'REGISTER') as ReferralTrigger;
        return [
          {
            activityId: String(row.activity_id),
            type: row.activity_type as ActivityType,
            rewards: row.rewards as Reward[],
            conditions: compiled.conditions,
            minAmountFen: row.min_amount_fen === null ? null : BigInt(row.min_amount_fen),
            referralTrigger,
          },
        ];
      });
      this.running = { at: this.clock.now().getTime(), activities };
    }
    return this.running.activities.filter((a) => a.type === type);
  }
}

function present(row: {
  activity_id: string;
  name: string;
  activity_type: string;
  template: unknown;
  rules: unknown;
  rewards: unknown;
  max_grants: number | null;
  granted: number;
  per_user_cap: number;
  min_amount_fen: string | null;
  starts_at: Date | null;
  ends_at: Date | null;
  status: string;
  created_at: Date;
}) {
  return {
    activity_id: String(row.activity_id),
    name: row.name,
    activity_type: row.activity_type,
    status: row.status,
    template: row.template,
    rules: row.rules,
    rewards: row.rewards,
    max_grants: row.max_grants,
    granted: row.granted,
    per_user_cap: row.per_user_cap,
    min_amount: row.min_amount_fen === null ? null : formatMoney(BigInt(row.min_amount_fen)),
    starts_at: row.starts_at?.toISOString() ?? null,
    ends_at: row.ends_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
  };
}
