import { hexToBytes } from '@noble/hashes/utils.js';
/**
 * The port the lottery draws through. A draw commits in advance to (beacon id, round); once the round is
 * published, anyone holding the exported `BeaconValue` can re-run `verify` offline and recompute the winners.
 */

/**
 * One published beacon round as it goes into exported draw bundles. Hex strings and snake_case keys so it reads
 * like drand's own relay JSON and third-party verifiers need no translation.
 */
export type BeaconValue = {
  /** `Beacon.id` of the beacon that produced it, e.g. `drand:quicknet`. */
  beacon: string;
  round: number;
  /** drand: the BLS signature. Local beacon: the revealed hash-chain value. */
  signature: string;
  /** Only for chained drand schemes (mainnet), which sign over the previous round's signature. */
  previous_signature?: string;
  /** 32 bytes the draw consumes; always re-derived and compared by `verify`, never trusted as given. */
  randomness: string;
};

export interface Beacon {
  readonly id: string;
  /** Latest round published at or before `unixSeconds`; throws before genesis. */
  roundAt(unixSeconds: number): number;
  /** Unix seconds at which `round` is published. */
  roundTime(round: number): number;
  /** The verified value of `round`, or null when it is not published yet. Never returns an unverified value. */
  get(round: number): Promise<BeaconValue | null>;
  /** The randomness bytes of a value this beacon produced; throws `BeaconError` when it does not verify. */
  verify(value: BeaconValue): Uint8Array;
}

export type BeaconErrorReason =
  | 'bad signature'
  | 'randomness mismatch'
  | 'missing previous signature'
  | 'malformed'
  | 'wrong round'
  | 'wrong beacon'
  | 'unknown chain';

/** A value that does not prove what it claims. Distinct from transport failures, which are worth a retry. */
export class BeaconError extends Error {
  override readonly name = 'BeaconError';
  constructor(
    readonly reason: BeaconErrorReason,
    message: string = reason,
  ) {
    super(message);
  }
}

/**
 * Decodes a hex field of a beacon value. Beacon values arrive from relays, bundles and command lines, so bad
 * input is a `BeaconError('malformed')` rather than whatever a generic decoder happens to throw.
 */
export function decodeHexField(field: string, hex: unknown, byteLength?: number): Uint8Array {
  if (typeof hex !== 'string' || hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(hex)) {
    throw new BeaconError('malformed', `${field} must be a non-empty even-length hex string`);
  }
  if (byteLength !== undefined && hex.length !== byteLength * 2) {
    throw new BeaconError('malformed', `${field} must be ${byteLength} bytes, got ${hex.length / 2}`);
  }
  return hexToBytes(hex);
}
