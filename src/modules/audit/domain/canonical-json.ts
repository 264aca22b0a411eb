import canonicalize from 'canonicalize';

/**
 * RFC 8785 (JCS) canonical JSON for log entries: the bytes that get hashed into the transparency log must be the
 * same whichever implementation writes them, now and in ten years.
 *
 * JCS itself serializes any IEEE 754 double, but reproducing ECMAScript's shortest round-trip number formatting
 * exactly is where independent JCS implementations disagree, and values like 0.1 + 0.2 or 2^60 silently change
 * when they cross a language boundary. Log entries therefore hold only strings, booleans, null, arrays, plain
 * objects and safe integers (|n| ≤ 2^53 − 1); amounts are integer fen, timestamps are strings. Everything else
 * is refused with a TypeError instead of being coerced the way JSON.stringify would (NaN → null, a Date → its
 * toJSON string, a Map → {}, undefined in an array → null).
 */
export function canonicalJson(value: unknown): string {
  assertLogJson(value, '$', new Set());
  const text = canonicalize(value);
  // Unreachable after the check above; kept so a future change of the library cannot yield a silent undefined.
  if (text === undefined) throw new TypeError('$: value has no JSON representation');
  return text;
}

/** The UTF-8 bytes of {@link canonicalJson}, which is what gets hashed (RFC 8785 §3.2.4). */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}

// In a `u` regex a paired surrogate is one astral code point, so only lone halves match: RFC 8785 §3.2.2.2
// requires an error for them, and TextEncoder would otherwise replace them with U+FFFD.
const LONE_SURROGATE = /\p{Cs}/u;

function assertLogJson(value: unknown, path: string, ancestors: Set<object>): void {
  switch (typeof value) {
    case 'string':
      assertWellFormed(value, path);
      return;
    case 'boolean':
      return;
    case 'number':
      if (!Number.isSafeInteger(value)) throw new TypeError(`${path}: only safe integers are allowed, got ${String(value)}`);
      return;
    case 'object':
      if (value === null) return;
      assertContainer(value, path, ancestors);
      return;
    default:
      // undefined, bigint, symbol, function: JSON has no exact representation for them.
      throw new TypeError(`${path}: ${typeof value} is not allowed in canonical JSON`);
  }
}

function assertContainer(value: object, path: string, ancestors: Set<object>): void {
  if (ancestors.has(value)) throw new TypeError(`${path}: circular reference`);
  ancestors.add(value);
  if (Array.isArray(value)) {
    // Indexed reads rather than forEach, which skips holes that JSON would write as null.
    for (let i = 0; i < value.length; i++) assertLogJson(value[i] as unknown, `${path}[${i}]`, ancestors);
  } else {
    const proto: unknown = Object.getPrototypeOf(value);
    // Class instances (Date, Map, Buffer, …) serialize through toJSON or lose their contents: refuse them.
    if (proto !== Object.prototype && proto !== null) throw new TypeError(`${path}: only plain objects are allowed`);
    if (Object.getOwnPropertySymbols(value).length > 0) throw new TypeError(`${path}: symbol keys are not allowed`);
    for (const [key, member] of Object.entries(value)) {
      assertWellFormed(key, `${path} key`);
      // An absent optional field is written as `{ field: undefined }` all over TypeScript code; omitting it is
      // what JSON does and what the entry means, so it is the one place undefined is accepted.
      if (member !== undefined) assertLogJson(member, `${path}.${key}`, ancestors);
    }
  }
  ancestors.delete(value);
}

function assertWellFormed(text: string, path: string): void {
  if (LONE_SURROGATE.test(text)) throw new TypeError(`${path}: string contains a lone surrogate`);
}
