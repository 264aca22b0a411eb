import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkBankCard } from '../domain/bank-card.js';
import { normalizeMainlandMobile } from '../domain/phone.js';
import { SANDBOX_CASES, sandboxDecision } from './sandbox-rules.js';
import type { FourFactors } from './verifier.js';

const ZHANG_SAN: FourFactors = {
  name: '张三',
  idNumber: '11010519491231002X',
  bankCard: '6222600260001072444',
  bankPhone: '13800001234',
};

describe('sandboxDecision', () => {
  it('matches an identity that is not a documented failing case', () => {
    expect(sandboxDecision(ZHANG_SAN)).toMatchObject({ outcome: 'MATCH', providerCode: '0' });
  });

  it.each(SANDBOX_CASES.map((c) => [`${c.field} ${c.match} ${c.value}`, c] as const))(
    'gives the documented outcome for %s',
    (_label, sandboxCase) => {
      const result = sandboxDecision({ ...ZHANG_SAN, [sandboxCase.field]: sandboxCase.example });
      expect(result).toMatchObject({ outcome: sandboxCase.outcome, providerCode: sandboxCase.providerCode });
    },
  );

  it('gives the expected outcomes, written out independently of SANDBOX_CASES', () => {
    const decide = (change: Partial<FourFactors>) => {
      const { outcome, providerCode } = sandboxDecision({ ...ZHANG_SAN, ...change });
      return [outcome, providerCode];
    };
    expect(decide({ bankCard: '6217000010000000001' })).toEqual(['MISMATCH', '-1']);
    expect(decide({ bankCard: '6217000010000000002' })).toEqual(['CARD_PROBLEM', '-13']);
    expect(decide({ bankCard: '6217000010000000003' })).toEqual(['UNAVAILABLE', '-18']);
    expect(decide({ bankPhone: '13912340000' })).toEqual(['MISMATCH', '-1']);
    expect(decide({ name: '王不符' })).toEqual(['MISMATCH', '-1']);
    expect(decide({ bankCard: '6217000010000000004' })).toEqual(['MATCH', '0']);
    expect(decide({ bankCard: '6217000010000000010' })).toEqual(['MATCH', '0']);
    expect(decide({ bankPhone: '13912340001' })).toEqual(['MATCH', '0']);
    expect(decide({ name: '王不' })).toEqual(['MATCH', '0']);
  });

  it('applies the first matching case when several match', () => {
    const busyAndWrongName = { ...ZHANG_SAN, bankCard: '6222600260001040003', name: '王不符' };
    expect(sandboxDecision(busyAndWrongName).outcome).toBe('UNAVAILABLE');
    const lostAndWrongPhone = { ...ZHANG_SAN, bankCard: '6222600260001050002', bankPhone: '13800000000' };
    expect(sandboxDecision(lostAndWrongPhone).outcome).toBe('CARD_PROBLEM');
  });

  it('sees through formatting: spaces in the card, +86 on the phone, spaces around the name', () => {
    expect(sandboxDecision({ ...ZHANG_SAN, bankCard: '6222 6002 6000 1060 001' }).outcome).toBe('MISMATCH');
    expect(sandboxDecision({ ...ZHANG_SAN, bankPhone: '+86 138 0000 0000' }).outcome).toBe('MISMATCH');
    expect(sandboxDecision({ ...ZHANG_SAN, name: ' 王不符 ' }).outcome).toBe('MISMATCH');
  });
});

describe('SANDBOX_CASES', () => {
  it('has examples that pass local validation, so the verifier is reached at all', () => {
    for (const sandboxCase of SANDBOX_CASES) {
      if (sandboxCase.field === 'bankCard') {
        expect(checkBankCard(sandboxCase.example)).toMatchObject({ ok: true, luhnValid: true });
      }
      if (sandboxCase.field === 'bankPhone') expect(normalizeMainlandMobile(sandboxCase.example)).not.toBeNull();
    }
  });
});

describe('sandbox reference', () => {
  it('is SBX followed by the first 16 hex digits of sha256 over the canonical JSON array of the inputs', () => {
    const digest = createHash('sha256')
      .update('["张三","11010519491231002X","6222600260001072444","13800001234"]')
      .digest('hex');
    expect(sandboxDecision(ZHANG_SAN).reference).toBe(`SBX${digest.slice(0, 16)}`);
    expect(sandboxDecision(ZHANG_SAN).reference).toMatch(/^SBX[0-9a-f]{16}$/);
  });

  it('is the same for the same person however the inputs are formatted', () => {
    const retyped = sandboxDecision({
      name: ' 张三 ',
      idNumber: '11010519491231002x',
      bankCard: '6222 6002 6000 1072 444',
      bankPhone: '+86 138-0000-1234',
    });
    expect(retyped.reference).toBe(sandboxDecision(ZHANG_SAN).reference);
  });

  it('changes when any one factor changes', () => {
    const base = sandboxDecision(ZHANG_SAN).reference;
    const changes: Partial<FourFactors>[] = [
      { name: '李四' },
      { idNumber: '130503196704010016' },
      { bankCard: '6222600260001072445' },
      { bankPhone: '13800001235' },
    ];
    const references = changes.map((change) => sandboxDecision({ ...ZHANG_SAN, ...change }).reference);
    expect(new Set([base, ...references]).size).toBe(5);
  });

  it('does not let a value slide between fields', () => {
    const a = sandboxDecision({ ...ZHANG_SAN, name: 'AB', idNumber: 'C' }).reference;
    const b = sandboxDecision({ ...ZHANG_SAN, name: 'A', idNumber: 'BC' }).reference;
    expect(a).not.toBe(b);
  });
});
