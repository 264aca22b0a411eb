import { Migrator, type Kysely, type Migration, type MigrationResultSet } from 'kysely';

export const MIGRATION_TABLE = 'schema_migrations';

/** Migrations by name. Names start with their date (`2026_11_29_0023_ledger`), so names sort in the order they apply. */
export type Migrations = Readonly<Record<string, Migration>>;

/**
 * Merges the migrations each owner (the kernel, each module) declares into the one list the migrator applies, in
 * name order: Kysely applies migrations in alphabetical order and refuses a database on which an applied migration
 * sorts after a pending one. Two owners declaring the same name is a mistake, refused here.
 */
export function assembleMigrations(owners: readonly { readonly name: string; readonly migrations?: Migrations }[]): Migrations {
  const ownerOf = new Map<string, string>();
  const all: Record<string, Migration> = {};
  for (const owner of owners) {
    for (const [name, migration] of Object.entries(owner.migrations ?? {})) {
      const other = ownerOf.get(name);
      if (other !== undefined) throw new Error(`migration ${name} is declared by both ${other} and ${owner.name}`);
      ownerOf.set(name, owner.name);
      all[name] = migration;
    }
  }
  return Object.fromEntries(Object.keys(all).sort().map((name) => [name, all[name]!]));
}

/**
 * Applies pending migrations. Kysely's PostgreSQL adapter takes `pg_advisory_xact_lock` and runs each migration
 * in that transaction, so processes starting together apply each migration exactly once; the others wait, then
 * find nothing left to do.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run before any table type exists
export async function migrateToLatest(db: Kysely<any>, schema: string, migrations: Migrations): Promise<readonly string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...migrations }) },
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
