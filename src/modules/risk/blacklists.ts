import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { IdGenerator } from '../../platform/ids/snowflake.js';
import type { AuditTrail } from '../audit/audit-trail.js';
import { BlacklistIndex, parseBlacklistCsv, parseBlacklistEntry, type BlacklistEntry, type BlacklistQuery } from './domain/blacklist.js';
import type { BlacklistLookup } from './screen.js';
import './schema.js';

/** How long a process keeps its copy of the blacklist: an entry added elsewhere is enforced within this. */
const RELOAD_MS = 5_000;

/**
 * Blacklists by phone blind index, device id, IP and CIDR. Stored in `risk_blacklist`; each process matches
 * against an in-memory index (domain/blacklist.ts) reloaded every few seconds, and at once after its own changes.
 */
export class Blacklists implements BlacklistLookup {
  private loaded: { at: number; index: BlacklistIndex; phones: boolean; values: Map<string, string[]> } | undefined;
  private loading: Promise<BlacklistIndex> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditTrail,
    private readonly ids: IdGenerator,
    private readonly now: () => number = Date.now,
  ) {}

  async matches(query: BlacklistQuery): Promise<BlacklistEntry[]> {
    return (await this.index()).matches(query);
  }

  /** Every value of one kind (activities offer blacklisted devices and IPs as named lists). */
  async valuesOf(kind: BlacklistEntry['kind']): Promise<readonly string[]> {
    await this.index();
    return this.loaded!.values.get(kind) ?? [];
  }

  async hasPhoneEntries(): Promise<boolean> {
    await this.index();
    return this.loaded!.phones;
  }

  async add(trx: Transaction<Database>, kind: string, value: string, reason: string, actor: string, requestId?: string) {
    const parsed = parseBlacklistEntry(kind, value, reason);
    if (!parsed.ok) throw new AppError('BLACKLIST_ENTRY_INVALID', { kind, reason: parsed.message });
    const [added] = await this.insert(trx, [parsed.entry], actor);
    await this.audit.record(trx, { actor, action: 'risk.blacklist_added', subjectKind: 'blacklist', subjectId: `${parsed.entry.kind}:${parsed.entry.value}`, details: { reason }, requestId });
    this.loaded = undefined;
    return { entry_id: added?.entry_id ?? null, kind: parsed.entry.kind, value: parsed.entry.value, reason, added: Boolean(added) };
  }

  /** Imports a CSV (`kind,value,reason`): valid rows are added (repeats of existing entries are skipped), bad ones reported. */
  async importCsv(trx: Transaction<Database>, text: string, actor: string, requestId?: string) {
    const { entries, errors } = parseBlacklistCsv(text);
    let added = 0;
    for (let i = 0; i < entries.length; i += 1_000) added += (await this.insert(trx, entries.slice(i, i + 1_000), actor)).length;
    await this.audit.record(trx, { actor, action: 'risk.blacklist_imported', subjectKind: 'blacklist', subjectId: 'csv', details: { rows: entries.length, added, errors: errors.length }, requestId });
    this.loaded = undefined;
    return { rows: entries.length, added, skipped: entries.length - added, errors };
  }

  async remove(trx: Transaction<Database>, entryId: string, actor: string, requestId?: string) {
    if (!/^\d{1,20}$/.test(entryId)) throw new AppError('BLACKLIST_ENTRY_NOT_FOUND');
    const removed = await trx.deleteFrom('risk_blacklist').where('entry_id', '=', entryId).returning(['kind', 'value']).executeTakeFirst();
    if (!removed) throw new AppError('BLACKLIST_ENTRY_NOT_FOUND');
    await this.audit.record(trx, { actor, action: 'risk.blacklist_removed', subjectKind: 'blacklist', subjectId: `${removed.kind}:${removed.value}`, requestId });
    this.loaded = undefined;
    return { entry_id: entryId, removed: true };
  }

  async list(kind: string | undefined, before: string | undefined, limit: number) {
    let query = this.db.selectFrom('risk_blacklist').selectAll().orderBy('entry_id', 'desc').limit(limit + 1);
    if (kind) query = query.where('kind', '=', kind as BlacklistEntry['kind']);
    if (before) query = query.where('entry_id', '<', before);
    const rows = await query.execute();
    const page = rows.slice(0, limit);
    return {
      entries: page.map((r) => ({ entry_id: String(r.entry_id), kind: r.kind, value: r.value, reason: r.reason, created_by: r.created_by, created_at: r.created_at.toISOString() })),
      next_cursor: rows.length > limit ? String(page[page.length - 1]!.entry_id) : null,
    };
  }

  private async insert(trx: Transaction<Database>, entries: readonly BlacklistEntry[], actor: string) {
    if (entries.length === 0) return [];
    const rows = await sql<{ entry_id: string }>`
      INSERT INTO risk_blacklist (entry_id, kind, value, reason, created_by)
      SELECT * FROM unnest(${entries.map(() => this.ids.next())}::bigint[], ${entries.map((e) => e.kind)}::text[], ${entries.map((e) => e.value)}::text[],
                           ${entries.map((e) => e.reason ?? '')}::text[], ${entries.map(() => actor)}::text[])
      ON CONFLICT (kind, value) DO NOTHING
      RETURNING entry_id
    `.execute(trx);
    return rows.rows.map((r) => ({ entry_id: String(r.entry_id) }));
  }

  private async index(): Promise<BlacklistIndex> {
    if (this.loaded && this.now() - this.loaded.at < RELOAD_MS) return this.loaded.index;
    this.loading ??= (async () => {
      try {
        const rows = await this.db.selectFrom('risk_blacklist').select(['kind', 'value', 'reason']).execute();
        const index = new BlacklistIndex(rows.map((r) => ({ kind: r.kind, value: r.value, reason: r.reason })));
        const values = new Map<string, string[]>();
        for (const r of rows) (values.get(r.kind) ?? values.set(r.kind, []).get(r.kind)!).push(r.value);
        this.loaded = { at: this.now(), index, phones: values.has('PHONE_HASH'), values };
        return index;
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }
}
