import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type DatabaseHandle } from '../src/platform/db/connect.js';

const url = process.env.DATABASE_URL;

// What a PostgreSQL restart or a reset socket does to connections in use: the server ends them (57P01). The
// process must live on (an unhandled 'error' event on a checked-out client used to end it), the work in flight
// must fail, and the pool must serve the next query on a fresh connection.
describe.skipIf(!url)('a database connection ended by the server', () => {
  const tag = `quanyi-loss-${randomBytes(4).toString('hex')}`;
  let handle: DatabaseHandle;
  let admin: pg.Client;

  beforeAll(async () => {
    const withName = new URL(url!);
    withName.searchParams.set('application_name', tag);
    handle = await connectDatabase({ databaseUrl: withName.toString(), schema: 'public', poolSize: 2 });
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await handle?.close();
  });

  async function terminateOurConnections(): Promise<number> {
    const killed = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()`, [tag]);
    return killed.rowCount ?? 0;
  }

  async function waitFor<T>(probe: () => Promise<T | undefined>): Promise<T> {
    for (let i = 0; i < 100; i++) {
      const value = await probe();
      if (value !== undefined) return value;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('timed out');
  }

  it('fails the query in flight, keeps the process, and serves the next query', async () => {
    const running = sql`SELECT pg_sleep(30)`.execute(handle.db).then(
      () => 'finished',
      (error: { code?: string }) => error.code ?? 'error',
    );
    await waitFor(async () => ((await admin.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND query LIKE '%pg_sleep%'`, [tag])).rowCount ? true : undefined));
    expect(await terminateOurConnections()).toBeGreaterThanOrEqual(1);
    expect(await running).toBe('57P01');
    // The idle connection was ended too; the pool drops it once its socket's close is read (at once, on a real
    // restart long before the next request; here the test is faster than that).
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await sql<{ one: number }>`SELECT 1 AS one`.execute(handle.db)).rows[0]!.one).toBe(1);
  });

  it('survives a checked-out connection ended between two statements of a transaction', async () => {
    const outcome = handle.db.transaction().execute(async (trx) => {
      await sql`SELECT 1`.execute(trx);
      // The connection is checked out and idle in the transaction when the server ends it: no query is there
      // to receive the error, only the client's 'error' event.
      await waitFor(async () => ((await admin.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND state = 'idle in transaction'`, [tag])).rowCount ? true : undefined));
      await terminateOurConnections();
      await new Promise((resolve) => setTimeout(resolve, 200));
      await sql`SELECT 2`.execute(trx);
    });
    await expect(outcome).rejects.toThrow();
    expect((await sql<{ two: number }>`SELECT 2 AS two`.execute(handle.db)).rows[0]!.two).toBe(2);
  });
});
