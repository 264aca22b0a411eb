import { sql, type Kysely } from 'kysely';

/**
 * Real-name attempts counted per Asia/Shanghai day, per user and per ID number (its blind index), so the paid
 * bank 4-factor verifier is reached at most a set number of times a day for either. Rows of past days are purged.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE real_name_attempts (
      scope text NOT NULL CHECK (scope IN ('user', 'id_number')),
      subject text NOT NULL,
      day text NOT NULL,
      attempts integer NOT NULL,
      PRIMARY KEY (scope, subject, day)
    );
    CREATE INDEX real_name_attempts_day ON real_name_attempts (day);
  `.execute(db);
}
