import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import type { IdGenerator } from '../../platform/ids/snowflake.js';
import './schema.js';

export interface AuditEntry {
  /** `user:<id>`, `merchant:<id>`, `system:<job>` … */
  readonly actor: string;
  /** What happened, as a stable dotted name: `risk.case_opened`, `risk.account_frozen`, `risk.rule_changed` … */
  readonly action: string;
  readonly subjectKind: string;
  readonly subjectId: string;
  /** Evidence and parameters; never personal data in clear. */
  readonly details?: Record<string, unknown>;
  readonly requestId?: string | null;
}

export interface AuditFilter {
  readonly subjectKind?: string;
  readonly subjectId?: string;
  readonly action?: string;
  /** Records older than this id (newest first). */
  readonly before?: string;
  readonly limit: number;
}

/**
 * The audit trail. `record` writes in the caller's transaction, so a change and its record commit together or
 * not at all; nothing ever edits or removes a record.
 */
export class AuditTrail {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly ids: IdGenerator,
  ) {}

  async record(trx: Transaction<Database>, entries: AuditEntry | readonly AuditEntry[]): Promise<void> {
    const list = Array.isArray(entries) ? (entries as readonly AuditEntry[]) : [entries as AuditEntry];
    if (list.length === 0) return;
    await trx
      .insertInto('audit_records')
      .values(
        list.map((e) => ({
          record_id: this.ids.next(),
          actor: e.actor,
          action: e.action,
          subject_kind: e.subjectKind,
          subject_id: e.subjectId,
          details: JSON.stringify(e.details ?? {}),
          request_id: e.requestId ?? null,
        })),
      )
      .execute();
  }

  async search(filter: AuditFilter) {
    let query = this.db.selectFrom('audit_records').selectAll().orderBy('record_id', 'desc').limit(filter.limit + 1);
    if (filter.subjectKind) query = query.where('subject_kind', '=', filter.subjectKind);
    if (filter.subjectId) query = query.where('subject_id', '=', filter.subjectId);
    if (filter.action) query = query.where('action', '=', filter.action);
    if (filter.before) query = query.where('record_id', '<', filter.before);
    const rows = await query.execute();
    const page = rows.slice(0, filter.limit);
    return {
      records: page.map((r) => ({
        record_id: String(r.record_id),
        actor: r.actor,
        action: r.action,
        subject_kind: r.subject_kind,
        subject_id: r.subject_id,
        details: r.details,
        request_id: r.request_id,
        created_at: r.created_at.toISOString(),
      })),
      next_cursor: rows.length > filter.limit ? String(page[page.length - 1]!.record_id) : null,
    };
  }
}
