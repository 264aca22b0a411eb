import { describe, expect, it } from 'vitest';
import { combine } from './decisions.js';
import { blacklisted, cashOut, checkParams, codeGuessing, couponFarming, defaultParams, invoiceSignals } from './rules.js';

const none = { listed: [], counts: {} };

describe('risk rules', () => {
  it('coupon farming: the 11th claim from one IP within the window freezes, the 10th does not', () => {
    const params = defaultParams(couponFarming);
    expect(params).toEqual({ max_claims: 10, window_minutes: 5 });
    expect(couponFarming.counters!({ ip: '203.0.113.9' }, params)).toEqual([{ name: 'claims_from_ip', key: 'risk:claims:ip:203.0.113.9', windowMs: 300_000 }]);
    expect(couponFarming.counters!({}, params)).toEqual([]); // no address, nothing to count
    expect(couponFarming.decide({ ...none, facts: { ip: '203.0.113.9' }, params, counts: { claims_from_ip: 10 } })).toBeUndefined();
    expect(couponFarming.decide({ ...none, facts: { ip: '203.0.113.9' }, params, counts: { claims_from_ip: 11 } })).toMatchObject({
      decision: 'FREEZE_ACCOUNT',
      reason: 'IP_CLAIM_VELOCITY',
      evidence: { ip: '203.0.113.9', claims: 11, max_claims: 10, window_minutes: 5 },
    });
  });

  it('cash-out: over the threshold at one merchant delays its settlement', () => {
    const params = { max_redemptions: 3, window_minutes: 10 };
    expect(cashOut.decide({ ...none, facts: { merchantId: '7' }, params, counts: { redemptions_at_merchant: 3 } })).toBeUndefined();
    expect(cashOut.decide({ ...none, facts: { merchantId: '7' }, params, counts: { redemptions_at_merchant: 4 } })).toMatchObject({ decision: 'DELAY_SETTLEMENT', reason: 'MERCHANT_REDEMPTION_VELOCITY' });
  });

  it('blacklist: any match denies, naming the entries', () => {
    expect(blacklisted.decide({ ...none, facts: {}, params: {} })).toBeUndefined();
    expect(blacklisted.decide({ ...none, facts: {}, params: {}, listed: [{ kind: 'DEVICE', value: 'd-1' }] })).toMatchObject({ decision: 'DENY', evidence: { matched: ['DEVICE:d-1'] } });
  });

  it('invoice signals go to review unless their switch is off', () => {
    const params = defaultParams(invoiceSignals);
    expect(invoiceSignals.decide({ ...none, facts: { invoiceSignals: [] }, params })).toBeUndefined();
    expect(invoiceSignals.decide({ ...none, facts: { invoiceSignals: ['JUST_OVER_FLOOR_SAME_DAY'] }, params })).toMatchObject({ decision: 'REVIEW' });
    const lenient = { ...params, review_just_over_floor: 0 };
    expect(invoiceSignals.decide({ ...none, facts: { invoiceSignals: ['JUST_OVER_FLOOR_SAME_DAY'] }, params: lenient })).toBeUndefined();
    expect(invoiceSignals.decide({ ...none, facts: { invoiceSignals: ['JUST_OVER_FLOOR_SAME_DAY', 'SELF_ISSUED'] }, params: lenient })).toMatchObject({ evidence: { signals: ['SELF_ISSUED'] } });
    expect(invoiceSignals.decide({ ...none, facts: { invoiceSignals: ['SOMETHING_NEW'] }, params: lenient })).toMatchObject({ decision: 'REVIEW' });
  });

  it('parameters: defaults fill in, unknown names and out-of-range values are refused', () => {
    expect(checkParams(couponFarming, { max_claims: 20 })).toEqual({ ok: true, params: { max_claims: 20, window_minutes: 5 } });
    expect(checkParams(couponFarming, { max_claims: 0 })).toMatchObject({ ok: false, field: 'max_claims' });
    expect(checkParams(couponFarming, { max_claims: 2.5 })).toMatchObject({ ok: false, field: 'max_claims' });
    expect(checkParams(couponFarming, { speed: 1 })).toMatchObject({ ok: false, field: 'speed' });
  });

  it('the most severe finding decides, and every finding is kept', () => {
    const review = invoiceSignals.decide({ ...none, facts: { invoiceSignals: ['SELF_ISSUED'] }, params: defaultParams(invoiceSignals) })!;
    const deny = blacklisted.decide({ ...none, facts: {}, params: {}, listed: [{ kind: 'IP', value: '1.2.3.4' }] })!;
    expect(combine([review, deny])).toEqual({ decision: 'DENY', findings: [review, deny] });
    expect(combine([])).toEqual({ decision: 'ALLOW', findings: [] });
  });
});

describe('COUPON_CODE_GUESSING', () => {
  it('asks for review when a caller reached an activation cap, or freezes when the deployment says so', () => {
    const base = none;
    expect(codeGuessing.decide({ ...base, facts: { userId: '1' }, params: { freeze_account: 0 } })).toBeUndefined();
    expect(codeGuessing.decide({ ...base, facts: { userId: '1', guessingCaps: ['user'] }, params: { freeze_account: 0 } })).toMatchObject({ decision: 'REVIEW', reason: 'ACTIVATION_FAILURES' });
    expect(codeGuessing.decide({ ...base, facts: { userId: '1', guessingCaps: ['ip'] }, params: { freeze_account: 1 } })).toMatchObject({ decision: 'FREEZE_ACCOUNT' });
  });
});
