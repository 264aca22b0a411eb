import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { IdGenerator } from '../../platform/ids/snowflake.js';
import type { Outbox } from '../../platform/outbox/outbox.js';
import type { AuditTrail } from '../audit/audit-trail.js';
import './schema.js';

/** What a case does to its subject, and undoes when a reviewer approves. */
export interface RiskActions {
  /** Freezes a user's coupons; answers their codes. */
  freezeAccount(trx: Transaction<Database>, userId: string, reason: string, actor: string, requestId?: string): Promise<string[]>;
  unfreezeAccount(trx: Transaction<Database>, userId: string, reason: string, actor: string, requestId?: string): Promise<string[]>;
  /** Claws back what a case froze (free coupons are revoked); answers their codes. */
  clawBackAccount(trx: Transaction<Database>, userId: string, reason: string, actor: string, requestId?: string): Promise<string[]>;
  /** Holds a merchant's settlement; answers the hold id. */
  holdSettlement(trx: Transaction<Database>, merchantId: string, reason: string, actor: string): Promise<string>;
  releaseSettlement(trx: Transaction<Database>, holdId: string, actor: string, note: string): Promise<void>;
}

export type CaseAction = 'FREEZE_ACCOUNT' | 'DELAY_SETTLEMENT' | 'REVIEW';

export interface OpenCase {
  readonly kind: string;
  readonly subjectKind: 'user' | 'merchant' | 'invoice';
  readonly subjectId: string;
  readonly action: CaseAction;
  readonly evidence: Record<string, unknown>;
}

/** Evidence kept on a case; later decisions still point at it (risk_decisions.case_id). */
const MAX_EVIDENCE = 50;

/** The reason recorded on what a case freezes, so approving it restores exactly that. */
export const caseReason = (caseId: string) => `risk case ${caseId}`;

/**
 * The review queue. A case is opened by a decision that needs a person (a frozen account, a delayed settlement,
 * an invoice to review); at most one case per kind and subject is open, and later evidence joins it. A reviewer
 * approves (the freeze or hold is lifted) or rejects (it stays). Everything is in the audit trail.
 */
