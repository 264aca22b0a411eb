import { randomBytes } from 'node:crypto';
import { TextDecoder } from 'node:util';
import { XMLParser, type EntityDecoderOptions } from 'fast-xml-parser';
import smCrypto, { type KeyPairHex, type KeyPairPoint } from 'sm-crypto';
import { formatMoney, MoneyFormatError, parseMoney } from '../../../platform/money/money.js';
import { ItemAmountFormatError, parseItemAmount } from './item-amount.js';

/**
 * 数电 (fully digital) e-invoice XML: rendering with a tax-bureau style SM2 signature, parsing, and verification
 * (reference/einvoice-and-identity-formats.md §1.3).
 *
 * Layout we write (one line inside the signed part, see below):
 *
 *   <?xml version="1.0" encoding="UTF-8"?>
 *   <EInvoice><Header><EIid>…</EIid><EInvoiceTag>SWEI4300</EInvoiceTag><Version>0.32</Version></Header>
 *   <EInvoiceData><SellerInformation><SellerIdNum/><SellerName/></SellerInformation>
 *   <BuyerInformation>[<BuyerIdNum/>]<BuyerName/></BuyerInformation>
 *   <BasicInformation><TotalAmWithoutTax/><TotalTaxAm/><TotalTax-includedAmount/></BasicInformation>
 *   <IssuItemInformation><ItemName/><Quantity/><UnPrice/><Amount/><TaxRate/><ComTaxAm/></IssuItemInformation>…
 *   [<AdditionalInformation><Remark/></AdditionalInformation>]</EInvoiceData>
 *   <TaxSupervisionInfo><InvoiceNumber/><IssueTime/><TaxBureauCode/><TaxBureauName/></TaxSupervisionInfo>
 *   <TaxBureauSignature><SignatureAlgorithm>1.2.156.10197.1.501</SignatureAlgorithm>
 *   <SignatureFormat>DETACH</SignatureFormat><SignatureTime/><SignatureValue/></TaxBureauSignature></EInvoice>
 *
 * SIGNED CONTENT. The signature covers the exact UTF-8 bytes of the document from the `<` that opens the root start
 * tag `<EInvoice` up to, not including, the `<` of `<TaxBureauSignature>`; that is the root start tag and every byte of
 * Header, EInvoiceData and TaxSupervisionInfo (and whatever whitespace, comments or extra elements lie between them).
 * No canonicalisation: a changed byte anywhere in that range, re-indentation or line-ending conversion included,
 * invalidates the signature. Outside the range are only the UTF-8 BOM, the XML declaration, whitespace, the
 * TaxBureauSignature element itself and the closing `</EInvoice>`; the verifier accepts nothing else there (no
 * comments, DOCTYPE or elements after the signature), so everything parseEInvoiceXml returns comes from signed bytes.
 * SignatureTime is informational and, like the rest of the signature element, not covered.
 * The renderer escapes CR and LF inside values as `&#13;`/`&#10;` and writes no raw line breaks in the signed range,
 * so a file whose line endings get converted still verifies as long as the signed range is untouched.
 *
 * SIGNATURE. SM2 with SM3 (GB/T 32918 / GM/T 0003, OID 1.2.156.10197.1.501): e = SM3(Z_A ‖ M) with the default user id
 * `1234567812345678`, computed by sm-crypto `sm2.doSignature(bytes, privateKey, { hash: true })`. The message is passed
 * to sm-crypto as a byte array, never as a JS string, so the bytes signed are exactly the bytes in the file.
 * SignatureValue is the raw r ‖ s, each 32 bytes big-endian, as 128 lowercase hex characters (not DER, not base64).
 * The verifier insists on exactly that form, so the value has a single textual encoding.
 */

export interface EInvoiceItem {
  readonly name: string;
  readonly quantity: string;
  readonly unitPrice: string;
  readonly amountFen: bigint;
  readonly taxRate: string;
  readonly taxFen: bigint;
}

export interface EInvoiceData {
  readonly number: string; // 20 digits
  readonly issueTime: string; // 'YYYY-MM-DDTHH:mm:ss+08:00'
  readonly taxBureauCode: string; // e.g. '14300000000'
  readonly taxBureauName: string;
  readonly seller: { readonly taxId: string; readonly name: string };
  readonly buyer: { readonly taxId?: string; readonly name: string };
  readonly totalWithoutTaxFen: bigint;
  readonly totalTaxFen: bigint;
  readonly totalWithTaxFen: bigint;
  readonly items: readonly EInvoiceItem[];
  readonly remark?: string;
}

