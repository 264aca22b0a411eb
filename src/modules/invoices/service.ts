import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { ERROR_CODES } from '../../platform/errors/error-codes.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { Language } from '../../platform/errors/language.js';
import type { IdGenerator } from '../../platform/ids/snowflake.js';
import { formatMoney } from '../../platform/money/money.js';
import type { Outbox } from '../../platform/outbox/outbox.js';
import { addCalendarDays, businessDate, type Clock } from '../../platform/time/clock.js';
import { DEFAULT_POLICY, eligibilityReasons, type EligibilityPolicy, type ReasonCode } from './domain/eligibility.js';
import { DEFAULT_SIGNAL_POLICY, fraudSignals, type FraudSignal } from './domain/fraud-signals.js';
import { normalizeInvoiceNumber, parseDigitalInvoiceNumber } from './domain/invoice-number.js';
import type { Extraction, InvoiceFields } from './extraction.js';
import { InvoiceRepo } from './repo.js';
import { TaxAuthorityUnavailableError, TaxQueryLimitError, TaxQueryRefusedError, type TaxAuthority, type TaxStatusAnswer } from './tax-authority/port.js';
import { classifyBuyer } from './domain/buyer.js';
import { checkInvoiceSignature, type SignatureCheck, type SignatureTrust } from './xml/bureau-signature.js';
import { ALLOW_ALL, type RiskGate } from '../../platform/risk/risk-gate.js';
import type { FileStore } from '../../platform/files/file-store.js';

/** What the invoices module needs to know about a user, asked of the identity module. */
export interface BuyerCheck {
  isRealNameVerified(userId: string): Promise<boolean>;
  /** The verified real name in clear, null unless verified (compared with the invoice's buyer, never stored). */
  verifiedNameOf(userId: string): Promise<string | null>;
}

/** Judges the bureau's signature over an invoice XML (in the file-reading pool, in production). */
export type SignatureVerifier = (xml: Uint8Array, trust: SignatureTrust) => Promise<SignatureCheck>;

/** The tax bureau CA certificates (DER) the bureau layout's signing certificates must be issued by. */
export type TrustAnchorSource = () => Promise<readonly Uint8Array[]>;

export interface Submission {
  readonly userId: string;
  readonly extraction: Extraction;
  readonly requestId: string;
  readonly language: Language;
  /** The uploaded file the fields were read from; kept in the file store only if the invoice is accepted. */
  readonly file?: Uint8Array;
}

/**
 * Invoice intake: the fields (typed, or read from a file), the tax authority's answer, the bureau's signature,
 * the buyer's real-name status and the register of accepted invoices decide together whether an invoice counts.
 * Every failing rule is reported. An accepted invoice is recorded once across all users and emits
 * `invoice.accepted` in the same transaction; a refused one is kept with its reasons for "my invoices".
 */
/** Where the amount floor and age limit in force come from (the lottery's running campaigns). */
export interface IntakePolicySource {
  current(now: Date): Promise<EligibilityPolicy>;
}

