import { compileCondition } from '../../src/modules/activities/domain/conditions/compile.js';
import type { ConditionContext, NamedLists } from '../../src/modules/activities/domain/conditions/context.js';
import { ConditionEvaluationError, evaluate } from '../../src/modules/activities/domain/conditions/evaluate.js';
import { MAX_CONDITION_LENGTH } from '../../src/modules/activities/domain/conditions/limits.js';

/**
 * The activity-condition fuzz inputs (issue #8): random token strings, random characters, grammatical conditions in
 * both dialects (some mutated), mutations of valid conditions, and inputs at the length and nesting bounds; and the
 * contract each must meet (`attempt`). Shared by the fuzz test (correctness, src/modules/activities/domain/conditions/
 * fuzz.test.ts) and `npm run bench:conditions` (time per input), so both see the same 100,000 inputs of one seed.
 */
export const FUZZ_SEED = 0x8_ac71;
export const FUZZ_INPUTS = 100_000;

export const LIST_NAMES = ['blacklist', 'vip_merchants', 'cities'];
export const LISTS: NamedLists = { blacklist: ['dev-bad', ''], vip_merchants: ['m-1', '上海市'], cities: ['上海市', '北京', '广东省'] };
export const CONTEXT: ConditionContext = {
  user_id: 'u-1',
  is_new_user: true,
  registered_days: 3,
  real_name_verified: false,
  device_id: 'dev-1',
  ip: '203.0.113.7',
  ip_city: '上海市',
  ip_province: '广东省',
  channel: 'wechat',
  amount: 100,
  invoice_amount: 58.5,
  now: new Date('2025-06-02T01:30:00Z'),
};

const VALID = [
  'device_id NOT IN (blacklist)',
  "ip_city = '上海'",
  "ip_city = '上海' AND device_id NOT IN (blacklist)",
  "is_new_user AND (channel IN ('wechat', 'alipay') OR amount >= 99.5) AND NOT real_name_verified",
  "registered_days <= 7 or invoice_amount > 100 and ip_province <> '广东省'",
  "now >= '2025-01-01T00:00:00+08:00' AND hour >= 9 AND weekday IN (1, 2, 3, 4, 5)",
  "channel = 'it''s' OR channel = \"say \\\"hi\\\"\" OR channel != '抖音'",
  'ip_city == "上海" && !(device_id in blacklist)',
  "registered_days >= 7 || is_new_user && channel in ['wechat', 'alipay']",
  'size(device_id) > 3 && device_id.startsWith("dev") && !(ip_city in cities)',
  "now < timestamp('2030-01-01T00:00:00Z') && amount > -1.5e2 && registered_days != 0x10",
  String.raw`user_id == '\u4e0a\x41\101' || ip == r'\d' || device_id in vip_merchants`,
];

const TOKENS = [
  ...['AND', 'and', 'Or', 'OR', 'NOT', 'not', 'IN', 'in', 'TRUE', 'false', 'true', 'null', 'ANDROID', 'inx'],
  ...['(', ')', '[', ']', '{', '}', ',', '.', '?', ':', '=', '==', '!=', '<>', '<', '<=', '>', '>=', '&&', '||', '!', '-'],
  ...['+', '*', '/', '%', "'", '"', '\\', '`', '\n', '\t', ' ', '  ', '😀', '上海', '市'],
  ...["'上海'", '"上海市"', "'it''s'", '"a\\"b"', "'\\q'", '"\\u4e0a"', '"\\uD800"', "r'\\d'", "''", '""', "'(('", '"\\U0010FFFF"'],
  ...['0', '7', '007', '-1.5', '1e3', '.5', '0x1F', '1u', '99999999999999999999', '9223372036854775808', '1e999'],
  ...['ip_city', 'ip_province', 'device_id', 'amount', 'registered_days', 'is_new_user', 'hour', 'weekday', 'now'],
  ...['channel', 'user_id', 'ip', 'invoice_amount', 'real_name_verified', 'blacklist', 'cities', 'vip_merchants'],
  ...['unknown_name', 'constructor', '__proto__', 'toString', 'size', 'startsWith', 'matches', 'timestamp', 'has', 'all'],
  ...["timestamp('2025-01-01T00:00:00Z')", "'2025-01-01T00:00:00+08:00'", 'size(', '.startsWith(', '.all(x, ', 'x'],
];
const CHARACTERS = [..."abcdefgINORTUnotru_xyz0123456789 ()[]{},.?:=!<>&|+-*/%'\"\\`\n\t上海市省区😀", '\u0000', '\ud800', '\u00a0'];