/** A line item as read from a file: amounts exactly, in millionths of a yuan (items carry up to 6 decimals). */
export interface EInvoiceReadItem {
  readonly name: string;
  readonly quantity: string;
  readonly unitPrice: string;
  /** 10^-6 yuan (see item-amount.ts). */
  readonly amount: bigint;
  readonly taxRate: string;
  /** 10^-6 yuan. */
  readonly tax: bigint;
}

/**
 * What parseEInvoiceXml reads: the rendered fields, except that the issue time may be a date only (some issuers
 * write `<IssueTime>2026-07-18</IssueTime>`) and items keep their exact 6-decimal amounts.
 */
export interface EInvoiceReadData extends Omit<EInvoiceData, 'issueTime' | 'items'> {
  /** 'YYYY-MM-DD' (Beijing). */
  readonly issueDate: string;
  /** 'YYYY-MM-DDTHH:mm:ss+08:00' when the file gives the time of day. */
  readonly issueTime?: string;
  readonly items: readonly EInvoiceReadItem[];
}

/** Malformed XML, missing or malformed fields, not an EInvoice, or invoice data that cannot be rendered. */
export class EInvoiceXmlError extends Error {
  override name = 'EInvoiceXmlError';
}

const { sm2 } = smCrypto;

const SIGNATURE_ALGORITHM = '1.2.156.10197.1.501';
const SIGNATURE_FORMAT = 'DETACH';
const FORMAT_VERSION = '0.32';

/** Order n of the SM2 curve's base point. A private key d must satisfy 1 ≤ d ≤ n − 2. */
const SM2_N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;

// ---------------------------------------------------------------------------------------------------------------
// Rendering

/**
 * Renders the invoice as 数电 XML and signs it (SM2 with SM3, sm-crypto; signature over the signed content defined
 * at the top of this file). Throws EInvoiceXmlError when the data cannot be represented (see validateData) and
 * when the private key is not 64 hex digits in the valid range.
 */
export function renderSignedEInvoiceXml(
  data: EInvoiceData,
  signer: { readonly privateKeyHex: string; readonly signedAt: Date },
): string {
  validateData(data);
  const privateKey = checkPrivateKey(signer.privateKeyHex);
  if (!(signer.signedAt instanceof Date) || Number.isNaN(signer.signedAt.getTime())) {
    throw new EInvoiceXmlError('signer.signedAt must be a valid Date');
  }
  const signed = renderSignedContent(data);
  const signatureValue = sign(Buffer.from(signed, 'utf8'), privateKey);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    signed +
    '<TaxBureauSignature>' +
    leaf('SignatureAlgorithm', SIGNATURE_ALGORITHM) +
    leaf('SignatureFormat', SIGNATURE_FORMAT) +
    leaf('SignatureTime', chinaTime(signer.signedAt)) +
    leaf('SignatureValue', signatureValue) +
    '</TaxBureauSignature></EInvoice>\n'
  );
}

/** `<EInvoice>` … `</TaxSupervisionInfo>`: exactly the signed range. */
function renderSignedContent(data: EInvoiceData): string {
  const parts = renderInvoiceParts(data);
  return `<EInvoice>${parts.header}${parts.body}${parts.supervision}`;
}

/**
 * The three elements an invoice's fields live in, as rendered (Header, EInvoiceData, TaxSupervisionInfo), for the
 * layouts built around them (this file's, and the bureau's in bureau-signature.ts). Validates the data first.
 */
