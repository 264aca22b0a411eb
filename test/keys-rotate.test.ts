import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { reencryptBatch } from '../src/modules/identity/pii-rotation.js';
import { secretsFromFile } from '../src/platform/config/secrets.js';
import { connectDatabase } from '../src/platform/db/connect.js';
import { PiiVault } from '../src/platform/privacy/vault.js';
import { http } from './support/http.js';
import { bearer, smsLogin } from './support/identity.js';
import { spawnTs, waitReady, type Spawned } from './support/spawn.js';

const dataDir = path.join(os.tmpdir(), `quanyi-rotate-${randomUUID()}`);
const running: Spawned[] = [];

afterAll(() => {
  for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function startEmbedded(): Promise<{ base: string; stop: () => Promise<void> }> {
  const p = spawnTs('src/cli.ts', ['start'], { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir });
  running.push(p);
  const base = await p.url;
  await waitReady(base);
  return {
    base,
    stop: async () => {
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
    },
  };
}

/** Key ids of every encrypted phone, the most recent SMS message's last. */
async function ciphertextKeyIds(): Promise<string[]> {
  const database = await connectDatabase({ databaseUrl: undefined, schema: 'public', poolSize: 1, pgliteDir: path.join(dataDir, 'pgdata') });
  try {
    const users = await sql<{ v: string }>`SELECT phone_enc AS v FROM user_auth WHERE phone_enc IS NOT NULL`.execute(database.db);
    const messages = await sql<{ v: string }>`SELECT phone_enc AS v FROM dev_sms_messages ORDER BY sent_at, id`.execute(database.db);
    return [...users.rows, ...messages.rows].map((r) => r.v.split(':')[1]!);
  } finally {
    await database.close();
  }
}

describe('quanyi keys rotate, then restart (embedded)', () => {
  it('keeps all data readable, writes under the new key, and re-encrypts the old data', async () => {
    const phone = '13811112222';
    const first = await startEmbedded();
    const before = await smsLogin(first.base, phone);
    await first.stop();
    const [oldKey] = await ciphertextKeyIds();

    const rotate = spawnTs('src/cli.ts', ['keys', 'rotate'], { DATA_DIR: dataDir });
    expect(await rotate.exited).toBe(0);
    const newKey = /key (\S+);/.exec(rotate.stdout())![1]!;
    expect(newKey).not.toBe(oldKey);

    const second = await startEmbedded();
    const me = await http(`${second.base}/api/v1/users/me`, { headers: bearer(before.access_token) });
    expect(me.json.data).toMatchObject({ user_id: before.user_id, phone: '138****2222' });
    // The 1/min send limit lives in the in-process cache, which the restart emptied: a new code can be sent.
    const after = await smsLogin(second.base, phone);
    expect(after.user_id).toBe(before.user_id);
    await second.stop();

    const keyIds = await ciphertextKeyIds();
    expect(keyIds[keyIds.length - 1]).toBe(newKey); // the message sent after the restart

    const secrets = secretsFromFile(path.join(dataDir, 'secrets.json'));
    const vault = new PiiVault(secrets.piiKeys, secrets.blindIndexKey);
    const database = await connectDatabase({ databaseUrl: undefined, schema: 'public', poolSize: 1, pgliteDir: path.join(dataDir, 'pgdata') });
    try {
      // The scheduled job may already have re-encrypted some or all rows while the server ran; finish the rest.
      while ((await reencryptBatch(database.db, vault)) > 0);
    } finally {
      await database.close();
    }
    // Everything written under the old key before the rotation is now under the new one.
    expect(new Set(await ciphertextKeyIds())).toEqual(new Set([newKey]));
  }, 180_000); // two first starts of an embedded platform and a CLI run: each tens of seconds on a busy 2-core box
});
