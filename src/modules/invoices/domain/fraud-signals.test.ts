import { describe, expect, it } from 'vitest';
import { fraudSignals, type CandidateInvoice, type RecordedInvoice } from './fraud-signals.js';

const SELLER = '91430100MA4L7XK9BE';
const candidate: CandidateInvoice = { number: '26432000000000000100', issueDate: '2026-11-20', amountFen: 5_000n, sellerTaxId: SELLER, sellerName: '长沙示例商贸有限公司', buyerTaxId: undefined, buyerName: '张三' };
let n = 0;
const recorded = (over: Partial<RecordedInvoice>): RecordedInvoice => ({
  number: `264320000000000${String(++n).padStart(5, '0')}`,
  issueDate: '2026-11-01',
  amountFen: 5_000n,
  sellerTaxId: SELLER,
  sameUser: true,
  status: 'ACCEPTED',
  reasons: [],
  ...over,
});

describe('fraudSignals', () => {
  it('raises nothing for an ordinary invoice', () => {
    expect(fraudSignals(candidate, [recorded({}), recorded({ sellerTaxId: 'OTHER' })])).toEqual([]);
  });

  it('flags a buyer who is the seller, by tax id or by name', () => {
    expect(fraudSignals({ ...candidate, buyerTaxId: SELLER }, []).map((s) => s.code)).toEqual(['SELF_ISSUED']);
    expect(fraudSignals({ ...candidate, buyerName: ' 长沙示例商贸有限公司' }, []).map((s) => s.code)).toEqual(['SELF_ISSUED']);
  });

  it('flags the fifth small invoice between one buyer and one seller, not the fourth', () => {
    const small = (k: number) => Array.from({ length: k }, () => recorded({ amountFen: 1_500n }));
    const tiny = { ...candidate, amountFen: 1_200n };
    expect(fraudSignals(tiny, small(3))).toEqual([]);
    const [signal] = fraudSignals(tiny, small(4));
    expect(signal).toMatchObject({ code: 'SMALL_INVOICES_SAME_PAIR', details: { count: 5 } });
    expect(fraudSignals(tiny, small(4).map((r) => ({ ...r, sameUser: false })))).toEqual([]); // other buyers
    expect(fraudSignals({ ...candidate, amountFen: 2_000n }, small(4))).toEqual([]); // not small: 2× the floor
  });

  it('flags a seller issuing several invoices just over the floor on one day', () => {
    const day = candidate.issueDate;
    const justOver = [recorded({ issueDate: day, amountFen: 1_050n, sameUser: false }), recorded({ issueDate: day, amountFen: 1_200n, sameUser: false })];
    const [signal] = fraudSignals({ ...candidate, amountFen: 1_010n }, justOver);
    expect(signal).toMatchObject({ code: 'JUST_OVER_FLOOR_SAME_DAY', details: { count: 3, issue_date: day } });
    expect(fraudSignals({ ...candidate, amountFen: 1_010n }, [justOver[0]!, recorded({ issueDate: day, amountFen: 1_201n })])).toEqual([]);
    expect(fraudSignals({ ...candidate, amountFen: 1_010n }, justOver.map((r) => ({ ...r, issueDate: '2026-11-19' })))).toEqual([]);
  });

  it("flags an invoice re-issued for the same amount after the buyer's voided one", () => {
    const voided = recorded({ status: 'REJECTED', reasons: ['INVOICE_VOID'], amountFen: 5_000n });
    expect(fraudSignals(candidate, [voided]).map((s) => s.code)).toEqual(['REISSUED_AFTER_VOID']);
    expect(fraudSignals({ ...candidate, amountFen: 5_100n }, [voided])).toEqual([]);
  });
});
