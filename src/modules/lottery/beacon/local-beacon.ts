/**
 * A commit-reveal hash-chain beacon for deployments that cannot reach drand.
 *
 * The operator draws a secret v_L and computes v_i = SHA-256("quanyi/local-beacon/v1" ‖ v_{i+1}) down to the anchor
 * v_0, which it publishes (with genesis, period and length) before any draw depends on it. Round r (1-based,
 * timed like drand) reveals v_r; anyone checks it by hashing r times down to the anchor, or once down to the
 * already-verified v_{r−1}. A draw's randomness is SHA-256("quanyi/local-beacon/v1/randomness" ‖ v_r), so the
 * bytes a draw consumes are never the bytes that prove the previous round.
 *
 * Why this is weaker than drand: the operator holds the secret, so it knows every future value from day one.
 * The commitment only stops it from changing its mind after publishing the anchor; it does not stop it from
 * predicting the outcome, entering or shaping tickets so that it (or a friend) wins, or refusing to reveal a
 * round whose result it dislikes (an abort that is visible but still a bias). drand's threshold signature has
 * no single party that knows a round early. Use this only where drand is unreachable, publish the commitment
 * before ticket sales open, and freeze the ticket list before the draw round is due.
 */
import { randomBytes } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { equalBytes } from '@noble/curves/utils.js';
import { bytesToHex, concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { systemClock, type Clock } from '../../../platform/time/clock.js';
import { BeaconError, decodeHexField, type Beacon, type BeaconValue } from './beacon-port.js';
import { assertRound, roundAt, roundTime, type RoundSchedule } from './drand-chains.js';

const LINK_TAG = utf8ToBytes('quanyi/local-beacon/v1');
const RANDOMNESS_TAG = utf8ToBytes('quanyi/local-beacon/v1/randomness');

/** 2^20 rounds: about two years at a 60 s period; bounds both memory here and the work a verifier accepts. */
export const MAX_HASH_CHAIN_LENGTH = 1 << 20;
export const DEFAULT_LOCAL_PERIOD_SECONDS = 60;

export interface HashChain {
  readonly length: number;
  /** v_0 as hex: the public commitment. */
  readonly anchor: string;
  /** v_0..v_L; `values[r]` is revealed in round r. `values[L]` is the secret until round L. */
  readonly values: readonly Uint8Array[];
}

/** One link backwards: the value revealed one round earlier. */
export function previousChainValue(value: Uint8Array): Uint8Array {
  return sha256(concatBytes(LINK_TAG, value));
}

export function localRandomness(value: Uint8Array): Uint8Array {
  return sha256(concatBytes(RANDOMNESS_TAG, value));
}

export function createHashChain(length: number, secret: Uint8Array = randomBytes(32)): HashChain {
  assertLength(length);
  // A short secret could be brute-forced from the anchor, and with it every future round.
  if (secret.length < 16) throw new RangeError('secret must be at least 16 bytes');
  const values = new Array<Uint8Array>(length + 1);
  let current: Uint8Array = Uint8Array.from(secret);
  values[length] = current;
  for (let i = length - 1; i >= 0; i--) values[i] = current = previousChainValue(current);
  return { length, anchor: bytesToHex(current), values };
}

/** v_round recomputed from the secret alone, for operators who persist the secret rather than the whole chain. */
export function hashChainValue(secret: Uint8Array, length: number, round: number): Uint8Array {
  assertLength(length);
  if (!Number.isSafeInteger(round) || round < 0 || round > length) throw new RangeError(`round must be within 0..${length}`);
  return hashDown(Uint8Array.from(secret), length - round);
}

/** What the operator publishes before relying on the beacon; snake_case because it is exported with draws. */
export interface LocalBeaconCommitment {
  anchor: string;
  genesis_time: number;
  period: number;
  length: number;
}

export function localBeaconCommitment(chain: HashChain, schedule: RoundSchedule): LocalBeaconCommitment {
  return { anchor: chain.anchor, genesis_time: schedule.genesisTime, period: schedule.period, length: chain.length };
}

/** A round already verified (typically the last one revealed), to verify the next one with one hash. */
export interface LocalCheckpoint {
  round: number;
  signature: string;
}

export interface VerifyLocalOptions {
  /** Must itself have been verified against the same anchor; it is trusted as given. */
  checkpoint?: LocalCheckpoint;
  /** Rounds above this are refused, so a forged huge round cannot make a verifier hash for hours. */
  maxRound?: number;
}

/**
 * Checks a revealed value against the anchor and returns the draw randomness. Pure and offline, so a bundle's
 * verifier needs only the commitment and the value.
 */
export function verifyLocalBeacon(
  anchorHex: string,
  value: { round: number; signature: string; randomness?: string },
  options: VerifyLocalOptions = {},
): Uint8Array {
  const anchor = decodeHexField('anchor', anchorHex, 32);
  const maxRound = options.maxRound ?? MAX_HASH_CHAIN_LENGTH;
  const round = value.round;
  if (!Number.isSafeInteger(round) || round < 1) throw new BeaconError('malformed', `round must be a positive integer, got ${String(round)}`);
  if (round > maxRound) throw new BeaconError('wrong round', `round ${round} is beyond the chain (${maxRound} rounds)`);
  const revealed = decodeHexField('signature', value.signature, 32);
  if (!chainHolds(revealed, round, anchor, options.checkpoint)) {
    throw new BeaconError('bad signature', `value does not hash down to the committed anchor for round ${round}`);
  }
  const randomness = localRandomness(revealed);
  if (value.randomness !== undefined && !equalBytes(decodeHexField('randomness', value.randomness, 32), randomness)) {
    throw new BeaconError('randomness mismatch', 'randomness is not derived from the revealed value');
  }
  return randomness;
}

/** Whether v_round = `revealed` is consistent with the anchor, walking from whichever known point is cheapest. */
function chainHolds(revealed: Uint8Array, round: number, anchor: Uint8Array, checkpoint?: LocalCheckpoint): boolean {
  if (checkpoint === undefined) return equalBytes(hashDown(revealed, round), anchor);
  assertRound(checkpoint.round);
  const known = decodeHexField('checkpoint', checkpoint.signature, 32);
  return checkpoint.round >= round
    ? equalBytes(hashDown(known, checkpoint.round - round), revealed)
    : equalBytes(hashDown(revealed, round - checkpoint.round), known);
}

function hashDown(value: Uint8Array, steps: number): Uint8Array {
  let current = value;
  for (let i = 0; i < steps; i++) current = previousChainValue(current);
  return current;
}

/** Where the app keeps revealed values (hex v_r); the operator's reveal job writes, this beacon only reads. */
export interface LocalBeaconStore {
  getRevealed(round: number): Promise<string | null>;
}

export class LocalBeacon implements Beacon {
  readonly id: string;
  private readonly schedule: RoundSchedule;
  private checkpoint: LocalCheckpoint | undefined;

  constructor(
    readonly commitment: LocalBeaconCommitment,
    private readonly store: LocalBeaconStore,
    private readonly clock: Clock = systemClock,
  ) {
    decodeHexField('anchor', commitment.anchor, 32);
    assertLength(commitment.length);
    this.schedule = { genesisTime: commitment.genesis_time, period: commitment.period };
    roundTime(this.schedule, 1); // validates the schedule up front
    this.id = `local:${commitment.anchor.toLowerCase()}`;
  }

  roundAt(unixSeconds: number): number {
    return roundAt(this.schedule, unixSeconds);
  }

  roundTime(round: number): number {
    return roundTime(this.schedule, round);
  }

  async get(round: number): Promise<BeaconValue | null> {
    assertRound(round);
    if (round > this.commitment.length) throw new RangeError(`round ${round} is beyond the chain (${this.commitment.length} rounds)`);
    // Even if the store already holds it, a value handed out before its time would let someone see a draw early.
    if (this.clock.now().getTime() / 1000 < this.roundTime(round)) return null;
    const revealed = await this.store.getRevealed(round);
    if (revealed === null) return null;
    const bytes = decodeHexField('signature', revealed, 32);
    const value: BeaconValue = { beacon: this.id, round, signature: bytesToHex(bytes), randomness: bytesToHex(localRandomness(bytes)) };
    this.verify(value);
    return value;
  }

  verify(value: BeaconValue): Uint8Array {
    if (value.beacon !== this.id) throw new BeaconError('wrong beacon', `value is from ${value.beacon}, not ${this.id}`);
    const randomness = verifyLocalBeacon(this.commitment.anchor, value, {
      maxRound: this.commitment.length,
      ...(this.checkpoint ? { checkpoint: this.checkpoint } : {}),
    });
    if (!this.checkpoint || value.round > this.checkpoint.round) this.checkpoint = { round: value.round, signature: value.signature };
    return randomness;
  }
}

function assertLength(length: number): void {
  if (!Number.isSafeInteger(length) || length < 1 || length > MAX_HASH_CHAIN_LENGTH) {
    throw new RangeError(`hash chain length must be within 1..${MAX_HASH_CHAIN_LENGTH}`);
  }
}