export function renderInvoiceParts(data: EInvoiceData): { header: string; body: string; supervision: string } {
  validateData(data);
  const items = data.items
    .map(
      (item) =>
        '<IssuItemInformation>' +
        leaf('ItemName', item.name) +
        leaf('Quantity', item.quantity) +
        leaf('UnPrice', item.unitPrice) +
        leaf('Amount', formatMoney(item.amountFen)) +
        leaf('TaxRate', item.taxRate) +
        leaf('ComTaxAm', formatMoney(item.taxFen)) +
        '</IssuItemInformation>',
    )
    .join('');
  return {
    header:
    '<Header>' +
    leaf('EIid', data.number) +
    // The tag repeats the number's province (digits 3–4), e.g. SWEI3200 for 江苏.
    leaf('EInvoiceTag', `SWEI${data.number.slice(2, 4)}00`) +
    leaf('Version', FORMAT_VERSION) +
    '</Header>',
    body:
    '<EInvoiceData>' +
    '<SellerInformation>' +
    leaf('SellerIdNum', data.seller.taxId) +
    leaf('SellerName', data.seller.name) +
    '</SellerInformation>' +
    '<BuyerInformation>' +
    (data.buyer.taxId === undefined ? '' : leaf('BuyerIdNum', data.buyer.taxId)) +
    leaf('BuyerName', data.buyer.name) +
    '</BuyerInformation>' +
    '<BasicInformation>' +
    leaf('TotalAmWithoutTax', formatMoney(data.totalWithoutTaxFen)) +
    leaf('TotalTaxAm', formatMoney(data.totalTaxFen)) +
    leaf('TotalTax-includedAmount', formatMoney(data.totalWithTaxFen)) +
    '</BasicInformation>' +
    items +
    (data.remark === undefined ? '' : `<AdditionalInformation>${leaf('Remark', data.remark)}</AdditionalInformation>`) +
    '</EInvoiceData>',
    supervision:
    '<TaxSupervisionInfo>' +
    leaf('InvoiceNumber', data.number) +
    leaf('IssueTime', data.issueTime) +
    leaf('TaxBureauCode', data.taxBureauCode) +
    leaf('TaxBureauName', data.taxBureauName) +
    '</TaxSupervisionInfo>',
  };
}

export function leaf(name: string, value: string): string {
  return `<${name}>${escapeText(value)}</${name}>`;
}

const TEXT_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '\r': '&#13;',
  '\n': '&#10;',
};

function escapeText(value: string): string {
  return value.replace(/[&<>\r\n]/g, (c) => TEXT_ESCAPES[c] ?? c);
}

/** Characters XML 1.0 cannot carry at all (C0 controls other than TAB/LF/CR, U+FFFE/U+FFFF, lone surrogates). */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
/** Whitespace XML treats as insignificant at the edges of a value; the parser trims it. */
const XML_SPACE_EDGE = /^[ \t\r\n]|[ \t\r\n]$/;
const DECIMAL = /^-?\d+(?:\.\d+)?$/;

/**
 * Everything render writes must come back unchanged from parse, so the data is held to the parser's rules: 20-digit
 * number, issue time 'YYYY-MM-DDTHH:mm:ss+08:00', a non-empty name for seller, buyer and every item, at least one
 * item, quantities and unit prices as plain decimals (or empty), amounts that fit in parseMoney's range, and text
 * without leading/trailing whitespace (parse trims it) or characters XML cannot carry. Amounts may be negative
 * (红字发票). Totals are not checked against the items: that is a business rule, not a format rule.
 */
function validateData(data: EInvoiceData): void {
  if (typeof data !== 'object' || data === null) throw new EInvoiceXmlError('invoice data must be an object');
  if (typeof data.number !== 'string' || !/^\d{20}$/.test(data.number)) {
    throw new EInvoiceXmlError('number must be 20 digits');
  }
  if (typeof data.issueTime !== 'string' || normalizeIssueTime(data.issueTime, false) === undefined) {
    throw new EInvoiceXmlError(`issueTime must be a valid 'YYYY-MM-DDTHH:mm:ss+08:00', got ${JSON.stringify(data.issueTime)}`);
  }
  checkText('taxBureauCode', data.taxBureauCode, true);
  checkText('taxBureauName', data.taxBureauName, true);
  if (typeof data.seller !== 'object' || data.seller === null) throw new EInvoiceXmlError('seller is required');
  checkText('seller.taxId', data.seller.taxId, true);
  checkText('seller.name', data.seller.name, true);
  if (typeof data.buyer !== 'object' || data.buyer === null) throw new EInvoiceXmlError('buyer is required');
  if (data.buyer.taxId !== undefined) checkText('buyer.taxId', data.buyer.taxId, true);
  checkText('buyer.name', data.buyer.name, true);
  checkAmount('totalWithoutTaxFen', data.totalWithoutTaxFen);
  checkAmount('totalTaxFen', data.totalTaxFen);
  checkAmount('totalWithTaxFen', data.totalWithTaxFen);
  if (!Array.isArray(data.items) || data.items.length === 0) throw new EInvoiceXmlError('at least one item is required');
  data.items.forEach((item: EInvoiceItem, i) => {
    checkText(`items[${i}].name`, item.name, true);
    checkText(`items[${i}].quantity`, item.quantity, false);
    if (item.quantity !== '' && !DECIMAL.test(item.quantity)) {
      throw new EInvoiceXmlError(`items[${i}].quantity must be a decimal number or empty`);
    }
    checkText(`items[${i}].unitPrice`, item.unitPrice, false);
    if (item.unitPrice !== '' && !DECIMAL.test(item.unitPrice)) {
      throw new EInvoiceXmlError(`items[${i}].unitPrice must be a decimal number or empty`);
    }
    checkText(`items[${i}].taxRate`, item.taxRate, false);
    checkAmount(`items[${i}].amountFen`, item.amountFen);
    checkAmount(`items[${i}].taxFen`, item.taxFen);
  });
  if (data.remark !== undefined) checkText('remark', data.remark, true);
}