export class InvoiceService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly repo: InvoiceRepo,
    private readonly authority: TaxAuthority,
    private readonly buyers: BuyerCheck,
    private readonly outbox: Outbox,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    /** The campaigns' terms in force: an invoice is accepted if at least one running campaign could count it. */
    private readonly policies: IntakePolicySource = { current: async () => DEFAULT_POLICY },
    private readonly riskGate: () => RiskGate = () => ALLOW_ALL,
    private readonly files?: FileStore,
    private readonly verifySignature: SignatureVerifier = async (xml, trust) => checkInvoiceSignature(xml, trust),
    private readonly trustAnchors: TrustAnchorSource = async () => [],
  ) {}

  /** The cheap check before any byte of an uploaded file is read: only real-name users' invoices can count. */
  async assertMayUpload(userId: string): Promise<void> {
    if (!(await this.buyers.isRealNameVerified(userId))) throw new AppError('REAL_NAME_REQUIRED');
  }

  async submit({ userId, extraction, requestId, language, file }: Submission) {
    const { fields } = extraction;
    if (!extraction.ok) {
      await this.reject(userId, fields, ['INVOICE_FORMAT_INVALID'], {}, requestId);
      throw refusal(['INVOICE_FORMAT_INVALID'], language, language === 'en' ? extraction.problem.en : extraction.problem.zh);
    }
    const policy = await this.policies.current(this.clock.now());
    let answer: TaxStatusAnswer;
    try {
      answer = await this.askAuthority(fields);
    } catch (error) {
      // The authority answered and refused this query (not an outage): the user learns its reason, and the refusal is
      // in their invoice history like any other.
      if (!(error instanceof TaxQueryRefusedError)) throw error;
      await this.reject(userId, fields, ['TAX_QUERY_REFUSED'], extraction.sources, requestId);
      const reason = authorityReason(error, language);
      throw new AppError('TAX_QUERY_REFUSED', { reasons: [{ code: 'TAX_QUERY_REFUSED', message: reason }] }, { zh: reason, en: reason });
    }
    const signature = extraction.signedXml ? (await this.signatureOf(extraction.signedXml)).verdict : 'absent';
    const identity = InvoiceRepo.identityOf(fields);
    const realNameVerified = await this.buyers.isRealNameVerified(userId);
    // Whose invoice it is: the authority's register first (what it says is what was issued), else what the file says.
    const buyer = { name: answer.buyerName ?? fields.buyerName, taxId: answer.buyerTaxId ?? fields.buyerTaxId };
    /*
     * The buyer rule runs here, at registration, against the campaigns running now (the policy: a company's
     * invoice passes if at least one running campaign has eligibility.buyer ANY; the lottery then grants chances
     * only in those campaigns, from `buyer_company` on invoice.accepted). A named person must be the user: that
     * holds whatever the campaigns say, so someone else's invoice is never registered, even for a later campaign.
     */
    const reasons = eligibilityReasons(
      {
        signature,
        taxStatus: legacyAmountDiffers(fields, answer) ? 'NOT_FOUND' : answer.status,
        sellerRegistered: answer.sellerRegistered,
        amountFen: answer.status === 'PARTIALLY_RED_FLUSHED' && answer.remainingAmountFen !== undefined ? answer.remainingAmountFen : fields.amountFen,
        issueDate: fields.issueDate,
        today: businessDate(this.clock.now()),
        buyerRealNameVerified: realNameVerified,
        buyer,
        verifiedName: realNameVerified ? await this.buyers.verifiedNameOf(userId) : null,
        alreadyRegistered: await this.repo.isRegistered(this.db, identity),
      },
      policy,
    );
    // Where the file said nothing of the seller, the authority's register does.
    const known: InvoiceFields = {
      ...fields,
      sellerTaxId: fields.sellerTaxId ?? answer.sellerTaxId,
      sellerName: fields.sellerName ?? answer.sellerName,
      ...(buyer.name ? { buyerName: buyer.name } : {}),
      ...(buyer.taxId ? { buyerTaxId: buyer.taxId } : {}),
    };
    if (reasons.length > 0) {
      await this.reject(userId, known, reasons, extraction.sources, requestId);
      throw refusal(reasons, language, undefined, policy);
    }
    const invoiceId = this.ids.next();
    const signals = await this.signalsFor(userId, known, answer, policy);
    // Flagged invoices that risk control will review wait for it before they count in the lottery.
    const underReview = signals.length > 0 && (await this.riskGate().assessInvoice({ userId, invoiceSignals: signals.map((s) => s.code) })) === 'REVIEW';
    // Stored before the row that names it, so an accepted invoice never points at a missing file; taken back below if
    // the invoice is not recorded after all.
    const stored = file && this.files ? await this.files.put(file) : undefined;
    let accepted = false;
    try {
      accepted = await this.recordAccepted({ invoiceId, userId, known, signals, underReview, sources: extraction.sources, requestId, fileSha256: stored?.sha256 });
    } finally {
      if (!accepted && stored) await this.forgetFile(stored.sha256);
    }
    if (!accepted) {
      // Another submission of the same invoice was accepted between our check and our insert.
      await this.reject(userId, known, ['INVOICE_DUPLICATE'], extraction.sources, requestId);
      throw refusal(['INVOICE_DUPLICATE'], language);
    }
    return {
      invoice_id: invoiceId,
      status: 'ACCEPTED' as const,
      kind: known.kind,
      invoice_number: known.number,
      issue_date: known.issueDate,
      total_amount: formatMoney(known.amountFen),
      seller_name: known.sellerName ?? null,
      sources: extraction.sources,
    };
  }

  /** The accepted invoice, its signals and `invoice.accepted` in one transaction; false when another submission won. */
  private async recordAccepted(accepted: {
    invoiceId: string;
    userId: string;
    known: InvoiceFields;
    signals: readonly FraudSignal[];
    underReview: boolean;
    sources: Readonly<Record<string, string>>;
    requestId: string;
    fileSha256: string | undefined;
  }): Promise<boolean> {
    const { invoiceId, userId, known, signals, underReview, sources, requestId, fileSha256 } = accepted;
    return this.db.transaction().execute(async (trx) => {
      const won = await this.repo.insertAccepted(trx, { invoiceId, userId, fields: known, reasons: [], sources, requestId, fileSha256 });
      if (!won) return false;
      await this.repo.insertSignals(trx, invoiceId, signals);
      await this.outbox.publish(trx, {
        topic: 'invoice.accepted',
        aggregateId: invoiceId,
        payload: {
          invoice_id: invoiceId,
          user_id: userId,
          kind: known.kind,
          invoice_number: known.number,
          issue_date: known.issueDate,
          total_amount: formatMoney(known.amountFen),
          seller_tax_id: known.sellerTaxId ?? null,
          ...(known.code ? { invoice_code: known.code } : {}),
          // Issued to a company: counts only in campaigns whose eligibility.buyer is ANY.
          buyer_company: classifyBuyer({ name: known.buyerName, taxId: known.buyerTaxId }).kind === 'COMPANY',
          fraud_signals: signals,
          risk_review: underReview,
        },
        requestId,
      });
      return true;
    });
  }

  /** Removes a stored file no invoice names (the same bytes may belong to an invoice accepted from another upload). */
  private async forgetFile(sha256: string): Promise<void> {
    if (!this.files || (await this.repo.isFileReferenced(this.db, sha256))) return;
    await this.files.delete(sha256);
  }

  /** The form's live check: format, and whether the number is already registered (never by whom). */
  async checkNumber(input: string) {
    const number = normalizeInvoiceNumber(input);
    const parsed = parseDigitalInvoiceNumber(number, businessDate(this.clock.now()));
    if (!parsed.ok) return { number, valid: false, problem: parsed.problem, message: parsed.message_zh, message_en: parsed.message_en, registered: false };
    const registered = await this.repo.isRegistered(this.db, InvoiceRepo.identityOf({ kind: 'DIGITAL', number }));
    return { number, valid: true, year: parsed.year, region_code: parsed.regionCode, region_name: parsed.regionName, registered };
  }

  async listMine(userId: string, language: Language) {
    const rows = await this.repo.ofUser(this.db, userId, 200);
    return rows.map((r) => ({
      invoice_id: r.invoice_id,
      kind: r.kind,
      invoice_number: r.invoice_number,
      invoice_code: r.invoice_code || null,
      issue_date: r.issue_date,
      total_amount: r.total_amount_fen === null ? null : formatMoney(BigInt(r.total_amount_fen)),
      seller_name: r.seller_name,
      status: r.status,
      reasons: describe(r.reasons as ReasonCode[], language),
      entry: r.entry,
      submitted_at: r.created_at.toISOString(),
    }));
  }

  /** The patterns the risk module reviews (domain/fraud-signals.ts), against the seller's last 30 days. */
  private async signalsFor(userId: string, fields: InvoiceFields, answer: TaxStatusAnswer, policy: EligibilityPolicy): Promise<FraudSignal[]> {
    const recent = fields.sellerTaxId ? await this.repo.recentFromSeller(this.db, fields.sellerTaxId, userId, addCalendarDays(fields.issueDate, -30)) : [];
    return fraudSignals(
      { number: fields.number, issueDate: fields.issueDate, amountFen: fields.amountFen, sellerTaxId: fields.sellerTaxId, sellerName: fields.sellerName, buyerTaxId: answer.buyerTaxId, buyerName: fields.buyerName ?? answer.buyerName },
      recent,
      { ...DEFAULT_SIGNAL_POLICY, floorFen: policy.minAmountFen },
    );
  }

  private async askAuthority(fields: InvoiceFields): Promise<TaxStatusAnswer> {
    try {
      return await this.authority.queryStatus({
        number: fields.number,
        issueDate: fields.issueDate,
        totalAmountFen: fields.amountFen,
        ...(fields.code ? { code: fields.code } : {}),
        ...(fields.checkCode ? { checkCode: fields.checkCode } : {}),
      });
    } catch (error) {
      if (error instanceof TaxQueryLimitError) throw new AppError('TAX_QUERY_LIMIT_REACHED');
      if (error instanceof TaxAuthorityUnavailableError) throw new AppError('TAX_AUTHORITY_UNAVAILABLE');
      throw error;
    }
  }

  /**
   * The file's signature: the bureau's layout against the trust anchors, the sandbox's own against the authority's
   * key (asked only for that layout, so a real bureau file does not depend on it).
   */
  private async signatureOf(xml: Buffer): Promise<SignatureCheck> {
    let sandboxPublicKeyHex: string | undefined;
    try {
      const anchors = await this.trustAnchors();
      if (!xml.includes('<Reference')) sandboxPublicKeyHex = await this.authority.signingPublicKey();
      return await this.verifySignature(xml, { anchors, ...(sandboxPublicKeyHex === undefined ? {} : { sandboxPublicKeyHex }) });
    } catch (error) {
      if (error instanceof TaxAuthorityUnavailableError) throw new AppError('TAX_AUTHORITY_UNAVAILABLE');
      throw error;
    }
  }

  private async reject(userId: string, fields: InvoiceFields, reasons: readonly ReasonCode[], sources: Readonly<Record<string, string>>, requestId: string): Promise<void> {
    await this.repo.insertRejected(this.db, { invoiceId: this.ids.next(), userId, fields, reasons, sources, requestId });
  }
}

