import { describe, it, expect } from 'vitest';
import { ERROR_CODES, isErrorCode, type ErrorDefinition } from './error-codes.js';

const entries = Object.entries(ERROR_CODES) as [string, ErrorDefinition][];
const HAN = /\p{Script=Han}/u;

describe('ERROR_CODES', () => {
  it('is not empty', () => {
    expect(entries.length).toBeGreaterThan(0);
  });

  it.each(entries)('%s is a well-formed definition', (code, definition) => {
    expect(code).toMatch(/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/);
    expect(Number.isInteger(definition.status)).toBe(true);
    expect(definition.status).toBeGreaterThanOrEqual(400);
    expect(definition.status).toBeLessThanOrEqual(599);
    expect(definition.zh.trim()).not.toBe('');
    expect(definition.en.trim()).not.toBe('');
    expect(definition.zh).toMatch(HAN);
    expect(definition.en).not.toMatch(HAN);
    expect(Object.keys(definition).sort()).toEqual(['en', 'status', 'zh']);
  });

  it('keeps the HTTP status of the core codes', () => {
    expect(ERROR_CODES.VALIDATION_FAILED.status).toBe(400);
    expect(ERROR_CODES.UNAUTHORIZED.status).toBe(401);
    expect(ERROR_CODES.FORBIDDEN.status).toBe(403);
    expect(ERROR_CODES.NOT_FOUND.status).toBe(404);
    expect(ERROR_CODES.RATE_LIMITED.status).toBe(429);
    expect(ERROR_CODES.INTERNAL.status).toBe(500);
  });
});

describe('isErrorCode', () => {
  it('recognises registered codes', () => {
    for (const [code] of entries) expect(isErrorCode(code)).toBe(true);
  });

  it.each(['NOPE', 'not_found', '', 'toString', 'constructor', '__proto__', 'hasOwnProperty'])('rejects %j', (code) => {
    expect(isErrorCode(code)).toBe(false);
  });
});
