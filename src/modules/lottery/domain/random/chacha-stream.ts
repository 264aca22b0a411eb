import { chacha20 } from '@noble/ciphers/chacha.js';

export const SEED_BYTES = 32;

const BLOCK_BYTES = 64;
// One call into the cipher per 64 KiB keeps the per-word cost of 10^7 draws at a copy-free DataView read.
const CHUNK_BYTES = 64 * 1024;
const BLOCKS_PER_CHUNK = CHUNK_BYTES / BLOCK_BYTES;
// RFC 8439's block counter is 32 bits and noble refuses counter 2^32 − 1 rather than wrap: the stream ends there.
const COUNTER_END = 2 ** 32 - 1;
const NONCE = new Uint8Array(12);
// Encrypting zeros yields the bare keystream; the input is never written, so one buffer serves every stream.
const ZEROS = new Uint8Array(CHUNK_BYTES);

/**
 * The draw's byte stream: the ChaCha20 keystream (RFC 8439) under key = seed, a 12-byte all-zero nonce and block
 * counter 0, 1, 2, …, read strictly in order. Anyone holding the seed can regenerate every byte.
 */
export class ChaChaStream {
  private readonly key: Uint8Array;
  private readonly chunk = new Uint8Array(CHUNK_BYTES);
  private readonly view = new DataView(this.chunk.buffer);
  private readonly spill = new Uint8Array(8);
  private readonly spillView = new DataView(this.spill.buffer);
  private offset = CHUNK_BYTES;
  private counter = 0;
  private consumed = 0;

  constructor(seed: Uint8Array) {
    if (!(seed instanceof Uint8Array) || seed.length !== SEED_BYTES) {
      throw new RangeError(`ChaChaStream: seed must be ${SEED_BYTES} bytes`);
    }
    // A copy, so a caller reusing its buffer cannot change a draw half-way through.
    this.key = seed.slice();
  }

  /** Bytes handed out so far; a verifier compares it to prove two implementations consumed the same words. */
  get bytesConsumed(): number {
    return this.consumed;
  }

  nextBytes(n: number): Uint8Array {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new RangeError('ChaChaStream: byte count must be a non-negative integer');
    }
    const out = new Uint8Array(n);
    this.readInto(out);
    return out;
  }

  /** The next 8 bytes as an unsigned big-endian integer. */
  nextU64(): bigint {
    const at = this.take8();
    return at >= 0 ? this.view.getBigUint64(at, false) : this.spillView.getBigUint64(0, false);
  }

  /**
   * The same 8 bytes as nextU64, as out[0] = high 32 bits and out[1] = low 32 bits: lets small-range sampling
   * stay in plain numbers instead of allocating a BigInt per word.
   */
  nextU64Halves(out: Uint32Array): void {
    const at = this.take8();
    const view = at >= 0 ? this.view : this.spillView;
    const base = at >= 0 ? at : 0;
    out[0] = view.getUint32(base, false);
    out[1] = view.getUint32(base + 4, false);
  }

  /** Offset of 8 fresh bytes in the chunk, or −1 when they straddle two chunks and were copied to `spill`. */
  private take8(): number {
    if (this.offset === CHUNK_BYTES) this.refill();
    const at = this.offset;
    if (at + 8 <= CHUNK_BYTES) {
      this.offset = at + 8;
      this.consumed += 8;
      return at;
    }
    this.readInto(this.spill);
    return -1;
  }

  private readInto(target: Uint8Array): void {
    let written = 0;
    while (written < target.length) {
      if (this.offset === CHUNK_BYTES) this.refill();
      const take = Math.min(target.length - written, CHUNK_BYTES - this.offset);
      target.set(this.chunk.subarray(this.offset, this.offset + take), written);
      this.offset += take;
      written += take;
    }
    this.consumed += target.length;
  }

  private refill(): void {
    if (this.counter + BLOCKS_PER_CHUNK > COUNTER_END) throw new RangeError('ChaChaStream: keystream exhausted');
    chacha20(this.key, NONCE, ZEROS, this.chunk, this.counter);
    this.counter += BLOCKS_PER_CHUNK;
    this.offset = 0;
  }
}
