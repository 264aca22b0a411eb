import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../src/app/modules.js';
import { databaseBackends, freshSchemaName } from './support/backends.js';
import { bearer, smsLogin } from './support/identity.js';
import { spawnTs, waitReady, type Spawned } from './support/spawn.js';

const children: Spawned[] = [];
const tempDirs: string[] = [];

function tempDataDir(): string {
  const dir = path.join(os.tmpdir(), `quanyi-proc-${randomUUID()}`);
  tempDirs.push(dir);
  return dir;
}

function start(entry: string, args: string[], env: Record<string, string | undefined>): Spawned {
  const spawned = spawnTs(entry, args, env);
  children.push(spawned);
  return spawned;
}

afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('quanyi start: configuration errors', () => {
  it('PORT=abc exits 1 with one line naming PORT', async () => {
    const p = start('src/cli.ts', ['start'], { PORT: 'abc', DATA_DIR: tempDataDir() });
    expect(await p.exited).toBe(1);
    const lines = p.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^quanyi: PORT must be a whole number/);
  });

  it('an unreachable DATABASE_URL exits 1 with one line naming DATABASE_URL, without the password', async () => {
    const p = start('src/cli.ts', ['start'], { DATABASE_URL: 'postgres://app:s3cret@127.0.0.1:1/nowhere', DATA_DIR: tempDataDir() });
    expect(await p.exited).toBe(1);
    const lines = p.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^quanyi: DATABASE_URL cannot connect to postgres:\/\/127\.0\.0\.1:1/);
    expect(lines[0]).not.toContain('s3cret');
  });

  it('an unknown role exits 1 naming --role', async () => {
    const p = start('src/cli.ts', ['start', '--role', 'boss'], { DATA_DIR: tempDataDir() });
    expect(await p.exited).toBe(1);
    expect(p.stderr().trim()).toMatch(/^quanyi: --role must be one of api, worker, scheduler, all/);
  });
});

// Tests here start whole processes (tsx, migrations, the web build): roomy timeouts for a loaded machine.
describe('quanyi start on embedded defaults', { timeout: 180_000 }, () => {
  it('becomes ready on an empty DATA_DIR with PGlite, and a second process on the same DATA_DIR is refused', async () => {
    const dataDir = tempDataDir();
    const p = start('src/cli.ts', ['start'], { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir });
    const base = await p.url;
    expect(await waitReady(base)).toMatchObject({ db: 'pglite', cache: 'memory', role: 'all' });
    expect(fs.existsSync(path.join(dataDir, 'secrets.json'))).toBe(true);

    const second = start('src/cli.ts', ['start'], { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir });
    expect(await second.exited).toBe(1);
    expect(second.stderr().trim()).toMatch(/^quanyi: DATA_DIR is in use by process \d+/);

    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });
});

describe('quanyi users grant-role (no server running)', { timeout: 180_000 }, () => {
  it('creates the user for a new phone with the role; the role is in the token after login', async () => {
    const dataDir = tempDataDir();
    const grant = start('src/cli.ts', ['users', 'grant-role', '--phone', '13800000000', '--role', 'operator'], { DATA_DIR: dataDir });
    expect(await grant.exited).toBe(0);
    expect(grant.stdout()).toMatch(/^granted operator to 138\*\*\*\*0000 \(user \d+\)/);

    const p = start('src/cli.ts', ['start'], { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir });
    const base = await p.url;
    await waitReady(base);
    const tokens = await smsLogin(base, '13800000000');
    const me = await fetch(`${base}/api/v1/users/me`, { headers: bearer(tokens.access_token) }).then((r) => r.json() as Promise<{ data: { roles: string[] } }>);
    expect(me.data.roles).toEqual(['consumer', 'operator']);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);

    const bad = start('src/cli.ts', ['users', 'grant-role', '--phone', '13800000000', '--role', 'boss'], { DATA_DIR: dataDir });
    expect(await bad.exited).toBe(1);
    expect(bad.stderr().trim()).toMatch(/^quanyi: role must be one of/);
  });
});

describe.each(databaseBackends())('SIGTERM during load on %s', { timeout: 180_000 }, (db) => {
  it('every request in flight completes, then exit 0 within 10 s', async () => {
    const env = db === 'postgres'
      ? { DATABASE_URL: process.env.DATABASE_URL, DATABASE_SCHEMA: freshSchemaName() }
      : {};
    const p = start('test/fixtures/serve-with-probe.ts', [], { PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDataDir(), PROBE_DELAY_MS: '800', ...env });
    const base = await p.url;
    await waitReady(base);
    const inFlight = Array.from({ length: 40 }, () => fetch(`${base}/test/probe/slow`).then(async (r) => ({ status: r.status, body: await r.text() })));
    // Signal only once all 40 are inside the handler (a loaded machine may take a while to accept them all).
    for (let sleeping = 0; sleeping < 40; ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      sleeping = ((await fetch(`${base}/test/probe/slow/in-flight`).then((r) => r.json())) as { data: { sleeping: number } }).data.sleeping;
    }
    const signalledAt = Date.now();
    p.child.kill('SIGTERM');
    const results = await Promise.all(inFlight);
    expect(results.map((r) => r.status)).toEqual(Array(40).fill(200));
    expect(results.every((r) => JSON.parse(r.body).data.slept_ms === 800)).toBe(true);
    expect({ code: await p.exited, stderr: p.stderr() }).toEqual({ code: 0, stderr: '' });
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    // After the signal, new connections are refused rather than left hanging.
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});

describe.runIf(process.env.DATABASE_URL)('quanyi start on PostgreSQL', () => {
  it('quanyi migrate applies the migrations once, then reports the database up to date', async () => {
    const env = { DATABASE_URL: process.env.DATABASE_URL, DATABASE_SCHEMA: freshSchemaName(), DATA_DIR: tempDataDir() };
    const first = start('src/cli.ts', ['migrate'], env);
    expect(await first.exited).toBe(0);
    expect(first.stdout()).toContain(`applied: ${Object.keys(MIGRATIONS).join(', ')}`);
    const second = start('src/cli.ts', ['migrate'], env);
    expect(await second.exited).toBe(0);
    expect(second.stdout().trim()).toBe('database is up to date');
  });

  it('three processes started at once on an empty schema all become ready; each migration is applied once', async () => {
    const schema = freshSchemaName();
    const env = { DATABASE_URL: process.env.DATABASE_URL, DATABASE_SCHEMA: schema, PORT: '0', HOST: '127.0.0.1' };
    const procs = ['api', 'worker', 'scheduler'].map((role) => start('src/cli.ts', ['start', '--role', role], { ...env, DATA_DIR: tempDataDir() }));
    const ready = await Promise.all(procs.map(async (p) => waitReady(await p.url)));
    expect(ready.map((r) => r.db)).toEqual(['postgres', 'postgres', 'postgres']);
    expect(ready.map((r) => r.role)).toEqual(['api', 'worker', 'scheduler']);

    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      const rows = await client.query<{ name: string; n: string }>(`SELECT name, count(*) AS n FROM ${schema}.schema_migrations GROUP BY name ORDER BY name`);
      expect(rows.rows.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS).sort());
      expect(rows.rows.every((r) => r.n === '1')).toBe(true);
    } finally {
      for (const p of procs) p.child.kill('SIGTERM');
      expect(await Promise.all(procs.map((p) => p.exited))).toEqual([0, 0, 0]);
      await client.end();
    }
  });
});