function checkText(field: string, value: unknown, required: boolean): void {
  if (typeof value !== 'string') throw new EInvoiceXmlError(`${field} must be a string`);
  if (required && value === '') throw new EInvoiceXmlError(`${field} must not be empty`);
  if (NOT_XML_CHAR.test(value)) throw new EInvoiceXmlError(`${field} contains a character XML cannot represent`);
  if (XML_SPACE_EDGE.test(value)) throw new EInvoiceXmlError(`${field} must not start or end with whitespace`);
}

function checkAmount(field: string, value: unknown): void {
  if (typeof value !== 'bigint') throw new EInvoiceXmlError(`${field} must be a bigint number of fen`);
  try {
    parseMoney(formatMoney(value), { allowNegative: true });
  } catch (error) {
    throw new EInvoiceXmlError(`${field} is out of range`, { cause: error });
  }
}

/** The instant as 'YYYY-MM-DDTHH:mm:ss+08:00' (Asia/Shanghai has no daylight saving); milliseconds are dropped. */
export function chinaTime(at: Date): string {
  return `${new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
}

const ISSUE_TIME = /^(\d{4})-(\d{2})-(\d{2})([T ])(\d{2}):(\d{2}):(\d{2})(\+08:00)?$/;

/**
 * 'YYYY-MM-DDTHH:mm:ss+08:00' for a valid calendar time, else undefined. With `lenient` also 'YYYY-MM-DD HH:mm:ss'
 * and 'YYYY-MM-DDTHH:mm:ss' (Beijing time without an offset, as some issuers write it).
 */
export function normalizeIssueTime(text: string, lenient: boolean): string | undefined {
  const m = ISSUE_TIME.exec(text);
  if (!m) return undefined;
  const [, y = '', mo = '', d = '', sep, h = '', mi = '', s = '', offset] = m;
  if (!lenient && (sep !== 'T' || offset === undefined)) return undefined;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  if (
    date.getUTCFullYear() !== Number(y) ||
    date.getUTCMonth() !== Number(mo) - 1 ||
    date.getUTCDate() !== Number(d) ||
    date.getUTCHours() !== Number(h) ||
    date.getUTCMinutes() !== Number(mi) ||
    date.getUTCSeconds() !== Number(s)
  ) {
    return undefined;
  }
  return `${y}-${mo}-${d}T${h}:${mi}:${s}+08:00`;
}

// ---------------------------------------------------------------------------------------------------------------
// SM2 (sm-crypto)

export function checkPrivateKey(privateKeyHex: unknown): string {
  if (typeof privateKeyHex !== 'string' || !/^[0-9a-fA-F]{64}$/.test(privateKeyHex)) {
    throw new EInvoiceXmlError('signer.privateKeyHex must be 64 hex digits');
  }
  const d = BigInt(`0x${privateKeyHex}`);
  // sm-crypto parses hex leniently and would sign with any value; SM2 needs 1 ≤ d ≤ n − 2 (1 + d invertible).
  if (d < 1n || d > SM2_N - 2n) throw new EInvoiceXmlError('signer.privateKeyHex is not a valid SM2 private key');
  return privateKeyHex.toLowerCase();
}

/**
 * sm-crypto's own randomness (keys and the per-signature nonce k) is an RC4 (Arcfour) generator seeded once with
 * 32 bytes from crypto.getRandomValues. RC4 output is measurably biased and biased nonces leak ECDSA-style keys,
 * so keys and nonces are drawn from node:crypto here: generateKeyPairHex(hex, 16) reduces our 320 random bits mod
 * n − 1 (bias 2^-64), and the nonce goes in through doSignature's `pointPool` option.
 */
const generateKeyPairFrom = sm2.generateKeyPairHex as unknown as (randomHex: string, radix: 16) => KeyPairHex;

type JsbnConstructor = new (value: string, radix: number) => unknown;
let jsbnBigInteger: JsbnConstructor | undefined;

/** A nonce point {k, x1 = x(kG)} from node:crypto randomness, in the jsbn BigIntegers sm-crypto computes with. */
function freshNoncePoint(): KeyPairPoint {
  // sm-crypto does not export its jsbn BigInteger class; take it from a point it builds itself.
  jsbnBigInteger ??= (sm2.getPoint().k as unknown as { constructor: JsbnConstructor }).constructor;
  const pair = generateKeyPairFrom(randomBytes(40).toString('hex'), 16);
  return {
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    k: new jsbnBigInteger(pair.privateKey, 16),
    x1: new jsbnBigInteger(pair.publicKey.slice(2, 66), 16),
  } as unknown as KeyPairPoint;
}

/** SM2 with SM3 (default user id) over the bytes: raw r ‖ s, 128 lowercase hex digits. The key must be checked already. */
export function sm2Sign(message: Uint8Array, privateKeyHex: string): string {
  return sign(Buffer.from(message), privateKeyHex);
}

/** Verifies a raw r ‖ s hex signature (SM2 with SM3, default user id) over the bytes; strict about the forms. */
export function sm2Verify(message: Uint8Array, rsHex: string, publicKeyHex: string): boolean {
  if (!/^[0-9a-f]{128}$/.test(rsHex) || !/^04[0-9a-fA-F]{128}$/.test(publicKeyHex)) return false;
  try {
    return sm2.doVerifySignature(Array.from(message), rsHex, publicKeyHex.toLowerCase(), { hash: true });
  } catch {
    return false;
  }
}

function sign(message: Buffer, privateKeyHex: string): string {
  // Two points: doSignature pops another one in the (≈2^-256) case that r = 0 or r + k = n.
  const pointPool = [freshNoncePoint(), freshNoncePoint()];
  const signature = sm2.doSignature(Array.from(message), privateKeyHex, { hash: true, pointPool });
  if (!/^[0-9a-f]{128}$/.test(signature)) throw new Error('sm-crypto returned an unexpected signature');
  return signature;
}

export function generateSigningKeyPair(): { privateKeyHex: string; publicKeyHex: string } {
  const pair = generateKeyPairFrom(randomBytes(40).toString('hex'), 16);
  return { privateKeyHex: pair.privateKey, publicKeyHex: pair.publicKey };
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing

/** XML's five predefined entities and character references; anything else (HTML or DTD entities) is an error. */
const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&([^&;]*)(;?)/g, (match, name: string, semicolon: string) => {
    if (semicolon !== ';') throw new EInvoiceXmlError(`unescaped '&' in ${JSON.stringify(text.slice(0, 40))}`);
    const named = Object.hasOwn(PREDEFINED_ENTITIES, name) ? PREDEFINED_ENTITIES[name] : undefined;
    if (named !== undefined) return named;
    const ref = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(name);
    if (ref) {
      const codePoint = ref[1] !== undefined ? parseInt(ref[1], 16) : Number(ref[2]);
      const char = codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : '';
      if (char !== '' && !NOT_XML_CHAR.test(char)) return char;
    }
    throw new EInvoiceXmlError(`unsupported entity ${match}`);
  });
}

const entityDecoder: EntityDecoderOptions = {
  setExternalEntities: () => {},
  addInputEntities: () => {
    throw new EInvoiceXmlError('DTD entity declarations are not allowed');
  },
  reset: () => {},
  setXmlVersion: () => {},
  decode: decodeEntities,
};

const ITEMS_PATH = 'EInvoice.EInvoiceData.IssuItemInformation';

const xmlParser = new XMLParser({
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Values stay strings (amounts never pass through floats) and whitespace is trimmed by us, XML whitespace only.
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  entityDecoder,
  isArray: (_tagName, jPath) => jPath === ITEMS_PATH,
});

export type XmlObject = Readonly<Record<string, unknown>>;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** The document text without BOM. Buffers must be valid UTF-8; strings must be well-formed Unicode. */
export function decodeInput(xml: string | Buffer): string {
  let text: string;
  if (typeof xml === 'string') {
    if (LONE_SURROGATE.test(xml)) throw new EInvoiceXmlError('the XML string is not well-formed Unicode');
    text = xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml;
  } else if (xml instanceof Uint8Array) {
    try {
      text = utf8.decode(xml); // strips a UTF-8 BOM
    } catch (error) {
      throw new EInvoiceXmlError('the XML is not valid UTF-8', { cause: error });
    }
  } else {
    throw new EInvoiceXmlError('expected the XML as a string or Buffer');
  }
  return text;
}

const DECLARATION = /^<\?xml[ \t\r\n][^?]*\?>/;

function checkProlog(text: string): void {
  const declaration = DECLARATION.exec(text)?.[0];
  const encoding = declaration === undefined ? undefined : /encoding[ \t\r\n]*=[ \t\r\n]*["']([^"']*)["']/.exec(declaration)?.[1];
  if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) {
    throw new EInvoiceXmlError(`unsupported encoding ${JSON.stringify(encoding)}: 数电 XML is UTF-8`);
  }
  // A DTD could redefine entities outside the signed range; invoices never need one.
  if (/<!DOCTYPE/i.test(text)) throw new EInvoiceXmlError('DOCTYPE is not allowed');
}

export interface ParsedDocument {
  readonly data: EInvoiceReadData;
  readonly root: XmlObject;
}

export function parseDocument(text: string): ParsedDocument {
  checkProlog(text);
  let document: unknown;
  try {
    document = xmlParser.parse(text, true);
  } catch (error) {
    if (error instanceof EInvoiceXmlError) throw error;
    throw new EInvoiceXmlError(`not well-formed XML: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  const top = asObject(document, '/');
  const elements = Object.keys(top).filter((key) => key !== '#text');
  if (elements.length !== 1 || elements[0] !== 'EInvoice') {
    throw new EInvoiceXmlError(`the root element is ${elements.join(', ') || 'missing'}, not EInvoice`);
  }
  const root = asObject(top['EInvoice'], 'EInvoice');
  return { data: readInvoice(root), root };
}

