import { describe, expect, it } from 'vitest';
import { spawnTs } from './support/spawn.js';

// drand quicknet round 657413 (source: noislabs/drand-verify docs, via mcdcam/python-drand-verify README).
const SIGNATURE = 'b713718a38ae728dfd477991af2822e08d2f305e47718cef9f7848ce4050e7be41076862b98fad56e91a6b85b89cd97b';

describe('quanyi beacon verify', () => {
  it('passes a real quicknet beacon offline and prints its randomness', async () => {
    const cli = spawnTs('src/cli.ts', ['beacon', 'verify', '--chain', 'quicknet', '--round', '657413', '--signature', SIGNATURE], {});
    expect(await cli.exited, cli.stderr()).toBe(0);
    expect(cli.stdout()).toContain('randomness fc1873a13f3545aeade8401532ef5519920652eee6b0d2b19ca12643b87b3587');
  });

  it('fails the same signature presented as another round', async () => {
    const cli = spawnTs('src/cli.ts', ['beacon', 'verify', '--chain', 'quicknet', '--round', '657414', '--signature', SIGNATURE], {});
    expect(await cli.exited).toBe(1);
    expect(cli.stdout()).toMatch(/^FAIL bad signature/);
  });
});
