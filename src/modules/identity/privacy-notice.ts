/**
 * The privacy notice (个人信息处理规则, PIPL Art. 17): what is kept, why, and what erasure leaves. The API serves it
 * at GET /api/v1/privacy/notice and the data export names its version; a change to what is kept changes both.
 */
export const PRIVACY_NOTICE = {
  version: '2026-12',
  items: [
    {
      data: 'phone',
      zh: '手机号:加密保存,用于登录与通知;注销时删除。',
      en: 'Phone number: stored encrypted, for login and notices; deleted on erasure.',
    },
    {
      data: 'real_name',
      zh: '姓名、身份证号、银行卡:单独同意后用于实名认证与奖金发放,加密保存;注销时删除。每次认证尝试记入审计日志(证件号仅保留掩码)。',
      en: 'Name, ID number, bank card: used with separate consent for real-name verification and prize payouts, stored encrypted; deleted on erasure. Each verification attempt is audited (the ID number masked).',
    },
    {
      data: 'anti_fraud_record',
      zh: '防刷记录:注册时手机号与设备号的密钥散列值(不可还原),用于"每人一次"的新人奖励不被重复领取;注销后仍保留,已注销账户未使用的免费券作废。',
      en: 'Anti-fraud record: keyed hashes (not reversible) of the phone and device id at sign-up, so once-per-person sign-up rewards are not claimed twice; kept after erasure, and an erased account\'s unspent free coupons are revoked.',
    },
  ],
} as const;
