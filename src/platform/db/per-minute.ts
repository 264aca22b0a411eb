import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

/** How many things happened in one minute (the minute's start, ISO 8601). */
export interface MinuteCount {
  readonly minute: string;
  readonly count: number;
}

/**
 * Rows of an append-only table per minute of `created_at` since `since` (the operator dashboard's series). Each
 * module names its own table from its stats.ts; the table needs an index on created_at (BRIN is enough).
 */
export async function rowsPerMinute(db: Kysely<Database>, table: string, since: Date): Promise<MinuteCount[]> {
  const { rows } = await sql<{ minute: Date; n: string | number }>`
    SELECT date_trunc('minute', created_at) AS minute, count(*) AS n
    FROM ${sql.table(table)} WHERE created_at >= ${since} GROUP BY 1 ORDER BY 1
  `.execute(db);
  return rows.map((row) => ({ minute: new Date(row.minute).toISOString(), count: Number(row.n) }));
}
