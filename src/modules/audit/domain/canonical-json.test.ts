import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalJsonBytes } from './canonical-json.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const parse = (json: string): unknown => JSON.parse(json) as unknown;

describe('canonicalJson: RFC 8785 vectors', () => {
  // RFC 8785 §3.2.3, sorting test data and expected order. Copied from the RFC source,
  // github.com/cyberphone/ietf-json-canon xmlv3/rfc8785.xml.
  it('sorts property names by UTF-16 code units (RFC 8785 §3.2.3)', () => {
    const input = parse(String.raw`{
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }`);
    const out = canonicalJson(input);
    // Positions in the text, not Object.values: JS objects list integer-like keys such as "1" first.
    const labels = [
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ];
    const positions = labels.map((label) => out.indexOf(`"${label}"`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    // The emoji (first code unit 0xD83D) sorts before U+FB33 although its code point is larger: code-point or
    // UTF-8 order would put it last.
    expect(out).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  // RFC 8785 §3.2.2 input, §3.2.3 canonical output and §3.2.4 UTF-8 bytes (same source file), with the "numbers"
  // member removed because log entries refuse non-integer numbers; the remaining bytes are the RFC's own.
  const rfcInput = String.raw`{
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  }`;

  it('escapes strings as RFC 8785 §3.2.2.2 requires', () => {
    expect(canonicalJson(parse(rfcInput))).toBe(String.raw`{"literals":[null,true,false],"string":"€$\u000f\nA'B\"\\\\\"/"}`);
  });

  it('encodes to the UTF-8 bytes of RFC 8785 §3.2.4', () => {
    const literals = '7b 22 6c 69 74 65 72 61 6c 73 22 3a 5b 6e 75 6c 6c 2c 74 72 75 65 2c 66 61 6c 73 65 5d 2c';
    const string =
      '22 73 74 72 69 6e 67 22 3a 22 e2 82 ac 24 5c 75 30 30 30 66 5c 6e 41 27 42 5c 22 5c 5c 5c 5c 5c 22 2f 22 7d';
    expect(hex(canonicalJsonBytes(parse(rfcInput)))).toBe(`${literals} ${string}`.replaceAll(' ', ''));
  });

  it('refuses the RFC sample as a whole, because of its fractional numbers', () => {
    const withNumbers = parse('{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001]}');
    expect(() => canonicalJson(withNumbers)).toThrow(TypeError);
  });
});

describe('canonicalJson: cyberphone/json-canonicalization testdata', () => {
  // Pairs from github.com/cyberphone/json-canonicalization testdata/input/*.json and testdata/output/*.json
  // (outhex/simpleString.txt for the byte check).
  it('structures.json: nested sorting, no whitespace, 56.0 written as 56', () => {
    const input = '{\n  "1": {"f": {"f": "hi","F": 5} ,"\\n": 56.0},\n  "10": { },\n  "": "empty",\n  "a": { },\n  "111": [ { } ],\n  "A": { }\n}';
    expect(canonicalJson(parse(input))).toBe('{"":"empty","1":{"\\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{}],"A":{},"a":{}}');
  });

  it('weird.json: U+0080 and U+007F are written as is, "</script>" is not escaped', () => {
    const input = String.raw`{
      "\u20ac": "Euro Sign",
      "1": "One",
      "\u0080": "Control\u007f",
      "\ud83d\ude02": "Smiley",
      "\u00f6": "Latin Small Letter O With Diaeresis",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "</script>": "Browser Challenge"
    }`;
    expect(canonicalJson(parse(input))).toBe(
      '{"1":"One","</script>":"Browser Challenge","\u0080":"Control\u007f","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude02":"Smiley","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('french.json: ordering ignores locale', () => {
    const input = '{"peach": "This sorting order", "péché": "is wrong according to French", "pêche": "but canonicalization MUST", "sin": "ingnore locale"}';
    expect(canonicalJson(parse(input))).toBe(
      '{"peach":"This sorting order","péché":"is wrong according to French","pêche":"but canonicalization MUST","sin":"ingnore locale"}',
    );
  });

  it('unicode.json: strings are not normalized', () => {
    expect(canonicalJson(parse(String.raw`{"Unnormalized Unicode":"\u1e0d\u0307"}`))).toBe('{"Unnormalized Unicode":"\u1e0d\u0307"}');
  });

  it('simpleString.json: bytes match outhex/simpleString.txt', () => {
    const want = '22 74 68 69 73 20 69 73 20 61 20 74 65 73 74 20 73 74 72 69 6E 67 20 31 32 33 35 22';
    expect(hex(canonicalJsonBytes(parse('    "this is a test string 1235"')))).toBe(want.replaceAll(' ', '').toLowerCase());
  });
});

describe('canonicalJson: log entry profile', () => {
  it('accepts safe integers up to ±(2^53 − 1) and writes -0 as 0', () => {
    expect(canonicalJson([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, -0, 0])).toBe('[9007199254740991,-9007199254740991,0,0]');
  });

  it('omits undefined object members, as an absent optional field', () => {
    expect(canonicalJson({ b: 1, a: undefined })).toBe('{"b":1}');
  });

  it('accepts null-prototype objects and the same object reached twice without a cycle', () => {
    const shared = { x: 1 };
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { z: shared, y: shared });
    expect(canonicalJson(bare)).toBe('{"y":{"x":1},"z":{"x":1}}');
  });

  it.each<[string, unknown]>([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['a fraction', { amount: 1.5 }],
    ['2^53', [2 ** 53]],
    ['1e21', 1e21],
    ['a bigint', { n: 1n }],
    ['undefined', undefined],
    ['undefined in an array', [1, undefined]],
    ['an array hole', [1, , 3]], // eslint-disable-line no-sparse-arrays
    ['a function', { f: () => 1 }],
    ['a symbol', [Symbol('s')]],
    ['a symbol key', { [Symbol('k')]: 1 }],
    ['a Date', { at: new Date(0) }],
    ['a Map', new Map([['a', 1]])],
    ['a Uint8Array', new Uint8Array([1])],
    ['a class instance', new (class Entry {})()],
    ['a boxed number', [Object(1) as unknown]],
    ['a lone high surrogate in a value', { s: 'a\ud83d' }],
    ['a lone low surrogate in a key', { '\ude00': 1 }],
  ])('refuses %s with a TypeError', (_label, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
    expect(() => canonicalJsonBytes(value)).toThrow(TypeError);
  });

  it('refuses cycles with a TypeError', () => {
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = [loop];
    expect(() => canonicalJson(loop)).toThrow(/circular/);
  });

  it('encodes non-ASCII text as UTF-8', () => {
    expect(hex(canonicalJsonBytes({ 名: '€' }))).toBe('7b22e5908d223a22e282ac227d');
  });
});
