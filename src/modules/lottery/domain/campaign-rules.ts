import { formatMoney, MoneyFormatError, parseMoney } from '../../../platform/money/money.js';
import { validateSchedule } from '../../../platform/scheduler/schedule.js';

export type InvoiceKind = 'DIGITAL' | 'LEGACY';
/** Whose invoices a campaign counts: individuals' only (the default), or companies' too (issue #18). */
export type BuyerRule = 'PERSON' | 'ANY';

/** A prize as the rules hold it: cash in fen or a coupon of one of our templates. */
export type PrizeSpec =
  | { readonly name: string; readonly kind: 'CASH'; readonly amount_fen: number; readonly count: number }
  | { readonly name: string; readonly kind: 'COUPON'; readonly coupon_template_id: string; readonly count: number };

export type ChanceRule =
  | { readonly mode: 'PER_INVOICE' }
  /** One chance per full `step_fen` of the invoice amount, at least one, at most `max_per_invoice`. */
  | { readonly mode: 'PER_AMOUNT_STEP'; readonly step_fen: number; readonly max_per_invoice: number };

/**
 * A campaign's rules in the exact form written to the transparency log (canonical JSON), so integers only:
 * money in fen, times as ISO strings. Anyone re-running a draw reads them from there.
 */
export interface CampaignRules {
  readonly starts_at: string;
  readonly ends_at: string;
  readonly eligibility: {
    readonly min_amount_fen: number;
    readonly max_age_days: number;
    readonly invoice_kinds: readonly InvoiceKind[];
    /** Absent in campaigns created before the rule existed: PERSON, like the default. */
    readonly buyer?: BuyerRule;
  };
  readonly chances: ChanceRule;
  readonly instant: { readonly tickets: number; readonly prizes: readonly PrizeSpec[] } | null;
  readonly weekly: { readonly cron: string; readonly tiers: readonly (PrizeSpec & { readonly tier: string })[] } | null;
  /** Days a winner has to claim before an unclaimed prize lapses. */
  readonly claim_deadline_days: number;
}

/** The operator's request body (snake_case, money as decimal strings). */
export interface CampaignInput {
  readonly name: string;
  readonly starts_at: string;
  readonly ends_at: string;
  readonly eligibility?: { readonly min_amount?: string | number; readonly max_age_days?: number; readonly invoice_kinds?: readonly InvoiceKind[]; readonly buyer?: BuyerRule };
  readonly chances?: { readonly mode: 'PER_INVOICE' } | { readonly mode: 'PER_AMOUNT_STEP'; readonly step: string | number; readonly max_per_invoice?: number };
  readonly instant?: { readonly tickets: number; readonly prizes: readonly PrizeInput[] };
  readonly weekly?: { readonly cron?: string; readonly tiers: readonly (PrizeInput & { readonly tier: string })[] };
  readonly claim_deadline_days?: number;
}

export type PrizeInput =
  | { readonly name: string; readonly kind: 'CASH'; readonly amount: string | number; readonly count: number }
  | { readonly name: string; readonly kind: 'COUPON'; readonly coupon_template_id: string; readonly count: number };

/** The specification's defaults (§2.1): at least 10.00 yuan, issued within 90 days; weekly draws Wednesdays at 10:00. */
export const DEFAULTS = { minAmountFen: 1000, maxAgeDays: 90, weeklyCron: '0 10 * * 3', claimDeadlineDays: 30 } as const;
/** A pool is shuffled in memory at its first draw; this bounds that work (and the verifier's). */
export const MAX_TICKETS = 10_000_000;

export interface RuleProblem {
  readonly field: string;
  readonly problem: string;
}