export type Random = () => number;

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function randomTokens(random: Random): string {
  const count = 1 + Math.floor(random() * 24);
  const parts: string[] = [];
  for (let i = 0; i < count; i++) parts.push(pick(random, TOKENS), random() < 0.6 ? ' ' : '');
  return parts.join('');
}

function randomCharacters(random: Random): string {
  const length = Math.floor(random() * 60);
  let text = '';
  for (let i = 0; i < length; i++) text += pick(random, CHARACTERS);
  return text;
}

function mutate(random: Random, text: string): string {
  const edits = 1 + Math.floor(random() * 4);
  let result = text;
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(random() * (result.length + 1));
    const until = Math.min(result.length, at + 1 + Math.floor(random() * 6));
    switch (Math.floor(random() * 6)) {
      case 0:
        result = result.slice(0, at) + pick(random, CHARACTERS) + result.slice(at);
        break;
      case 1:
        result = result.slice(0, at) + result.slice(at + 1);
        break;
      case 2:
        result = result.slice(0, at) + pick(random, CHARACTERS) + result.slice(at + 1);
        break;
      case 3:
        result = `${result.slice(0, at)} ${pick(random, TOKENS)} ${result.slice(at)}`;
        break;
      case 4:
        result = result.slice(0, at) + result.slice(until);
        break;
      default:
        result = result.slice(0, at) + result.slice(at, until) + result.slice(at);
    }
  }
  return result;
}

/** Near or over the length bound, or deeply nested: the inputs most likely to be slow or to overflow a stack. */
function large(random: Random): string {
  if (random() < 0.3) {
    const depth = 20 + Math.floor(random() * 30);
    const [open, close] = random() < 0.5 ? ['(', ')'] : ['[', ']'];
    return mutate(random, `${open.repeat(depth)}is_new_user${close.repeat(depth)}`);
  }
  const sql = random() < 0.5;
  let text = pick(random, VALID.slice(sql ? 0 : 7, sql ? 7 : VALID.length));
  while (text.length < MAX_CONDITION_LENGTH - 60 + random() * 120) text += `${sql ? ' OR ' : ' || '}${pick(random, VALID.slice(sql ? 0 : 7, sql ? 7 : VALID.length))}`;
  return random() < 0.5 ? mutate(random, text) : text;
}

type Kind = 'string' | 'int' | 'double' | 'bool' | 'timestamp';
const VARIABLES: readonly (readonly [string, Kind])[] = [
  ['ip_city', 'string'], ['ip_province', 'string'], ['device_id', 'string'], ['channel', 'string'], ['user_id', 'string'],
  ['ip', 'string'], ['amount', 'double'], ['invoice_amount', 'double'], ['registered_days', 'int'], ['hour', 'int'],
  ['weekday', 'int'], ['is_new_user', 'bool'], ['real_name_verified', 'bool'], ['now', 'timestamp'],
];
const TEXTS = ['上海', '上海市', '广东省', '广西壮族自治区', "it's", 'say "hi"', 'back\\slash', '', 'dev-1', 'dev-bad', 'wechat', 'tab\t'];
const KINDS: readonly Kind[] = ['string', 'int', 'double', 'bool', 'timestamp'];

