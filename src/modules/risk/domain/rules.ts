import type { RiskHook } from '../../../platform/risk/risk-gate.js';
import type { Finding } from './decisions.js';

/**
 * Risk rules as small registered objects (issue #8): a code, typed parameters with defaults and bounds, the
 * hooks it listens on, the velocity counters it needs, and a pure decision. Operators change parameters and
 * switch rules at runtime (each change is a new version, audited); the code of a rule never changes at runtime.
 */
/** The gate's hooks (asked before an action) and the events observed after one. */
export type RuleHook = RiskHook | 'coupon.consumed' | 'invoice.accepted' | 'coupon.activation_guessing';

export interface ParamSpec {
  readonly type: 'integer';
  readonly min: number;
  readonly max: number;
  readonly default: number;
  readonly description: string;
}

export type Params = Readonly<Record<string, number>>;

/** What a hook knows when it asks. */
export interface RuleFacts {
  readonly userId?: string;
  readonly phoneHash?: string;
  readonly deviceId?: string;
  readonly ip?: string;
  readonly merchantId?: string;
  readonly invoiceId?: string;
  /** Identifies the event being counted, so a redelivered event is not counted twice. */
  readonly hitId?: string;
  /** Fraud signals of an accepted invoice (invoices/domain/fraud-signals.ts). */
  readonly invoiceSignals?: readonly string[];
  /** Which activation-failure caps a caller reached (user, device, ip): the coupons module's guessing report. */
  readonly guessingCaps?: readonly string[];
}

export interface CounterSpec {
  /** Name the decision reads the count under. */
  readonly name: string;
  /** Cache key of the sliding window; the same key is shared by every process. */
  readonly key: string;
  readonly windowMs: number;
}

export interface RuleInput {
  readonly facts: RuleFacts;
  readonly params: Params;
  /** Hits in each counter's window, this one included. */
  readonly counts: Readonly<Record<string, number>>;
  /** Blacklist entries matching the facts (kind and value). */
  readonly listed: readonly { readonly kind: string; readonly value: string }[];
}

export interface RiskRule {
  readonly code: string;
  readonly name: { readonly zh: string; readonly en: string };
  readonly hooks: readonly RuleHook[];
  readonly params: Readonly<Record<string, ParamSpec>>;
  /** Whether the rule needs blacklist matches. */
  readonly usesBlacklist?: boolean;
  counters?(facts: RuleFacts, params: Params): readonly CounterSpec[];
  decide(input: RuleInput): Finding | undefined;
}

const MINUTE = 60_000;

/** Coupon specification §4.4: the same IP claiming more than 10 times in 5 minutes → freeze the account and refuse. */
export const couponFarming: RiskRule = {
  code: 'COUPON_FARMING',
  name: { zh: '薅羊毛:同一IP高频领券', en: 'Coupon farming: many claims from one IP' },
  hooks: ['coupon.claim'],
  params: {
    max_claims: { type: 'integer', min: 1, max: 100_000, default: 10, description: 'claims from one IP allowed within the window' },
    window_minutes: { type: 'integer', min: 1, max: 1_440, default: 5, description: 'length of the sliding window' },
  },
  counters: (facts, params) => (facts.ip ? [{ name: 'claims_from_ip', key: `risk:claims:ip:${facts.ip}`, windowMs: params.window_minutes! * MINUTE }] : []),
  decide: ({ facts, params, counts }) => {
    const claims = counts.claims_from_ip ?? 0;
    if (claims <= params.max_claims!) return undefined;
    return {
      rule: 'COUPON_FARMING',
      decision: 'FREEZE_ACCOUNT',
      reason: 'IP_CLAIM_VELOCITY',
      message: { zh: `同一IP在${params.window_minutes}分钟内领券${claims}次`, en: `${claims} claims from one IP within ${params.window_minutes} minutes` },
      evidence: { ip: facts.ip, claims, window_minutes: params.window_minutes, max_claims: params.max_claims },
    };
  },
};

/** Coupon specification §4.4: many coupons redeemed at the same merchant at high frequency → delay settlement, manual review. */
export const cashOut: RiskRule = {
  code: 'CASH_OUT',
  name: { zh: '套现:同一商户高频核销', en: 'Cash-out: many redemptions at one merchant' },
  hooks: ['coupon.consumed'],
  params: {
    max_redemptions: { type: 'integer', min: 1, max: 1_000_000, default: 100, description: 'coupon redemptions at one merchant allowed within the window' },
    window_minutes: { type: 'integer', min: 1, max: 1_440, default: 10, description: 'length of the sliding window' },
  },
  counters: (facts, params) =>
    facts.merchantId ? [{ name: 'redemptions_at_merchant', key: `risk:redemptions:merchant:${facts.merchantId}`, windowMs: params.window_minutes! * MINUTE }] : [],
  decide: ({ facts, params, counts }) => {
    const redemptions = counts.redemptions_at_merchant ?? 0;
    if (redemptions <= params.max_redemptions!) return undefined;
    return {
      rule: 'CASH_OUT',
      decision: 'DELAY_SETTLEMENT',
      reason: 'MERCHANT_REDEMPTION_VELOCITY',
      message: { zh: `同一商户${params.window_minutes}分钟内核销${redemptions}张券`, en: `${redemptions} coupons redeemed at one merchant within ${params.window_minutes} minutes` },
      evidence: { merchant_id: facts.merchantId, redemptions, window_minutes: params.window_minutes, max_redemptions: params.max_redemptions },
    };
  },
};

