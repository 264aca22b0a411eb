/**
 * The single registry of stable error codes (Fastify's lib/errors.js idea). A code never changes meaning once
 * published; clients branch on it. Messages are zh-CN first, en on `Accept-Language: en`.
 * Modules add their codes here so that one file lists every answer the API can give.
 */
export interface ErrorDefinition {
  readonly status: number;
  readonly zh: string;
  readonly en: string;
}

export const ERROR_CODES = {
  BAD_REQUEST: { status: 400, zh: '请求格式错误', en: 'The request is malformed' },
  REQUEST_HEADERS_TOO_LARGE: { status: 431, zh: '请求头或网址过长', en: 'The request headers or URL are too large' },
  VALIDATION_FAILED: { status: 400, zh: '请求参数不合法', en: 'The request parameters are invalid' },
  UNAUTHORIZED: { status: 401, zh: '请先登录', en: 'Authentication is required' },
  FORBIDDEN: { status: 403, zh: '无权执行此操作', en: 'You are not allowed to do this' },
  NOT_FOUND: { status: 404, zh: '请求的资源不存在', en: 'The requested resource does not exist' },
  METHOD_NOT_ALLOWED: { status: 405, zh: '不支持该请求方法', en: 'This method is not allowed here' },
  IDEMPOTENCY_KEY_IN_FLIGHT: {
    status: 409,
    zh: '相同幂等键的请求正在处理中,请稍后重试',
    en: 'A request with this Idempotency-Key is still being processed; retry later',
  },
  IDEMPOTENCY_KEY_NOT_REPLAYABLE: {
    status: 409,
    zh: '该幂等键已使用过,此操作的结果含登录凭证或密钥,不会重放;如需重试请使用新的幂等键',
    en: 'This Idempotency-Key was already used; this answer carries credentials and is never replayed; retry with a new key',
  },
  PAYLOAD_TOO_LARGE: { status: 413, zh: '请求体过大', en: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, zh: '不支持的内容类型', en: 'This content type is not supported' },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    zh: '该幂等键已用于另一个不同的请求',
    en: 'This Idempotency-Key was already used for a different request',
  },
  IDEMPOTENCY_KEY_REQUIRED: {
    status: 400,
    zh: '此操作需要提供 Idempotency-Key 请求头',
    en: 'This operation requires an Idempotency-Key header',
  },
  IDEMPOTENCY_KEY_INVALID: {
    status: 400,
    zh: '幂等键格式错误(1–255 个可见字符)',
    en: 'The Idempotency-Key must be 1–255 visible characters',
  },
  // identity
  PHONE_INVALID: { status: 400, zh: '请输入正确的中国大陆手机号', en: 'Enter a valid mainland China mobile number' },
  SMS_RATE_LIMITED: {
    status: 429,
    zh: '验证码发送过于频繁,请稍后再试',
    en: 'Verification codes were sent too often; try again later',
  },
  SMS_CODE_INVALID: { status: 401, zh: '验证码错误或已过期', en: 'The verification code is wrong or has expired' },
  SMS_CODE_EXHAUSTED: {
    status: 401,
    zh: '验证码错误次数过多,请重新获取',
    en: 'Too many wrong attempts; request a new code',
  },
  SMS_UNAVAILABLE: { status: 503, zh: '短信服务暂不可用,请稍后重试', en: 'The SMS service is unavailable; retry later' },
  TOKEN_INVALID: { status: 401, zh: '登录状态无效,请重新登录', en: 'The access token is invalid; sign in again' },
  TOKEN_EXPIRED: { status: 401, zh: '登录已过期,请刷新或重新登录', en: 'The access token has expired; refresh it or sign in again' },
  REFRESH_TOKEN_INVALID: { status: 401, zh: '刷新令牌无效,请重新登录', en: 'The refresh token is invalid; sign in again' },
  REFRESH_TOKEN_REUSED: {
    status: 401,
    zh: '刷新令牌已被使用,为保护账户安全已注销该登录,请重新登录',
    en: 'This refresh token was already used; the session was revoked for safety; sign in again',
  },
  SESSION_REVOKED: { status: 401, zh: '该登录已注销,请重新登录', en: 'This session was signed out; sign in again' },
  CONSENT_REQUIRED: {
    status: 422,
    zh: '处理敏感个人信息前需要您单独同意',
    en: 'Separate consent is required before sensitive personal data is processed',
  },
  ID_NUMBER_INVALID: { status: 422, zh: '身份证号码格式不正确', en: 'The ID card number is not valid' },
  NAME_INVALID: { status: 422, zh: '请输入与身份证一致的姓名', en: 'Enter your name as on your ID card' },
  BANK_CARD_INVALID: { status: 422, zh: '银行卡号格式不正确', en: 'The bank card number is not valid' },
  REAL_NAME_MISMATCH: {
    status: 422,
    zh: '实名信息核验不一致,请检查姓名、身份证号、银行卡号及预留手机号',
    en: 'The real-name details do not match; check name, ID number, bank card and its phone',
  },
  REAL_NAME_CARD_PROBLEM: {
    status: 422,
    zh: '该银行卡状态异常,请更换银行卡',
    en: 'This bank card cannot be used for verification; use another card',
  },
  REAL_NAME_UNAVAILABLE: {
    status: 503,
    zh: '实名核验服务暂不可用,请稍后重试',
    en: 'The real-name verification service is unavailable; retry later',
  },
  REAL_NAME_ALREADY_VERIFIED: { status: 409, zh: '您已完成实名认证', en: 'Your real name is already verified' },
  ID_NUMBER_IN_USE: {
    status: 409,
    zh: '该身份证已绑定其他账户',
    en: 'This ID number is already bound to another account',
  },
  OIDC_STATE_INVALID: {
    status: 400,
    zh: '第三方登录已过期或无效,请重新发起',
    en: 'The third-party login request expired or is invalid; start again',
  },
  OIDC_LOGIN_FAILED: { status: 401, zh: '第三方登录失败,请重试', en: 'Third-party login failed; try again' },
  OIDC_PROVIDER_UNAVAILABLE: {
    status: 503,
    zh: '第三方登录服务暂不可用,请稍后重试',
    en: 'The third-party login provider is unavailable; retry later',
  },
  EXTERNAL_ACCOUNT_LINKED: {
    status: 409,
    zh: '该第三方账号已绑定其他用户',
    en: 'This third-party account is already linked to another user',
  },
  // merchants
  SIGNATURE_INVALID: { status: 401, zh: '请求签名无效', en: 'The request signature is invalid' },
  SIGNATURE_EXPIRED: {
    status: 401,
    zh: '请求时间戳超出允许范围(5 分钟),请校准收银系统时间',
    en: 'The request timestamp is outside the 5-minute window; check the till clock',
  },
  SIGNATURE_REPLAYED: { status: 401, zh: '重复的请求(nonce 已使用)', en: 'This request was already received (nonce reused)' },
  // coupons
  AMOUNT_INVALID: { status: 400, zh: '金额格式错误(最多两位小数)', en: 'The amount is malformed (at most 2 decimal places)' },
  COUPON_CODE_INVALID: { status: 400, zh: '券码格式错误', en: 'The coupon code is malformed' },
  COUPON_TEMPLATE_INVALID: { status: 422, zh: '券模板参数不合法', en: 'The coupon template parameters are invalid' },
  // Invoices (#5). A refused invoice answers 422 with every reason; the messages follow the lottery specification's FAQ (Q1).
  INVOICE_FORMAT_INVALID: { status: 422, zh: '发票号码、日期或金额格式不正确', en: 'The invoice number, date or amount is malformed' },
  INVOICE_SIGNATURE_INVALID: { status: 422, zh: '发票税局签名无效,文件可能被篡改', en: "The tax bureau's signature on the invoice is not valid; the file may have been altered" },
  INVOICE_SIGNATURE_MISSING: { status: 422, zh: '发票文件没有税局签名(未签名或签名已被去除),请上传税务机关下发的原始文件', en: "The invoice file carries no tax bureau signature (never signed, or the signature was removed); upload the original file as issued" },
  INVOICE_SIGNATURE_UNTRUSTED: { status: 422, zh: '发票签名证书不是受信任的税务机关签发的', en: 'The certificate that signed the invoice was not issued by a trusted tax authority' },
  INVOICE_NOT_FOUND: { status: 422, zh: '税务机关查无此票,请核对发票信息(当天开具的发票次日可查)', en: 'The tax authority has no such invoice; check its details (invoices issued today can be checked tomorrow)' },
  INVOICE_VOID: { status: 422, zh: '发票已作废', en: 'The invoice has been voided' },
  INVOICE_RED_FLUSHED: { status: 422, zh: '发票已红冲', en: 'The invoice has been cancelled by a red-letter invoice' },
  INVOICE_ABNORMAL: { status: 422, zh: '发票状态异常(失控或异常凭证)', en: 'The invoice is flagged by the tax authority (out of control or abnormal)' },
  SELLER_NOT_REGISTERED: { status: 422, zh: '销售方不是登记在册的纳税人', en: 'The seller is not a registered taxpayer' },
  INVOICE_AMOUNT_TOO_LOW: { status: 422, zh: '发票金额需≥10元', en: 'The invoice amount must be at least 10 yuan' },
  INVOICE_EXPIRED: { status: 422, zh: '发票已超过有效期(开票后90天内)', en: 'The invoice is too old (it must be issued within the last 90 days)' },
  REAL_NAME_REQUIRED: { status: 422, zh: '请先完成实名认证', en: 'Complete real-name verification first' },
  INVOICE_DUPLICATE: { status: 422, zh: '发票已被登记,不能重复登记', en: 'This invoice has already been registered' },
  INVOICE_FILE_UNSUPPORTED: { status: 415, zh: '不支持的发票文件格式,请上传XML、OFD、PDF或图片', en: 'Unsupported invoice file: upload XML, OFD, PDF or an image' },
  INVOICE_FILE_UNREADABLE: { status: 422, zh: '发票文件无法读取或已损坏', en: 'The invoice file cannot be read or is damaged' },
  INVOICE_FILE_TOO_LARGE: { status: 413, zh: '发票文件过大', en: 'The invoice file is too large' },
  INVOICE_FILE_REJECTED: { status: 422, zh: '发票文件内容异常(压缩内容过大或条目过多),已拒绝', en: 'The invoice file was refused: its compressed content is too large or has too many entries' },
  INVOICE_FILE_NO_INVOICE: { status: 422, zh: '未能从文件中识别出发票信息(二维码或发票数据)', en: 'No invoice could be read from the file (no QR code or invoice data found)' },
  INVOICE_BUYER_COMPANY: {
    status: 422,
    zh: '发票购买方为单位(企业、个体户或其他组织),本活动仅接受购买方为个人的发票',
    en: 'The invoice was issued to a company or other organisation; this campaign accepts only invoices issued to individuals',
  },
  INVOICE_BUYER_MISMATCH: {
    status: 422,
    zh: '发票购买方姓名与您的实名认证姓名不一致,只能登记开给本人的发票',
    en: "The buyer named on the invoice is not your verified real name; you can register only invoices issued to you",
  },
  TAX_QUERY_REFUSED: {
    status: 422,
    zh: '税务机关拒绝了本次查验请求,请核对发票代码、号码、日期、金额或校验码',
    en: 'The tax authority refused this check; verify the invoice code, number, date, amount or check code',
  },
  TAX_QUERY_INVALID: { status: 400, zh: '查验请求不完整或格式不正确', en: 'The check request is incomplete or malformed' },
  TAX_AUTHORITY_UNAVAILABLE: { status: 503, zh: '税务机关查验服务暂不可用,请稍后重试', en: 'The tax authority cannot be reached; try again later' },
  TAX_QUERY_LIMIT_REACHED: { status: 429, zh: '该发票今日查验次数已达上限(每日5次)', en: 'This invoice has been checked 5 times today, the daily limit' },
  TAX_INVOICE_STATE_CONFLICT: { status: 409, zh: '发票不存在或当前状态不允许此操作', en: 'The invoice does not exist or its status does not allow this' },
  TAXPAYER_NOT_FOUND: { status: 404, zh: '纳税人不存在', en: 'The taxpayer does not exist' },
  MERCHANT_NOT_FOUND: { status: 404, zh: '商户不存在', en: 'The merchant does not exist' },
  CHANNEL_NOT_FOUND: { status: 404, zh: '渠道不存在', en: 'The channel does not exist' },
  CHANNEL_NAME_TAKEN: { status: 409, zh: '渠道名称已存在', en: 'A channel with this name already exists' },
  TLOG_RANGE_INVALID: { status: 400, zh: '透明日志的位置或范围无效(超出日志大小或单页上限)', en: 'The log index or range is invalid (beyond the log size or the page limit)' },
  LOTTERY_RULES_INVALID: { status: 400, zh: '抽奖活动规则不合法', en: 'The lottery campaign rules are invalid' },
  LOTTERY_CAMPAIGN_NOT_FOUND: { status: 404, zh: '抽奖活动不存在', en: 'The lottery campaign does not exist' },
  LOTTERY_CAMPAIGN_NOT_ACTIVE: { status: 409, zh: '抽奖活动未开始或已结束', en: 'The lottery campaign has not started or has ended' },
  LOTTERY_NO_CHANCE: { status: 409, zh: '该发票没有可用的抽奖机会', en: 'This invoice has no draw chance left' },
  LOTTERY_POOL_EXHAUSTED: { status: 409, zh: '本活动的即开奖池已抽完', en: "This campaign's instant-win pool is used up" },
  LOTTERY_ENTRY_NOT_FOUND: { status: 404, zh: '该开奖的参与名单中没有此条目', en: 'This entry is not in the draw' },
  LOTTERY_DRAW_NOT_FOUND: { status: 404, zh: '开奖记录不存在', en: 'The draw does not exist' },
  // Prizes and payouts (#6). Besides answers, these are the reasons a prize shows in `last_error`.
  NO_PAYOUT_ACCOUNT: { status: 422, zh: '未找到实名认证的收款银行卡,无法发放现金奖', en: 'There is no verified bank card to pay the cash prize to' },
  PAYOUT_UNAVAILABLE: { status: 503, zh: '银行代付服务暂不可用,请稍后重试', en: "The bank's payout service is unavailable; retry later" },
  // Notifications
  NOTIFICATION_NOT_FOUND: { status: 404, zh: '消息不存在', en: 'The message does not exist' },
  COUPON_TEMPLATE_NOT_FOUND: { status: 404, zh: '券模板不存在', en: 'The coupon template does not exist' },
  COUPON_TEMPLATE_INACTIVE: { status: 409, zh: '该券已停止发放或不在领取期内', en: 'This coupon is not being issued now' },
  COUPON_OUT_OF_STOCK: { status: 409, zh: '券已领完', en: 'This coupon is out of stock' },
  COUPON_LIMIT_REACHED: { status: 409, zh: '已达到每人领取上限', en: 'You have reached the per-person limit for this coupon' },
  COUPON_DAILY_LIMIT_REACHED: { status: 409, zh: '已达到今日领取上限', en: "You have reached today's limit for this coupon" },
  COUPON_BUDGET_EXHAUSTED: { status: 409, zh: '活动预算已用完', en: 'The budget for this coupon is used up' },
  COUPON_NOT_FOUND: { status: 404, zh: '券不存在', en: 'The coupon does not exist' },
  COUPON_NOT_OWNER: { status: 403, zh: '该券不属于您', en: 'This coupon is not yours' },
  COUPON_NOT_ACTIVATED: { status: 409, zh: '券尚未激活', en: 'The coupon is not activated' },
  COUPON_ALREADY_ACTIVATED: { status: 409, zh: '券已被激活', en: 'The coupon is already activated' },
  COUPON_FROZEN: { status: 409, zh: '券已被冻结', en: 'The coupon is frozen' },
  COUPON_NOT_FROZEN: { status: 409, zh: '券未被冻结', en: 'The coupon is not frozen' },
  COUPON_ALREADY_USED: { status: 409, zh: '券已使用', en: 'The coupon has already been used' },
  COUPON_NOT_USED: { status: 409, zh: '券未使用,无法退款', en: 'The coupon has not been used, so it cannot be refunded' },
  COUPON_EXPIRED: { status: 409, zh: '券已过期', en: 'The coupon has expired' },
  COUPON_NOT_YET_VALID: { status: 409, zh: '券尚未到可用时间', en: 'The coupon is not valid yet' },
  COUPON_REFUNDED: { status: 409, zh: '券已退款', en: 'The coupon has been refunded' },
  COUPON_REVOKED: { status: 409, zh: '该券已被风控收回', en: 'This coupon was revoked after a risk review' },
  COUPON_MERCHANT_NOT_ALLOWED: { status: 409, zh: '该券不能在本商户使用', en: 'This coupon cannot be used at this merchant' },
  COUPON_THRESHOLD_NOT_MET: { status: 422, zh: '订单金额未达到使用门槛', en: "The order amount does not reach the coupon's threshold" },
  COUPON_ORDER_ALREADY_REDEEMED: {
    status: 409,
    zh: '该订单已核销过,同一订单号只能核销一次(见 transaction_id)',
    en: 'This order was already redeemed; an order id is redeemed once (see transaction_id)',
  },
  COUPON_DUPLICATE_IN_ORDER: { status: 422, zh: '同一张券不能重复使用', en: 'The same coupon appears twice in the order' },
  COUPON_NOT_STACKABLE: { status: 422, zh: '这些券不能叠加使用', en: 'These coupons cannot be combined' },
  COUPON_BALANCE_INSUFFICIENT: { status: 409, zh: '礼品卡余额不足', en: 'The gift card balance is insufficient' },
  COUPON_LOCKED: { status: 409, zh: '券已被锁定,正在支付中', en: 'The coupon is held by a payment in progress' },
  LOCK_NOT_FOUND: { status: 404, zh: '锁定记录不存在或已失效', en: 'The lock does not exist or is no longer held' },
  COUPON_ACTIVATION_ATTEMPTS_EXCEEDED: {
    status: 429,
    zh: '激活失败次数过多,请稍后再试',
    en: 'Too many failed coupon activations; try again later',
  },
  COUPON_LOCK_ORDER_MISMATCH: {
    status: 409,
    zh: '确认的订单或金额与锁定时不一致',
    en: 'The order or amount confirmed is not the one the coupon was locked for',
  },
  TRANSACTION_NOT_FOUND: { status: 404, zh: '交易不存在', en: 'The transaction does not exist' },
  REFUND_EXCEEDS_REDEEMED: {
    status: 409,
    zh: '退款金额超过可退金额',
    en: 'The refund is larger than what remains refundable',
  },
  COUPON_CONFLICT: {
    status: 409,
    zh: '券状态已被其他请求改变,请重试',
    en: 'The coupon was changed by another request; retry',
  },
  // Settlement and the ledger
  LEDGER_INSUFFICIENT_FUNDS: { status: 409, zh: '账户余额不足,不能记账', en: 'The account balance is insufficient for this transfer' },
  LEDGER_TRANSFER_INVALID: { status: 422, zh: '记账分录不合法', en: 'The ledger transfer is invalid' },
  LEDGER_TRANSFER_CONFLICT: {
    status: 409,
    zh: '该转账编号已用于另一笔不同的转账',
    en: 'This transfer id was already used for a different transfer',
  },
  LEDGER_PENDING_NOT_FOUND: { status: 404, zh: '待定转账不存在', en: 'The pending transfer does not exist' },
  LEDGER_PENDING_RESOLVED: { status: 409, zh: '待定转账已确认、作废或过期', en: 'The pending transfer was already posted, voided or expired' },
  SETTLEMENT_DATE_INVALID: { status: 400, zh: '结算日期格式应为 YYYY-MM-DD', en: 'The settlement date must be a calendar date, YYYY-MM-DD' },
  SETTLEMENT_RULE_INVALID: { status: 422, zh: '分账规则不合法', en: 'The split rule is invalid' },
  STATEMENT_NOT_FOUND: { status: 404, zh: '结算单不存在', en: 'The statement does not exist' },
  SETTLEMENT_HOLD_NOT_FOUND: { status: 404, zh: '结算冻结记录不存在或已解除', en: 'The settlement hold does not exist or was already released' },
  SETTLEMENT_PARTY_NOT_FOUND: { status: 404, zh: '结算方不存在', en: 'The settlement party does not exist' },
  FUNDING_SOURCE_INVALID: { status: 422, zh: '券的出资方不合法', en: 'The funding source is invalid' },
  GIFT_CARD_ALREADY_SOLD: { status: 409, zh: '该礼品卡的售卡收入已入账', en: "This gift card's sale was already recorded" },
  // Risk control and activities
  RISK_DENIED: { status: 403, zh: '操作存在风险,已被拒绝', en: 'Refused by risk control' },
  ACCOUNT_FROZEN: { status: 403, zh: '账户因风险已被冻结,请等待人工审核', en: 'The account is frozen by risk control pending review' },
  RISK_RULE_NOT_FOUND: { status: 404, zh: '风控规则不存在', en: 'The risk rule does not exist' },
  RISK_RULE_INVALID: { status: 422, zh: '风控规则参数不合法', en: 'The risk rule parameters are invalid' },
  RISK_CASE_NOT_FOUND: { status: 404, zh: '审核工单不存在', en: 'The review case does not exist' },
  RISK_CASE_DECIDED: { status: 409, zh: '审核工单已处理', en: 'The review case was already decided' },
  BLACKLIST_ENTRY_INVALID: { status: 422, zh: '黑名单条目不合法', en: 'The blacklist entry is invalid' },
  BLACKLIST_ENTRY_NOT_FOUND: { status: 404, zh: '黑名单条目不存在', en: 'The blacklist entry does not exist' },
  ACTIVITY_TEMPLATE_INVALID: { status: 422, zh: '活动模板不合法', en: 'The activity template is invalid' },
  ACTIVITY_RULE_INVALID: { status: 422, zh: '活动规则条件不合法', en: 'An activity rule condition is invalid' },
  ACTIVITY_NOT_FOUND: { status: 404, zh: '活动不存在', en: 'The activity does not exist' },
  ACTIVITY_REWARD_UNAVAILABLE: { status: 409, zh: '该奖励无法发放', en: 'This reward cannot be given' },
  // identity: real-name attempt caps, third-party login bound to the browser (issue #16)
  REAL_NAME_ATTEMPTS_EXCEEDED: {
    status: 429,
    zh: '今日实名认证尝试次数已达上限,请明天再试',
    en: 'Too many real-name verification attempts today; try again tomorrow',
  },
  OIDC_BROWSER_MISMATCH: {
    status: 400,
    zh: '第三方登录须在发起登录的同一浏览器中完成,请重新发起',
    en: 'Finish the third-party login in the browser that started it; start again',
  },
  OIDC_LINK_SESSION_REQUIRED: {
    status: 403,
    zh: '绑定第三方账号须由发起绑定的已登录用户完成',
    en: 'Only the signed-in user who started linking can finish it',
  },
  RATE_LIMITED: { status: 429, zh: '请求过于频繁,请稍后再试', en: 'Too many requests; slow down and retry later' },
  INTERNAL: { status: 500, zh: '服务器内部错误,请稍后重试', en: 'Internal server error; please retry later' },
  KEY_STORE_UNAVAILABLE: { status: 503, zh: '密钥服务(硬件安全模块)暂不可用,请稍后重试', en: 'The key store (hardware security module) is unavailable; retry later' },
  SERVICE_UNAVAILABLE: { status: 503, zh: '服务暂不可用,请稍后重试', en: 'The service is temporarily unavailable' },
  DATABASE_CONNECTION_LOST: {
    status: 503,
    zh: '与数据库的连接中断,操作可能已生效也可能未生效;请使用相同的幂等键重试',
    en: 'The connection to the database was lost, so the operation may or may not have been applied; retry with the same Idempotency-Key',
  },
  // Invoice uploads (#16): what is refused before or instead of reading a file.
  INVOICE_FILE_TOO_COMPLEX: {
    status: 422,
    zh: '发票文件过于复杂(像素、元素、页数过多或处理超时),请上传原始发票文件或压缩后的图片',
    en: 'The invoice file is too complex to read (too many pixels, elements or pages, or it took too long); upload the original invoice file or a smaller image',
  },
  INVOICE_UPLOAD_QUOTA_EXCEEDED: { status: 429, zh: '上传发票文件过于频繁,请稍后再试', en: 'You have uploaded too many invoice files; try again later' },
  FILE_PROCESSING_BUSY: { status: 503, zh: '文件处理繁忙,请稍后重试', en: 'Too many files are being read right now; try again shortly' },
} as const satisfies Record<string, ErrorDefinition>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}