/** Checks an operator's campaign and returns its normalised rules, or every problem found. */
export function normaliseCampaign(input: CampaignInput): { rules: CampaignRules; problems: [] } | { rules: null; problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  const problem = (field: string, text: string) => problems.push({ field, problem: text });

  const startsAt = new Date(input.starts_at);
  const endsAt = new Date(input.ends_at);
  if (Number.isNaN(startsAt.getTime())) problem('starts_at', 'not a date-time');
  if (Number.isNaN(endsAt.getTime())) problem('ends_at', 'not a date-time');
  if (!(endsAt > startsAt)) problem('ends_at', 'must be after starts_at');

  const money = (field: string, value: string | number | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    try {
      return Number(parseMoney(value, { allowZero: false }));
    } catch (error) {
      if (error instanceof MoneyFormatError) problem(field, error.message);
      else throw error;
      return fallback;
    }
  };

  const kinds = input.eligibility?.invoice_kinds ?? ['DIGITAL', 'LEGACY'];
  if (kinds.length === 0) problem('eligibility.invoice_kinds', 'must name at least one kind');
  const eligibility = {
    min_amount_fen: money('eligibility.min_amount', input.eligibility?.min_amount, DEFAULTS.minAmountFen),
    max_age_days: input.eligibility?.max_age_days ?? DEFAULTS.maxAgeDays,
    invoice_kinds: [...new Set(kinds)].sort(),
    buyer: input.eligibility?.buyer ?? 'PERSON',
  };
  if (eligibility.buyer !== 'PERSON' && eligibility.buyer !== 'ANY') problem('eligibility.buyer', 'must be PERSON or ANY');

  let chances: ChanceRule = { mode: 'PER_INVOICE' };
  if (input.chances?.mode === 'PER_AMOUNT_STEP') {
    chances = { mode: 'PER_AMOUNT_STEP', step_fen: money('chances.step', input.chances.step, 1), max_per_invoice: input.chances.max_per_invoice ?? 10 };
  }

  /** `first`: the index of the list's first prize in `field`, so a problem names the right row. */
  const prizes = (field: string, list: readonly PrizeInput[], first = 0): PrizeSpec[] =>
    list.map((prize, i) =>
      prize.kind === 'CASH'
        ? { name: prize.name, kind: 'CASH', amount_fen: money(`${field}[${first + i}].amount`, prize.amount, 1), count: prize.count }
        : { name: prize.name, kind: 'COUPON', coupon_template_id: prize.coupon_template_id, count: prize.count },
    );

  let instant: CampaignRules['instant'] = null;
  if (input.instant) {
    const list = prizes('instant.prizes', input.instant.prizes);
    const awarded = list.reduce((sum, p) => sum + p.count, 0);
    if (input.instant.tickets > MAX_TICKETS) problem('instant.tickets', `at most ${MAX_TICKETS}`);
    if (awarded > input.instant.tickets) problem('instant.prizes', `${awarded} prizes do not fit in ${input.instant.tickets} tickets`);
    instant = { tickets: input.instant.tickets, prizes: list };
  }

  let weekly: CampaignRules['weekly'] = null;
  if (input.weekly) {
    const cron = input.weekly.cron ?? DEFAULTS.weeklyCron;
    try {
      validateSchedule({ cron });
    } catch (error) {
      problem('weekly.cron', (error as Error).message);
    }
    const tiers = input.weekly.tiers.map((tier, i) => ({ ...prizes('weekly.tiers', [tier], i)[0]!, tier: tier.tier, index: i }));
    if (new Set(tiers.map((t) => t.tier)).size !== tiers.length) problem('weekly.tiers', 'tier names must be distinct');
    weekly = { cron, tiers: tiers.map(({ index: _index, ...tier }) => tier) };
  }

  if (problems.length > 0) return { rules: null, problems };
  return {
    rules: {
      starts_at: startsAt.toISOString(),
      ends_at: endsAt.toISOString(),
      eligibility,
      chances,
      instant,
      weekly,
      claim_deadline_days: input.claim_deadline_days ?? DEFAULTS.claimDeadlineDays,
    },
    problems: [],
  };
}

/** A campaign's buyer rule (PERSON for campaigns created before it existed). */
export function buyerRuleOf(rules: CampaignRules): BuyerRule {
  return rules.eligibility.buyer ?? 'PERSON';
}

/** The rules as the API shows them: money back in yuan strings. */
export function presentPrize(prize: PrizeSpec): Record<string, unknown> {
  return prize.kind === 'CASH'
    ? { name: prize.name, kind: 'CASH', amount: formatMoney(prize.amount_fen), count: prize.count }
    : { name: prize.name, kind: 'COUPON', coupon_template_id: prize.coupon_template_id, count: prize.count };
}
