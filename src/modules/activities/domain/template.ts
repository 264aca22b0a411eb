import { MoneyFormatError, parseMoney } from '../../../platform/money/money.js';

/**
 * An activity template as operators write it (coupon specification §4.3.1), checked and normalised:
 * `{"activity_type": "NEW_USER_REGISTER", "reward": [{"coupon_id": "<template id>", "quantity": 2}, {"points": 100}],
 *   "rules": [{"condition": "device_id NOT IN (blacklist)"}, {"condition": "ip_city = '上海'"}]}`
 * (rewards may also be `{"draw_chances": n}` for the invoice-triggered types) plus optional `name`,
 * `referral_trigger` (REFERRAL: `REGISTER`, the default, or `FIRST_REDEMPTION`), `max_grants` (budget: how many grants in all), `per_user_cap`, `min_amount` (yuan;
 * SPEND_THRESHOLD and INVOICE_ACCEPTED), `starts_at`, `ends_at`. `reward` may also be spelled `rewards`.
 */
export const ACTIVITY_TYPES = ['NEW_USER_REGISTER', 'INVOICE_ACCEPTED', 'REFERRAL', 'SPEND_THRESHOLD'] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

export type Reward =
  | { readonly kind: 'COUPON'; readonly templateId: string; readonly quantity: number }
  | { readonly kind: 'POINTS'; readonly points: number }
  /** Extra lottery draw chances on the invoice that triggered the grant (INVOICE_ACCEPTED, SPEND_THRESHOLD). */
  | { readonly kind: 'DRAW_CHANCES'; readonly chances: number };

/** Activity types triggered by an accepted invoice: the only ones whose grant has an invoice to add chances to. */
const INVOICE_TYPES: readonly string[] = ['INVOICE_ACCEPTED', 'SPEND_THRESHOLD'];

/** When a REFERRAL rewards the inviter: when the invitee signs up with the code, or when they first redeem a coupon. */
export const REFERRAL_TRIGGERS = ['REGISTER', 'FIRST_REDEMPTION'] as const;
export type ReferralTrigger = (typeof REFERRAL_TRIGGERS)[number];

export interface ActivityDefinition {
  readonly name: string;
  readonly type: ActivityType;
  /** REFERRAL only (REGISTER for the others). */
  readonly referralTrigger: ReferralTrigger;
  readonly rewards: readonly Reward[];
  readonly conditions: readonly string[];
  readonly maxGrants: number | null;
  readonly perUserCap: number;
  readonly minAmountFen: bigint | null;
  readonly startsAt: Date | null;
  readonly endsAt: Date | null;
}

export type TemplateProblem = { readonly kind: 'field'; readonly field: string; readonly message: string };

const MAX_REWARDS = 10;
const MAX_RULES = 20;

