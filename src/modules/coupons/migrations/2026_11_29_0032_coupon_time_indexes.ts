import { sql, type Kysely } from 'kysely';

/**
 * The operator dashboard counts the last hour's rows by created_at (stats.ts). These tables only grow, in time
 * order, so a BRIN index answers such a range in a few pages and costs next to nothing on insert (unlike a
 * b-tree on the till's and the batch issuer's hot inserts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE INDEX IF NOT EXISTS coupon_info_created_brin ON coupon_info USING brin (created_at);
    CREATE INDEX IF NOT EXISTS coupon_redemptions_created_brin ON coupon_redemptions USING brin (created_at);
  `.execute(db);
}
