import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LocalFileStore } from './file-store.js';

describe('LocalFileStore', () => {
  const root = path.join(os.tmpdir(), `quanyi-files-${randomUUID()}`);
  const store = new LocalFileStore(root);

  it('stores bytes under their SHA-256 and reads them back', async () => {
    const bytes = Buffer.from('<EInvoice>发票</EInvoice>');
    const stored = await store.put(bytes);
    expect(stored).toEqual({ sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length });
    expect(await store.get(stored.sha256)).toEqual(bytes);
  });

  it('keeps one copy of the same content, leaves no temporary files, and refuses names that are not hashes', async () => {
    const bytes = Buffer.from('same content');
    const [a, b] = await Promise.all([store.put(bytes), store.put(bytes)]);
    expect(a.sha256).toBe(b.sha256);
    const dir = path.join(root, a.sha256.slice(0, 2), a.sha256.slice(2, 4));
    expect(await readdir(dir)).toEqual([a.sha256]);
    expect(await store.get('../../etc/passwd')).toBeUndefined();
    expect(await store.get('0'.repeat(64))).toBeUndefined();
  });
});
