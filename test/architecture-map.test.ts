import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * ARCHITECTURE.md's tree is the map a newcomer reads first, so it must match the repository: every entry it names
 * exists, and every file of the composition root, every kernel directory and every module is on it.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const TREE_INDENT_LIMIT = 20; // deeper lines continue the description of the entry above

function treeEntries(): string[] {
  const text = fs.readFileSync(path.join(ROOT, 'ARCHITECTURE.md'), 'utf8');
  const section = text.slice(text.indexOf('## The tree'));
  const block = section.slice(section.indexOf('```') + 3, section.indexOf('```', section.indexOf('```') + 3));
  const entries: string[] = [];
  const parents: string[] = [];
  for (const line of block.split('\n')) {
    if (line.trim() === '') continue;
    const indent = line.length - line.trimStart().length;
    if (indent >= TREE_INDENT_LIMIT) continue;
    const token = line.trim().split(/\s+/)[0]!;
    const depth = indent / 2;
    parents.length = depth;
    const parent = parents.join('');
    const entry = parent.includes('<context>/') ? parent.replace('<context>/', '') + token : parent + token;
    parents.push(token);
    entries.push(entry);
  }
  return entries;
}

describe('ARCHITECTURE.md, the tree', () => {
  const entries = treeEntries();

  it('names only paths that exist', () => {
    expect(entries.length).toBeGreaterThan(30);
    const missing = entries.filter((entry) => !entry.includes('<') && !fs.existsSync(path.join(ROOT, entry)));
    expect(missing).toEqual([]);
  });

  it('lists every file of src/app, every kernel directory and every module', () => {
    const listed = new Set(entries.map((entry) => entry.replace(/\/$/, '')));
    const expected = [
      ...fs.readdirSync(path.join(ROOT, 'src/app')).filter((f) => !f.endsWith('.test.ts')).map((f) => `src/app/${f}`),
      ...fs.readdirSync(path.join(ROOT, 'src/platform'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `src/platform/${d.name}`),
      ...fs.readdirSync(path.join(ROOT, 'src/modules'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `src/modules/${d.name}`),
    ];
    expect(expected.filter((p) => !listed.has(p))).toEqual([]);
  });
});
