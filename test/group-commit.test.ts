import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroupCommit } from '../src/platform/db/group-commit.js';
import { backendPairs } from './support/backends.js';
import { createTestPlatform, type TestPlatform } from './support/test-platform.js';

interface Command {
  readonly id: number;
  readonly key?: string;
  /** 'refuse': the run answers with a refusal; 'poison': the run's SQL fails for the whole batch. */
  readonly fail?: 'refuse' | 'poison';
}

describe.each(backendPairs())('group commit on $label', ({ db, cache }) => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await createTestPlatform({ db, cache });
    await sql`CREATE TABLE group_commit_probe (id integer PRIMARY KEY, batch integer NOT NULL)`.execute(platform.database.db);
  });
  afterAll(() => platform?.close());

  /** A committer writing one probe row per successful command, tagged with its batch number. */
  function probeCommitter(options: { conflictKey?: boolean } = {}) {
    const batches: number[][] = [];
    const committer = new GroupCommit<Command, number>(platform.database.db, {
      name: 'probe',
      maxBatch: 50,
      conflictKeyOf: options.conflictKey ? (c) => c.key : undefined,
      run: async (trx, commands) => {
        const batch = batches.push(commands.map((c) => c.id));
        const outcomes = commands.map((c) => (c.fail === 'refuse' ? { ok: false as const, error: new Error(`refused ${c.id}`) } : { ok: true as const, value: batch }));
        // A poisoned command makes the statement fail: a value that breaks the primary key check.
        const values = commands.filter((c) => c.fail !== 'refuse').map((c) => (c.fail === 'poison' ? null : c.id));
        await sql`INSERT INTO group_commit_probe (id, batch) SELECT v, ${batch}::int FROM unnest(${values}::int[]) AS v`.execute(trx);
        return outcomes;
      },
    });
    return { committer, batches };
  }

  const rowsOf = async (ids: readonly number[]) =>
    (await sql<{ id: number }>`SELECT id FROM group_commit_probe WHERE id = ANY(${[...ids]}::int[]) ORDER BY id`.execute(platform.database.db)).rows.map((r) => r.id);

  it('commits concurrent commands together: fewer transactions than commands, every command answered', async () => {
    const { committer, batches } = probeCommitter();
    const ids = Array.from({ length: 200 }, (_, i) => 1_000 + i);
    const answers = await Promise.all(ids.map((id) => committer.submit({ id })));
    expect(answers).toHaveLength(200);
    expect(committer.stats()).toEqual({ batches: batches.length, commands: 200 });
    expect(batches.length).toBeLessThan(200);
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(50);
    expect(batches.flat().sort((a, b) => a - b)).toEqual(ids); // each command decided exactly once
    expect(await rowsOf(ids)).toEqual(ids);
  });

  it('a refused command gets its own error and writes nothing; its batch-mates commit', async () => {
    const { committer } = probeCommitter();
    const commands: Command[] = Array.from({ length: 40 }, (_, i) => ({ id: 2_000 + i, fail: i % 4 === 0 ? 'refuse' : undefined }));
    const settled = await Promise.allSettled(commands.map((c) => committer.submit(c)));
    settled.forEach((s, i) => expect(s.status).toBe(commands[i]!.fail ? 'rejected' : 'fulfilled'));
    expect(await rowsOf(commands.map((c) => c.id))).toEqual(commands.filter((c) => !c.fail).map((c) => c.id));
  });

  it('a batch that fails as a whole is retried command by command: only the poisoned command fails', async () => {
    const { committer } = probeCommitter();
    const commands: Command[] = Array.from({ length: 30 }, (_, i) => ({ id: 3_000 + i, fail: i === 7 ? 'poison' : undefined }));
    const settled = await Promise.allSettled(commands.map((c) => committer.submit(c)));
    const rejected = settled.flatMap((s, i) => (s.status === 'rejected' ? [commands[i]!.id] : []));
    expect(rejected).toEqual([3_007]);
    expect((settled[7] as PromiseRejectedResult).reason).toMatchObject({ code: '23502' }); // not-null violation
    expect(await rowsOf(commands.map((c) => c.id))).toEqual(commands.filter((c) => !c.fail).map((c) => c.id));
  });

  it('commands with the same conflict key never share a batch, and keep their order', async () => {
    const { committer, batches } = probeCommitter({ conflictKey: true });
    const commands: Command[] = Array.from({ length: 60 }, (_, i) => ({ id: 4_000 + i, key: `user-${i % 3}` }));
    await Promise.all(commands.map((c) => committer.submit(c)));
    for (const batch of batches) {
      const keys = batch.map((id) => commands.find((c) => c.id === id)!.key);
      expect(new Set(keys).size).toBe(keys.length);
    }
    for (const key of ['user-0', 'user-1', 'user-2']) {
      const order = batches.flat().filter((id) => commands.find((c) => c.id === id)!.key === key);
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    expect(batches.length).toBeGreaterThanOrEqual(20); // 20 commands per key, at most one per batch
  });

  it('runAtomic decides a batch in one statement with no transaction around it, storing only the successes\' receipts', async () => {
    await sql`CREATE TABLE IF NOT EXISTS group_commit_receipts (key text PRIMARY KEY, body text NOT NULL)`.execute(platform.database.db);
    const batches: number[] = [];
    const committer = new GroupCommit<Command, string>(platform.database.db, {
      name: 'probe-statement',
      maxBatch: 50,
      runAtomic: async (db, commands, receipts) => {
        batches.push(commands.length);
        const outcomes = commands.map((c) => (c.fail === 'refuse' ? { ok: false as const, error: new Error(`refused ${c.id}`) } : { ok: true as const, value: `done ${c.id}` }));
        const rows = outcomes.flatMap((o, i) => (o.ok && receipts[i] ? [receipts[i].record(o.value)] : []));
        const ok = commands.filter((c) => c.fail !== 'refuse').map((c) => c.id);
        await sql`
          WITH probe AS (INSERT INTO group_commit_probe (id, batch) SELECT v, 0 FROM unnest(${ok}::int[]) AS v)
          INSERT INTO group_commit_receipts (key, body) SELECT * FROM unnest(${rows.map((r) => r.key)}::text[], ${rows.map((r) => r.body)}::text[])
        `.execute(db);
        return outcomes;
      },
    });
    const receipt = (id: number) => ({ record: (value: string) => ({ scope: 's', key: `k${id}`, status: 200, body: value }) });
    const commands: Command[] = Array.from({ length: 60 }, (_, i) => ({ id: 5_000 + i, fail: i % 3 === 0 ? 'refuse' : undefined }));
    const settled = await Promise.allSettled(commands.map((c) => committer.submit(c, receipt(c.id))));
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(40);
    expect(batches.length).toBeLessThan(60);
    const stored = await sql<{ key: string; body: string }>`SELECT key, body FROM group_commit_receipts ORDER BY key`.execute(platform.database.db);
    const expected = commands.filter((c) => c.fail !== 'refuse').map((c) => ({ key: `k${c.id}`, body: `done ${c.id}` }));
    expect(stored.rows).toEqual(expected.sort((a, b) => a.key.localeCompare(b.key)));
    expect(await rowsOf(commands.map((c) => c.id))).toEqual(commands.filter((c) => c.fail !== 'refuse').map((c) => c.id));
    expect(() => new GroupCommit(platform.database.db, { name: 'neither', maxBatch: 1 })).toThrow(/exactly one of run and runAtomic/);
  });
});