/** Coupon specification §4.4: phone or device on a blacklist (黑产) → refuse; IPs and CIDRs too. */
export const blacklisted: RiskRule = {
  code: 'BLACKLIST',
  name: { zh: '黑产:手机号、设备或IP在黑名单', en: 'Black market: phone, device or IP on a blacklist' },
  hooks: ['sms.send', 'auth.login', 'coupon.claim', 'coupon.activate', 'invoice.submit', 'prize.payout'],
  params: {},
  usesBlacklist: true,
  decide: ({ listed }) => {
    if (listed.length === 0) return undefined;
    return {
      rule: 'BLACKLIST',
      decision: 'DENY',
      reason: 'BLACKLISTED',
      message: { zh: '命中黑名单', en: 'On a blacklist' },
      // The matched entries (phone blind indexes, device ids, IPs, CIDRs), never a phone in clear.
      evidence: { matched: listed.map((l) => `${l.kind}:${l.value}`) },
    };
  },
};

/** Which invoice signal each switch of INVOICE_FRAUD_SIGNALS governs. */
const SIGNAL_SWITCHES: Readonly<Record<string, string>> = {
  SELF_ISSUED: 'review_self_issued',
  SMALL_INVOICES_SAME_PAIR: 'review_small_same_pair',
  JUST_OVER_FLOOR_SAME_DAY: 'review_just_over_floor',
  REISSUED_AFTER_VOID: 'review_reissued_after_void',
};
const signalSwitch = (description: string): ParamSpec => ({ type: 'integer', min: 0, max: 1, default: 1, description });

/**
 * Invoices with fraud signals (self-issued, split, bulk tiny, re-issued after void) go to review before they count.
 * Each signal has a switch (1: review, 0: let it count): a seller-wide pattern such as many invoices just over the
 * floor in one day can flag honest customers of a busy shop, and a deployment may want only some reviewed.
 */
export const invoiceSignals: RiskRule = {
  code: 'INVOICE_FRAUD_SIGNALS',
  name: { zh: '发票欺诈信号', en: 'Invoice fraud signals' },
  hooks: ['invoice.accepted'],
  params: {
    review_self_issued: signalSwitch('review self-issued invoices (seller = buyer)'),
    review_small_same_pair: signalSwitch('review many small invoices between one buyer and one seller (split purchases)'),
    review_just_over_floor: signalSwitch('review many invoices just over the floor from one seller in one day'),
    review_reissued_after_void: signalSwitch('review an invoice re-issued after a void'),
  },
  decide: ({ facts, params }) => {
    const signals = (facts.invoiceSignals ?? []).filter((s) => params[SIGNAL_SWITCHES[s] ?? ''] !== 0);
    if (signals.length === 0) return undefined;
    return {
      rule: 'INVOICE_FRAUD_SIGNALS',
      decision: 'REVIEW',
      reason: 'INVOICE_FRAUD_SIGNALS',
      message: { zh: `发票存在可疑信号:${signals.join('、')}`, en: `The invoice shows fraud signals: ${signals.join(', ')}` },
      evidence: { signals },
    };
  },
};

/**
 * A caller who reached a cap on failed coupon activations (the coupons module already refuses it for the rest of
 * the window) is put in front of a reviewer; a deployment that prefers it may freeze the account at once.
 */
export const codeGuessing: RiskRule = {
  code: 'COUPON_CODE_GUESSING',
  name: { zh: '猜测券码:激活失败过多', en: 'Coupon code guessing: too many failed activations' },
  hooks: ['coupon.activation_guessing'],
  params: {
    freeze_account: { type: 'integer', min: 0, max: 1, default: 0, description: '1: freeze the account at once; 0: open a case for review' },
  },
  decide: ({ facts, params }) => {
    const caps = facts.guessingCaps ?? [];
    if (caps.length === 0) return undefined;
    return {
      rule: 'COUPON_CODE_GUESSING',
      decision: params.freeze_account === 1 ? 'FREEZE_ACCOUNT' : 'REVIEW',
      reason: 'ACTIVATION_FAILURES',
      message: { zh: `券码激活失败次数达到上限(${caps.join('、')})`, en: `Failed coupon activations reached the cap (${caps.join(', ')})` },
      evidence: { caps, ip: facts.ip ?? null, device_id: facts.deviceId ?? null },
    };
  },
};

/** Every rule the deployment knows, by code. */
export const RULES: ReadonlyMap<string, RiskRule> = new Map([couponFarming, cashOut, blacklisted, invoiceSignals, codeGuessing].map((r) => [r.code, r]));

export function defaultParams(rule: RiskRule): Params {
  return Object.fromEntries(Object.entries(rule.params).map(([name, spec]) => [name, spec.default]));
}

/** Validates operator-supplied parameters against a rule's specs; unknown names and out-of-range values are refused. */
export function checkParams(rule: RiskRule, input: Readonly<Record<string, unknown>>): { ok: true; params: Params } | { ok: false; field: string; message: string } {
  const params: Record<string, number> = { ...defaultParams(rule) };
  for (const [name, value] of Object.entries(input)) {
    const spec = rule.params[name];
    if (!spec) return { ok: false, field: name, message: `${rule.code} has no parameter ${name}` };
    if (typeof value !== 'number' || !Number.isInteger(value) || value < spec.min || value > spec.max) {
      return { ok: false, field: name, message: `must be a whole number from ${spec.min} to ${spec.max}` };
    }
    params[name] = value;
  }
  return { ok: true, params };
}
