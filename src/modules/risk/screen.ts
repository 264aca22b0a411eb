import type { Kysely, Transaction } from 'kysely';
import type { Cache } from '../../platform/cache/cache.js';
import type { Database } from '../../platform/db/schema.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { IdGenerator } from '../../platform/ids/snowflake.js';
import type { Logger } from '../../platform/log/logger.js';
import type { Outbox } from '../../platform/outbox/outbox.js';
import type { RiskFacts, RiskGate, RiskHook } from '../../platform/risk/risk-gate.js';
import type { AuditTrail } from '../audit/audit-trail.js';
import { caseReason, type CaseAction, type RiskActions, type RiskCases } from './cases.js';
import { combine, type Finding, type Verdict } from './domain/decisions.js';
import type { RuleFacts, RuleHook } from './domain/rules.js';
import type { RuleConfig } from './rule-config.js';
import './schema.js';

export interface BlacklistLookup {
  matches(facts: { phoneHash?: string; deviceId?: string; ip?: string }): Promise<readonly { kind: string; value: string }[]>;
  /** Whether any phone-hash entry exists (so a user's phone hash is looked up only when it can matter). */
  hasPhoneEntries(): Promise<boolean>;
}

const FROZEN_RELOAD_MS = 2_000;
/** How long after delaying a merchant's settlement further over-threshold redemptions are only counted. */
const RECENT_HOLD_MS = 60_000;

export interface ScreenFacts extends RuleFacts {
  readonly requestId?: string;
}

/**
 * Risk screening. `check` is the gate other modules call before an action (claim, activate, SMS, login): it runs
 * the enabled rules of that hook — velocity counters in the cache's sliding windows, blacklist matches — and the
 * most severe finding decides. ALLOW passes; REVIEW passes and is recorded; DENY refuses; FREEZE_ACCOUNT freezes
 * the account (its coupons go FROZEN), opens a case and refuses. `observe` runs the rules of events that already
 * happened (a redemption, an accepted invoice): DELAY_SETTLEMENT holds the merchant's settlement and opens a case;
 * REVIEW opens a case. Every decision other than ALLOW is stored with its reasons and facts, in the audit trail,
 * and announced (`risk.decision`), in one transaction with what it does.
 */
