import { describe, expect, it } from 'vitest';
import { isSpecialInvoiceCode, parseCsv, parseSandboxImport, SandboxImportError } from './import-file.js';

const HEADER = 'kind,invoice_number,invoice_code,issue_date,total_amount,amount_with_tax,check_code,seller_tax_id,seller_name,buyer_name,buyer_tax_id';

function failure(run: () => unknown): SandboxImportError {
  try {
    run();
  } catch (error) {
    if (error instanceof SandboxImportError) return error;
    throw error;
  }
  throw new Error('expected a SandboxImportError');
}

describe('parseCsv', () => {
  it('reads quoted cells with commas, doubled quotes and newlines, CRLF or LF', () => {
    expect(parseCsv('a,b\r\n"x,1","say ""hi""\nthere"\n,\n')).toEqual([['a', 'b'], ['x,1', 'say "hi"\nthere'], ['', '']]);
    expect(parseCsv('a,b')).toEqual([['a', 'b']]);
  });
});

describe('isSpecialInvoiceCode', () => {
  it('tells 普票 from 专票 by the code kind digits, and says null for a kind it does not know', () => {
    expect(isSpecialInvoiceCode('033002000211')).toBe(false); // 电子普票
    expect(isSpecialInvoiceCode('031001900113')).toBe(true); // 电子专票
    expect(isSpecialInvoiceCode('3100191130')).toBe(true); // 10 digits, kind 1: 专票
    expect(isSpecialInvoiceCode('031001900199')).toBeNull();
  });
});

describe('parseSandboxImport', () => {
  const legacy = 'LEGACY,83089647,033002000211,2020-07-23,510.68,526.00,16197833567414507415,92330781MA2EDMFU50,兰溪市悦济舫餐厅,江苏京利华新材料有限公司,';
  const digital = 'DIGITAL,24112000000048542163,,2024-05-28,4449.00,4449.00,,91110108690017781B,北京互联三六五科技有限公司,"海南麒麟云服科技有限公司",';

  it('reads a CSV with a header into checked rows, money in fen', () => {
    const rows = parseSandboxImport(`\uFEFF${HEADER}\n${legacy}\n${digital}\n`, 'invoices.csv');
    expect(rows).toEqual([
      {
        kind: 'LEGACY', number: '83089647', code: '033002000211', checkCode: '16197833567414507415', issueDate: '2020-07-23',
        amountWithoutTaxFen: 51_068n, amountWithTaxFen: 52_600n, sellerTaxId: '92330781MA2EDMFU50', sellerName: '兰溪市悦济舫餐厅', buyerName: '江苏京利华新材料有限公司', buyerTaxId: null,
      },
      {
        kind: 'DIGITAL', number: '24112000000048542163', code: '', checkCode: null, issueDate: '2024-05-28',
        amountWithoutTaxFen: 444_900n, amountWithTaxFen: 444_900n, sellerTaxId: '91110108690017781B', sellerName: '北京互联三六五科技有限公司', buyerName: '海南麒麟云服科技有限公司', buyerTaxId: null,
      },
    ]);
  });

  it('reads a JSON array of objects (strings only, absent or null fields allowed)', () => {
    const rows = parseSandboxImport(JSON.stringify([{ kind: 'LEGACY', invoice_number: '83089647', invoice_code: '033002000211', issue_date: '2020-07-23', total_amount: '510.68', check_code: '16197833567414507415', seller_tax_id: '92330781MA2EDMFU50', buyer_name: null }]));
    expect(rows[0]).toMatchObject({ kind: 'LEGACY', amountWithoutTaxFen: 51_068n, amountWithTaxFen: 51_068n, sellerName: null, buyerName: null });
  });

  it.each([
    [`${HEADER}\n${legacy.replace('2020-07-23', '2020-02-30')}`, 1, 'issue_date'],
    [`${HEADER}\n${digital}\n${legacy.replace('510.68', '510.685')}`, 2, 'total_amount'],
    [`${HEADER}\n${legacy.replace('LEGACY', 'OLD')}`, 1, 'kind'],
    [`${HEADER}\n${legacy.replace('83089647', '8308964')}`, 1, 'invoice_number'],
    [`${HEADER}\n${legacy.replace('033002000211', '')}`, 1, 'invoice_code'],
    [`${HEADER}\n${legacy.replace('033002000211', '039902000211')}`, 1, 'invoice_code'],
    [`${HEADER}\n${legacy.replace('16197833567414507415', '')}`, 1, 'check_code'],
    [`${HEADER}\n${legacy.replace('526.00', '500.00')}`, 1, 'amount_with_tax'],
    [`${HEADER}\n${legacy.replace('92330781MA2EDMFU50', 'x')}`, 1, 'seller_tax_id'],
    [`${HEADER}\n${digital.replace('2024-05-28,', '2024-05-28,').replace('4449.00,4449.00', '4449.00,4000.00')}`, 1, 'amount_with_tax'],
    [`${HEADER}\n${digital.replace('24112000000048542163,', '24112000000048542163,033002000211')}`, 1, 'invoice_code'],
    [`${HEADER},color\n${legacy},red`, 0, 'color'],
    [`${HEADER}\n${legacy},extra`, 1, '(row)'],
    [JSON.stringify([{ kind: 'LEGACY', invoice_number: 83089647 }]), 1, 'invoice_number'],
    [JSON.stringify([{ kind: 'LEGACY', amount: '1.00' }]), 1, 'amount'],
  ])('names the row and the field of a bad row (%#)', (text, row, field) => {
    const error = failure(() => parseSandboxImport(text));
    expect({ row: error.row, field: error.field }).toEqual({ row, field });
    expect(error.message).toMatch(new RegExp(`^row ${row}, field ${field.replace(/[()]/g, '\\$&')}: `));
  });
});
