/**
 * The campaign form's model and its two translations: form -> the API's request body (CampaignInput in
 * src/modules/lottery/domain/campaign-rules.ts) and, for the "advanced" JSON editor, a body back to a form.
 * Money stays the decimal strings the operator typed ("8.80"): the server parses them to fen; nothing here
 * does arithmetic on money.
 */

export type InvoiceKind = 'DIGITAL' | 'LEGACY';
export type PrizeKind = 'CASH' | 'COUPON';
export type ChanceMode = 'PER_INVOICE' | 'PER_AMOUNT_STEP';

/** Inputs of type number hand Vue a number, text inputs a string: both are kept as typed. */
export type Typed = string | number;

export interface PrizeRow {
  /** For v-for only (rows are added and removed). */
  readonly key: number;
  tier: string;
  name: string;
  kind: PrizeKind;
  amount: Typed;
  template_id: string;
  count: Typed;
}

/** A coupon template a COUPON prize may name (GET /api/v1/coupon/templates). */
export interface TemplateOption {
  template_id: string;
  name: string;
  status: string;
}

export interface CampaignFormModel {
  name: string;
  /** datetime-local values, read as Asia/Shanghai wall time ("2026-01-28T10:00"). */
  starts_at: string;
  ends_at: string;
  min_amount: Typed;
  max_age_days: Typed;
  invoice_kinds: InvoiceKind[];
  chance_mode: ChanceMode;
  step: Typed;
  max_per_invoice: Typed;
  instant_on: boolean;
  tickets: Typed;
  prizes: PrizeRow[];
  weekly_on: boolean;
  cron: string;
  tiers: PrizeRow[];
  claim_deadline_days: Typed;
}

/** Business time is Asia/Shanghai (UTC+8, no daylight saving), whatever the operator's own machine says. */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const LOCAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

export function shanghaiLocal(date: Date): string {
  return new Date(date.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16);
}

/** A datetime-local value as an RFC 3339 time at +08:00; anything else is passed on for the server to refuse. */
export function isoFromShanghai(local: string): string {
  if (!LOCAL.test(local)) return local;
  return `${local.length === 16 ? `${local}:00` : local}+08:00`;
}

export function shanghaiFromIso(iso: unknown): string {
  const ms = typeof iso === 'string' ? Date.parse(iso) : NaN;
  return Number.isNaN(ms) ? '' : shanghaiLocal(new Date(ms));
}

let nextKey = 1;
export function prizeRow(fields: Partial<Omit<PrizeRow, 'key'>> = {}): PrizeRow {
  return { key: nextKey++, tier: '', name: '', kind: 'CASH', amount: '', template_id: '', count: '1', ...fields };
}

/** A new form, filled with the specification's defaults and an example pool, starting now for a month. */
export function defaultForm(now = new Date()): CampaignFormModel {
  return {
    name: '',
    starts_at: shanghaiLocal(now),
    ends_at: shanghaiLocal(new Date(now.getTime() + 31 * 86_400_000)),
    min_amount: '10.00',
    max_age_days: '90',
    invoice_kinds: ['DIGITAL', 'LEGACY'],
    chance_mode: 'PER_INVOICE',
    step: '50.00',
    max_per_invoice: '10',
    instant_on: true,
    tickets: '1000',
    prizes: [prizeRow({ name: '现金 8.8 元', amount: '8.80', count: '50' })],
    weekly_on: true,
    cron: '0 10 * * 3',
    tiers: [prizeRow({ tier: 'FIRST', name: '一等奖 1000 元', amount: '1000.00', count: '1' })],
    claim_deadline_days: '30',
  };
}

const text = (v: Typed) => String(v).trim();

/** A whole number as typed, or NaN. */
export function wholeNumber(v: Typed): number {
  const s = text(v);
  return /^\d{1,9}$/.test(s) ? Number(s) : NaN;
}

