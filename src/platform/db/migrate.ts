import { Migrator, type Kysely, type MigrationResultSet } from 'kysely';
import { MIGRATIONS } from './migrations/index.js';

export const MIGRATION_TABLE = 'schema_migrations';

/**
 * Applies pending migrations. Kysely's PostgreSQL adapter takes `pg_advisory_xact_lock` and runs each migration
 * in that transaction, so processes starting together apply each migration exactly once; the others wait, then
 * find nothing left to do.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run before any table type exists
export async function migrateToLatest(db: Kysely<any>, schema: string): Promise<readonly string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...MIGRATIONS }) },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: `${MIGRATION_TABLE}_lock`,
    migrationTableSchema: schema,
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName;
    const cause = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(failed ? `migration ${failed} failed: ${cause}` : `migrations failed: ${cause}`, { cause: result.error });
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
