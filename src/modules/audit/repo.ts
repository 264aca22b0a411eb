import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewLogEntry {
  readonly kind: string;
  /** What the entry is about (`campaign:123`), so a draw's entries can be listed without reading every body. */
  readonly subject: string;
  readonly body: string;
  readonly leafHash: Uint8Array;
}

export interface StoredLogEntry {
  readonly index: number;
  readonly kind: string;
  readonly subject: string;
  readonly body: string;
}

export interface StoredCheckpoint {
  readonly size: number;
  readonly rootHash: Uint8Array;
  readonly note: string;
}

/** The one file with SQL for the transparency log's tables. */
export class TransparencyLogRepo {
  /**
   * Appends in the caller's transaction. Locking the state row serialises appenders, so indices are gap-free and
   * in commit order; the lock is held only until the caller commits.
   */
  async append(trx: Transaction<Database>, entries: readonly NewLogEntry[]): Promise<number> {
    const state = await sql<{ size: string }>`SELECT size::text FROM tlog_state WHERE id = 1 FOR UPDATE`.execute(trx);
    const first = Number(state.rows[0]!.size);
    if (entries.length === 0) return first;
    await sql`
      INSERT INTO tlog_entries (idx, kind, subject, body, leaf_hash)
      SELECT * FROM unnest(${entries.map((_, i) => first + i)}::bigint[], ${entries.map((e) => e.kind)}::text[],
                           ${entries.map((e) => e.subject)}::text[], ${entries.map((e) => e.body)}::text[],
                           ${entries.map((e) => Buffer.from(e.leafHash))}::bytea[])
    `.execute(trx);
    await sql`UPDATE tlog_state SET size = size + ${entries.length} WHERE id = 1`.execute(trx);
    return first;
  }

  async size(db: Db): Promise<number> {
    const row = await db.selectFrom('tlog_state').select(sql<string>`size::text`.as('size')).where('id', '=', 1).executeTakeFirstOrThrow();
    return Number(row.size);
  }

  async leafHashes(db: Db, start: number, end: number): Promise<Uint8Array[]> {
    const rows = await db
      .selectFrom('tlog_entries')
      .select('leaf_hash')
      .where('idx', '>=', String(start))
      .where('idx', '<', String(end))
      .orderBy('idx')
      .execute();
    return rows.map((r) => new Uint8Array(r.leaf_hash));
  }

  async entries(db: Db, start: number, end: number): Promise<StoredLogEntry[]> {
    const rows = await db
      .selectFrom('tlog_entries')
      .select([sql<string>`idx::text`.as('idx'), 'kind', 'subject', 'body'])
      .where('idx', '>=', String(start))
      .where('idx', '<', String(end))
      .orderBy('tlog_entries.idx')
      .execute();
    return rows.map((r) => ({ index: Number(r.idx), kind: r.kind, subject: r.subject, body: r.body }));
  }

  /** Entries about `subject`, optionally only of the given kinds (a campaign's weekly entries among its draws). */
  async entriesAbout(db: Db, subject: string, kinds?: readonly string[]): Promise<StoredLogEntry[]> {
    let query = db
      .selectFrom('tlog_entries')
      .select([sql<string>`idx::text`.as('idx'), 'kind', 'subject', 'body'])
      .where('subject', '=', subject);
    if (kinds) query = query.where('kind', 'in', kinds);
    const rows = await query.orderBy('tlog_entries.idx').execute();
    return rows.map((r) => ({ index: Number(r.idx), kind: r.kind, subject: r.subject, body: r.body }));
  }

  async checkpointAt(db: Db, size: number): Promise<StoredCheckpoint | undefined> {
    const row = await db.selectFrom('tlog_checkpoints').select(['root_hash', 'note']).where('size', '=', String(size)).executeTakeFirst();
    return row && { size, rootHash: new Uint8Array(row.root_hash), note: row.note };
  }

  /** The first checkpoint signed after entry `index` was appended (the smallest stored size above it). */
  async firstCheckpointCovering(db: Db, index: number): Promise<StoredCheckpoint | undefined> {
    const row = await db
      .selectFrom('tlog_checkpoints')
      .select([sql<string>`size::text`.as('size'), 'root_hash', 'note'])
      .where('size', '>', String(index))
      .orderBy('tlog_checkpoints.size')
      .limit(1)
      .executeTakeFirst();
    return row && { size: Number(row.size), rootHash: new Uint8Array(row.root_hash), note: row.note };
  }

  /** Signing is deterministic (Ed25519) over an immutable tree, so a racing process can only write the same row. */
  async insertCheckpoint(db: Db, checkpoint: StoredCheckpoint): Promise<void> {
    await db
      .insertInto('tlog_checkpoints')
      .values({ size: checkpoint.size, root_hash: Buffer.from(checkpoint.rootHash), note: checkpoint.note })
      .onConflict((oc) => oc.column('size').doNothing())
      .execute();
  }

  /** The newest signed checkpoint's size and signing time (undefined before the first), and the log's size. */
  async checkpointFreshness(db: Db): Promise<{ size: number; signedSize: number; signedAt: Date | null }> {
    const row = await sql<{ size: string; signed_size: string | null; signed_at: Date | null }>`
      SELECT (SELECT size::text FROM tlog_state WHERE id = 1) AS size,
             c.size::text AS signed_size, c.created_at AS signed_at
        FROM (SELECT 1) AS one
        LEFT JOIN LATERAL (SELECT size, created_at FROM tlog_checkpoints ORDER BY size DESC LIMIT 1) AS c ON true
    `.execute(db);
    const r = row.rows[0]!;
    return { size: Number(r.size ?? 0), signedSize: Number(r.signed_size ?? 0), signedAt: r.signed_at };
  }
}
