import fc from 'fast-check';
import type { FuzzOperation, JsonSchema } from './openapi-operations.js';

/** Strings that have broken parsers somewhere: empty, control and lone-surrogate characters, numeric lookalikes. */
const NASTY_STRINGS = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\udfff',
  '𠮷野家',
  '\u202e',
  'null',
  'undefined',
  'NaN',
  '1e1',
  '0x0A',
  '0b1010',
  ' 10 ',
  '-1',
  '-0',
  '9.999999999999999999',
  '9'.repeat(40),
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '%00',
  '{"$gt":""}',
  '__proto__',
];

const NASTY_NUMBERS = [-1, 0, -0, 0.001, 1.005, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), 1e308, -1e308, 5e-324];

/** Any hostile JSON value: odd strings, odd numbers, wrong types, deep or wide containers, huge strings. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...NASTY_STRINGS),
  fc.constantFrom(...NASTY_NUMBERS),
  fc.constantFrom(null, true, false, [], {}, [[[[[[]]]]]], { a: { b: { c: { d: {} } } } }),
  fc.string({ maxLength: 40, unit: 'binary' }),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.constant('x'.repeat(300_000)),
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 200 }),
);

/** A value that follows the schema as far as a simple reading of it goes (type, enum, bounds, properties). */
export function validValue(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return hostileValue;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return fc.constantFrom(...(schema.enum as unknown[]));
  if ('const' in schema) return fc.constant(schema.const);
  const alternatives = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (alternatives?.length) return fc.oneof(...alternatives.map((s) => validValue(s, depth + 1)));
  const types = [schema.type].flat().filter((t): t is string => typeof t === 'string');
  if (types.length === 0) return schema.properties ? objectOf(schema, depth) : hostileValue;
  return fc.oneof(...types.map((type) => valueOfType(type, schema, depth)));
}

function valueOfType(type: string, schema: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string':
      return stringOf(schema);
    case 'integer':
      return fc.integer({ min: (schema.minimum as number | undefined) ?? -10, max: Math.min((schema.maximum as number | undefined) ?? 1_000_000, 2 ** 31) });
    case 'number':
      return fc.integer({ min: 0, max: 100_000 }).map((fen) => fen / 100);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(validValue(schema.items as JsonSchema | undefined, depth + 1), { maxLength: Math.min((schema.maxItems as number | undefined) ?? 3, 3) });
    case 'object':
      return objectOf(schema, depth);
    default:
      return hostileValue;
  }
}

function stringOf(schema: JsonSchema): fc.Arbitrary<string> {
  if (typeof schema.pattern === 'string') {
    try {
      return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= 200);
    } catch {
      // a pattern JavaScript cannot compile is the schema's problem, found elsewhere
    }
  }
  if (schema.format === 'date') return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  if (schema.format === 'date-time') return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
  const minLength = (schema.minLength as number | undefined) ?? 0;
  return fc.string({ minLength, maxLength: Math.max(minLength, Math.min((schema.maxLength as number | undefined) ?? 24, 64)) });
}

function objectOf(schema: JsonSchema, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = ((schema.required ?? []) as string[]).filter((key) => key in properties);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, sub] of Object.entries(properties)) model[key] = validValue(sub, depth + 1);
  return fc.record(model, { requiredKeys: required }) as fc.Arbitrary<Record<string, unknown>>;
}

/** A schema-following value, then broken one way: a field dropped, a field made hostile, a field added. */
export function mutatedValue(schema: JsonSchema | undefined): fc.Arbitrary<unknown> {
  return fc
    .tuple(validValue(schema), fc.nat(), hostileValue, fc.constantFrom('drop', 'hostile', 'extra', '__proto__'))
    .map(([value, pick, bad, how]) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad;
      const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      const keys = Object.keys(copy);
      const key = keys.length > 0 ? keys[pick % keys.length]! : 'field';
      if (how === 'drop') delete copy[key];
      else if (how === 'hostile') copy[key] = bad;
      else if (how === 'extra') copy[`extra_${pick % 7}`] = bad;
      else return JSON.parse(`{"__proto__": {"polluted": true}, ${JSON.stringify(key)}: 1}`) as unknown;
      return copy;
    });
}

const PATH_VALUES = ['1', '0', '-1', 'abc', '9'.repeat(30), '%00', '..', '%2e%2e', 'ＡＢＣ', '🎉', ' ', 'null', '1e1', "'", 'instant-1', 'weekly-x'];