/** 'YYYY-MM-DD' for a valid calendar date, else undefined. */
function calendarDate(text: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().slice(0, 10) === text ? text : undefined;
}

function readInvoice(root: XmlObject): EInvoiceReadData {
  const header = optionalObject(root, 'Header', 'EInvoice');
  const body = requiredObject(root, 'EInvoiceData', 'EInvoice');
  const supervision = requiredObject(root, 'TaxSupervisionInfo', 'EInvoice');

  const headerNumber = header && optionalText(header, 'EIid', 'EInvoice/Header');
  const supervisionNumber = optionalText(supervision, 'InvoiceNumber', 'EInvoice/TaxSupervisionInfo');
  const number = supervisionNumber ?? headerNumber;
  if (number === undefined) throw new EInvoiceXmlError('missing invoice number (Header/EIid, TaxSupervisionInfo/InvoiceNumber)');
  if (headerNumber !== undefined && supervisionNumber !== undefined && headerNumber !== supervisionNumber) {
    throw new EInvoiceXmlError(`Header/EIid ${headerNumber} differs from TaxSupervisionInfo/InvoiceNumber ${supervisionNumber}`);
  }
  if (!/^\d{20}$/.test(number)) throw new EInvoiceXmlError(`invoice number ${JSON.stringify(number)} is not 20 digits`);

  const issueTimeText = requiredText(supervision, 'IssueTime', 'EInvoice/TaxSupervisionInfo');
  const issueTime = normalizeIssueTime(issueTimeText, true);
  const issueDate = issueTime === undefined ? calendarDate(issueTimeText) : issueTime.slice(0, 10);
  if (issueDate === undefined) throw new EInvoiceXmlError(`IssueTime ${JSON.stringify(issueTimeText)} is not a valid time or date`);

  const sellerInfo = requiredObject(body, 'SellerInformation', 'EInvoiceData');
  const buyerInfo = requiredObject(body, 'BuyerInformation', 'EInvoiceData');
  const basic = requiredObject(body, 'BasicInformation', 'EInvoiceData');
  const buyerTaxId = optionalText(buyerInfo, 'BuyerIdNum', 'BuyerInformation');

  const itemNodes = get(body, 'IssuItemInformation') ?? [];
  if (!Array.isArray(itemNodes) || itemNodes.length === 0) throw new EInvoiceXmlError('missing IssuItemInformation');
  const items = itemNodes.map((node: unknown, i): EInvoiceReadItem => {
    const path = `IssuItemInformation[${i}]`;
    const item = asObject(node, path);
    const quantity = optionalText(item, 'Quantity', path) ?? '';
    const unitPrice = optionalText(item, 'UnPrice', path) ?? '';
    if (quantity !== '' && !DECIMAL.test(quantity)) throw new EInvoiceXmlError(`${path}/Quantity is not a number`);
    if (unitPrice !== '' && !DECIMAL.test(unitPrice)) throw new EInvoiceXmlError(`${path}/UnPrice is not a number`);
    return {
      name: requiredText(item, 'ItemName', path),
      quantity,
      unitPrice,
      amount: requiredItemAmount(item, 'Amount', path),
      taxRate: optionalText(item, 'TaxRate', path) ?? '',
      tax: requiredItemAmount(item, 'ComTaxAm', path),
    };
  });

  const additional = optionalObject(body, 'AdditionalInformation', 'EInvoiceData');
  const remark = additional && optionalText(additional, 'Remark', 'AdditionalInformation');

  return {
    number,
    issueDate,
    ...(issueTime === undefined ? {} : { issueTime }),
    taxBureauCode: requiredText(supervision, 'TaxBureauCode', 'EInvoice/TaxSupervisionInfo'),
    taxBureauName: requiredText(supervision, 'TaxBureauName', 'EInvoice/TaxSupervisionInfo'),
    seller: {
      taxId: requiredText(sellerInfo, 'SellerIdNum', 'SellerInformation'),
      name: requiredText(sellerInfo, 'SellerName', 'SellerInformation'),
    },
    buyer: {
      ...(buyerTaxId === undefined ? {} : { taxId: buyerTaxId }),
      name: requiredText(buyerInfo, 'BuyerName', 'BuyerInformation'),
    },
    totalWithoutTaxFen: requiredAmount(basic, 'TotalAmWithoutTax', 'BasicInformation'),
    totalTaxFen: requiredAmount(basic, 'TotalTaxAm', 'BasicInformation'),
    totalWithTaxFen: requiredAmount(basic, 'TotalTax-includedAmount', 'BasicInformation'),
    items,
    ...(remark === undefined ? {} : { remark }),
  };
}

