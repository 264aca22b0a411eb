import { ApiError } from '../api/client';
import { useMessages } from '../i18n';
import { isoFromShanghai, wholeNumber, type CampaignFormModel, type PrizeRow } from './campaign-form';

/**
 * The campaign form's problems, keyed by the API's field path with indexes as segments ("instant.prizes.0.amount"):
 * the cheap ones found in the browser before sending, and the server's refusals placed at the field they name.
 */
export type FieldProblems = Record<string, string>;

const t = useMessages({
  required: { zh: '必填', en: 'Required' },
  whole: { zh: '请填写正整数', en: 'Enter a whole number of at least 1' },
  badTime: { zh: '请选择日期和时间', en: 'Pick a date and time' },
  endAfterStart: { zh: '结束时间须晚于开始时间', en: 'The end must be after the start' },
  oneKind: { zh: '至少选择一种发票类型', en: 'Pick at least one invoice kind' },
  template: { zh: '请选择券模板', en: 'Pick a coupon template' },
  tooMany: { zh: '奖品共 {n} 份，超过奖券数 {tickets}', en: '{n} prizes do not fit in {tickets} tickets' },
  oneTier: { zh: '至少设置一个档位', en: 'Add at least one tier' },
  tierTwice: { zh: '档位名称不能重复', en: 'Tier names must be distinct' },
  money: { zh: '金额须为大于 0 的元，最多两位小数，如 8.80', en: 'An amount in yuan above 0 with at most two decimals, e.g. 8.80' },
  cron: { zh: '不是有效的 cron 表达式（分 时 日 月 周）', en: 'Not a valid cron expression (minute hour day month weekday)' },
  notTime: { zh: '不是有效的日期时间', en: 'Not a valid date-time' },
});

const PER_PRIZE = ['name', 'kind', 'amount', 'coupon_template_id', 'count', 'tier'] as const;

/** Every field the form shows an error at (a problem for another path lands at its nearest listed parent). */
export function fieldKeys(form: CampaignFormModel): Set<string> {
  const keys = new Set([
    'name', 'starts_at', 'ends_at', 'eligibility.min_amount', 'eligibility.max_age_days', 'eligibility.invoice_kinds',
    'chances.mode', 'chances.step', 'chances.max_per_invoice', 'instant.tickets', 'instant.prizes', 'weekly.cron', 'weekly.tiers',
    'claim_deadline_days',
  ]);
  // A row shows the amount or the template, whichever its kind needs.
  const rows = (list: string, rs: PrizeRow[]) =>
    rs.forEach((row, i) => PER_PRIZE.filter((f) => f !== (row.kind === 'CASH' ? 'coupon_template_id' : 'amount')).forEach((f) => keys.add(`${list}.${i}.${f}`)));
  rows('instant.prizes', form.prizes);
  rows('weekly.tiers', form.tiers);
  return keys;
}

/** What can be told without the server: missing values, whole numbers, end after start, prizes within tickets. */
export function localProblems(form: CampaignFormModel): FieldProblems {
  const out: FieldProblems = {};
  const whole = (key: string, v: string | number) => {
    if (String(v).trim() === '') out[key] = t('required');
    else if (!(wholeNumber(v) >= 1)) out[key] = t('whole');
  };
  if (!form.name.trim()) out.name = t('required');
  const start = Date.parse(isoFromShanghai(form.starts_at));
  const end = Date.parse(isoFromShanghai(form.ends_at));
  if (Number.isNaN(start)) out.starts_at = t('badTime');
  if (Number.isNaN(end)) out.ends_at = t('badTime');
  else if (!Number.isNaN(start) && end <= start) out.ends_at = t('endAfterStart');
  if (form.invoice_kinds.length === 0) out['eligibility.invoice_kinds'] = t('oneKind');
  whole('eligibility.max_age_days', form.max_age_days);
  if (form.chance_mode === 'PER_AMOUNT_STEP') {
    if (String(form.step).trim() === '') out['chances.step'] = t('required');
    whole('chances.max_per_invoice', form.max_per_invoice);
  }
  whole('claim_deadline_days', form.claim_deadline_days);
  const rows = (list: string, rs: PrizeRow[], withTier: boolean) =>
    rs.forEach((row, i) => {
      const at = `${list}.${i}`;
      if (withTier && !row.tier.trim()) out[`${at}.tier`] = t('required');
      if (!row.name.trim()) out[`${at}.name`] = t('required');
      if (row.kind === 'CASH' && String(row.amount).trim() === '') out[`${at}.amount`] = t('required');
      if (row.kind === 'COUPON' && !row.template_id) out[`${at}.coupon_template_id`] = t('template');
      whole(`${at}.count`, row.count);
    });
  if (form.instant_on) {
    whole('instant.tickets', form.tickets);
    rows('instant.prizes', form.prizes, false);
    // Whole numbers of prizes, not money: summing them here is exact.
    const awarded = form.prizes.reduce((sum, p) => sum + (wholeNumber(p.count) || 0), 0);
    const tickets = wholeNumber(form.tickets);
    if (tickets >= 1 && awarded > tickets) out['instant.prizes'] = t('tooMany', { n: awarded, tickets });
  }
  if (form.weekly_on) {
    if (!form.cron.trim()) out['weekly.cron'] = t('required');
    if (form.tiers.length === 0) out['weekly.tiers'] = t('oneTier');
    rows('weekly.tiers', form.tiers, true);
    const names = form.tiers.map((r) => r.tier.trim()).filter(Boolean);
    if (new Set(names).size !== names.length) out['weekly.tiers'] = t('tierTwice');
  }
  return out;
}

