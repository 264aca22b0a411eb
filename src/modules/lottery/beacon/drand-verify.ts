import { bls12_381 } from '@noble/curves/bls12-381.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { equalBytes } from '@noble/curves/utils.js';
import { bytesToHex, concatBytes } from '@noble/hashes/utils.js';
import { BeaconError, decodeHexField, type BeaconErrorReason } from './beacon-port.js';
import { DRAND_CHAINS, isDrandChainName, type DrandChain } from './drand-chains.js';

export { BeaconError, type BeaconErrorReason } from './beacon-port.js';

/** A beacon as relays serve it; `randomness` is optional because it is derivable and only checked when present. */
export interface DrandBeaconInput {
  round: number;
  signature: string;
  previous_signature?: string;
  randomness?: string;
}

export interface VerifiedDrandBeacon {
  round: number;
  randomness: Uint8Array;
}

/**
 * Verifies a drand beacon offline against the pinned chain key and returns its randomness (SHA-256 of the
 * signature). The round is part of the signed message, so a genuine signature presented under another round
 * fails; that is what stops a relay (or an operator) from swapping in a round it likes better.
 */
export function verifyDrandBeacon(chain: DrandChain, beacon: DrandBeaconInput): VerifiedDrandBeacon {
  const round = beacon.round;
  if (!Number.isSafeInteger(round) || round < 1) throw new BeaconError('malformed', `round must be a positive integer, got ${String(round)}`);
  const signature = decodeHexField('signature', beacon.signature, chain.signatureGroup === 'G1' ? 48 : 96);
  const message = sha256(chain.chained ? concatBytes(previousSignature(beacon), u64be(round)) : u64be(round));
  if (!blsVerify(chain, signature, message)) {
    throw new BeaconError('bad signature', `signature does not verify for ${chain.name} round ${round}`);
  }
  const randomness = sha256(signature);
  if (beacon.randomness !== undefined && !equalBytes(decodeHexField('randomness', beacon.randomness, 32), randomness)) {
    throw new BeaconError('randomness mismatch', 'randomness is not SHA-256 of the signature');
  }
  return { round, randomness };
}

export interface VerifyBeaconCommandInput {
  chain: string;
  /** Accepts the raw command-line string so the CLI does not need its own integer parsing. */
  round: number | string;
  signatureHex: string;
  previousSignatureHex?: string;
}

export type VerifyBeaconCommandResult =
  | { ok: true; chain: string; round: number; randomness: string }
  | { ok: false; reason: BeaconErrorReason; message: string };

/** `quanyi beacon verify --chain quicknet --round N --signature HEX [--previous-signature HEX]`, minus the I/O. */
export function verifyBeaconCommand(input: VerifyBeaconCommandInput): VerifyBeaconCommandResult {
  try {
    if (!isDrandChainName(input.chain)) {
      throw new BeaconError('unknown chain', `unknown chain "${input.chain}"; known: ${Object.keys(DRAND_CHAINS).join(', ')}`);
    }
    const chain = DRAND_CHAINS[input.chain];
    const round = parseRound(input.round);
    const verified = verifyDrandBeacon(chain, {
      round,
      signature: input.signatureHex.trim(),
      ...(input.previousSignatureHex !== undefined ? { previous_signature: input.previousSignatureHex.trim() } : {}),
    });
    return { ok: true, chain: chain.name, round, randomness: bytesToHex(verified.randomness) };
  } catch (error) {
    if (error instanceof BeaconError) return { ok: false, reason: error.reason, message: error.message };
    throw error;
  }
}

function parseRound(round: number | string): number {
  const parsed = typeof round === 'number' ? round : /^[1-9][0-9]{0,15}$/.test(round.trim()) ? Number(round.trim()) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < 1) throw new BeaconError('malformed', `round must be a positive integer, got ${String(round)}`);
  return parsed;
}

function previousSignature(beacon: DrandBeaconInput): Uint8Array {
  if (beacon.previous_signature === undefined || beacon.previous_signature === '') {
    throw new BeaconError('missing previous signature', 'chained drand beacons sign over the previous signature');
  }
  // No length check: round 1's "previous signature" is the 32-byte genesis seed, later ones are 96-byte signatures.
  return decodeHexField('previous_signature', beacon.previous_signature);
}

function u64be(round: number): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(round));
  return bytes;
}

function blsVerify(chain: DrandChain, signature: Uint8Array, message: Uint8Array): boolean {
  // Decoded outside the try: a broken pinned key is our bug and must not pass for a forged beacon.
  if (chain.signatureGroup === 'G1') {
    const bls = bls12_381.shortSignatures;
    const publicKey = g2PublicKey(chain.publicKey);
    return rejectingUndecodable(() => bls.verify(bls12_381.G1.Point.fromBytes(signature), bls.hash(message, chain.dst), publicKey));
  }
  const bls = bls12_381.longSignatures;
  const publicKey = g1PublicKey(chain.publicKey);
  return rejectingUndecodable(() => bls.verify(bls12_381.G2.Point.fromBytes(signature), bls.hash(message, chain.dst), publicKey));
}

function rejectingUndecodable(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    // Bytes that do not decode to a subgroup point, or decode to the identity (which the pairing refuses),
    // cannot be a valid signature; report them like any other forgery.
    return false;
  }
}

// Decoding a compressed point includes a subgroup check; the pinned keys never change, so do it once per key.
const g1Keys = new Map<string, ReturnType<typeof bls12_381.G1.Point.fromBytes>>();
const g2Keys = new Map<string, ReturnType<typeof bls12_381.G2.Point.fromBytes>>();

function g1PublicKey(hex: string) {
  let point = g1Keys.get(hex);
  if (!point) g1Keys.set(hex, (point = bls12_381.G1.Point.fromBytes(decodeHexField('public key', hex, 48))));
  return point;
}

function g2PublicKey(hex: string) {
  let point = g2Keys.get(hex);
  if (!point) g2Keys.set(hex, (point = bls12_381.G2.Point.fromBytes(decodeHexField('public key', hex, 96))));
  return point;
}
