import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../platform/time/clock.js';
import { BeaconError, type BeaconValue } from './beacon-port.js';
import {
  LocalBeacon,
  createHashChain,
  hashChainValue,
  localBeaconCommitment,
  localRandomness,
  verifyLocalBeacon,
  type LocalBeaconStore,
} from './local-beacon.js';

const SECRET = Uint8Array.from({ length: 32 }, (_, i) => i);
const chain = createHashChain(10, SECRET);
const hex = (r: number) => bytesToHex(chain.values[r]!);

function flipFirstByte(value: string): string {
  return ((parseInt(value.slice(0, 2), 16) ^ 1).toString(16).padStart(2, '0') + value.slice(2)).toLowerCase();
}

function reasonOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof BeaconError) return error.reason;
    throw error;
  }
  return 'verified';
}

describe('createHashChain', () => {
  it('links every value to the next by the tagged hash, ending in the secret', () => {
    expect(chain.values).toHaveLength(11);
    expect(bytesToHex(chain.values[10]!)).toBe(bytesToHex(SECRET));
    for (let i = 0; i < 10; i++) {
      // Spelled out independently of the implementation's helper.
      expect(hex(i)).toBe(bytesToHex(sha256(concatBytes(utf8ToBytes('quanyi/local-beacon/v1'), chain.values[i + 1]!))));
    }
    expect(chain.anchor).toBe(hex(0));
  });

  it('can recompute any value from the secret alone', () => {
    for (let r = 0; r <= 10; r++) expect(bytesToHex(hashChainValue(SECRET, 10, r))).toBe(hex(r));
    expect(() => hashChainValue(SECRET, 10, 11)).toThrow(RangeError);
  });

  it('draws a fresh secret by default and refuses weak parameters', () => {
    expect(createHashChain(3).anchor).not.toBe(createHashChain(3).anchor);
    expect(() => createHashChain(3, new Uint8Array(8))).toThrow(RangeError);
    expect(() => createHashChain(0)).toThrow(RangeError);
    expect(() => createHashChain(2 ** 20 + 1)).toThrow(RangeError);
  });

  it('does not alias the caller’s secret buffer', () => {
    const secret = new Uint8Array(32).fill(7);
    const own = createHashChain(2, secret);
    secret.fill(0);
    expect(bytesToHex(own.values[2]!)).toBe('07'.repeat(32));
  });
});

describe('verifyLocalBeacon', () => {
  it('accepts every round of the chain against the anchor and returns the derived randomness', () => {
    for (let r = 1; r <= 10; r++) {
      const randomness = verifyLocalBeacon(chain.anchor, { round: r, signature: hex(r) });
      expect(bytesToHex(randomness)).toBe(bytesToHex(sha256(concatBytes(utf8ToBytes('quanyi/local-beacon/v1/randomness'), chain.values[r]!))));
      expect(bytesToHex(randomness)).not.toBe(hex(r));
    }
  });

  it('rejects a wrong value, a value under the wrong round, and a foreign anchor', () => {
    expect(reasonOf(() => verifyLocalBeacon(chain.anchor, { round: 3, signature: flipFirstByte(hex(3)) }))).toBe('bad signature');
    expect(reasonOf(() => verifyLocalBeacon(chain.anchor, { round: 4, signature: hex(3) }))).toBe('bad signature');
    expect(reasonOf(() => verifyLocalBeacon(chain.anchor, { round: 2, signature: hex(3) }))).toBe('bad signature');
    const other = createHashChain(10);
    expect(reasonOf(() => verifyLocalBeacon(other.anchor, { round: 3, signature: hex(3) }))).toBe('bad signature');
    // The anchor itself is v_0 and is not a round.
    expect(reasonOf(() => verifyLocalBeacon(chain.anchor, { round: 0, signature: hex(0) }))).toBe('malformed');
  });

  it('rejects wrong randomness, malformed fields and rounds beyond the limit', () => {
    expect(reasonOf(() => verifyLocalBeacon(chain.anchor, { round: 3, signature: hex(3), randomness: hex(3) }))).toBe('randomness mismatch');
    expect(reasonOf(() => verifyLocalBeacon(chain.anchor, { round: 3, signature: hex(3).slice(2) }))).toBe('malformed');
    expect(reasonOf(() => verifyLocalBeacon('nothex', { round: 3, signature: hex(3) }))).toBe('malformed');
    expect(reasonOf(() => verifyLocalBeacon(chain.anchor, { round: 11, signature: hex(10) }, { maxRound: 10 }))).toBe('wrong round');
  });

  it('verifies from a checkpoint below or above the round', () => {
    const randomness = bytesToHex(localRandomness(chain.values[5]!));
    expect(bytesToHex(verifyLocalBeacon(chain.anchor, { round: 5, signature: hex(5) }, { checkpoint: { round: 4, signature: hex(4) } }))).toBe(randomness);
    expect(bytesToHex(verifyLocalBeacon(chain.anchor, { round: 5, signature: hex(5) }, { checkpoint: { round: 8, signature: hex(8) } }))).toBe(randomness);
    expect(reasonOf(() => verifyLocalBeacon(chain.anchor, { round: 5, signature: hex(6) }, { checkpoint: { round: 4, signature: hex(4) } }))).toBe('bad signature');
    expect(reasonOf(() => verifyLocalBeacon(chain.anchor, { round: 5, signature: hex(4) }, { checkpoint: { round: 8, signature: hex(8) } }))).toBe('bad signature');
  });
});

