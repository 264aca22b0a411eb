/** What risk control can decide (issue #8), from the mildest to the most severe. */
export const DECISIONS = ['ALLOW', 'REVIEW', 'DELAY_SETTLEMENT', 'DENY', 'FREEZE_ACCOUNT'] as const;
export type Decision = (typeof DECISIONS)[number];

/** One rule's finding: the decision it asks for, a stable reason code, and what it saw. */
export interface Finding {
  readonly rule: string;
  readonly decision: Exclude<Decision, 'ALLOW'>;
  /** Stable machine code, e.g. `IP_CLAIM_VELOCITY`. */
  readonly reason: string;
  readonly message: { readonly zh: string; readonly en: string };
  readonly evidence: Readonly<Record<string, unknown>>;
}

export interface Verdict {
  readonly decision: Decision;
  readonly findings: readonly Finding[];
}

/** The most severe finding decides; every finding is kept as a reason. */
export function combine(findings: readonly Finding[]): Verdict {
  let decision: Decision = 'ALLOW';
  for (const f of findings) if (DECISIONS.indexOf(f.decision) > DECISIONS.indexOf(decision)) decision = f.decision;
  return { decision, findings };
}
