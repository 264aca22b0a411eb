import { describe, expect, it } from 'vitest';
import { compileCondition, compileRules } from './compile.js';
import type { CompiledCondition } from './compiled.js';
import { MAX_CONDITION_LENGTH, MAX_NESTING_DEPTH } from './limits.js';

const LISTS = ['blacklist', 'vip_merchants', 'cities'];

function compiled(source: string, lists: readonly string[] = LISTS): CompiledCondition {
  const result = compileCondition(source, lists);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(source)} to compile, got column ${result.error.column}: ${result.error.message}`);
  return result.condition;
}

function refusal(source: string, lists: readonly string[] = LISTS): { message: string; column: number } {
  const result = compileCondition(source, lists);
  if (result.ok) throw new Error(`expected ${JSON.stringify(source)} to be refused, it compiled to ${result.condition.cel}`);
  return result.error;
}

describe('compileCondition: the specification', () => {
  it('compiles both conditions of the specification as SQL-like, to the CEL the issue describes', () => {
    const blacklist = compiled('device_id NOT IN (blacklist)');
    expect(blacklist).toMatchObject({ dialect: 'sql', cel: '!(device_id in blacklist)', variables: ['device_id'], lists: ['blacklist'] });
    const city = compiled("ip_city = '上海'");
    expect(city).toMatchObject({ dialect: 'sql', cel: 'ip_city == "上海"', variables: ['ip_city'], lists: [] });
  });

  it('accepts plain CEL as written', () => {
    const condition = compiled('ip_city == "上海" && !(device_id in blacklist)');
    expect(condition).toMatchObject({ dialect: 'cel', cel: 'ip_city == "上海" && !(device_id in blacklist)', variables: ['device_id', 'ip_city'], lists: ['blacklist'] });
  });
});

describe('compileCondition: SQL-like translation', () => {
  it.each([
    ['amount = 100', 'amount == 100'],
    ['amount != 100', 'amount != 100'],
    ['amount <> 100', 'amount != 100'],
    ['amount < 100.5', 'amount < 100.5'],
    ['amount <= 100', 'amount <= 100'],
    ['amount > -1.5', 'amount > -1.5'],
    ['amount >= 007', 'amount >= 7'],
    ['amount>=-0.50', 'amount >= -0.50'],
    ["channel IN ('wechat', 'alipay')", 'channel in ["wechat", "alipay"]'],
    ["channel NOT IN ('wechat')", '!(channel in ["wechat"])'],
    ['device_id IN (blacklist)', 'device_id in blacklist'],
    ['registered_days IN (1, 2.5)', 'registered_days in [1, 2.5]'],
    ['is_new_user = TRUE', 'is_new_user == true'],
    ['is_new_user and not real_name_verified', 'is_new_user && !(real_name_verified)'],
    ['NOT NOT is_new_user', '!!(is_new_user)'],
    ['TRUE Or False aNd is_new_user', 'true || false && is_new_user'],
    ['(TRUE OR FALSE) AND is_new_user', '(true || false) && is_new_user'],
    ['NOT amount > 100', '!(amount > 100)'],
    ["now >= '2025-01-01T00:00:00+08:00'", 'now >= timestamp("2025-01-01T00:00:00+08:00")'],
    ["'2025-01-01T00:00:00Z' < now", 'timestamp("2025-01-01T00:00:00Z") < now'],
  ])('%s → %s', (source, cel) => {
    expect(compiled(source)).toMatchObject({ dialect: 'sql', cel });
  });

  it.each([
    ["channel = 'it''s'", String.raw`channel == "it's"`],
    [`channel = "it's"`, String.raw`channel == "it's"`],
    [`channel = "say ""hi"""`, String.raw`channel == "say \"hi\""`],
    [String.raw`channel = "say \"hi\""`, String.raw`channel == "say \"hi\""`],
    [String.raw`channel = 'it\'s'`, String.raw`channel == "it's"`],
    [String.raw`channel = 'back\\slash'`, String.raw`channel == "back\\slash"`],
    [String.raw`channel = 'a\tb\nc\r'`, String.raw`channel == "a\tb\nc\r"`],
    [`channel = 'a"b'`, String.raw`channel == "a\"b"`],
    ["channel = '上海市 😀'", 'channel == "上海市 😀"'],
    ["channel = ''", 'channel == ""'],
  ])('string %s → %s', (source, cel) => {
    expect(compiled(source).cel).toBe(cel);
  });

  it('refuses integers beyond 64 bits and decimals beyond a double, at the number', () => {
    expect(refusal('registered_days = 9223372036854775808')).toEqual({ column: 19, message: 'integer 9223372036854775808 is out of range (64-bit)' });
    expect(compiled('registered_days > -9223372036854775808').cel).toBe('registered_days > -9223372036854775808');
    expect(refusal(`amount < ${'9'.repeat(400)}.5`).column).toBe(10);
  });

  it('only a bare name inside IN ( ) names a list', () => {
    expect(refusal('device_id IN (vips)')).toEqual({ column: 15, message: "unknown list 'vips' (lists: blacklist, vip_merchants, cities)" });
    expect(refusal('device_id IN (vips)', [])).toEqual({ column: 15, message: "unknown list 'vips' (no lists are declared)" });
    expect(refusal('device_id IN (ip)').message).toBe('IN (in) needs a list or a named list on its right, but this is a string');
    expect(refusal("device_id IN (blacklist, 'x')")).toMatchObject({ column: 24, message: 'syntax error: expected ")", found \',\'' });
  });
});

describe('compileCondition: CEL', () => {
  it.each([
    'registered_days >= 7 || is_new_user',
    "channel in ['wechat', 'alipay'] && !(device_id in blacklist)",
    'size(device_id) > 3 && device_id.startsWith("dev") && !device_id.endsWith("x") && device_id.contains("v")',
    "now < timestamp('2030-01-01T00:00:00Z')",
    String.raw`ip_city == '\u4e0a\u6d77'`,
    String.raw`device_id == r'\d+'`,
    'amount >= 99.5 && registered_days > 2.5 && hour in [9, 10, 11] && weekday <= 5',
    '-amount < 0 && 0x10 == 16 && 1e3 == 1000.0',
    'size(blacklist) > 0 && !(channel in []) || true',
  ])('compiles %s', (source) => {
    expect(compiled(source).dialect).toBe('cel');
  });

  it.each([
    ['device_id.matches("(a+)+$")', 10, 'matches() is not supported: conditions cannot use regular expressions'],
    ['amount + 1 > 2', 8, 'arithmetic (+) is not supported in conditions'],
    ['is_new_user ? true : false', 13, 'the conditional operator ?: is not supported in conditions'],
    ['[1, 2].all(x, x > 0)', 7, 'macros (all, exists, exists_one, map, filter) are not supported in conditions'],
    ['has(device_id.x)', 1, 'has() is not supported in conditions'],
    ['device_id.length > 1', 10, "field selection ('.length') is not supported in conditions"],
    ['size({"a": 1}) == 1', 6, 'maps and messages are not supported in conditions'],
    ['[1][0] == 1', 4, 'indexing ([…]) is not supported in conditions'],
    ['registered_days == 1u', 20, 'unsigned integers are not supported in conditions: write 1, not 1u'],
    ['device_id == null', 14, 'null is not supported in conditions'],
    ['int(amount) > 1', 1, "unknown function 'int'"],
    ['registered_days == 99999999999999999999', 20, 'integer 99999999999999999999 is out of range (64-bit)'],
    ["now > timestamp('2025-01-01')", 17, "'2025-01-01' is not an RFC 3339 timestamp such as 2025-01-01T00:00:00+08:00"],
  ])('refuses %s at column %i', (source, column, message) => {
    expect(refusal(source)).toEqual({ column, message });
  });
});

describe('compileCondition: names and types', () => {
  it('refuses unknown identifiers, naming them, at their column', () => {
    expect(refusal('foo = 1')).toEqual({ column: 1, message: "unknown name 'foo': not a context variable, nor a declared list (lists: blacklist, vip_merchants, cities)" });
    expect(refusal("ip_city = '上海' AND city = 'x'")).toMatchObject({ column: 20, message: expect.stringContaining("unknown name 'city'") });
    expect(refusal('ip_city == "上海" && constructor')).toMatchObject({ column: 20, message: expect.stringContaining("unknown name 'constructor'") });
    expect(refusal('device_id in __proto__')).toMatchObject({ column: 14, message: "unknown list '__proto__' (lists: blacklist, vip_merchants, cities)" });
    expect(refusal("device_id = 'x' AND var IN (blacklist)")).toEqual({ column: 21, message: "'var' is a reserved word, not a context variable or list" });
    // Names are case-sensitive; keywords are not.
    expect(refusal('IP_CITY = 1').message).toContain("unknown name 'IP_CITY'");
  });

  it('counts columns in code points over the whole text', () => {
    expect(refusal("'😀😀' == device_id && foo").column).toBe(22);
    expect(refusal('is_new_user AND\n foo').column).toBe(18);
  });

  it.each([
    ["amount = 'x'", 8, 'cannot compare a number with a string using =='],
    ["registered_days < '7'", 17, 'cannot compare an integer with a string using <'],
    ['is_new_user > FALSE', 13, 'cannot compare a boolean with a boolean using >'],
    ["now = '2025'", 7, "'2025' is not an RFC 3339 timestamp such as 2025-01-01T00:00:00+08:00"],
    ['now == "2025-01-01T00:00:00Z"', 5, "cannot compare a timestamp with a string using == (write timestamps as timestamp('2025-01-01T00:00:00+08:00'))"],
    ["channel IN ('a', 1)", 18, 'list elements must all be of one kind: this is an integer, an earlier one is a string'],
    ['amount IN (blacklist)', 8, 'cannot look for a number in a list of strings'],
    ['blacklist = device_id', 1, 'a list can only be used after IN (in), not with =='],
    ["'abc'", 1, 'a condition must be true or false, but this one is a string'],
    ['amount', 1, 'a condition must be true or false, but this one is a number'],
    ['is_new_user AND channel', 17, 'AND (&&) needs true/false on each side, but this is a string'],
    ['!channel', 2, 'NOT (!) needs true/false on each side, but this is a string'],
  ])('refuses %s at column %i', (source, column, message) => {
    expect(refusal(source)).toEqual({ column, message });
  });
});

describe('compileCondition: syntax errors', () => {
  it.each([
    ['ip_city = ', 11, 'syntax error: expected a name, TRUE or FALSE, a string, or a number, found the end of the condition'],
    ['device_id NOT IN (', 19, 'syntax error: expected TRUE or FALSE, a string, a number, or a name, found the end of the condition'],
    ['device_id NOT IN (blacklist', 28, 'syntax error: expected ")", found the end of the condition'],
    ['device_id NOT (blacklist)', 15, 'syntax error: expected "IN" (case-insensitive), found \'(\''],
    ["ip_city = '上海' AND", 19, 'syntax error: expected a name, TRUE or FALSE, a string, a number, or "(", found the end of the condition'],
    ["ip_city = '上海' device_id", 16, 'syntax error: expected end of input or AND or OR, found \'device_id\''],
    ["ip_city = '上海", 11, 'unterminated string: the quote here is never closed on its line'],
    [String.raw`ip_city = 'a\q'`, 13, String.raw`invalid escape sequence in string: only \\ \' \" \n \t \r are allowed`],
    ['ip_city == "上海" && ', 20, 'syntax error: expected "{", "[", "(", a name, "null", "false", "true", a string, a number, "-", or "!", found the end of the condition'],
    ['ip_city == "上海" && (device_id in blacklist', 43, 'syntax error: expected ")", found the end of the condition'],
    [String.raw`device_id == '\uD800'`, 15, String.raw`invalid escape sequence in string: only the escapes of CEL (\\ \" \n \u4e0a …) are allowed`],
    ['amount => 1', 9, 'syntax error: expected a name, TRUE or FALSE, a string, or a number, found \'>\''],
  ])('%s: column %i', (source, column, message) => {
    expect(refusal(source)).toEqual({ column, message });
  });

  it('refuses empty, oversized, over-nested and control-character input', () => {
    expect(refusal('')).toEqual({ column: 1, message: 'condition is empty' });
    expect(refusal(' \n\t')).toEqual({ column: 1, message: 'condition is empty' });
    const long = `is_new_user OR ${'TRUE OR '.repeat(100)}TRUE`;
    expect(refusal(long)).toEqual({ column: MAX_CONDITION_LENGTH + 1, message: `condition is too long: ${long.length} characters, at most ${MAX_CONDITION_LENGTH} are allowed` });
    const deep = (levels: number) => `${'('.repeat(levels)}is_new_user${')'.repeat(levels)}`;
    expect(compiled(deep(MAX_NESTING_DEPTH)).dialect).toBe('sql');
    expect(refusal(deep(MAX_NESTING_DEPTH + 1))).toEqual({ column: MAX_NESTING_DEPTH + 1, message: `condition is nested too deeply: at most ${MAX_NESTING_DEPTH} levels of brackets are allowed` });
    expect(refusal(`${'['.repeat(40)}`).column).toBe(MAX_NESTING_DEPTH + 1);
    // Brackets in a CEL comment do not count either, and a quote there opens no string.
    expect(refusal(`is_new_user // '\n && ${deep(40)}`).message).toMatch(/^condition is nested too deeply/);
    // Brackets inside strings do not count.
    expect(compiled(`channel = '${'('.repeat(60)}'`).dialect).toBe('sql');
    expect(refusal('is_new_user\u0000')).toEqual({ column: 12, message: 'condition contains a control character (U+0000), which is not allowed' });
    expect(refusal("channel = '\ud800'")).toEqual({ column: 12, message: 'condition contains an unpaired surrogate (U+D800), which is not allowed' });
    expect(refusal(42 as unknown as string)).toEqual({ column: 1, message: 'condition must be a string' });
  });

  it('long NOT and ! runs are iterations, not recursion', () => {
    expect(compiled(`${'NOT '.repeat(120)}is_new_user`).dialect).toBe('sql');
    expect(compiled(`${'!'.repeat(480)}is_new_user`).dialect).toBe('cel');
  });
});

