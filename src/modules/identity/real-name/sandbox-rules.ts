import { createHash } from 'node:crypto';
import { checkPersonName } from '../domain/person-name.js';
import { normalizeMainlandMobile } from '../domain/phone.js';
import type { FourFactorOutcome, FourFactorResult, FourFactors } from './verifier.js';

/**
 * The sandbox bank 4-factor service: every identity matches except the documented test identities below, so
 * testers and the web app's e2e tests can reach every outcome without a real bank card. The provider codes are
 * the Tencent ones (verifier.ts), so a screen built against the sandbox behaves the same against Tencent.
 * docs/sandbox-identities.md lists the same cases; a test keeps the two in step.
 */
export interface SandboxCase {
  readonly field: keyof FourFactors;
  readonly match: 'endsWith' | 'equals';
  readonly value: string;
  readonly outcome: FourFactorOutcome;
  readonly providerCode: string;
  readonly meaning: string;
  /** A complete value that triggers the case and passes local validation (cards pass Luhn). */
  readonly example: string;
}

/** In order of precedence: the first case that matches decides, as a busy provider would never see the rest. */
export const SANDBOX_CASES: readonly SandboxCase[] = [
  {
    field: 'bankCard',
    match: 'endsWith',
    value: '0003',
    outcome: 'UNAVAILABLE',
    providerCode: '-18',
    meaning: '验证中心服务繁忙 (provider busy, not charged)',
    example: '6222600260001040003',
  },
  {
    field: 'bankCard',
    match: 'endsWith',
    value: '0002',
    outcome: 'CARD_PROBLEM',
    providerCode: '-13',
    meaning: '此卡已挂失 (card reported lost)',
    example: '6222600260001050002',
  },
  {
    field: 'bankCard',
    match: 'endsWith',
    value: '0001',
    outcome: 'MISMATCH',
    providerCode: '-1',
    meaning: '认证未通过 (card does not belong to this person)',
    example: '6222600260001060001',
  },
  {
    field: 'bankPhone',
    match: 'endsWith',
    value: '0000',
    outcome: 'MISMATCH',
    providerCode: '-1',
    meaning: '认证未通过 (phone is not the one reserved at the bank)',
    example: '13800000000',
  },
  {
    field: 'name',
    match: 'equals',
    value: '王不符',
    outcome: 'MISMATCH',
    providerCode: '-1',
    meaning: '认证未通过 (name does not match the ID number)',
    example: '王不符',
  },
];

const MATCH_CODE = '0';

export function sandboxDecision(input: FourFactors): FourFactorResult {
  const factors = canonicalFactors(input);
  const reference = sandboxReference(factors);
  const hit = SANDBOX_CASES.find((rule) => matches(rule, factors[rule.field]));
  if (hit !== undefined) return { outcome: hit.outcome, providerCode: hit.providerCode, reference };
  return { outcome: 'MATCH', providerCode: MATCH_CODE, reference };
}

function matches(rule: SandboxCase, value: string): boolean {
  return rule.match === 'equals' ? value === rule.value : value.endsWith(rule.value);
}

/**
 * The same person typed differently ("6222 6002 …", "+86 138 …", a lowercase x) must meet the same rule and get
 * the same reference, as they would at a real provider after the service has normalized them.
 */
function canonicalFactors(input: FourFactors): FourFactors {
  const name = checkPersonName(input.name);
  return {
    name: name.ok ? name.normalized : input.name.trim(),
    idNumber: input.idNumber.trim().toUpperCase(),
    bankCard: input.bankCard.replace(/[\s-]/g, ''),
    bankPhone: normalizeMainlandMobile(input.bankPhone) ?? input.bankPhone.replace(/[\s-]/g, ''),
  };
}

/**
 * A stand-in for the provider's request id. It is derived from the inputs rather than random so that e2e tests
 * can assert it; the sandbox only ever sees test identities, so a digest of them reveals nothing.
 */
function sandboxReference(factors: FourFactors): string {
  const canonical = JSON.stringify([factors.name, factors.idNumber, factors.bankCard, factors.bankPhone]);
  return `SBX${createHash('sha256').update(canonical).digest('hex').slice(0, 16)}`;
}
