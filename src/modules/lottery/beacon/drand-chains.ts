/**
 * Pinned drand chain parameters. They are compiled in rather than fetched from a relay's /info, because a relay
 * that can change the public key can forge every beacon; pinning makes the relay untrusted transport.
 * The chain hash is what drand itself uses to name a chain; `drand-chains.test.ts` recomputes it from the other
 * fields so a typo in any of them fails the build.
 */

/** Fixed-period round schedule shared by drand and the local beacon. */
export interface RoundSchedule {
  /** Unix seconds at which round 1 is published. */
  readonly genesisTime: number;
  /** Seconds between rounds. */
  readonly period: number;
}

export type DrandChainName = 'quicknet' | 'mainnet';

export interface DrandChain extends RoundSchedule {
  readonly name: DrandChainName;
  /** drand's chain hash, hex: SHA-256 over period, genesis, public key, group hash (and beacon id if not default). */
  readonly hash: string;
  readonly scheme: 'bls-unchained-g1-rfc9380' | 'pedersen-bls-chained';
  /** Compressed group public key, hex (96 bytes on G2 for quicknet, 48 bytes on G1 for mainnet). */
  readonly publicKey: string;
  /** Group the signatures live on: G1 = 48-byte signatures (short), G2 = 96-byte signatures (long). */
  readonly signatureGroup: 'G1' | 'G2';
  /** Hash-to-curve domain separation tag for the signature group. */
  readonly dst: string;
  /** Chained schemes sign SHA-256(previous_signature ‖ round); unchained ones SHA-256(round) only. */
  readonly chained: boolean;
  /** drand's genesis seed ("groupHash"); kept only so the chain hash can be recomputed. */
  readonly groupHash: string;
  /** drand beacon id; the default chain's id is not hashed into its chain hash. */
  readonly beaconId: string;
}

const QUICKNET: DrandChain = {
  name: 'quicknet',
  hash: '52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971',
  scheme: 'bls-unchained-g1-rfc9380',
  publicKey:
    '83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a',
  signatureGroup: 'G1',
  dst: 'BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_',
  chained: false,
  period: 3,
  genesisTime: 1692803367,
  // Source: drand/tlock-js src/drand/defaults.ts (MAINNET_CHAIN_INFO.groupHash).
  groupHash: 'f477d5c89f21a17c863a7f937c6a6d15859414d2be09cd448d4279af331c5d3e',
  beaconId: 'quicknet',
};

const MAINNET: DrandChain = {
  name: 'mainnet',
  hash: '8990e7a9aaed2ffed73dbd7092123d6f289930540d7651336225dc172e51b2ce',
  scheme: 'pedersen-bls-chained',
  publicKey: '868f005eb8e6e4ca0a47c8a77ceaa5309a47978a7c71bc5cce96366b5d7a569937c529eeda66c7293784a9402801af31',
  signatureGroup: 'G2',
  dst: 'BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_',
  chained: true,
  period: 30,
  genesisTime: 1595431050,
  // Source: drand/drand-client test/data.ts (validTestChainInfo.groupHash); also round 1's previous_signature.
  groupHash: '176f93498eac9ca337150b46d21dd58673ea4e3581185f869672e59fa4cb390a',
  beaconId: 'default',
};

export const DRAND_CHAINS: Readonly<Record<DrandChainName, DrandChain>> = Object.freeze({
  quicknet: Object.freeze(QUICKNET),
  mainnet: Object.freeze(MAINNET),
});

export function isDrandChainName(name: string): name is DrandChainName {
  return Object.hasOwn(DRAND_CHAINS, name);
}

/**
 * The latest round published at or before `unixSeconds`: ⌊(t − genesis) / period⌋ + 1, matching drand's
 * `CurrentRound`. Throws before genesis instead of answering 1 (as drand's Go code does) or 0: round 0 means
 * "latest" on the relay API, and a draw time before the chain existed is a configuration error, not a round.
 * Note that this round is already public at `unixSeconds`; a draw committed at time c must use a later round,
 * see `firstRoundAtOrAfter`.
 */
export function roundAt(schedule: RoundSchedule, unixSeconds: number): number {
  assertSchedule(schedule);
  if (!Number.isFinite(unixSeconds)) throw new RangeError(`not a time: ${unixSeconds}`);
  if (unixSeconds < schedule.genesisTime) {
    throw new RangeError(`time ${unixSeconds} is before the beacon's genesis ${schedule.genesisTime}`);
  }
  return Math.floor((unixSeconds - schedule.genesisTime) / schedule.period) + 1;
}

/** Unix seconds at which `round` is published: genesis + (round − 1) · period. */
export function roundTime(schedule: RoundSchedule, round: number): number {
  assertSchedule(schedule);
  assertRound(round);
  return schedule.genesisTime + (round - 1) * schedule.period;
}

/**
 * The first round published at or after `unixSeconds`, i.e. the first round nobody can know at that moment
 * (strictly: unknowable before it). This is the round a draw closing at `unixSeconds` should commit to.
 */
export function firstRoundAtOrAfter(schedule: RoundSchedule, unixSeconds: number): number {
  assertSchedule(schedule);
  if (!Number.isFinite(unixSeconds)) throw new RangeError(`not a time: ${unixSeconds}`);
  if (unixSeconds <= schedule.genesisTime) return 1;
  return Math.ceil((unixSeconds - schedule.genesisTime) / schedule.period) + 1;
}

export function assertRound(round: number): void {
  if (!Number.isSafeInteger(round) || round < 1) throw new RangeError(`round must be a positive integer, got ${round}`);
}

function assertSchedule(schedule: RoundSchedule): void {
  if (!Number.isSafeInteger(schedule.genesisTime) || !Number.isSafeInteger(schedule.period) || schedule.period < 1) {
    throw new RangeError('schedule needs an integer genesis time and a positive integer period');
  }
}
