import { describe, expect, it } from 'vitest';
import { organizationCheckCharacter, sampleInvoice, usccCheckCharacter } from '../bench/support/sample-invoice.js';
import { parseDigitalInvoiceNumber, parseLegacyInvoice } from '../src/modules/invoices/domain/invoice-number.js';
import { parseInvoiceQr } from '../src/modules/invoices/domain/qr-payload.js';
import { decodeQrFromImage } from '../src/modules/invoices/files/image-qr.js';
import { renderInvoicePng } from '../src/modules/invoices/tax-sandbox/render/invoice-png.js';
import { printedInvoice } from '../src/modules/invoices/tax-sandbox/render/invoice-print.js';
import { parseMoney } from '../src/platform/money/money.js';

describe('sampleInvoice (bench/support)', () => {
  it('computes the check characters of real 统一社会信用代码 and 组织机构代码', () => {
    for (const id of ['91310115MA1H9HD02E', '914513000865119949', '91110108690017781B', '91330106MA7GAL1299', '9145130071885913X1', '91610132688983884K']) {
      expect(usccCheckCharacter(id.slice(0, 17)), id).toBe(id.charAt(17));
    }
    expect(usccCheckCharacter('9131011IMA1H9HD02')).toBeNull();
    // 69001778-1 is the 组织机构代码 inside 91110108690017781B.
    expect(organizationCheckCharacter('69001778')).toBe('1');
  });

  it('gives consistent, well-formed invoices of both kinds, the same for the same seed', () => {
    expect(sampleInvoice(7, 'LEGACY')).toEqual(sampleInvoice(7, 'LEGACY'));
    expect(sampleInvoice(7, 'LEGACY')).not.toEqual(sampleInvoice(8, 'LEGACY'));
    const types = new Set<string>();
    for (let i = 0; i < 200; i++) {
      for (const kind of ['DIGITAL', 'LEGACY'] as const) {
        const s = sampleInvoice(i, kind);
        types.add(`${kind}/${s.type}`);
        const fen = (v: string) => parseMoney(v);
        expect(fen(s.totalWithoutTax) + fen(s.totalTax)).toBe(fen(s.totalAmount));
        expect(s.items.reduce((sum, it) => sum + fen(it.amount), 0n)).toBe(fen(s.totalWithoutTax));
        expect(s.items.reduce((sum, it) => sum + fen(it.tax), 0n)).toBe(fen(s.totalTax));
        expect(usccCheckCharacter(s.seller.taxId.slice(0, 17))).toBe(s.seller.taxId.charAt(17));
        if (s.buyer.taxId) expect(usccCheckCharacter(s.buyer.taxId.slice(0, 17))).toBe(s.buyer.taxId.charAt(17));
        if (s.type === 'SPECIAL') expect(s.buyer.taxId).toMatch(/^[0-9A-Z]{18}$/);
        const qr = parseInvoiceQr(s.qr, { today: '2026-12-03' });
        expect(qr.ok, `${kind} ${i}: ${s.qr}`).toBe(true);
        if (!qr.ok) continue;
        expect(qr).toMatchObject({ kind, number: s.number, issueDate: s.issueDate });
        expect(qr.amountFen).toBe(fen(kind === 'DIGITAL' ? s.totalAmount : s.totalWithoutTax));
        if (kind === 'DIGITAL') {
          expect(parseDigitalInvoiceNumber(s.number, s.issueDate).ok).toBe(true);
        } else {
          expect(parseLegacyInvoice({ code: s.code!, number: s.number, checkCode: s.checkCode || null }, s.issueDate)).toMatchObject({ ok: true, codeCategory: s.type === 'SPECIAL' ? '电子专票' : '电子普票' });
          expect(s.machineNumber).toMatch(/^\d{12}$/);
        }
        expect(() => printedInvoice(s)).not.toThrow();
      }
    }
    expect(types).toEqual(new Set(['DIGITAL/GENERAL', 'DIGITAL/SPECIAL', 'LEGACY/GENERAL', 'LEGACY/SPECIAL']));
  });

  it('renders into images whose QR reads back', () => {
    for (const kind of ['DIGITAL', 'LEGACY'] as const) {
      const s = sampleInvoice('render', kind, 'SPECIAL');
      expect(decodeQrFromImage(renderInvoicePng(s))).toBe(s.qr);
    }
  });
});