export function get(node: XmlObject, key: string): unknown {
  return Object.hasOwn(node, key) ? node[key] : undefined;
}

const XML_SPACE = /^[ \t\r\n]*$/;

/** An element that holds elements. An empty element is an empty object; text (other than whitespace) is an error. */
export function asObject(value: unknown, path: string): XmlObject {
  if (Array.isArray(value)) throw new EInvoiceXmlError(`${path} appears more than once`);
  if (typeof value === 'string') {
    if (XML_SPACE.test(value)) return {};
    throw new EInvoiceXmlError(`${path} holds text where elements are expected`);
  }
  if (typeof value !== 'object' || value === null) throw new EInvoiceXmlError(`${path} is missing`);
  const node = value as XmlObject;
  const text = get(node, '#text');
  if (text !== undefined && !(typeof text === 'string' && XML_SPACE.test(text))) {
    throw new EInvoiceXmlError(`${path} holds stray text`);
  }
  return node;
}

export function optionalObject(node: XmlObject, key: string, parent: string): XmlObject | undefined {
  const value = get(node, key);
  return value === undefined ? undefined : asObject(value, `${parent}/${key}`);
}

export function requiredObject(node: XmlObject, key: string, parent: string): XmlObject {
  const value = optionalObject(node, key, parent);
  if (value === undefined) throw new EInvoiceXmlError(`missing ${parent}/${key}`);
  return value;
}

