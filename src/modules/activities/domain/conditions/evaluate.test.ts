import { describe, expect, it } from 'vitest';
import { compileCondition } from './compile.js';
import type { ConditionContext, NamedLists } from './context.js';
import { ConditionEvaluationError, evaluate } from './evaluate.js';

const LIST_NAMES = ['blacklist', 'cities', 'places'];
const LISTS: NamedLists = { blacklist: ['dev-bad-1', 'dev-bad-2'], cities: ['上海市', '北京'], places: ['广东省', 'dev-1'] };
const SHANGHAI_USER: ConditionContext = {
  user_id: 'u-1',
  is_new_user: true,
  registered_days: 3,
  real_name_verified: false,
  device_id: 'dev-1',
  ip: '203.0.113.7',
  ip_city: '上海市',
  ip_province: '上海',
  channel: 'wechat',
  amount: 100,
  invoice_amount: 58.5,
  now: '2025-06-02T09:30:00+08:00', // a Monday
};

function run(source: string, context: ConditionContext = SHANGHAI_USER, lists: NamedLists = LISTS): boolean {
  const result = compileCondition(source, LIST_NAMES);
  if (!result.ok) throw new Error(`${source}: column ${result.error.column}: ${result.error.message}`);
  return evaluate(result.condition, context, lists);
}

function evaluationError(source: string, context: ConditionContext, lists: NamedLists = LISTS): ConditionEvaluationError {
  try {
    run(source, context, lists);
  } catch (error) {
    if (error instanceof ConditionEvaluationError) return error;
    throw error;
  }
  throw new Error(`${source} evaluated`);
}

describe('evaluate: the rules of the specification', () => {
  const specRules = ['device_id NOT IN (blacklist)', "ip_city = '上海'"];

  it('passes a Shanghai user on a clean device', () => {
    expect(specRules.map((rule) => run(rule))).toEqual([true, true]);
  });

  it('fails a Beijing user, and a blacklisted device', () => {
    expect(specRules.map((rule) => run(rule, { ...SHANGHAI_USER, ip_city: '北京市' }))).toEqual([true, false]);
    expect(specRules.map((rule) => run(rule, { ...SHANGHAI_USER, device_id: 'dev-bad-2' }))).toEqual([false, true]);
  });

  it('gives the same answers for the CEL spelling', () => {
    const cel = 'ip_city == "上海" && !(device_id in blacklist)';
    expect(run(cel)).toBe(true);
    expect(run(cel, { ...SHANGHAI_USER, ip_city: '北京' })).toBe(false);
    expect(run(cel, { ...SHANGHAI_USER, device_id: 'dev-bad-1' })).toBe(false);
  });
});

describe('evaluate: operators', () => {
  it.each([
    ['amount = 100', true],
    ['amount = 100.0', true],
    ['amount != 100', false],
    ['amount <> 99', true],
    ['amount < 100', false],
    ['amount <= 100', true],
    ['amount > 99.99', true],
    ['amount >= 100.01', false],
    ['registered_days > 2.5', true],
    ['registered_days = 3.0', true],
    ['amount IN (50, 100)', true],
    ['registered_days IN (1, 2, 3)', true],
    ["channel = 'wechat'", true],
    ["channel < 'x'", true],
    ["channel IN ('alipay', 'wechat')", true],
    ["channel NOT IN ('alipay', 'wechat')", false],
    ['device_id IN (blacklist)', false],
    ['is_new_user', true],
    ['is_new_user = FALSE', false],
    ['NOT real_name_verified', true],
    ['NOT amount > 100', true],
    // Precedence: AND binds tighter than OR, NOT tighter than AND.
    ['TRUE OR FALSE AND FALSE', true],
    ['FALSE AND FALSE OR TRUE', true],
    ['(TRUE OR FALSE) AND FALSE', false],
    ['NOT FALSE AND FALSE', false],
    ['NOT (FALSE AND FALSE)', true],
    ['is_new_user AND registered_days < 7 AND NOT real_name_verified', true],
    ["invoice_amount >= 50 AND channel = 'wechat' OR amount > 1000", true],
    ["now >= '2025-06-01T00:00:00+08:00' AND now < '2025-07-01T00:00:00+08:00'", true],
    ["now < '2025-06-02T09:30:00+08:00'", false],
    ['hour = 9 AND weekday = 1', true],
    // CEL
    ['registered_days >= 7 || is_new_user', true],
    ['size(device_id) == 5 && device_id.startsWith("dev") && device_id.endsWith("-1") && device_id.contains("v-")', true],
    ["now < timestamp('2025-06-02T01:30:00.001Z')", true],
    ['amount in [100.0, 200] && registered_days in [3.0]', true],
    ['!(channel in [])', true],
  ])('%s → %s', (source, expected) => {
    expect(run(source)).toBe(expected);
  });

  it('compares strings exactly, with quotes and Chinese', () => {
    expect(run("channel = 'it''s'", { channel: "it's" })).toBe(true);
    expect(run(String.raw`channel = "say \"hi\"\n"`, { channel: 'say "hi"\n' })).toBe(true);
    expect(run(String.raw`channel = 'back\\slash'`, { channel: 'back\\slash' })).toBe(true);
    expect(run("channel = '抖音'", { channel: '抖音' })).toBe(true);
    expect(run("channel = '抖音'", { channel: '抖音 ' })).toBe(false);
  });
});