/** "instant.prizes[0].amount" (the rules' checks) and "instant.prizes.0.amount" (the schema's) alike. */
const normalise = (field: string) => field.replace(/^body\./, '').replace(/\[(\d+)\]/g, '.$1');

function nearest(field: string, keys: Set<string>): string | undefined {
  const parts = normalise(field).split('.');
  for (let n = parts.length; n > 0; n -= 1) {
    const key = parts.slice(0, n).join('.');
    if (keys.has(key)) return key;
  }
  return undefined;
}

const MONEY_FIELD = /(^|\.)(amount|min_amount|step)$/;

/** A rule problem (English, from the server's checks) said in the UI's language where it is a known one. */
function ruleDetail(key: string, problem: string): string {
  if (key === 'weekly.cron') return `${t('cron')}（${problem}）`;
  if (key === 'ends_at' && /after/.test(problem)) return t('endAfterStart');
  if (/date-time/.test(problem)) return t('notTime');
  if (key === 'weekly.tiers' && /distinct/.test(problem)) return t('tierTwice');
  if (key === 'eligibility.invoice_kinds') return t('oneKind');
  const fit = /^(\d+) prizes do not fit in (\d+) tickets$/.exec(problem);
  if (fit) return t('tooMany', { n: fit[1]!, tickets: fit[2]! });
  if (MONEY_FIELD.test(key)) return t('money');
  return problem;
}

/**
 * The server's refusal placed at its fields: the stable code's message (Chinese by default) then the field's
 * detail. Schema violations (400 VALIDATION_FAILED, details[]) and the rules' own checks (400
 * LOTTERY_RULES_INVALID, problems[]) both name fields; a refusal naming none is left for the banner. Without
 * `keys` (the JSON editor) each problem stays at its full path.
 */
export function serverProblems(error: unknown, keys: Set<string> | null): FieldProblems | null {
  if (!(error instanceof ApiError)) return null;
  const out: FieldProblems = {};
  const at = (field: string) => (keys ? nearest(field, keys) : field || undefined);
  const place = (field: string, detail: string) => {
    const key = at(field);
    if (key && !out[key]) out[key] = `${error.message}：${detail}`;
  };
  const details = Array.isArray(error.body.details) ? (error.body.details as { field?: string; rule?: string; message?: string }[]) : [];
  // A cash prize with a bad amount also fails the "or a coupon" branch of its oneOf (kind is not COUPON, no
  // template): those echoes, and problems of fields the form does not show, are shown only when nothing else is.
  const direct = (d: { field?: string; rule?: string }) => !['const', 'oneOf', 'anyOf'].includes(d.rule ?? '') && (!keys || keys.has(normalise(d.field ?? '')));
  const primary = details.filter(direct);
  for (const d of primary.length > 0 ? primary : details) {
    const key = normalise(d.field ?? '');
    // ajv says "must match pattern ^-?\d{1,15}…" for a bad amount: the form says what an amount looks like.
    place(key, MONEY_FIELD.test(key) ? t('money') : (d.message ?? ''));
  }
  const problems = Array.isArray(error.body.problems) ? (error.body.problems as { field?: string; problem?: string }[]) : [];
  for (const p of problems) {
    const key = normalise(p.field ?? '');
    place(key, ruleDetail(at(key) ?? key, p.problem ?? ''));
  }
  return Object.keys(out).length > 0 ? out : null;
}
