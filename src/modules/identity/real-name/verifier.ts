/**
 * The port to a bank 4-factor (银行卡四要素) service: does this bank card belong to this person, with this ID
 * number, and is this phone the one reserved at the bank? Adapters: the sandbox (sandbox-rules.ts) and, later, a
 * real provider such as Tencent FaceId BankCard4EVerification.
 */
export interface FourFactors {
  readonly name: string;
  readonly idNumber: string;
  readonly bankCard: string;
  readonly bankPhone: string;
}

/**
 * What the caller can act on, whatever the provider:
 * - MATCH: all four factors belong together; the person is verified.
 * - MISMATCH: the factors do not belong together (or the provider refused one as malformed); ask the user to
 *   check what they typed. Counts as a failed attempt.
 * - CARD_PROBLEM: the card cannot be verified (lost, expired, restricted, no card-not-present payments…); ask
 *   for another card.
 * - UNSUPPORTED: the provider cannot verify this kind of document; offer another way.
 * - UNAVAILABLE: no answer about the person (busy, quota used up, unknown code); retry later, never treat as
 *   verified or as a failed attempt.
 */
export type FourFactorOutcome = 'MATCH' | 'MISMATCH' | 'CARD_PROBLEM' | 'UNSUPPORTED' | 'UNAVAILABLE';

export interface FourFactorResult {
  readonly outcome: FourFactorOutcome;
  /** The provider's own result code, kept for support and reconciliation of charged calls. */
  readonly providerCode: string;
  /** The provider's request id (or the sandbox's digest), to quote when disputing a result with the provider. */
  readonly reference: string;
}

export interface RealNameVerifier {
  readonly name: string;
  verify(input: FourFactors): Promise<FourFactorResult>;
}

/**
 * Tencent FaceId BankCard4EVerification `Result` codes (API version 2018-03-01). The charged codes are the
 * provider's answer about the person or the card; the uncharged ones mean it did not get that far.
 */
const TENCENT_RESULT_OUTCOMES: ReadonlyMap<string, FourFactorOutcome> = new Map<string, FourFactorOutcome>([
  // Charged.
  ['0', 'MATCH'], // 认证通过
  ['-1', 'MISMATCH'], // 认证未通过
  ['-6', 'CARD_PROBLEM'], // 持卡人信息有误
  ['-7', 'CARD_PROBLEM'], // 未开通无卡支付
  ['-8', 'CARD_PROBLEM'], // 此卡被没收
  ['-9', 'CARD_PROBLEM'], // 无效卡号
  ['-10', 'CARD_PROBLEM'], // 此卡无对应发卡行
  ['-11', 'CARD_PROBLEM'], // 该卡未初始化或睡眠卡
  ['-12', 'CARD_PROBLEM'], // 作弊卡、吞卡
  ['-13', 'CARD_PROBLEM'], // 此卡已挂失
  ['-14', 'CARD_PROBLEM'], // 该卡已过期
  ['-15', 'CARD_PROBLEM'], // 受限制的卡
  ['-16', 'CARD_PROBLEM'], // 密码错误次数超限
  ['-17', 'CARD_PROBLEM'], // 发卡行不支持此交易
  ['-21', 'CARD_PROBLEM'], // 卡状态异常或卡号错误
  // Not charged. We validate every factor before calling, so these only happen when the provider is stricter
  // than we are; to the user that reads as "what you typed does not verify". A malformed card number is the
  // card's problem, so the user is asked for another card rather than to retype everything.
  ['-2', 'MISMATCH'], // 姓名校验不通过
  ['-3', 'MISMATCH'], // 身份证号码有误
  ['-4', 'CARD_PROBLEM'], // 银行卡号格式有误
  ['-5', 'MISMATCH'], // 手机号码不合法
  ['-18', 'UNAVAILABLE'], // 验证中心服务繁忙
  ['-19', 'UNAVAILABLE'], // 验证次数超限,请次日重试 (our daily quota, not the user's fault)
  ['-20', 'UNSUPPORTED'], // 该证件号暂不支持核验,当前仅支持二代身份证
]);

/**
 * The outcome for a Tencent FaceId BankCard4EVerification `Result` code. A code we do not know is UNAVAILABLE:
 * a new code must never verify anyone, nor count against a user who did nothing wrong.
 */
export function outcomeFromTencentCode(code: string): FourFactorOutcome {
  return TENCENT_RESULT_OUTCOMES.get(code) ?? 'UNAVAILABLE';
}
