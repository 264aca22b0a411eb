/**
 * The risk gate: where a module asks, before an action, whether risk control lets it through. The risk module
 * installs the real gate when the process starts (`QuanyiModule.init`); until then, and in processes without
 * it, everything passes. Modules depend on this port, not on the risk module, so the dependency points one way.
 */
export type RiskHook = 'sms.send' | 'auth.login' | 'coupon.claim' | 'coupon.activate' | 'invoice.submit' | 'prize.payout';

export interface RiskFacts {
  readonly userId?: string;
  /** Blind index of the phone (never the phone). */
  readonly phoneHash?: string;
  readonly deviceId?: string;
  readonly ip?: string;
  readonly merchantId?: string;
  readonly requestId?: string;
}

export type RiskDecision = 'ALLOW' | 'REVIEW' | 'DELAY_SETTLEMENT' | 'DENY' | 'FREEZE_ACCOUNT';

export interface RiskGate {
  /** Resolves when the action may go ahead; throws an AppError (RISK_DENIED, ACCOUNT_FROZEN …) when refused. */
  check(hook: RiskHook, facts: RiskFacts): Promise<void>;
  /**
   * What the rules would decide about an accepted invoice with these fraud signals, without acting on it (the
   * risk module opens the review case itself when the `invoice.accepted` event reaches it). The invoices module
   * flags the event with it, so the lottery holds the invoice back until the review.
   */
  assessInvoice(facts: RiskFacts & { readonly invoiceSignals: readonly string[] }): Promise<RiskDecision>;
}

export const ALLOW_ALL: RiskGate = { check: async () => undefined, assessInvoice: async () => 'ALLOW' };

/** Where the platform keeps the installed gate. */
export interface PlatformHooks {
  riskGate: RiskGate;
}