export class RiskCases {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly actions: RiskActions,
    private readonly audit: AuditTrail,
    private readonly outbox: Outbox,
    private readonly ids: IdGenerator,
  ) {}

  /** Called after a decision commits (the screen rereads frozen accounts). */
  onDecided: (() => void) | undefined;

  /** Opens a case, or adds the evidence to the open one; `created` says which. */
  async open(trx: Transaction<Database>, input: OpenCase): Promise<{ caseId: string; created: boolean }> {
    const caseId = this.ids.next();
    const inserted = await sql<{ case_id: string }>`
      INSERT INTO risk_cases (case_id, kind, subject_kind, subject_id, action, evidence)
      VALUES (${caseId}, ${input.kind}, ${input.subjectKind}, ${input.subjectId}, ${input.action}, ${JSON.stringify([input.evidence])}::jsonb)
      ON CONFLICT (kind, subject_kind, subject_id) WHERE status = 'OPEN' DO NOTHING
      RETURNING case_id
    `.execute(trx);
    if (inserted.rows[0]) return { caseId, created: true };
    const existing = await sql<{ case_id: string }>`
      UPDATE risk_cases SET evidence = CASE WHEN jsonb_array_length(evidence) < ${MAX_EVIDENCE} THEN evidence || ${JSON.stringify([input.evidence])}::jsonb ELSE evidence END
      WHERE kind = ${input.kind} AND subject_kind = ${input.subjectKind} AND subject_id = ${input.subjectId} AND status = 'OPEN'
      RETURNING case_id
    `.execute(trx);
    if (!existing.rows[0]) throw new Error('risk case vanished between insert and update'); // a concurrent decide; retried by the caller
    return { caseId: String(existing.rows[0].case_id), created: false };
  }

  async setHold(trx: Transaction<Database>, caseId: string, holdId: string): Promise<void> {
    await trx.updateTable('risk_cases').set({ hold_id: holdId }).where('case_id', '=', caseId).execute();
  }

  /** `clawBack` (with reject): what the case froze is taken back rather than kept frozen. */
  async decide(caseId: string, outcome: 'approve' | 'reject', note: string, actor: string, requestId?: string, clawBack = false) {
    if (!/^\d{1,20}$/.test(caseId)) throw new AppError('RISK_CASE_NOT_FOUND');
    const decided = await this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('risk_cases').selectAll().where('case_id', '=', caseId).forUpdate().executeTakeFirst();
      if (!row) throw new AppError('RISK_CASE_NOT_FOUND');
      if (row.status !== 'OPEN') throw new AppError('RISK_CASE_DECIDED', { status: row.status });
      const approved = outcome === 'approve';
      const undone: Record<string, unknown> = {};
      if (approved && row.action === 'FREEZE_ACCOUNT') {
        await trx.deleteFrom('risk_frozen_accounts').where('user_id', '=', row.subject_id).where('case_id', '=', caseId).execute();
        undone.unfrozen_coupons = await this.actions.unfreezeAccount(trx, row.subject_id, caseReason(caseId), actor, requestId);
      }
      if (approved && row.action === 'DELAY_SETTLEMENT' && row.hold_id) {
        await this.actions.releaseSettlement(trx, row.hold_id, actor, `risk case ${caseId} approved: ${note}`);
        undone.released_hold = row.hold_id;
      }
      if (!approved && clawBack && row.action === 'FREEZE_ACCOUNT') {
        undone.revoked_coupons = await this.actions.clawBackAccount(trx, row.subject_id, caseReason(caseId), actor, requestId);
      }
      const status = approved ? 'APPROVED' : 'REJECTED';
      await trx.updateTable('risk_cases').set({ status, decided_by: actor, decided_at: sql<Date>`now()`, decision_note: note }).where('case_id', '=', caseId).execute();
      await this.audit.record(trx, { actor, action: `risk.case_${approved ? 'approved' : 'rejected'}`, subjectKind: row.subject_kind, subjectId: row.subject_id, details: { case_id: caseId, kind: row.kind, action: row.action, note, ...undone }, requestId });
      await this.outbox.publish(trx, {
        topic: 'risk.case_decided',
        aggregateId: caseId,
        payload: { case_id: caseId, kind: row.kind, subject_kind: row.subject_kind, subject_id: row.subject_id, action: row.action, outcome: status, claw_back: !approved && clawBack },
        requestId,
      });
      return { case_id: caseId, status, ...undone };
    });
    this.onDecided?.();
    return decided;
  }

  async list(status: string | undefined, before: string | undefined, limit: number) {
    let query = this.db.selectFrom('risk_cases').selectAll().orderBy('case_id', 'desc').limit(limit + 1);
    if (status) query = query.where('status', '=', status as 'OPEN');
    if (before) query = query.where('case_id', '<', before);
    const rows = await query.execute();
    const page = rows.slice(0, limit);
    return { cases: page.map(presentCase), next_cursor: rows.length > limit ? String(page[page.length - 1]!.case_id) : null };
  }

  /** A case with its evidence and the decisions that opened or joined it. */
  async get(caseId: string) {
    if (!/^\d{1,20}$/.test(caseId)) throw new AppError('RISK_CASE_NOT_FOUND');
    const row = await this.db.selectFrom('risk_cases').selectAll().where('case_id', '=', caseId).executeTakeFirst();
    if (!row) throw new AppError('RISK_CASE_NOT_FOUND');
    const decisions = await this.db.selectFrom('risk_decisions').selectAll().where('case_id', '=', caseId).orderBy('decision_id').limit(500).execute();
    return {
      ...presentCase(row),
      decisions: decisions.map((d) => ({ decision_id: String(d.decision_id), hook: d.hook, decision: d.decision, reasons: d.reasons, facts: d.facts, created_at: d.created_at.toISOString() })),
    };
  }
}

function presentCase(row: {
  case_id: string;
  kind: string;
  subject_kind: string;
  subject_id: string;
  action: string;
  status: string;
  evidence: unknown;
  hold_id: string | null;
  opened_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  decision_note: string | null;
}) {
  return {
    case_id: String(row.case_id),
    kind: row.kind,
    subject_kind: row.subject_kind,
    subject_id: row.subject_id,
    action: row.action,
    status: row.status,
    evidence: row.evidence,
    hold_id: row.hold_id,
    opened_at: row.opened_at.toISOString(),
    decided_by: row.decided_by,
    decided_at: row.decided_at?.toISOString() ?? null,
    decision_note: row.decision_note,
  };
}