export class RiskScreen implements RiskGate {
  private frozen: { at: number; users: Set<string> } | undefined;
  private readonly recentlyHeld = new Map<string, number>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly cache: Cache,
    private readonly config: RuleConfig,
    private readonly blacklists: BlacklistLookup,
    private readonly cases: RiskCases,
    private readonly actions: RiskActions,
    private readonly audit: AuditTrail,
    private readonly outbox: Outbox,
    private readonly ids: IdGenerator,
    private readonly phoneHashOf: (userId: string) => Promise<string | undefined>,
    private readonly logger: Logger,
  ) {}

  async check(hook: RiskHook, facts: RiskFacts): Promise<void> {
    if ((hook === 'coupon.claim' || hook === 'coupon.activate' || hook === 'prize.payout') && facts.userId && (await this.isFrozen(facts.userId))) {
      throw new AppError('ACCOUNT_FROZEN');
    }
    const enriched = { ...facts, phoneHash: facts.phoneHash ?? (facts.userId && (await this.blacklists.hasPhoneEntries()) ? await this.phoneHashOf(facts.userId) : undefined) };
    const verdict = await this.evaluate(hook, enriched);
    if (verdict.decision === 'ALLOW') return;
    await this.act(hook, enriched, verdict);
    if (verdict.decision === 'REVIEW' || verdict.decision === 'DELAY_SETTLEMENT') return;
    throw new AppError(verdict.decision === 'FREEZE_ACCOUNT' ? 'ACCOUNT_FROZEN' : 'RISK_DENIED', {
      reasons: verdict.findings.map((f) => ({ rule: f.rule, reason: f.reason })),
    });
  }

  async assessInvoice(facts: RiskFacts & { readonly invoiceSignals: readonly string[] }): Promise<Verdict['decision']> {
    return (await this.evaluate('invoice.accepted', facts)).decision;
  }

  /**
   * Runs the rules of an event that already happened; answers the verdict it acted on. A merchant whose
   * settlement this process delayed moments ago is not delayed again for every further redemption: the hold and
   * its case are in place, and writing a decision per redemption would make a busy merchant's events queue up.
   */
  async observe(hook: RuleHook, facts: ScreenFacts): Promise<Verdict> {
    const verdict = await this.evaluate(hook, facts);
    if (verdict.decision === 'ALLOW') return verdict;
    const heldKey = verdict.decision === 'DELAY_SETTLEMENT' && facts.merchantId ? facts.merchantId : undefined;
    const now = Date.now();
    if (heldKey && (this.recentlyHeld.get(heldKey) ?? 0) > now - RECENT_HOLD_MS) return verdict;
    await this.act(hook, facts, verdict);
    if (heldKey) {
      this.recentlyHeld.set(heldKey, now);
      if (this.recentlyHeld.size > 10_000) for (const [k, at] of this.recentlyHeld) if (at <= now - RECENT_HOLD_MS) this.recentlyHeld.delete(k);
    }
    return verdict;
  }

  /**
   * Whether a case froze the user's account. Frozen accounts are few, so each process keeps their ids and rereads
   * them every FROZEN_RELOAD_MS (and at once after it freezes or thaws one itself): the claim path pays no round
   * trip. Another process's freeze is enforced here within that time; its coupons are FROZEN at once regardless.
   */
  async isFrozen(userId: string): Promise<boolean> {
    const now = Date.now();
    if (!this.frozen || now - this.frozen.at > FROZEN_RELOAD_MS) {
      const rows = await this.db.selectFrom('risk_frozen_accounts').select('user_id').execute();
      this.frozen = { at: now, users: new Set(rows.map((r) => String(r.user_id))) };
    }
    return this.frozen.users.has(userId);
  }

  /** Forgets the frozen accounts read, so the next check rereads them (after a freeze or a thaw). */
  forgetFrozen(): void {
    this.frozen = undefined;
  }

  private async evaluate(hook: RuleHook, facts: ScreenFacts): Promise<Verdict> {
    const settings = [...(await this.config.current()).values()].filter((s) => s.enabled && s.rule.hooks.includes(hook));
    if (settings.length === 0) return { decision: 'ALLOW', findings: [] };
    const counters = settings.flatMap((s) => s.rule.counters?.(facts, s.params) ?? []);
    const counts: Record<string, number> = {};
    await Promise.all(counters.map(async (c) => (counts[c.name] = await this.cache.hitWindow(c.key, c.windowMs, facts.hitId ? { member: facts.hitId } : undefined))));
    const listed = settings.some((s) => s.rule.usesBlacklist) ? await this.blacklists.matches(facts) : [];
    const findings = settings.flatMap((s): Finding[] => {
      const finding = s.rule.decide({ facts, params: s.params, counts, listed });
      return finding ? [finding] : [];
    });
    return combine(findings);
  }

  private async act(hook: RuleHook, facts: ScreenFacts, verdict: Verdict): Promise<void> {
    const decisive = verdict.findings.find((f) => f.decision === verdict.decision)!;
    const subject = subjectOf(verdict.decision, facts);
    const factsRecord = { user_id: facts.userId ?? null, merchant_id: facts.merchantId ?? null, invoice_id: facts.invoiceId ?? null, ip: facts.ip ?? null, device_id: facts.deviceId ?? null, phone_hash: facts.phoneHash ?? null, invoice_signals: facts.invoiceSignals ?? null };
    const reasons = verdict.findings.map((f) => ({ rule: f.rule, decision: f.decision, reason: f.reason, message: f.message, evidence: f.evidence }));
    await this.db.transaction().execute(async (trx) => {
      let caseId: string | null = null;
      let newCase = false;
      const caseAction = caseActionOf(verdict.decision);
      if (caseAction && subject) {
        const opened = await this.cases.open(trx, { kind: decisive.rule, subjectKind: subject.kind, subjectId: subject.id, action: caseAction, evidence: { hook, reasons, facts: factsRecord, at: new Date().toISOString() } });
        caseId = opened.caseId;
        newCase = opened.created;
      }
      const decisionId = this.ids.next();
      await trx
        .insertInto('risk_decisions')
        .values({ decision_id: decisionId, hook, decision: verdict.decision, subject_kind: subject?.kind ?? 'unknown', subject_id: subject?.id ?? '', reasons: JSON.stringify(reasons), facts: JSON.stringify(factsRecord), case_id: caseId })
        .execute();
      await this.audit.record(trx, {
        actor: 'system:risk',
        action: 'risk.decision',
        subjectKind: subject?.kind ?? 'unknown',
        subjectId: subject?.id ?? '',
        details: { decision_id: decisionId, hook, decision: verdict.decision, reasons: reasons.map((r) => `${r.rule}:${r.reason}`), case_id: caseId },
        requestId: facts.requestId,
      });
      if (newCase && caseAction && subject && caseId) await this.startCase(trx, caseAction, caseId, subject.id, decisive, facts.requestId);
      await this.outbox.publish(trx, {
        topic: 'risk.decision',
        aggregateId: decisionId,
        payload: { decision_id: decisionId, hook, decision: verdict.decision, subject_kind: subject?.kind ?? null, subject_id: subject?.id ?? null, reasons: reasons.map((r) => ({ rule: r.rule, reason: r.reason })), case_id: caseId },
        requestId: facts.requestId,
      });
    });
    if (verdict.decision === 'FREEZE_ACCOUNT') this.forgetFrozen();
    this.logger.info({ hook, decision: verdict.decision, reasons: reasons.map((r) => r.reason) }, 'risk decision');
  }

  /** What a new case does at once: freeze the account, or hold the merchant's settlement. */
  private async startCase(trx: Transaction<Database>, action: CaseAction, caseId: string, subjectId: string, finding: Finding, requestId?: string): Promise<void> {
    if (action === 'FREEZE_ACCOUNT') {
      await trx.insertInto('risk_frozen_accounts').values({ user_id: subjectId, case_id: caseId }).onConflict((oc) => oc.column('user_id').doNothing()).execute();
      const frozen = await this.actions.freezeAccount(trx, subjectId, caseReason(caseId), 'system:risk', requestId);
      await this.audit.record(trx, { actor: 'system:risk', action: 'risk.account_frozen', subjectKind: 'user', subjectId, details: { case_id: caseId, reason: finding.reason, frozen_coupons: frozen }, requestId });
    } else if (action === 'DELAY_SETTLEMENT') {
      const holdId = await this.actions.holdSettlement(trx, subjectId, `${caseReason(caseId)}: ${finding.message.zh}`, 'system:risk');
      await this.cases.setHold(trx, caseId, holdId);
      await this.audit.record(trx, { actor: 'system:risk', action: 'risk.settlement_delayed', subjectKind: 'merchant', subjectId, details: { case_id: caseId, hold_id: holdId, reason: finding.reason }, requestId });
    }
  }
}

function caseActionOf(decision: Verdict['decision']): CaseAction | undefined {
  if (decision === 'FREEZE_ACCOUNT' || decision === 'DELAY_SETTLEMENT' || decision === 'REVIEW') return decision;
  return undefined;
}

function subjectOf(decision: Verdict['decision'], facts: ScreenFacts): { kind: 'user' | 'merchant' | 'invoice'; id: string } | undefined {
  if (decision === 'DELAY_SETTLEMENT') return facts.merchantId ? { kind: 'merchant', id: facts.merchantId } : undefined;
  if (facts.invoiceId) return { kind: 'invoice', id: facts.invoiceId };
  if (facts.userId) return { kind: 'user', id: facts.userId };
  if (facts.merchantId) return { kind: 'merchant', id: facts.merchantId };
  return undefined;
}