/** A path parameter: plausible ids and hostile ones, URL-encoded (fetch would refuse some raw). */
export const pathValue: fc.Arbitrary<string> = fc
  .oneof(fc.constantFrom(...PATH_VALUES), fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/), fc.string({ minLength: 1, maxLength: 20 }))
  .map((value) => encodeURIComponent(value));

/** JSON texts that are not JSON, or are JSON a careless reader chokes on. */
const BROKEN_JSON = ['{', '{"a":', '[1,]', '"unterminated', '{"a":1}{"b":2}', '\u0000', 'nul', '{"a":1e999999}', `${'['.repeat(2000)}${']'.repeat(2000)}`];

/** File bodies for upload routes: random bytes behind real and garbled magic numbers. */
const MAGIC = ['', '%PDF-1.7\n', '\x89PNG\r\n\x1a\n', '\xff\xd8\xff\xe0', 'PK\x03\x04', '<?xml version="1.0"?><EInvoice>', '<EInvoice><a>'];
const fileBody = fc.tuple(fc.constantFrom(...MAGIC), fc.uint8Array({ maxLength: 4096 })).map(([magic, bytes]) => Buffer.concat([Buffer.from(magic, 'latin1'), Buffer.from(bytes)]));

export interface FuzzRequest {
  readonly caller: 'anonymous' | 'consumer' | 'operator' | 'merchant';
  readonly path: string;
  readonly contentType: string | undefined;
  readonly body: Buffer | undefined;
}

export const CALLERS = ['anonymous', 'consumer', 'operator', 'merchant'] as const;

/** Every kind of request a careless or hostile client could send to one operation. */
export function requestsFor(operation: FuzzOperation): fc.Arbitrary<FuzzRequest> {
  const path = fc.tuple(...(operation.pathParams.length ? operation.pathParams.map(() => pathValue) : [fc.constant('')])).map((values) => {
    let i = 0;
    return operation.path.replace(/\{[^}]+\}/g, () => values[i++] ?? 'x');
  });
  const query = fc
    .array(
      fc.tuple(
        operation.queryParams.length ? fc.constantFrom(...operation.queryParams) : fc.constant({ name: 'q', required: false, schema: {} }),
        fc.oneof(validValue(undefined), fc.string({ maxLength: 30 })).map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '')),
        fc.boolean(),
      ),
      { maxLength: 4 },
    )
    .map((pairs) => {
      const search = new URLSearchParams();
      for (const [param, hostile, useSchema] of pairs) search.append(param.name, useSchema ? schemaQueryValue(param.schema, hostile) : hostile);
      const text = search.toString();
      return text ? `?${text}` : '';
    });
  const jsonSchema = operation.bodies['application/json'];
  const jsonBody = fc.oneof(validValue(jsonSchema), mutatedValue(jsonSchema), hostileValue).map((v) => Buffer.from(JSON.stringify(v) ?? 'null'));
  const withBody = operation.method !== 'GET' && operation.method !== 'DELETE';
  const fileTypes = Object.keys(operation.bodies).filter((type) => type !== 'application/json');
  const body: fc.Arbitrary<{ contentType: string | undefined; body: Buffer | undefined }> = withBody
    ? fc.oneof(
        { weight: 6, arbitrary: jsonBody.map((b) => ({ contentType: 'application/json', body: b })) },
        { weight: 1, arbitrary: fc.constantFrom(...BROKEN_JSON).map((t) => ({ contentType: 'application/json', body: Buffer.from(t) })) },
        { weight: 1, arbitrary: fc.tuple(fc.constantFrom('text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/json; charset=latin1'), jsonBody).map(([contentType, b]) => ({ contentType, body: b })) },
        { weight: 1, arbitrary: fc.constantFrom({ contentType: undefined, body: undefined }, { contentType: 'application/json', body: Buffer.alloc(0) }) },
        { weight: fileTypes.length ? 4 : 0, arbitrary: fc.tuple(fc.constantFrom(...(fileTypes.length ? fileTypes : ['application/octet-stream'])), fileBody).map(([contentType, b]) => ({ contentType, body: b })) },
      )
    : fc.constant({ contentType: undefined, body: undefined });
  return fc.record({ caller: fc.constantFrom(...CALLERS), path, query, body }).map(({ caller, path: p, query: q, body: b }) => ({ caller, path: `${p}${q}`, ...b }));
}

function schemaQueryValue(schema: JsonSchema, fallback: string): string {
  if (Array.isArray(schema.enum) && schema.enum.length) return String(schema.enum[fallback.length % schema.enum.length]);
  if (schema.type === 'integer' || schema.type === 'number') return String(fallback.length * 7 - 3);
  return fallback;
}
