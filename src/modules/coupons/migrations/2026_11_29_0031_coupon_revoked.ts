import { sql, type Kysely } from 'kysely';

/** REVOKED: a free coupon clawed back when a risk reviewer rejects the case that froze it (issue #8). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE coupon_info DROP CONSTRAINT IF EXISTS coupon_info_status_check;
    ALTER TABLE coupon_info ADD CONSTRAINT coupon_info_status_check
      CHECK (status IN ('UNACTIVATED', 'ACTIVATED', 'FROZEN', 'USED', 'EXPIRED', 'REFUNDED', 'REVOKED'));
  `.execute(db);
}