/** A text element's value with surrounding XML whitespace removed; absent or empty gives undefined. */
export function optionalText(node: XmlObject, key: string, parent: string): string | undefined {
  const value = get(node, key);
  if (value === undefined) return undefined;
  if (Array.isArray(value)) throw new EInvoiceXmlError(`${parent}/${key} appears more than once`);
  if (typeof value !== 'string') throw new EInvoiceXmlError(`${parent}/${key} must hold text only`);
  const trimmed = value.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  return trimmed === '' ? undefined : trimmed;
}

export function requiredText(node: XmlObject, key: string, parent: string): string {
  const value = optionalText(node, key, parent);
  if (value === undefined) throw new EInvoiceXmlError(`missing ${parent}/${key}`);
  return value;
}

function requiredAmount(node: XmlObject, key: string, parent: string): bigint {
  const text = requiredText(node, key, parent);
  try {
    return parseMoney(text, { allowNegative: true });
  } catch (error) {
    if (error instanceof MoneyFormatError) {
      throw new EInvoiceXmlError(`${parent}/${key}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/** An item amount, exactly, with up to 6 decimals (items are not held to the totals' 2). */
function requiredItemAmount(node: XmlObject, key: string, parent: string): bigint {
  const text = requiredText(node, key, parent);
  try {
    return parseItemAmount(text);
  } catch (error) {
    if (error instanceof ItemAmountFormatError) throw new EInvoiceXmlError(`${parent}/${key}: ${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * Parses an EInvoice XML (string or Buffer, UTF-8, may carry a BOM / XML declaration); throws EInvoiceXmlError.
 * Totals are parsed exactly to fen (2 decimals), items exactly to millionths of a yuan (up to 6 decimals), negative
 * amounts of 红字发票 included. Elements the reader does not use (labels, addresses, SellerAuthentication…) are ignored. The signature is not looked at: call
 * verifyEInvoiceSignature for that. Surrounding whitespace of values is dropped; absent/empty optional values
 * (BuyerIdNum, Remark) are left out; an issue time without offset is taken as Beijing time.
 */
export function parseEInvoiceXml(xml: string | Buffer): EInvoiceReadData {
  return parseDocument(decodeInput(xml)).data;
}

// ---------------------------------------------------------------------------------------------------------------
// Verification

/**
 * The only layout accepted: optional declaration, whitespace, then the signed range (group 1), the signature element
 * with only its four text children, and nothing after it but `</EInvoice>` and whitespace.
 */
const SIGNED_LAYOUT =
  /^(?:<\?xml[ \t\r\n][^?]*\?>)?[ \t\r\n]*(<EInvoice[ \t\r\n>][\s\S]*?)<TaxBureauSignature>(?:[ \t\r\n]*<(SignatureAlgorithm|SignatureFormat|SignatureTime|SignatureValue)>[^<]*<\/\2>)*[ \t\r\n]*<\/TaxBureauSignature>[ \t\r\n]*<\/EInvoice>[ \t\r\n]*$/;

/**
 * True only if the TaxBureauSignature verifies against the public key (uncompressed hex '04…') over the signed
 * content, the document is a well-formed EInvoice that parseEInvoiceXml accepts, and nothing lies outside the
 * signed range but the BOM, the declaration, whitespace and the signature element. Never throws on bad input: false.
 * Files from the bureau itself sign another way (a `Reference URI` listing the signed parts, a `KeyInfo` certificate,
 * comments before the root): this verifier does not implement that scheme, so they are refused here as a signature
 * (false), while parseEInvoiceXml still reads their fields (issue #18).
 */
export function verifyEInvoiceSignature(xml: string | Buffer, publicKeyHex: string): boolean {
  try {
    if (typeof publicKeyHex !== 'string' || !/^04[0-9a-fA-F]{128}$/.test(publicKeyHex)) return false;
    const text = decodeInput(xml);
    const layout = SIGNED_LAYOUT.exec(text);
    const signedContent = layout?.[1];
    if (signedContent === undefined) return false;
    const { root } = parseDocument(text);
    const signature = requiredObject(root, 'TaxBureauSignature', 'EInvoice');
    const path = 'TaxBureauSignature';
    if (requiredText(signature, 'SignatureAlgorithm', path) !== SIGNATURE_ALGORITHM) return false;
    if (requiredText(signature, 'SignatureFormat', path) !== SIGNATURE_FORMAT) return false;
    if (normalizeIssueTime(requiredText(signature, 'SignatureTime', path), true) === undefined) return false;
    const value = requiredText(signature, 'SignatureValue', path);
    // sm-crypto reads any string (it skips non-hex characters, takes everything after r as s): be strict.
    if (!/^[0-9a-f]{128}$/.test(value)) return false;
    return sm2.doVerifySignature(Array.from(Buffer.from(signedContent, 'utf8')), value, publicKeyHex.toLowerCase(), {
      hash: true,
    });
  } catch {
    return false;
  }
}
