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

export interface RiskGate {
  /** Resolves when the action may go ahead; throws an AppError (RISK_DENIED, ACCOUNT_FROZEN …) when refused. */
  check(hook: RiskHook, facts: RiskFacts): Promise<void>;
}

export const ALLOW_ALL: RiskGate = { check: async () => undefined };

/** Where the platform keeps the installed gate. */
export interface PlatformHooks {
  riskGate: RiskGate;
}
