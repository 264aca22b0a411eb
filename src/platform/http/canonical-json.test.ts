import { describe, it, expect } from 'vitest';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it('keeps a "__proto__" key as data, so such a body does not hash like one without it', () => {
    expect(canonicalJson(JSON.parse('{"__proto__":{"a":1},"b":2}'))).toBe('{"__proto__":{"a":1},"b":2}');
    expect(canonicalJson(JSON.parse('{"__proto__":{"a":1},"b":2}'))).not.toBe(canonicalJson({ b: 2 }));
  });

  it('honours toJSON like JSON.stringify (dates become ISO strings)', () => {
    expect(canonicalJson({ d: new Date(0) })).toBe('{"d":"1970-01-01T00:00:00.000Z"}');
  });

  it('does not depend on key order', () => {
    const a = canonicalJson({ b: 1, a: 2, c: 3 });
    const b = canonicalJson({ c: 3, a: 2, b: 1 });
    expect(a).toBe('{"a":2,"b":1,"c":3}');
    expect(b).toBe(a);
  });

  it('sorts keys at every depth, including objects inside arrays', () => {
    const value = { z: { y: 1, x: [{ b: 1, a: 2 }, 3] }, a: null };
    expect(canonicalJson(value)).toBe('{"a":null,"z":{"x":[{"a":2,"b":1},3],"y":1}}');
    expect(canonicalJson({ a: null, z: { x: [{ a: 2, b: 1 }, 3], y: 1 } })).toBe(canonicalJson(value));
  });

  it('keeps array order, which is meaningful', () => {
    expect(canonicalJson([3, 1, 2])).toBe('[3,1,2]');
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
  });

  it('tells different values apart', () => {
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
    expect(canonicalJson({ a: { b: 1 } })).not.toBe(canonicalJson({ a: { b: 2 } }));
  });

  it('writes bigints as decimal strings, at any depth', () => {
    expect(canonicalJson(15_000n)).toBe('"15000"');
    expect(canonicalJson({ amount: 15_000n, id: 7398123456789012345n })).toBe('{"amount":"15000","id":"7398123456789012345"}');
    expect(canonicalJson({ lines: [{ fen: -5n }] })).toBe('{"lines":[{"fen":"-5"}]}');
  });

  it('serialises primitives like JSON.stringify', () => {
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson('券益')).toBe('"券益"');
    expect(canonicalJson(1.5)).toBe('1.5');
    expect(canonicalJson(true)).toBe('true');
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson([])).toBe('[]');
  });

  it('drops undefined properties as JSON does', () => {
    expect(canonicalJson({ b: undefined, a: 1 })).toBe('{"a":1}');
  });

  it('matches JSON.stringify of the same data when keys are already sorted', () => {
    const parsed: unknown = JSON.parse('{"a":[1,{"b":"x","c":[true,null]}],"d":{"e":-0.5}}');
    expect(canonicalJson(parsed)).toBe(JSON.stringify(parsed));
  });
});
