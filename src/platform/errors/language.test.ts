import { describe, it, expect } from 'vitest';
import { pickLanguage } from './language.js';

describe('pickLanguage', () => {
  it.each([
    [undefined, 'zh-CN'],
    ['', 'zh-CN'],
    ['en', 'en'],
    ['en-US,en;q=0.9', 'en'],
    ['EN-GB', 'en'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['zh-TW', 'zh-CN'],
    ['fr', 'zh-CN'],
    ['*', 'zh-CN'],
    // Ranked by q, not by position.
    ['zh;q=0.5, en;q=0.9', 'en'],
    ['en;q=0.5, zh-CN', 'zh-CN'],
    // Only the first preference counts: a French reader gets the default, not English.
    ['fr, en;q=0.9', 'zh-CN'],
    // Equal q keeps the client's order.
    ['en;q=0.8, zh;q=0.8', 'en'],
    ['zh;q=0.8, en;q=0.8', 'zh-CN'],
    // q=0 means "not acceptable".
    ['en;q=0', 'zh-CN'],
    ['en;q=0, zh;q=0.1', 'zh-CN'],
    ['zh;q=0, en;q=0.1', 'en'],
    // Garbage q values count as 0 and are dropped.
    ['en;q=abc', 'zh-CN'],
    // Other parameters before q are skipped over.
    ['fr;level=1;q=0.1, en;q=0.5', 'en'],
  ] as const)('%j → %s', (header, expected) => {
    expect(pickLanguage(header)).toBe(expected);
  });
});
