import { createCipheriv } from 'node:crypto';
import { chacha20 } from '@noble/ciphers/chacha.js';
import { describe, expect, it } from 'vitest';
import { ChaChaStream } from './chacha-stream.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const SEED = Uint8Array.from({ length: 32 }, (_, i) => i);

// RFC 8439 Appendix A.1 keystream blocks. #1–#4 use the all-zero nonce, so they are stretches of our stream.
const A1_1 = '76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586';
const A1_2 = '9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f';
const A1_3 = '3aeb5224ecf849929b9d828db1ced4dd832025e8018b8160b82284f3c949aa5a8eca00bbb4a73bdad192b5c42f73f2fd4e273644c8b36125a64addeb006c13a0';
const A1_4 = '72d54dfbf12ec44b362692df94137f328fea8da73990265ec1bbbea1ae9af0ca13b25aa26cb4a648cb9b9d1be65b2c0924a66c54d545ec1b7374f4872e99f096';
const A1_5 = 'c2c64d378cd536374ae204b9ef933fcd1a8b2288b3dfa49672ab765b54ee27c78a970e0e955c14f3a88e741b97c286f75f8fc299e8148362fa198a39531bed6d';

/** Node's OpenSSL ChaCha20: a second, unrelated implementation of the same keystream (iv = LE counter ‖ nonce). */
function opensslKeystream(seed: Uint8Array, length: number): Uint8Array {
  const cipher = createCipheriv('chacha20', seed, Buffer.alloc(16));
  return Uint8Array.from(Buffer.concat([cipher.update(Buffer.alloc(length)), cipher.final()]));
}

describe('ChaChaStream against RFC 8439', () => {
  it('the all-zero seed starts with A.1 test vectors #1 then #2 (counter 0, 1)', () => {
    expect(toHex(new ChaChaStream(new Uint8Array(32)).nextBytes(128))).toBe(A1_1 + A1_2);
  });

  it('A.1 #3 (key …01, counter 1) is bytes 64..127 and #4 (key 00ff…, counter 2) is bytes 128..191', () => {
    const key3 = new Uint8Array(32);
    key3[31] = 1;
    expect(toHex(new ChaChaStream(key3).nextBytes(128).subarray(64))).toBe(A1_3);
    const key4 = new Uint8Array(32);
    key4[1] = 0xff;
    expect(toHex(new ChaChaStream(key4).nextBytes(192).subarray(128))).toBe(A1_4);
  });

  // The stream fixes the nonce at zero; these vectors pin the cipher it wraps, with their own nonce and counter.
  it('the wrapped cipher matches A.1 #5, the §2.3.2 block and the §2.4.2 "sunscreen" encryption', () => {
    expect(toHex(chacha20(new Uint8Array(32), hex('000000000000000000000002'), new Uint8Array(64)))).toBe(A1_5);
    expect(toHex(chacha20(SEED, hex('000000090000004a00000000'), new Uint8Array(64), undefined, 1))).toBe(
      '10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4ed2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e',
    );
    const plaintext = new TextEncoder().encode(
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
    );
    expect(toHex(chacha20(SEED, hex('000000000000004a00000000'), plaintext, undefined, 1))).toBe(
      '6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0bf91b65c5524733ab8f593dabcd62b3571639d624e65152ab' +
        '8f530c359f0861d807ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab77937365af90bbf74a35be6b40b8eedf2785e42874d',
    );
  });
});