describe('evaluate: city and province suffixes', () => {
  it.each([
    ["ip_city = '上海'", { ip_city: '上海市' }, true],
    ["ip_city = '上海市'", { ip_city: '上海' }, true],
    ["ip_city = '上海市'", { ip_city: '上海市' }, true],
    ["ip_city != '上海市'", { ip_city: '上海' }, false],
    ["'上海市' = ip_city", { ip_city: '上海' }, true],
    ["ip_province = '广东'", { ip_province: '广东省' }, true],
    ["ip_province = '广西'", { ip_province: '广西壮族自治区' }, true],
    ["ip_province = '广西壮族自治区'", { ip_province: '广西' }, true],
    ["ip_province = '新疆'", { ip_province: '新疆维吾尔自治区' }, true],
    ["ip_province = '宁夏'", { ip_province: '宁夏回族自治区' }, true],
    ["ip_province = '内蒙古'", { ip_province: '内蒙古自治区' }, true],
    ["ip_province = '西藏自治区'", { ip_province: '西藏' }, true],
    ["ip_city = '香港'", { ip_city: '香港特别行政区' }, true],
    ["ip_city = '北京'", { ip_city: '上海市' }, false],
    ["ip_city IN ('上海市', '北京')", { ip_city: '北京市' }, true],
    ["ip_city NOT IN ('上海市', '北京')", { ip_city: '上海' }, false],
    ['ip_city IN (cities)', { ip_city: '北京市' }, true],
    ['ip_city IN (cities)', { ip_city: '上海' }, true],
    ['ip_city IN (cities)', { ip_city: '广州' }, false],
    ['ip_city == "上海市" && ip_province in ["上海市"]', { ip_city: '上海', ip_province: '上海' }, true],
    // Only ip_city and ip_province are normalised.
    ["channel = '上海'", { channel: '上海市' }, false],
  ] as const)('%s with %o → %s', (source, context, expected) => {
    expect(run(source, context)).toBe(expected);
  });

  it('normalises a list only where it is tested against a region', () => {
    const source = 'ip_province IN (places) AND device_id IN (places)';
    expect(run(source, { ip_province: '广东', device_id: 'dev-1' })).toBe(true);
    expect(run('device_id IN (places)', { device_id: '广东' })).toBe(false);
  });
});

describe('evaluate: the context', () => {
  it('derives hour and weekday in Asia/Shanghai from now when they are absent', () => {
    const sundayEvening = { now: new Date('2025-06-01T15:00:00Z') }; // 23:00 Sunday in Shanghai
    expect(run('hour = 23 AND weekday = 7', sundayEvening)).toBe(true);
    const mondayMorning = { now: '2025-06-01T16:30:00Z' }; // 00:30 Monday in Shanghai
    expect(run('hour = 0 AND weekday = 1', mondayMorning)).toBe(true);
    expect(run('hour = 12', { ...mondayMorning, hour: 12 })).toBe(true);
  });

  it('refuses missing and mistyped values with an error naming them', () => {
    expect(evaluationError('invoice_amount > 1', { amount: 1 }).message).toBe("the condition uses 'invoice_amount', which the context does not provide");
    expect(evaluationError('hour = 1', {}).message).toBe("the condition uses 'hour', which the context does not provide");
    expect(evaluationError('registered_days > 1', { registered_days: 1.5 }).message).toBe("context value 'registered_days' must be an integer, got number 1.5");
    expect(evaluationError('amount > 1', { amount: Number.NaN }).message).toBe("context value 'amount' must be a finite number, got number NaN");
    expect(evaluationError('is_new_user', { is_new_user: 'yes' } as unknown as ConditionContext).message).toBe(
      'context value \'is_new_user\' must be a boolean, got "yes"',
    );
    expect(evaluationError('hour = 1', { hour: 24 }).message).toBe("context value 'hour' is out of range: 24");
    expect(evaluationError("now > '2025-01-01T00:00:00Z'", { now: '2025-01-01' }).message).toBe(
      'context value \'now\' is not a valid RFC 3339 timestamp: "2025-01-01"',
    );
    expect(evaluationError("now > '2025-01-01T00:00:00Z'", { now: new Date(Number.NaN) }).message).toBe(
      "context value 'now' must be a Date or an RFC 3339 string, got an invalid Date",
    );
    expect(evaluationError('device_id IN (blacklist)', SHANGHAI_USER, {}).message).toBe("the condition uses the list 'blacklist', which was not provided");
    expect(evaluationError('device_id IN (blacklist)', SHANGHAI_USER, { blacklist: [1] } as unknown as NamedLists).message).toBe(
      "list 'blacklist' must be an array of strings",
    );
  });

  it('does not need what the condition does not name', () => {
    expect(run('is_new_user', { is_new_user: true, amount: Number.NaN })).toBe(true);
    expect(run("ip_city = '上海'", { ip_city: '上海' }, {})).toBe(true);
  });

  it('reads only own context properties', () => {
    const inherited = Object.create({ is_new_user: true }) as ConditionContext;
    expect(evaluationError('is_new_user', inherited).message).toBe("the condition uses 'is_new_user', which the context does not provide");
  });

  it('turns anything unexpected into a ConditionEvaluationError', () => {
    const result = compileCondition('is_new_user', []);
    if (!result.ok) throw new Error('compile');
    expect(() => evaluate(result.condition, null as unknown as ConditionContext)).toThrow(ConditionEvaluationError);
    const error = evaluationError('is_new_user', { is_new_user: 1 } as unknown as ConditionContext);
    expect(error).toMatchObject({ name: 'ConditionEvaluationError', code: 'CONDITION_EVALUATION_FAILED', source: 'is_new_user' });
  });
});
