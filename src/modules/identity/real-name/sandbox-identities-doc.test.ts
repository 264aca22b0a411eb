import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkBankCard } from '../domain/bank-card.js';
import { checkIdNumber } from '../domain/id-number.js';
import { checkPersonName } from '../domain/person-name.js';
import { normalizeMainlandMobile } from '../domain/phone.js';
import { SANDBOX_CASES, sandboxDecision } from './sandbox-rules.js';

/**
 * Testers and the web app's e2e tests read docs/sandbox-identities.md, not the code, so every table there is
 * checked against the code here.
 */
const DOC = readFileSync(new URL('../../../../docs/sandbox-identities.md', import.meta.url), 'utf8');
const TODAY = new Date('2026-01-01T00:00:00+08:00');

/** The body rows of the first table under `## heading`, cells trimmed and without backticks. */
function tableUnder(heading: string): string[][] {
  const lines = DOC.split('\n');
  const start = lines.indexOf(`## ${heading}`);
  if (start < 0) throw new Error(`no section "${heading}" in docs/sandbox-identities.md`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('## ')) break;
    if (!line.startsWith('|')) {
      if (rows.length > 0) break;
      continue;
    }
    rows.push(line.slice(1, -1).split('|').map((cell) => cell.trim().replaceAll('`', '')));
  }
  return rows.slice(2);
}

describe('docs/sandbox-identities.md', () => {
  const verifying = tableUnder('Identities that verify');
  const failing = tableUnder('Failing cases');
  const refused = tableUnder('Input refused before the verifier');

  it('has rows in every table', () => {
    expect(verifying.length).toBeGreaterThan(0);
    expect(failing.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
  });

  it('lists identities that pass local validation, as described, and that the sandbox matches', () => {
    for (const [name, idNumber, birthDate, sex, bankCard, bankPhone] of verifying) {
      expect(checkPersonName(name!)).toMatchObject({ ok: true, normalized: name });
      expect(checkIdNumber(idNumber!, TODAY)).toMatchObject({ ok: true, normalized: idNumber, birthDate, sex });
      expect(checkBankCard(bankCard!)).toMatchObject({ ok: true, luhnValid: true });
      expect(normalizeMainlandMobile(bankPhone!)).toBe(bankPhone);
      const factors = { name: name!, idNumber: idNumber!, bankCard: bankCard!, bankPhone: bankPhone! };
      expect(sandboxDecision(factors)).toMatchObject({ outcome: 'MATCH', providerCode: '0' });
    }
  });

  it('lists exactly SANDBOX_CASES as failing cases, in order of precedence', () => {
    const fromCode = SANDBOX_CASES.map((c) => [
      c.field,
      `${c.match === 'endsWith' ? 'ends with' : 'equals'} ${c.value}`,
      c.example,
      c.outcome,
      c.providerCode,
      c.meaning,
    ]);
    expect(failing).toEqual(fromCode);
  });

  it('gives the reference the sandbox really returns for the first identity', () => {
    const [name, idNumber, , , bankCard, bankPhone] = verifying[0]!;
    const factors = { name: name!, idNumber: idNumber!, bankCard: bankCard!, bankPhone: bankPhone! };
    const { reference } = sandboxDecision(factors);
    expect(DOC).toContain(`For ${name} above it is \`${reference}\`.`);
  });

  it('lists inputs that local validation really refuses, with the stated result', () => {
    for (const [factor, input, result] of refused) {
      const actual = (() => {
        switch (factor) {
          case 'ID number': {
            const check = checkIdNumber(input!, TODAY);
            return check.ok ? 'ok' : check.reason;
          }
          case 'bank card': {
            const check = checkBankCard(input!);
            return check.ok ? `luhnValid ${check.luhnValid}` : check.reason;
          }
          case 'bank phone':
            return normalizeMainlandMobile(input!) === null ? 'not a mobile' : 'ok';
          case 'name': {
            const check = checkPersonName(input!);
            return check.ok ? 'ok' : check.reason;
          }
          default:
            throw new Error(`unknown factor "${factor}"`);
        }
      })();
      expect({ factor, input, result: actual }).toEqual({ factor, input, result });
    }
  });
});
