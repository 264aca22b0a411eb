import type { CelInput } from '@bufbuild/cel';
import { normaliseRegion } from './region.js';
import { celTimestamp } from './timestamp.js';

/** The CEL types a condition can see. */
export type ScalarType = 'bool' | 'int' | 'double' | 'string' | 'timestamp';

/**
 * Every variable a condition may name, with its CEL type. A condition naming anything else (other than a named
 * list declared for the compile) is refused at compile time.
 */
export const CONTEXT_VARIABLES = {
  user_id: 'string',
  is_new_user: 'bool',
  registered_days: 'int',
  real_name_verified: 'bool',
  device_id: 'string',
  ip: 'string',
  ip_city: 'string',
  ip_province: 'string',
  channel: 'string',
  amount: 'double',
  invoice_amount: 'double',
  hour: 'int',
  weekday: 'int',
  now: 'timestamp',
} as const satisfies Readonly<Record<string, ScalarType>>;

export type ContextVariable = keyof typeof CONTEXT_VARIABLES;

export function isContextVariable(name: string): name is ContextVariable {
  return Object.hasOwn(CONTEXT_VARIABLES, name);
}

/**
 * What a condition is evaluated against. Every field is optional: evaluating a condition that names a field
 * the context lacks fails (ConditionEvaluationError), one that does not name it never looks at it.
 */
export interface ConditionContext {
  readonly user_id?: string;
  readonly is_new_user?: boolean;
  /** Whole days since registration. */
  readonly registered_days?: number;
  readonly real_name_verified?: boolean;
  readonly device_id?: string;
  readonly ip?: string;
  /** From the offline IP database; compared with 市/省/自治区… suffixes removed (region.ts). */
  readonly ip_city?: string;
  readonly ip_province?: string;
  readonly channel?: string;
  /** Yuan, e.g. a spend. A double in CEL: `amount >= 100` and `amount >= 99.5` both work. */
  readonly amount?: number;
  readonly invoice_amount?: number;
  /** 0–23 in Asia/Shanghai. Derived from `now` when absent. */
  readonly hour?: number;
  /** 1–7, Monday = 1, in Asia/Shanghai. Derived from `now` when absent. */
  readonly weekday?: number;
  /**
   * The moment of the event: a Date or an RFC 3339 string with an offset (`2025-06-01T10:00:00+08:00`). A CEL
   * `timestamp`, compared with `timestamp('…')` literals in CEL, or with plain string literals in the SQL-like
   * syntax (`now >= '2025-06-01T00:00:00+08:00'`), which translate.ts wraps in timestamp().
   */
  readonly now?: Date | string;
}

/** Named lists by name, e.g. `{ blacklist: ['dev-1', 'dev-2'] }`; which names exist is declared per compile. */
export type NamedLists = Readonly<Record<string, readonly string[]>>;

/** Names a list can have: letters, digits and `_`, starting with a letter, not a variable or keyword. */
export function isValidListName(name: string): boolean {
  return (
    /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(name) &&
    !isContextVariable(name) &&
    !RESERVED_WORDS.has(name.toLowerCase())
  );
}

// SQL keywords (any case) and CEL's reserved words.
const RESERVED_WORDS = new Set([
  'and', 'or', 'not', 'in', 'true', 'false', 'null', 'as', 'break', 'const', 'continue', 'else', 'for', 'function',
  'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while', 'timestamp', 'size',
]);

/** A context value that is missing or of the wrong type. */
export class ContextValueError extends Error {
  override readonly name = 'ContextValueError';
}

const SHANGHAI_OFFSET_MS = 8 * 3_600_000; // UTC+8 all year: China has no daylight saving time since 1991.

/** Hour (0–23) and weekday (1–7, Monday = 1) of an instant in Asia/Shanghai. */
export function shanghaiClock(instant: Date): { hour: number; weekday: number } {
  const local = new Date(instant.getTime() + SHANGHAI_OFFSET_MS);
  return { hour: local.getUTCHours(), weekday: ((local.getUTCDay() + 6) % 7) + 1 };
}

/**
 * The CEL bindings for the variables a condition names, validated and converted: ints become bigint (CEL int),
 * doubles stay numbers, `now` becomes a CEL timestamp, ip_city and ip_province are normalised. Throws
 * ContextValueError naming the variable when a value is missing or of the wrong type.
 */
export function bindContext(names: readonly ContextVariable[], context: ConditionContext, bindings: Record<string, CelInput>): void {
  for (const name of names) {
    bindings[name] = bindOne(name, context);
  }
}

function bindOne(name: ContextVariable, context: ConditionContext): CelInput {
  const value = valueOf(name, context);
  if (value === undefined || value === null) {
    throw new ContextValueError(`the condition uses '${name}', which the context does not provide`);
  }
  switch (CONTEXT_VARIABLES[name]) {
    case 'string':
      if (typeof value !== 'string') throw wrongType(name, 'a string', value);
      return name === 'ip_city' || name === 'ip_province' ? normaliseRegion(value) : value;
    case 'bool':
      if (typeof value !== 'boolean') throw wrongType(name, 'a boolean', value);
      return value;
    case 'int':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw wrongType(name, 'an integer', value);
      if (!inRange(name, value)) throw new ContextValueError(`context value '${name}' is out of range: ${value}`);
      return BigInt(value);
    case 'double':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw wrongType(name, 'a finite number', value);
      return value;
    case 'timestamp':
      return timestampOf(name, value);
  }
}

function valueOf(name: ContextVariable, context: ConditionContext): unknown {
  const own: unknown = Object.hasOwn(context, name) ? context[name] : undefined;
  if (own !== undefined || (name !== 'hour' && name !== 'weekday')) return own;
  const now = Object.hasOwn(context, 'now') ? instantOf(context.now) : undefined;
  return now === undefined ? undefined : shanghaiClock(now)[name];
}

function inRange(name: ContextVariable, value: number): boolean {
  if (name === 'hour') return value >= 0 && value <= 23;
  if (name === 'weekday') return value >= 1 && value <= 7;
  return true;
}

function instantOf(value: unknown): Date | undefined {
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
  return date === undefined || Number.isNaN(date.getTime()) ? undefined : date;
}

function timestampOf(name: ContextVariable, value: unknown): CelInput {
  const text = value instanceof Date ? (Number.isNaN(value.getTime()) ? undefined : value.toISOString()) : value;
  if (typeof text !== 'string') throw wrongType(name, 'a Date or an RFC 3339 string', value);
  const timestamp = celTimestamp(text);
  if (timestamp === undefined) throw new ContextValueError(`context value '${name}' is not a valid RFC 3339 timestamp: ${describe(value)}`);
  return timestamp as CelInput;
}

function wrongType(name: ContextVariable, expected: string, value: unknown): ContextValueError {
  return new ContextValueError(`context value '${name}' must be ${expected}, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value instanceof Date) return 'an invalid Date';
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return `${typeof value} ${String(value)}`;
}
