import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { DRAND_CHAINS, firstRoundAtOrAfter, isDrandChainName, roundAt, roundTime, type DrandChain } from './drand-chains.js';

// drand's chain hash (drand/drand chain/info.go, Info.Hash): SHA-256(u32be period ‖ i64be genesis ‖ public key ‖
// group hash ‖ beacon id unless default). Recomputing it ties every pinned field to the hash relays are addressed by.
function chainHash(chain: DrandChain): string {
  const head = new Uint8Array(12);
  const view = new DataView(head.buffer);
  view.setUint32(0, chain.period);
  view.setBigInt64(4, BigInt(chain.genesisTime));
  const id = chain.beaconId === 'default' ? new Uint8Array(0) : utf8ToBytes(chain.beaconId);
  return bytesToHex(sha256(concatBytes(head, hexToBytes(chain.publicKey), hexToBytes(chain.groupHash), id)));
}

describe('pinned drand chains', () => {
  it.each(Object.values(DRAND_CHAINS))('$name: the pinned fields hash to the pinned chain hash', (chain) => {
    expect(chainHash(chain)).toBe(chain.hash);
  });

  it('a changed genesis, period or key no longer matches the hash', () => {
    const quicknet = DRAND_CHAINS.quicknet;
    expect(chainHash({ ...quicknet, genesisTime: quicknet.genesisTime + 1 })).not.toBe(quicknet.hash);
    expect(chainHash({ ...quicknet, period: 30 })).not.toBe(quicknet.hash);
    expect(chainHash({ ...DRAND_CHAINS.mainnet, publicKey: DRAND_CHAINS.mainnet.publicKey.replace(/1$/, '2') })).not.toBe(DRAND_CHAINS.mainnet.hash);
  });

  it('is keyed by name and frozen', () => {
    expect(DRAND_CHAINS.quicknet.name).toBe('quicknet');
    expect(DRAND_CHAINS.mainnet.name).toBe('mainnet');
    expect(isDrandChainName('quicknet')).toBe(true);
    expect(isDrandChainName('toString')).toBe(false);
    expect(Object.isFrozen(DRAND_CHAINS.quicknet)).toBe(true);
  });
});

describe('roundAt / roundTime', () => {
  const { quicknet, mainnet } = DRAND_CHAINS;

  it('quicknet: genesis is round 1, a new round every 3 s', () => {
    expect(roundAt(quicknet, 1692803367)).toBe(1);
    expect(roundAt(quicknet, 1692803369.999)).toBe(1);
    expect(roundAt(quicknet, 1692803370)).toBe(2);
    expect(roundTime(quicknet, 1)).toBe(1692803367);
    expect(roundTime(quicknet, 123)).toBe(1692803367 + 122 * 3);
  });

  it('mainnet: 30 s rounds from 1595431050', () => {
    expect(roundAt(mainnet, 1595431050)).toBe(1);
    expect(roundTime(mainnet, 72785)).toBe(1597614570);
    expect(roundAt(mainnet, 1597614570 + 29)).toBe(72785);
    expect(roundAt(mainnet, 1597614570 + 30)).toBe(72786);
  });

  it.each([1, 2, 123, 657413, 10_000_000])('round trip for round %i', (round) => {
    for (const chain of [quicknet, mainnet]) {
      const t = roundTime(chain, round);
      expect(roundAt(chain, t)).toBe(round);
      expect(roundAt(chain, t + chain.period - 1)).toBe(round);
      if (round > 1) expect(roundAt(chain, t - 1)).toBe(round - 1);
      expect(firstRoundAtOrAfter(chain, t)).toBe(round);
      expect(firstRoundAtOrAfter(chain, t + 1)).toBe(round + 1);
    }
  });

  it('refuses times before genesis and rounds below 1', () => {
    expect(() => roundAt(quicknet, quicknet.genesisTime - 1)).toThrow(RangeError);
    expect(() => roundAt(quicknet, Number.NaN)).toThrow(RangeError);
    expect(() => roundTime(quicknet, 0)).toThrow(RangeError);
    expect(() => roundTime(quicknet, 1.5)).toThrow(RangeError);
    expect(firstRoundAtOrAfter(quicknet, 0)).toBe(1);
  });

  it('refuses a schedule with a non-positive period', () => {
    expect(() => roundAt({ genesisTime: 0, period: 0 }, 10)).toThrow(RangeError);
  });
});