describe('ChaChaStream against OpenSSL', () => {
  it('matches the first 4 KiB', () => {
    expect(toHex(new ChaChaStream(SEED).nextBytes(4096))).toBe(toHex(opensslKeystream(SEED, 4096)));
  });

  it('stays sequential across 64 KiB refills whatever the read sizes, words and bytes mixed', () => {
    const total = 3 * 65536 + 4096;
    const expected = opensslKeystream(SEED, total);
    const stream = new ChaChaStream(SEED);
    const got = new Uint8Array(total);
    const view = new DataView(got.buffer);
    const halves = new Uint32Array(2);
    const sizes = [1, 7, 8, 64, 1000, 65531, 3, 5, 65536, 12345];
    let at = 0;
    for (let step = 0; at < total; step++) {
      const size = Math.min(sizes[step % sizes.length]!, total - at);
      if (size >= 8 && step % 3 === 1) {
        view.setBigUint64(at, stream.nextU64(), false);
        at += 8;
      } else if (size >= 8 && step % 3 === 2) {
        stream.nextU64Halves(halves);
        view.setUint32(at, halves[0]!, false);
        view.setUint32(at + 4, halves[1]!, false);
        at += 8;
      } else {
        got.set(stream.nextBytes(size), at);
        at += size;
      }
      expect(stream.bytesConsumed).toBe(at);
    }
    expect(toHex(got)).toBe(toHex(expected));
  });

  it('reads a word that straddles the chunk boundary (offset 65533..65540)', () => {
    const expected = new DataView(opensslKeystream(SEED, 65544).buffer);
    const stream = new ChaChaStream(SEED);
    stream.nextBytes(65533);
    expect(stream.nextU64()).toBe(expected.getBigUint64(65533, false));
    const other = new ChaChaStream(SEED);
    other.nextBytes(65533);
    const halves = new Uint32Array(2);
    other.nextU64Halves(halves);
    expect([...halves]).toEqual([expected.getUint32(65533, false), expected.getUint32(65537, false)]);
  });
});

describe('ChaChaStream words (known answers)', () => {
  // From docs/draw-spec/reference.py (independent pure-Python ChaCha20), seed 000102…1f.
  it('nextU64 reads 8 bytes big-endian', () => {
    const stream = new ChaChaStream(SEED);
    const words = Array.from({ length: 8 }, () => stream.nextU64());
    expect(words).toEqual([
      0x39fd2b7dd9c5196an, 0x8dbd0377b8dc4a49n, 0x8a35d86fbcde6accn, 0xb2cc7d4cd8ea2492n,
      0x2b23cce7a26023abn, 0x3f0eef693ac87f64n, 0x258235eab1f7a32dn, 0xc22762a0485b410cn,
    ]);
    expect(stream.bytesConsumed).toBe(64);
  });

  it('words 8191..8193 straddle the first refill', () => {
    const stream = new ChaChaStream(SEED);
    for (let i = 0; i < 8191; i++) stream.nextU64();
    expect([stream.nextU64(), stream.nextU64(), stream.nextU64()]).toEqual([
      0xe90cb61969c20c0fn, 0xee398609c51c0335n, 0xedb0420a510e0357n,
    ]);
  });

  it('nextU64Halves gives the same words as nextU64', () => {
    const a = new ChaChaStream(SEED);
    const b = new ChaChaStream(SEED);
    const halves = new Uint32Array(2);
    for (let i = 0; i < 20_000; i++) {
      b.nextU64Halves(halves);
      expect((BigInt(halves[0]!) << 32n) | BigInt(halves[1]!)).toBe(a.nextU64());
    }
  });
});

describe('ChaChaStream inputs', () => {
  it('rejects a seed that is not 32 bytes', () => {
    for (const length of [0, 16, 31, 33, 64]) expect(() => new ChaChaStream(new Uint8Array(length))).toThrow(RangeError);
    expect(() => new ChaChaStream([...SEED] as unknown as Uint8Array)).toThrow(RangeError);
  });

  it('copies the seed, so later changes to the caller\'s buffer do not alter the stream', () => {
    const seed = SEED.slice();
    const stream = new ChaChaStream(seed);
    seed.fill(0xff);
    expect(stream.nextU64()).toBe(0x39fd2b7dd9c5196an);
  });

  it('rejects a negative or fractional byte count; zero bytes consume nothing', () => {
    const stream = new ChaChaStream(SEED);
    expect(() => stream.nextBytes(-1)).toThrow(RangeError);
    expect(() => stream.nextBytes(1.5)).toThrow(RangeError);
    expect(stream.nextBytes(0)).toHaveLength(0);
    expect(stream.bytesConsumed).toBe(0);
  });
});