export function parseTemplate(input: Readonly<Record<string, unknown>>): { ok: true; definition: ActivityDefinition } | { ok: false; problem: TemplateProblem } {
  const fail = (field: string, message: string) => ({ ok: false as const, problem: { kind: 'field' as const, field, message } });
  const type = input.activity_type;
  if (typeof type !== 'string' || !(ACTIVITY_TYPES as readonly string[]).includes(type)) return fail('activity_type', `one of ${ACTIVITY_TYPES.join(', ')}`);
  const rawRewards = input.reward ?? input.rewards;
  if (!Array.isArray(rawRewards) || rawRewards.length === 0 || rawRewards.length > MAX_REWARDS) return fail('reward', `a list of 1 to ${MAX_REWARDS} rewards`);
  const rewards: Reward[] = [];
  for (const [i, raw] of rawRewards.entries()) {
    const r = raw as Record<string, unknown>;
    if (r && typeof r === 'object' && 'coupon_id' in r) {
      const templateId = typeof r.coupon_id === 'number' ? String(r.coupon_id) : r.coupon_id;
      if (typeof templateId !== 'string' || !/^\d{1,20}$/.test(templateId)) return fail(`reward[${i}].coupon_id`, 'the id of one of our coupon templates');
      const quantity = r.quantity ?? 1;
      if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > 10) return fail(`reward[${i}].quantity`, 'a whole number from 1 to 10');
      rewards.push({ kind: 'COUPON', templateId, quantity });
    } else if (r && typeof r === 'object' && 'points' in r) {
      if (typeof r.points !== 'number' || !Number.isInteger(r.points) || r.points < 1 || r.points > 1_000_000) return fail(`reward[${i}].points`, 'a whole number from 1 to 1000000');
      rewards.push({ kind: 'POINTS', points: r.points });
    } else if (r && typeof r === 'object' && 'draw_chances' in r) {
      if (!INVOICE_TYPES.includes(type)) return fail(`reward[${i}].draw_chances`, 'draw chances go with an invoice: INVOICE_ACCEPTED or SPEND_THRESHOLD only');
      if (typeof r.draw_chances !== 'number' || !Number.isInteger(r.draw_chances) || r.draw_chances < 1 || r.draw_chances > 10) return fail(`reward[${i}].draw_chances`, 'a whole number from 1 to 10');
      rewards.push({ kind: 'DRAW_CHANCES', chances: r.draw_chances });
    } else {
      return fail(`reward[${i}]`, 'one of {"coupon_id": …, "quantity": …}, {"points": …} or {"draw_chances": …}');
    }
  }
  const rawRules = input.rules ?? [];
  if (!Array.isArray(rawRules) || rawRules.length > MAX_RULES) return fail('rules', `a list of at most ${MAX_RULES} rules`);
  const conditions: string[] = [];
  for (const [i, raw] of rawRules.entries()) {
    const condition = (raw as Record<string, unknown> | null)?.condition;
    if (typeof condition !== 'string') return fail(`rules[${i}].condition`, 'a condition, e.g. "ip_city = \'上海\'"');
    conditions.push(condition);
  }
  const name = input.name ?? type;
  if (typeof name !== 'string' || name.length === 0 || name.length > 100) return fail('name', '1 to 100 characters');
  const maxGrants = input.max_grants ?? null;
  if (maxGrants !== null && (typeof maxGrants !== 'number' || !Number.isInteger(maxGrants) || maxGrants < 1)) return fail('max_grants', 'a whole number of grants, at least 1');
  // A sign-up happens once: its activity grants once per user whatever the template says.
  const perUserCap = type === 'NEW_USER_REGISTER' || type === 'SPEND_THRESHOLD' ? 1 : (input.per_user_cap ?? 1);
  if (typeof perUserCap !== 'number' || !Number.isInteger(perUserCap) || perUserCap < 1 || perUserCap > 1_000) return fail('per_user_cap', 'a whole number from 1 to 1000');
  let minAmountFen: bigint | null = null;
  if (input.min_amount !== undefined) {
    try {
      minAmountFen = parseMoney(input.min_amount, { allowZero: false });
    } catch (error) {
      if (error instanceof MoneyFormatError) return fail('min_amount', 'an amount in yuan, e.g. "100.00"');
      throw error;
    }
  }
  if (type === 'SPEND_THRESHOLD' && minAmountFen === null) return fail('min_amount', 'SPEND_THRESHOLD needs the amount to reach');
  const referralTrigger = input.referral_trigger ?? 'REGISTER';
  if (typeof referralTrigger !== 'string' || !(REFERRAL_TRIGGERS as readonly string[]).includes(referralTrigger)) return fail('referral_trigger', `one of ${REFERRAL_TRIGGERS.join(', ')}`);
  if (referralTrigger !== 'REGISTER' && type !== 'REFERRAL') return fail('referral_trigger', 'only REFERRAL activities have a trigger');
  const startsAt = instant(input.starts_at);
  const endsAt = instant(input.ends_at);
  if (startsAt === 'bad') return fail('starts_at', 'an ISO 8601 date-time');
  if (endsAt === 'bad') return fail('ends_at', 'an ISO 8601 date-time');
  if (startsAt && endsAt && endsAt <= startsAt) return fail('ends_at', 'after starts_at');
  return { ok: true, definition: { name, type: type as ActivityType, referralTrigger: referralTrigger as ReferralTrigger, rewards, conditions, maxGrants, perUserCap, minAmountFen, startsAt, endsAt } };
}

function instant(value: unknown): Date | null | 'bad' {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') return 'bad';
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? 'bad' : at;
}
