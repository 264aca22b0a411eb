import { sql, type Kysely, type Transaction } from 'kysely';
import { GroupCommit, type Outcome, type Receipt } from '../../platform/db/group-commit.js';
import type { GroupCommitMetrics } from '../../platform/metrics/metrics.js';
import type { Database } from '../../platform/db/schema.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { IdGenerator } from '../../platform/ids/snowflake.js';
import { formatMoney } from '../../platform/money/money.js';
import type { Outbox } from '../../platform/outbox/outbox.js';
import { businessDate, type Clock } from '../../platform/time/clock.js';
import { generateCouponCode } from './domain/coupon-code.js';
import { deserializeParams } from './domain/coupon-types.js';
import { faceValue } from './domain/face-value.js';
import type { CouponRepo } from './repo.js';

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
/** Templates whose face (value, validity) is remembered; a template's face never changes once created. */
const MAX_FACES = 10_000;
const CLAIMED_TOPIC = 'coupon.claimed';

/** What a claimed coupon of a template is worth and how long it is valid: fixed when the template is created. */
interface TemplateFace {
  readonly balanceFen: bigint;
  readonly validFrom: Date | null;
  readonly validUntil: Date | null;
  readonly validDays: number | null;
}

/**
 * Claiming (领取) by group commit, one queue per template: the claims that arrive while a batch commits are
 * decided together by one call of the `coupon_claim_batch` SQL function (migration 0020) — the template row
 * locked once, per-user limits and stock decided for all of them in arrival order, and the winners' coupons,
 * events, `coupon.claimed` outbox events and idempotent answers written — in one round trip and one commit,
 * with no explicit transaction around it. A user's second claim never shares a batch with their first.
 */
export class Claims {
  readonly committer: GroupCommit<ClaimCommand, ClaimResult>;
  private readonly faces = new Map<string, TemplateFace>();

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
      runAtomic: (executor, commands, receipts) => this.claimMany(executor, commands, receipts),
      metrics,
    });
  }

  /** One claim in the caller's transaction (fixtures, lottery prizes); throws the refusal. */
  async claim(trx: Transaction<Database>, templateId: string, userId: string, requestId: string): Promise<ClaimResult> {
    const [outcome] = await this.claimMany(trx, [{ templateId, userId, requestId }], []);
    if (!outcome!.ok) throw outcome!.error;
    return outcome!.value;
  }

  /**
   * Decides and writes a batch of claims on one template, each user at most once, in one statement (see the class
   * comment). `receipts[i]` records claim i's idempotent answer, written only if the claim succeeds.
   */
  async claimMany(executor: Kysely<Database>, commands: readonly ClaimCommand[], receipts: readonly (Receipt<ClaimResult> | undefined)[]): Promise<Outcome<ClaimResult>[]> {
    const templateId = commands[0]!.templateId;
    if (commands.some((c) => c.templateId !== templateId)) throw new Error('a claim batch spans one template');
    const face = await this.faceOf(executor, templateId);
    if (!face) return commands.map(() => ({ ok: false, error: new AppError('COUPON_TEMPLATE_NOT_FOUND') }));

    const now = this.clock.now();
    const validUntil = face.validDays ? new Date(now.getTime() + face.validDays * DAY_MS) : face.validUntil;
    const balance = formatMoney(face.balanceFen);
    const claims = commands.map((command) => {
      const couponId = this.ids.next();
      const value: ClaimResult = { coupon_id: couponId, coupon_code: generateCouponCode(), template_id: templateId, status: 'ACTIVATED', balance, valid_until: validUntil?.toISOString() ?? null };
      return { command, value };
    });
    const answers = claims.map((c, i) => receipts[i]?.record(c.value));
    const published = this.outbox.prepare(
      CLAIMED_TOPIC,
      claims.map((c) => ({ payload: { coupon_id: c.value.coupon_id, template_id: templateId, user_id: c.command.userId } })),
    );
    const result = await sql<{ outcomes: string[] }>`
      SELECT coupon_claim_batch(
        ${templateId}::bigint, ${now}::timestamptz, ${businessDate(now)}::date,
        ${face.balanceFen}::bigint, ${face.validFrom}::timestamptz, ${validUntil}::timestamptz,
        ${claims.map((c) => c.command.userId)}::bigint[], ${claims.map((c) => c.value.coupon_id)}::bigint[],
        ${claims.map((c) => c.value.coupon_code)}::text[], ${claims.map(() => this.ids.next())}::bigint[],
        ${claims.map((c) => c.command.requestId)}::text[],
        ${published.topic}, ${[...published.subscribers]}::text[], ${[...published.ids]}::bigint[], ${[...published.payloads]}::jsonb[],
        ${answers.map((a) => a?.scope ?? null)}::text[], ${answers.map((a) => a?.key ?? null)}::text[],
        ${answers.map((a) => a?.status ?? null)}::int[], ${answers.map((a) => a?.body ?? null)}::text[]
      ) AS outcomes
    `.execute(executor);
    const outcomes = result.rows[0]!.outcomes;
    return claims.map(({ value }, i): Outcome<ClaimResult> => (outcomes[i] === 'OK' ? { ok: true, value } : { ok: false, error: new AppError(outcomes[i] as ClaimRefusal) }));
  }

  private async faceOf(executor: Kysely<Database>, templateId: string): Promise<TemplateFace | undefined> {
    const known = this.faces.get(templateId);
    if (known) return known;
    const template = await this.repo.findTemplate(executor, templateId);
    if (!template) return undefined;
    const face = { balanceFen: faceValue(deserializeParams(template.type, template.params)), validFrom: template.validFrom, validUntil: template.validUntil, validDays: template.validDays };
    if (this.faces.size >= MAX_FACES) this.faces.clear();
    this.faces.set(templateId, face);
    return face;
  }
}

/** The refusals coupon_claim_batch answers with. */
type ClaimRefusal = 'COUPON_TEMPLATE_NOT_FOUND' | 'COUPON_TEMPLATE_INACTIVE' | 'COUPON_LIMIT_REACHED' | 'COUPON_DAILY_LIMIT_REACHED' | 'COUPON_OUT_OF_STOCK';
