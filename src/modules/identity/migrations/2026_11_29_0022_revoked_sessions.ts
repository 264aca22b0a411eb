import { sql, type Kysely } from 'kysely';

/** Revoked sessions by time: what a process loads to know which recent access tokens to refuse (revocation-view.ts). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX auth_sessions_revoked ON auth_sessions (revoked_at) WHERE revoked_at IS NOT NULL`.execute(db);
}
