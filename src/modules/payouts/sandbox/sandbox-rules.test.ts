import { describe, expect, it } from 'vitest';
import { sandboxTransferDecision } from './sandbox-rules.js';

describe('sandboxTransferDecision', () => {
  it('freezes a card ending in 0000 and pays every other one', () => {
    expect(sandboxTransferDecision('prize-1', '6222600260001080000')).toEqual({ status: 'FAILED', reason: 'ACCOUNT_FROZEN' });
    expect(sandboxTransferDecision('prize-1', '6222600260001072444')).toMatchObject({ status: 'PAID', reference: expect.stringMatching(/^SBX[0-9A-F]{20}$/) });
  });

  it('answers the same reference for the same payout and a different one for another', () => {
    const first = sandboxTransferDecision('prize-1', '6222600260001072444');
    expect(sandboxTransferDecision('prize-1', '6222600260001072444')).toEqual(first);
    expect(sandboxTransferDecision('prize-2', '6222600260001072444')).not.toEqual(first);
  });
});
