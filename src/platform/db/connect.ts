import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Config } from '../config/config.js';
import { describeUrl } from '../config/config.js';
import { ConfigError } from '../config/config-error.js';
import { openPglite } from './pglite.js';
import type { Database } from './schema.js';

export type DatabaseKind = 'pglite' | 'postgres';

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly kind: DatabaseKind;
  /** The pool behind Kysely, for metrics (total, idle, waiting clients). */
  readonly pool: pg.Pool;
  /** Embedded only: a copy of PGlite's whole data directory (backups; the test template). */
  readonly dumpEmbedded?: () => Promise<Blob>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  readonly databaseUrl: string | undefined;
  readonly schema: string;
  readonly poolSize: number;
  /** Where embedded PGlite keeps its files (unused with a DATABASE_URL). */
  readonly pgliteDir?: string;
  /** A ready data directory image to start PGlite from (tests load a migrated template this way). */
  readonly pgliteTemplate?: Blob;
}

export function connectOptionsFrom(config: Config): ConnectOptions {
  return {
    databaseUrl: config.databaseUrl,
    schema: config.databaseSchema,
    poolSize: config.databasePoolSize,
    pgliteDir: `${config.dataDir}/pgdata`,
  };
}

/**
 * Kysely over node-postgres in both modes. Embedded mode hands node-postgres PGlite's own pg-compatible
 * connection (`@electric-sql/pglite/node-postgres`): one connection, so transactions are naturally serialised,
 * which is what kept committed writes intact in our overlap-and-rollback test (kysely-pglite lost one).
 */
export async function connectDatabase(options: ConnectOptions): Promise<DatabaseHandle> {
  if (!options.databaseUrl) return connectPglite(options);
  return connectPostgres(options.databaseUrl, options);
}

async function connectPostgres(url: string, options: ConnectOptions): Promise<DatabaseHandle> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    options: `-c search_path=${options.schema}`,
    application_name: 'quanyi',
  });
  survivesLostConnections(pool);
  try {
    const client = await pool.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
    } catch (error) {
      // Several processes starting at once race on CREATE SCHEMA; losing that race is fine.
      const code = (error as { code?: string }).code;
      if (code !== '23505' && code !== '42P06') throw error;
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    if (error instanceof ConfigError) throw error;
    const reason = (error as Error).message || (error as { code?: string }).code || 'unknown error';
    throw new ConfigError('DATABASE_URL', `cannot connect to ${describeUrl(url)}: ${reason}`);
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: 'postgres', pool, close: () => db.destroy() };
}

async function connectPglite(options: ConnectOptions): Promise<DatabaseHandle> {
  const embedded = await openPglite(options.pgliteDir, options.pgliteTemplate);
  // idleTimeoutMillis 0: keep the one connection; closing it would gain nothing in-process.
  // connectionTimeoutMillis: code that queries the outer `db` inside a transaction waits forever for the only
  // connection; failing after 30 s turns that bug into an error that names itself instead of a silent hang.
  const pool = new pg.Pool({ ...(embedded.pgConfig as pg.PoolConfig), idleTimeoutMillis: 0, connectionTimeoutMillis: 30_000 });
  survivesLostConnections(pool);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  if (options.schema !== 'public') {
    await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(options.schema)}`.execute(db);
    await sql`SET search_path TO ${sql.id(options.schema)}`.execute(db);
  }
  return {
    db,
    kind: 'pglite',
    pool,
    dumpEmbedded: () => embedded.dump(),
    close: async () => {
      await db.destroy();
      await embedded.close();
    },
  };
}

/**
 * A connection the server ends (a restart's 57P01, a reset socket) emits 'error' on its client. pg-pool listens
 * only while the client is idle: on a checked-out client nobody did, and an EventEmitter 'error' without a
 * listener ends the process. Every client gets its own listener for life; the query in flight still fails (and
 * answers its request), and pg-pool discards the broken client when it is released, so the pool heals by itself.
 */
function survivesLostConnections(pool: pg.Pool): void {
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
}
