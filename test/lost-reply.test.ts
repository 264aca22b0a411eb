import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type DatabaseHandle } from '../src/platform/db/connect.js';
import { isConnectionLoss } from '../src/platform/db/connection-loss.js';
import { GroupCommit } from '../src/platform/db/group-commit.js';
import { LossyProxy } from './support/lossy-proxy.js';

const url = process.env.DATABASE_URL;

// The answer to a committed batch lost on the way back (a TCP proxy drops PostgreSQL's reply and cuts the
// connection). The batch may have committed, so its commands must not run again: retrying each of them alone,
// as after a deadlock, applied every one of them twice.
describe.skipIf(!url)('group commit when the answer to a commit is lost', () => {
  const table = `lost_reply_probe_${randomBytes(4).toString('hex')}`;
  let proxy: LossyProxy;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    const target = new URL(url!);
    proxy = await LossyProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
    handle = await connectDatabase({ databaseUrl: proxy.urlFor(url!), schema: 'public', poolSize: 2 });
    // No key on purpose: a second application shows as a second row instead of a refusal.
    await sql`CREATE TABLE ${sql.table(table)} (command text NOT NULL)`.execute(handle.db);
  });
  afterAll(async () => {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(handle.db).catch(() => undefined);
    await handle?.close();
    await proxy?.close();
  });

  const committer = () =>
    new GroupCommit<string, string>(handle.db, {
      name: 'lost-reply-probe',
      maxBatch: 10,
      run: async (trx, commands) => {
        await sql`INSERT INTO ${sql.table(table)} (command) SELECT unnest(${[...commands]}::text[])`.execute(trx);
        return commands.map((command) => ({ ok: true as const, value: command }));
      },
    });

  const countsOf = async () =>
    Object.fromEntries(
      (await sql<{ command: string; n: string }>`SELECT command, count(*)::text AS n FROM ${sql.table(table)} GROUP BY command`.execute(handle.db)).rows.map((r) => [r.command, Number(r.n)]),
    );

  it('applies a batch once, and answers each of its commands with the loss instead of running them again', async () => {
    const queue = committer();
    // The first command runs at once; the next three form the second batch, whose commit answer is lost.
    proxy.dropCommitAfter('lost-b-1');
    const settled = await Promise.allSettled(['lost-a', 'lost-b-1', 'lost-b-2', 'lost-b-3'].map((command) => queue.submit(command)));
    expect(proxy.dropped).toBe(1);
    expect(settled[0]).toEqual({ status: 'fulfilled', value: 'lost-a' });
    for (const outcome of settled.slice(1)) {
      expect(outcome.status).toBe('rejected');
      expect(isConnectionLoss((outcome as PromiseRejectedResult).reason)).toBe(true);
    }
    // The second batch did commit: the server ran it, only its answer was lost. Once each, never twice.
    expect(await countsOf()).toEqual({ 'lost-a': 1, 'lost-b-1': 1, 'lost-b-2': 1, 'lost-b-3': 1 });
  });

  it('serves the next batches on a fresh connection', async () => {
    const queue = committer();
    const answers = await Promise.all(['next-1', 'next-2'].map((command) => queue.submit(command)));
    expect(answers).toEqual(['next-1', 'next-2']);
    expect((await countsOf())['next-2']).toBe(1);
  });
});