/** Integers go to the server as numbers; anything else as typed, so its schema refuses it at that field. */
const integer = (v: Typed): number | string => (Number.isNaN(wholeNumber(v)) ? text(v) : wholeNumber(v));

function prizeBody(row: PrizeRow, withTier: boolean): Record<string, unknown> {
  const base: Record<string, unknown> = withTier ? { tier: row.tier.trim() } : {};
  base.name = row.name.trim();
  base.kind = row.kind;
  if (row.kind === 'CASH') base.amount = text(row.amount);
  else base.coupon_template_id = row.template_id;
  base.count = integer(row.count);
  return base;
}

/** The request body of POST /api/v1/lottery/campaigns. */
export function toInput(form: CampaignFormModel): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: form.name.trim(),
    starts_at: isoFromShanghai(form.starts_at),
    ends_at: isoFromShanghai(form.ends_at),
    eligibility: { min_amount: text(form.min_amount), max_age_days: integer(form.max_age_days), invoice_kinds: [...form.invoice_kinds] },
    chances:
      form.chance_mode === 'PER_INVOICE'
        ? { mode: 'PER_INVOICE' }
        : { mode: 'PER_AMOUNT_STEP', step: text(form.step), max_per_invoice: integer(form.max_per_invoice) },
    claim_deadline_days: integer(form.claim_deadline_days),
  };
  if (form.instant_on) body.instant = { tickets: integer(form.tickets), prizes: form.prizes.map((p) => prizeBody(p, false)) };
  if (form.weekly_on) body.weekly = { cron: form.cron.trim(), tiers: form.tiers.map((p) => prizeBody(p, true)) };
  return body;
}

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const str = (v: unknown, fallback = ''): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : fallback);

function rowFrom(v: unknown): PrizeRow {
  const p = obj(v);
  return prizeRow({
    tier: str(p.tier),
    name: str(p.name),
    kind: p.kind === 'COUPON' ? 'COUPON' : 'CASH',
    amount: str(p.amount),
    template_id: str(p.coupon_template_id),
    count: str(p.count, '1'),
  });
}

/** The JSON editor's body back as a form (what it cannot show is dropped; the defaults fill what it lacks). */
export function fromInput(input: unknown, now = new Date()): CampaignFormModel {
  const body = obj(input);
  const base = defaultForm(now);
  const eligibility = obj(body.eligibility);
  const chances = obj(body.chances);
  const instant = body.instant ? obj(body.instant) : null;
  const weekly = body.weekly ? obj(body.weekly) : null;
  const kinds = Array.isArray(eligibility.invoice_kinds) ? eligibility.invoice_kinds.filter((k): k is InvoiceKind => k === 'DIGITAL' || k === 'LEGACY') : base.invoice_kinds;
  return {
    name: str(body.name),
    starts_at: shanghaiFromIso(body.starts_at) || base.starts_at,
    ends_at: shanghaiFromIso(body.ends_at) || base.ends_at,
    min_amount: str(eligibility.min_amount, String(base.min_amount)),
    max_age_days: str(eligibility.max_age_days, String(base.max_age_days)),
    invoice_kinds: kinds,
    chance_mode: chances.mode === 'PER_AMOUNT_STEP' ? 'PER_AMOUNT_STEP' : 'PER_INVOICE',
    step: str(chances.step, String(base.step)),
    max_per_invoice: str(chances.max_per_invoice, String(base.max_per_invoice)),
    instant_on: instant !== null,
    tickets: instant ? str(instant.tickets) : base.tickets,
    prizes: instant && Array.isArray(instant.prizes) ? instant.prizes.map(rowFrom) : [],
    weekly_on: weekly !== null,
    cron: weekly ? str(weekly.cron, base.cron) : base.cron,
    tiers: weekly && Array.isArray(weekly.tiers) ? weekly.tiers.map(rowFrom) : [],
    claim_deadline_days: str(body.claim_deadline_days, String(base.claim_deadline_days)),
  };
}
