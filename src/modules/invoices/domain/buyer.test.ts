import { describe, expect, it } from 'vitest';
import { buyerRefusal, classifyBuyer, isCompanyName } from './buyer.js';
import { eligibilityReasons, type EligibilityFacts } from './eligibility.js';

describe('isCompanyName', () => {
  it.each([
    '江苏京利华新材料有限公司',
    '上海后衍品牌管理有限公司钟楼分公司',
    '南宁市仁德房地产开发有限责任公司来宾分公司',
    '龙腾半导体股份有限公司',
    'xxxxxx有限责任公司',
    '长沙示例商贸有限公司',
    '新北区河海华昇印章雕刻社',
    '兰溪市悦济舫餐厅',
    '城东五金厂',
    '老王便利店',
    '杭州市数据中心',
    '石门县柑橘专业合作社',
    '北京某某律师事务所',
    '中国科学院某某研究院',
    '某某市第一人民医院',
    '某某区鸿运商行',
    '某某建材经营部',
    '某某设计工作室',
    'Quanyi Tech Co., Ltd.',
    'ACME Inc',
    '某某县人民政府',
    '某某市体育局',
  ])('%s is an organisation', (name) => {
    expect(isCompanyName(name)).toBe(true);
  });

  it.each(['张三', '李四', '欧阳修文', '王小院', '陈部', '刘场', '阿不都热合曼·艾海提', '个人', '个人消费者', '', ' 张 三 ', '张三(个人)', '张三（个人）'])('%s is a person', (name) => {
    expect(isCompanyName(name)).toBe(false);
  });
});

describe('classifyBuyer', () => {
  it('a buyer tax id or a company-looking name is a company; 个人 or no buyer is an unnamed person; a name is that person', () => {
    expect(classifyBuyer({ name: '张三', taxId: '91430100MA4L7XK9BE' })).toEqual({ kind: 'COMPANY' });
    expect(classifyBuyer({ name: '科游迈利有限公司' })).toEqual({ kind: 'COMPANY' });
    expect(classifyBuyer({ name: '个人' })).toEqual({ kind: 'PERSON_UNNAMED' });
    expect(classifyBuyer({})).toEqual({ kind: 'PERSON_UNNAMED' });
    expect(classifyBuyer({ name: '', taxId: '' })).toEqual({ kind: 'PERSON_UNNAMED' });
    expect(classifyBuyer({ name: '张　三' })).toEqual({ kind: 'PERSON', name: '张三' });
  });
});

describe('buyerRefusal', () => {
  it('refuses a company under PERSON, takes it under ANY', () => {
    expect(buyerRefusal({ name: '江苏京利华新材料有限公司' }, 'PERSON', '张三')).toBe('INVOICE_BUYER_COMPANY');
    expect(buyerRefusal({ taxId: '91430100MA4L7XK9BE' }, 'PERSON', '张三')).toBe('INVOICE_BUYER_COMPANY');
    expect(buyerRefusal({ name: '江苏京利华新材料有限公司' }, 'ANY', '张三')).toBeNull();
  });

  it("a named person must be the user's verified real name, whatever the campaign allows", () => {
    expect(buyerRefusal({ name: '张三' }, 'PERSON', '张三')).toBeNull();
    expect(buyerRefusal({ name: '张 三' }, 'PERSON', '张三')).toBeNull();
    expect(buyerRefusal({ name: '李四' }, 'PERSON', '张三')).toBe('INVOICE_BUYER_MISMATCH');
    expect(buyerRefusal({ name: '李四' }, 'ANY', '张三')).toBe('INVOICE_BUYER_MISMATCH');
    expect(buyerRefusal({ name: '个人' }, 'PERSON', '张三')).toBeNull();
    expect(buyerRefusal({}, 'PERSON', '张三')).toBeNull();
    // No verified name: REAL_NAME_REQUIRED says so, no mismatch is claimed.
    expect(buyerRefusal({ name: '李四' }, 'PERSON', null)).toBeNull();
  });

  it('is one of the eligibility reasons, under the policy in force', () => {
    const facts: EligibilityFacts = {
      signature: 'absent',
      taxStatus: 'NORMAL',
      sellerRegistered: true,
      amountFen: 65_500n,
      issueDate: '2026-11-01',
      today: '2026-11-29',
      buyerRealNameVerified: true,
      verifiedName: '张三',
      alreadyRegistered: false,
    };
    expect(eligibilityReasons({ ...facts, buyer: { name: '某某有限公司' } })).toEqual(['INVOICE_BUYER_COMPANY']);
    expect(eligibilityReasons({ ...facts, buyer: { name: '某某有限公司' } }, { minAmountFen: 1_000n, maxAgeDays: 90, buyer: 'ANY' })).toEqual([]);
    expect(eligibilityReasons({ ...facts, buyer: { name: '李四' } })).toEqual(['INVOICE_BUYER_MISMATCH']);
    expect(eligibilityReasons({ ...facts, buyer: { name: '个人' } })).toEqual([]);
    expect(eligibilityReasons({ ...facts, buyerRealNameVerified: false, buyer: { name: '李四' } })).toEqual(['REAL_NAME_REQUIRED']);
  });
});
