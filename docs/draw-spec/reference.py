#!/usr/bin/env python3
"""Independent reference for docs/draw-spec/random.md.

Pure Python, standard library only, written from RFC 8439 and the spec rather than from the TypeScript code,
so the known-answer values it prints can pin the TypeScript implementation
(src/modules/lottery/domain/random/*.test.ts).

Run: python3 docs/draw-spec/reference.py
It first checks itself against the RFC 8439 test vectors, then prints the vectors.
"""

import hashlib
import math
import struct

MASK32 = 0xFFFFFFFF
TWO64 = 1 << 64


# --- ChaCha20, RFC 8439 §2.1-§2.4 -------------------------------------------------------------------------


def _rotl(v, c):
    return ((v << c) & MASK32) | (v >> (32 - c))


def _quarter_round(s, a, b, c, d):
    s[a] = (s[a] + s[b]) & MASK32; s[d] = _rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & MASK32; s[b] = _rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & MASK32; s[d] = _rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & MASK32; s[b] = _rotl(s[b] ^ s[c], 7)


def chacha20_block(key, counter, nonce):
    """RFC 8439 §2.3: one 64-byte keystream block."""
    assert len(key) == 32 and len(nonce) == 12 and 0 <= counter <= MASK32
    state = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
    state += list(struct.unpack('<8I', key))
    state += [counter]
    state += list(struct.unpack('<3I', nonce))
    working = state[:]
    for _ in range(10):
        _quarter_round(working, 0, 4, 8, 12)
        _quarter_round(working, 1, 5, 9, 13)
        _quarter_round(working, 2, 6, 10, 14)
        _quarter_round(working, 3, 7, 11, 15)
        _quarter_round(working, 0, 5, 10, 15)
        _quarter_round(working, 1, 6, 11, 12)
        _quarter_round(working, 2, 7, 8, 13)
        _quarter_round(working, 3, 4, 9, 14)
    return struct.pack('<16I', *[(working[i] + state[i]) & MASK32 for i in range(16)])