describe('LocalBeacon', () => {
  const genesis = 1_800_000_000;
  const commitment = localBeaconCommitment(chain, { genesisTime: genesis, period: 60 });
  const revealed = new Map<number, string>();
  const store: LocalBeaconStore = { getRevealed: async (round) => revealed.get(round) ?? null };
  const setup = (at: number) => {
    const clock = fixedClock(new Date(at * 1000));
    return { clock, beacon: new LocalBeacon(commitment, store, clock) };
  };

  it('times rounds like drand', () => {
    const { beacon } = setup(genesis);
    expect(beacon.id).toBe(`local:${chain.anchor}`);
    expect(beacon.roundAt(genesis)).toBe(1);
    expect(beacon.roundAt(genesis + 59)).toBe(1);
    expect(beacon.roundAt(genesis + 60)).toBe(2);
    expect(beacon.roundTime(3)).toBe(genesis + 120);
    expect(() => beacon.roundAt(genesis - 1)).toThrow(RangeError);
  });

  it('returns verified values once revealed and due, null before', async () => {
    revealed.clear();
    for (let r = 1; r <= 10; r++) revealed.set(r, hex(r));
    const { beacon, clock } = setup(genesis + 60); // round 2 is due, round 3 is not
    expect(await beacon.get(3)).toBeNull(); // stored already, but not due: nobody may see it early
    const value = await beacon.get(2);
    expect(value).toEqual({ beacon: beacon.id, round: 2, signature: hex(2), randomness: bytesToHex(localRandomness(chain.values[2]!)) });
    clock.advance(60_000);
    expect((await beacon.get(3))?.signature).toBe(hex(3));
    await expect(beacon.get(11)).rejects.toThrow(RangeError);
  });

  it('answers null for a due round the operator has not revealed', async () => {
    revealed.clear();
    const { beacon } = setup(genesis + 3600);
    expect(await beacon.get(4)).toBeNull();
  });

  it('refuses a store that holds a wrong value', async () => {
    revealed.clear();
    revealed.set(4, hex(5));
    const { beacon } = setup(genesis + 3600);
    await expect(beacon.get(4)).rejects.toMatchObject({ reason: 'bad signature' });
  });

  it('verify checks the beacon id, the chain and the randomness', () => {
    const { beacon } = setup(genesis + 3600);
    const good: BeaconValue = { beacon: beacon.id, round: 6, signature: hex(6), randomness: bytesToHex(localRandomness(chain.values[6]!)) };
    expect(bytesToHex(beacon.verify(good))).toBe(good.randomness);
    expect(reasonOf(() => beacon.verify({ ...good, beacon: 'drand:quicknet' }))).toBe('wrong beacon');
    expect(reasonOf(() => beacon.verify({ ...good, round: 7 }))).toBe('bad signature');
    expect(reasonOf(() => beacon.verify({ ...good, randomness: hex(6) }))).toBe('randomness mismatch');
    expect(reasonOf(() => beacon.verify({ ...good, round: 11, signature: hex(10) }))).toBe('wrong round');
    // After verifying round 6 it keeps it as a checkpoint; earlier and later rounds still verify correctly.
    expect(bytesToHex(beacon.verify({ ...good, round: 2, signature: hex(2), randomness: bytesToHex(localRandomness(chain.values[2]!)) }))).toBe(
      bytesToHex(localRandomness(chain.values[2]!)),
    );
    expect(reasonOf(() => beacon.verify({ ...good, round: 9, signature: hex(8) }))).toBe('bad signature');
  });

  it('refuses a commitment with a bad anchor or schedule', () => {
    expect(() => new LocalBeacon({ ...commitment, anchor: 'abc' }, store)).toThrow(BeaconError);
    expect(() => new LocalBeacon({ ...commitment, period: 0 }, store)).toThrow(RangeError);
    expect(() => new LocalBeacon({ ...commitment, length: 0 }, store)).toThrow(RangeError);
  });
});
