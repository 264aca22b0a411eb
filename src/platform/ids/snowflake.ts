/**
 * Time-ordered 64-bit ids in the snowflake layout: 41 bits of milliseconds since EPOCH, 10 bits of node id,
 * 12 bits of sequence. Sortable by creation time, dense for B-tree indexes, and not guessable as a counter
 * because the node id and sequence vary. Node ids come from a database lease (node-lease.ts) so two live
 * processes never share one.
 */
export const SNOWFLAKE_EPOCH_MS = Date.UTC(2025, 0, 1);
const NODE_BITS = 10n;
const SEQUENCE_BITS = 12n;
export const MAX_NODE_ID = (1 << Number(NODE_BITS)) - 1;
const MAX_SEQUENCE = (1 << Number(SEQUENCE_BITS)) - 1;

export interface IdGenerator {
  /** A new id as a decimal string (JSON-safe: 64-bit values exceed Number.MAX_SAFE_INTEGER). */
  next(): string;
  nextBigInt(): bigint;
}

export class Snowflake implements IdGenerator {
  private lastMs = -1;
  private sequence = 0;

  constructor(
    private readonly nodeId: number,
    private readonly nowMs: () => number = Date.now,
  ) {
    if (!Number.isInteger(nodeId) || nodeId < 0 || nodeId > MAX_NODE_ID) {
      throw new RangeError(`snowflake node id must be 0..${MAX_NODE_ID}, got ${nodeId}`);
    }
  }

  next(): string {
    return this.nextBigInt().toString();
  }

  nextBigInt(): bigint {
    let now = this.nowMs();
    // A clock that steps back (NTP) must not produce an id that sorts before one already issued.
    if (now < this.lastMs) now = this.lastMs;
    if (now === this.lastMs) {
      this.sequence = (this.sequence + 1) & MAX_SEQUENCE;
      if (this.sequence === 0) now = this.waitNextMs(now);
    } else {
      this.sequence = 0;
    }
    this.lastMs = now;
    return (
      (BigInt(now - SNOWFLAKE_EPOCH_MS) << (NODE_BITS + SEQUENCE_BITS)) |
      (BigInt(this.nodeId) << SEQUENCE_BITS) |
      BigInt(this.sequence)
    );
  }

  private waitNextMs(current: number): number {
    let now = this.nowMs();
    while (now <= current) now = this.nowMs();
    return now;
  }
}

export interface DecodedSnowflake {
  readonly timestampMs: number;
  readonly nodeId: number;
  readonly sequence: number;
}

export function decodeSnowflake(id: string | bigint): DecodedSnowflake {
  const value = BigInt(id);
  return {
    timestampMs: Number(value >> (NODE_BITS + SEQUENCE_BITS)) + SNOWFLAKE_EPOCH_MS,
    nodeId: Number((value >> SEQUENCE_BITS) & BigInt(MAX_NODE_ID)),
    sequence: Number(value & BigInt(MAX_SEQUENCE)),
  };
}