def chacha20_encrypt(key, counter, nonce, plaintext):
    """RFC 8439 §2.4."""
    out = bytearray()
    for j in range(0, len(plaintext), 64):
        block = chacha20_block(key, counter + j // 64, nonce)
        out += bytes(p ^ k for p, k in zip(plaintext[j:j + 64], block))
    return bytes(out)


# --- The draw stream and samplers (random.md) ---------------------------------------------------------------


class Stream:
    """ChaCha20 keystream, key = seed, nonce = 12 zero bytes, block counter from 0, read sequentially."""

    def __init__(self, seed):
        if len(seed) != 32:
            raise ValueError('seed must be 32 bytes')
        self.seed = seed
        self.counter = 0
        self.buf = b''
        self.consumed = 0  # bytes handed out so far

    def next_bytes(self, n):
        while len(self.buf) < n:
            self.buf += chacha20_block(self.seed, self.counter, bytes(12))
            self.counter += 1
        out, self.buf = self.buf[:n], self.buf[n:]
        self.consumed += n
        return out

    def next_u64(self):
        return int.from_bytes(self.next_bytes(8), 'big')


def uniform_below(stream, n):
    if not 1 <= n <= TWO64:
        raise ValueError('n out of range')
    limit = TWO64 - (TWO64 % n)
    while True:
        x = stream.next_u64()
        if x < limit:
            return x % n


def shuffle_permutation(stream, n):
    a = list(range(n))
    for i in range(n - 1, 0, -1):
        j = uniform_below(stream, i + 1)
        a[i], a[j] = a[j], a[i]
    return a


def select_winners(stream, entry_count, key_of, tiers):
    distinct = len({key_of(i) for i in range(entry_count)})
    won = set()
    winners = []
    draw = 0
    for tier, count in tiers:
        for _ in range(count):
            if len(won) == distinct:
                return winners
            while True:
                index = uniform_below(stream, entry_count)
                ordinal = draw
                draw += 1
                key = key_of(index)
                if key not in won:
                    break
            won.add(key)
            winners.append((tier, index, ordinal))
    return winners


# --- Self-test against RFC 8439 ----------------------------------------------------------------------------


def _self_test():
    h = bytes.fromhex
    zero_key = bytes(32)
    # Appendix A.1, test vectors #1-#5 (key, nonce, counter, keystream block).
    a1 = [
        (zero_key, bytes(12), 0,
         '76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7'
         'da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586'),
        (zero_key, bytes(12), 1,
         '9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed'
         '29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f'),
        (bytes(31) + b'\x01', bytes(12), 1,
         '3aeb5224ecf849929b9d828db1ced4dd832025e8018b8160b82284f3c949aa5a'
         '8eca00bbb4a73bdad192b5c42f73f2fd4e273644c8b36125a64addeb006c13a0'),
        (b'\x00\xff' + bytes(30), bytes(12), 2,
         '72d54dfbf12ec44b362692df94137f328fea8da73990265ec1bbbea1ae9af0ca'
         '13b25aa26cb4a648cb9b9d1be65b2c0924a66c54d545ec1b7374f4872e99f096'),
        (zero_key, bytes(11) + b'\x02', 0,
         'c2c64d378cd536374ae204b9ef933fcd1a8b2288b3dfa49672ab765b54ee27c7'
         '8a970e0e955c14f3a88e741b97c286f75f8fc299e8148362fa198a39531bed6d'),
    ]
    for key, nonce, counter, expected in a1:
        assert chacha20_block(key, counter, nonce) == h(expected)
    key = bytes(range(32))
    # §2.3.2
    assert chacha20_block(key, 1, h('000000090000004a00000000')) == h(
        '10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e'
        'd2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e')
    # §2.4.2
    plaintext = (b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, "
                 b"sunscreen would be it.")
    assert chacha20_encrypt(key, 1, h('000000000000004a00000000'), plaintext) == h(
        '6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b'
        'f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8'
        '07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736'
        '5af90bbf74a35be6b40b8eedf2785e42874d')
    # The stream with the all-zero seed is A.1 #1 followed by A.1 #2.
    assert Stream(zero_key).next_bytes(128) == h(a1[0][3] + a1[1][3])


# --- Vectors ------------------------------------------------------------------------------------------------


def _permutation_digest(perm):
    return hashlib.sha256(b''.join(v.to_bytes(4, 'big') for v in perm)).hexdigest()


def _key_by_isqrt(i):
    # Invoice k holds the 2k+1 entries k², …, (k+1)²−1: unequal chances, so repeats happen.
    return f'INV-{math.isqrt(i)}'


def main():
    _self_test()
    print('RFC 8439 self-test: ok')
    seed = bytes(range(32))
    print(f'seed = {seed.hex()}')

    s = Stream(seed)
    print(f'stream first 64 bytes = {s.next_bytes(64).hex()}')

    s = Stream(seed)
    print(f'nextU64 x8 = {[hex(s.next_u64()) for _ in range(8)]}')
    # Words 8191..8193 straddle the first 64 KiB (block 1024) boundary.
    s = Stream(seed)
    s.next_bytes(8191 * 8)
    print(f'nextU64 words 8191..8193 = {[hex(s.next_u64()) for _ in range(3)]}')

    for n in [1, 2, 10, 37, 1000, 10_000_000, 2**32, 2**53 - 1, 2**64]:
        s = Stream(seed)
        out = [uniform_below(s, n) for _ in range(10)]
        print(f'uniformBelow n={n} x10 = {out}  words={s.consumed // 8}')

    n = 2**63 + 1
    s = Stream(seed)
    out, words = [], []
    for _ in range(16):
        out.append(uniform_below(s, n))
        words.append(s.consumed // 8)
    print(f'uniformBelow n=2^63+1 x16 = {out}')
    print(f'  cumulative words after each = {words}')
    s = Stream(seed)
    for _ in range(1000):
        uniform_below(s, n)
    print(f'  words for 1000 draws = {s.consumed // 8}')

    for n in [10, 52, 1000]:
        s = Stream(seed)
        perm = shuffle_permutation(s, n)
        shown = perm if n <= 52 else perm[:20]
        print(f'shuffle n={n} first = {shown}  last5={perm[-5:]}  words={s.consumed // 8}'
              f'  sha256(u32be)={_permutation_digest(perm)}')

    s = Stream(seed)
    tiers = [('first', 1), ('second', 3), ('third', 10)]
    winners = select_winners(s, 1000, _key_by_isqrt, tiers)
    print(f'selectWinners N=1000 key=INV-isqrt(i) tiers={tiers}')
    for w in winners:
        print(f'  {w}')
    print(f'  words={s.consumed // 8}')

    s = Stream(seed)
    tiers = [('first', 1), ('second', 5)]
    winners = select_winners(s, 10, _key_by_isqrt, tiers)
    print(f'selectWinners N=10 key=INV-isqrt(i) tiers={tiers}')
    for w in winners:
        print(f'  {w}')
    print(f'  words={s.consumed // 8}')


if __name__ == '__main__':
    main()