function literal(random: Random, kind: Kind, sql: boolean): string {
  switch (kind) {
    case 'string': {
      const text = pick(random, TEXTS);
      if (!sql) return random() < 0.5 ? JSON.stringify(text) : `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
      return random() < 0.5 ? `'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'` : JSON.stringify(text);
    }
    case 'int':
      return String(Math.floor(random() * 200) - 50);
    case 'double':
      return (random() * 400 - 100).toFixed(2);
    case 'bool':
      return sql ? pick(random, ['TRUE', 'false']) : pick(random, ['true', 'false']);
    case 'timestamp': {
      const text = `2025-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 10)}T0${Math.floor(random() * 10)}:00:00+08:00`;
      return sql ? `'${text}'` : `timestamp("${text}")`;
    }
  }
}

/** A random, grammatical condition in either dialect; one comparison in five mixes kinds, to reach the checker. */
function grammatical(random: Random, sql: boolean, depth = 0): string {
  const roll = random();
  if (depth < 4 && roll < 0.35) {
    const operator = sql ? pick(random, [' AND ', ' OR ', ' and ', ' or ']) : pick(random, [' && ', ' || ']);
    return `${grammatical(random, sql, depth + 1)}${operator}${grammatical(random, sql, depth + 1)}`;
  }
  if (depth < 4 && roll < 0.45) return `${sql ? 'NOT ' : '!'}(${grammatical(random, sql, depth + 1)})`;
  const [name, kind] = pick(random, VARIABLES);
  const other = random() < 0.2 ? pick(random, KINDS) : kind;
  if (roll < 0.6 && kind !== 'timestamp') {
    const list = random() < 0.4 ? pick(random, ['blacklist', 'cities', 'vip_merchants']) : undefined;
    const items = Array.from({ length: 1 + Math.floor(random() * 3) }, () => literal(random, other, sql)).join(', ');
    if (sql) return `${name}${random() < 0.5 ? ' NOT' : ''} IN (${list ?? items})`;
    return `${random() < 0.5 ? '!' : ''}(${name} in ${list ?? `[${items}]`})`;
  }
  if (kind === 'bool' && roll < 0.7) return name;
  const operators = sql ? ['=', '!=', '<>', '<', '<=', '>', '>='] : ['==', '!=', '<', '<=', '>', '>='];
  return `${name} ${pick(random, operators)} ${literal(random, other, sql)}`;
}

export function generate(random: Random): string {
  const kind = random();
  if (kind < 0.25) return randomTokens(random);
  if (kind < 0.35) return randomCharacters(random);
  if (kind < 0.6) {
    const condition = grammatical(random, random() < 0.5);
    return random() < 0.3 ? mutate(random, condition) : condition;
  }
  if (kind < 0.95) return mutate(random, pick(random, VALID));
  return large(random);
}

/** Compiles and evaluates one input; returns what broke the contract, if anything. */
export function attempt(source: string): { violation?: string; compiled: boolean } {
  let result: ReturnType<typeof compileCondition>;
  try {
    result = compileCondition(source, LIST_NAMES);
  } catch (error) {
    return { violation: `compile threw ${String(error)}`, compiled: false };
  }
  if (!result.ok) {
    const { message, column } = result.error;
    const columns = [...source].length + 1;
    if (typeof message !== 'string' || message.length < 10 || message.startsWith('internal error')) return { violation: `unclear error: ${message}`, compiled: false };
    if (!Number.isInteger(column) || column < 1 || column > Math.min(columns, MAX_CONDITION_LENGTH + 1)) {
      return { violation: `column ${column} outside 1..${columns}: ${message}`, compiled: false };
    }
    return { compiled: false };
  }
  try {
    const value = evaluate(result.condition, CONTEXT, LISTS);
    if (typeof value !== 'boolean') return { violation: `evaluated to ${String(value)}`, compiled: true };
  } catch (error) {
    const kind = error instanceof ConditionEvaluationError ? 'failed on a complete context' : 'threw';
    return { violation: `evaluation ${kind}: ${String(error)} (CEL: ${result.condition.cel})`, compiled: true };
  }
  return { compiled: true };
}