describe('compileRules', () => {
  const specRules = [{ condition: 'device_id NOT IN (blacklist)' }, { condition: "ip_city = '上海'" }];

  it('compiles every rule of the specification template', () => {
    const result = compileRules(specRules, ['blacklist']);
    expect(result.ok && result.conditions.map((condition) => condition.cel)).toEqual(['!(device_id in blacklist)', 'ip_city == "上海"']);
  });

  it('reports the first bad rule with its 0-based index and column', () => {
    expect(compileRules([...specRules, { condition: 'ip_city = ' }, { condition: 'foo' }], ['blacklist'])).toEqual({
      ok: false,
      error: { index: 2, column: 11, message: 'syntax error: expected a name, TRUE or FALSE, a string, or a number, found the end of the condition' },
    });
    expect(compileRules(specRules, [])).toEqual({ ok: false, error: { index: 0, column: 19, message: "unknown list 'blacklist' (no lists are declared)" } });
    expect(compileRules([{ condition: 7 } as unknown as { condition: string }], [])).toEqual({
      ok: false,
      error: { index: 0, column: 1, message: 'rule has no condition: expected a string' },
    });
  });

  it('refuses list names that could be confused with variables or keywords (a caller bug)', () => {
    for (const name of ['ip_city', 'AND', 'in', 'null', '1st', '_x', 'a-b', '']) {
      expect(() => compileCondition('TRUE', [name]), name).toThrow(RangeError);
    }
  });
});