/**
 * A legacy 普票 is checked by its 校验码, not its amount: the authority's answer then says the amount, and an amount
 * typed wrong is 不一致 (as NOT_FOUND), never a larger invoice than was issued.
 */
function legacyAmountDiffers(fields: InvoiceFields, answer: TaxStatusAnswer): boolean {
  return fields.kind === 'LEGACY' && answer.status !== 'NOT_FOUND' && answer.totalAmountFen !== undefined && answer.totalAmountFen !== fields.amountFen;
}

function authorityReason(error: TaxQueryRefusedError, language: Language): string {
  const base = language === 'en' ? ERROR_CODES.TAX_QUERY_REFUSED.en : ERROR_CODES.TAX_QUERY_REFUSED.zh;
  return language === 'en' ? `${base} (the authority said: ${error.reason})` : `${base}(税务机关答复:${error.reason})`;
}

function describe(reasons: readonly ReasonCode[], language: Language): { code: ReasonCode; message: string }[] {
  return reasons.map((code) => ({ code, message: language === 'en' ? ERROR_CODES[code].en : ERROR_CODES[code].zh }));
}

/**
 * 422 with the first reason as the error and every reason listed, in the caller's language. The floor and the
 * age limit are the campaigns' terms in force, so those messages name the actual figures.
 */
function refusal(reasons: readonly ReasonCode[], language: Language, detail?: string, policy?: EligibilityPolicy): AppError {
  const listed = describe(reasons, language).map((reason) => ({ ...reason, message: policy ? withTerms(reason.code, language, policy) ?? reason.message : reason.message }));
  if (detail) listed[0] = { code: reasons[0]!, message: detail };
  return new AppError(reasons[0]!, { reasons: listed }, policy ? { zh: listed[0]!.message, en: listed[0]!.message } : undefined);
}

function withTerms(code: ReasonCode, language: Language, policy: EligibilityPolicy): string | undefined {
  const yuan = formatMoney(policy.minAmountFen).replace(/\.00$/, '');
  if (code === 'INVOICE_AMOUNT_TOO_LOW') return language === 'en' ? `The invoice amount must be at least ${yuan} yuan` : `发票金额需≥${yuan}元`;
  if (code === 'INVOICE_EXPIRED') {
    return language === 'en' ? `The invoice is too old (it must be issued within the last ${policy.maxAgeDays} days)` : `发票已超过有效期(开票后${policy.maxAgeDays}天内)`;
  }
  return undefined;
}
