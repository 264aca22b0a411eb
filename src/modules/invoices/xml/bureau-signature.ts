import {
  chinaTime,
  checkPrivateKey,
  decodeInput,
  EInvoiceXmlError,
  get,
  leaf,
  normalizeIssueTime,
  optionalText,
  parseDocument,
  renderInvoiceParts,
  sm2Sign,
  sm2Verify,
  verifyEInvoiceSignature,
  type EInvoiceData,
  type XmlObject,
} from './einvoice-xml.js';
import { CertificateError, derSignatureToRs, issuedByAnchor, parseSm2Certificate, rsToDerSignature, type Sm2Certificate } from './sm2-certificate.js';

/**
 * The tax bureau's own signature layout on 数电 XML, and the one entry point that judges an invoice XML's signature
 * whichever layout it carries (checkInvoiceSignature).
 *
 * WHAT THE BUREAU WRITES (real files, e.g. the 财政部 sample of 《电子凭证会计数据标准——全面数字化的电子发票》):
 *
 *   <TaxBureauSignature>
 *     <Reference URI="/Einvoice/Header|/Einvoice/EinvoiceData|/Einvoice/SellerAuthentication|/Einvoice/TaxSupervisionInfo|/Einvoice/TaxBureauSignature/SignatureTime"/>
 *     <SignatureAlgorithm>1.2.156.10197.1.501</SignatureAlgorithm>   (SM3withSM2)
 *     <SignatureFormat>DETACH</SignatureFormat>
 *     <SignatureTime>2023-09-26 09:59:04</SignatureTime>
 *     <SignatureValue>30……&amp;MjAyMzA5MjYgMDk1OTA0</SignatureValue>  (after '&': base64 of "20230926 095904")
 *     <KeyInfo/>
 *   </TaxBureauSignature>
 *
 * The paths spell the root `Einvoice` and the body `EinvoiceData` although the elements are `EInvoice` and
 * `EInvoiceData`; that is how the bureau writes them, so the paths are matched from a fixed table, not resolved as
 * XPath. No public specification says byte for byte what is signed or how the value is encoded (the published
 * verifiers found split the value at '&' and either hand it to a vendor SDK or only check its form; a public analysis
 * of real files notes the mis-cased paths and that "DETACH" is really an enveloped signature). THIS IS OUR READING,
 * the most plausible one, implemented strictly and used by the sandbox so it is exercised end to end:
 *
 * - SIGNED BYTES: the referenced elements, each exactly as it stands in the file from the `<` of its start tag to the
 *   `>` of its end tag (or of its empty-element tag), UTF-8, concatenated in the order the URI lists them, with
 *   nothing between. No canonicalisation. What lies between the referenced elements (whitespace, comments, the
 *   declaration, the other children of TaxBureauSignature) is not signed and may change.
 * - REFERENCES: only the five paths above (either spelling of `Einvoice`/`EInvoice`, `EinvoiceData`/`EInvoiceData`),
 *   each at most once; EinvoiceData, TaxSupervisionInfo and SignatureTime must be listed, and Header and
 *   SellerAuthentication must be listed when the file has them, so every field the platform reads is signed. The root
 *   may hold nothing else (one each of those elements and TaxBureauSignature, no attributes).
 * - VALUE: SM2 with SM3 (GB/T 32918, default user id 1234567812345678) as the DER SEQUENCE {r, s} of GM/T 0009, in
 *   hex, optionally followed by '&' and the base64 of the signature time as "YYYYMMDD HHMMSS", which must then be
 *   SignatureTime's. The real sample's value starts with "3", as a hex DER SEQUENCE does.
 * - KEY: KeyInfo holds `<X509Data><X509Certificate>` base64 DER of an SM2 certificate (GM/T 0015) that a configured
 *   trust anchor issued, valid at SignatureTime. With an empty KeyInfo (as in the public real files), the key is the
 *   bureau's own, known out of band: the anchors' keys themselves are tried.
 * - EMPTY: no TaxBureauSignature, or an empty SignatureValue, is an unsigned file ('missing'), not a bad signature.
 */

export type SignatureVerdict = 'valid' | 'missing' | 'invalid' | 'untrusted';

export interface SignatureCheck {
  readonly verdict: SignatureVerdict;
  /** Why, for logs and the answer's detail (English). */
  readonly detail?: string;
}

/** What an invoice XML's signature is checked against. */
export interface SignatureTrust {
  /** The key of the sandbox's own layout (`TaxAuthority.signingPublicKey`). */
  readonly sandboxPublicKeyHex?: string;
  /** Tax bureau CA certificates, DER: the bureau layout's signing certificate must be issued by one of them. */
  readonly anchors: readonly Uint8Array[];
}

const SIGNATURE_ALGORITHM = '1.2.156.10197.1.501';
const SIGNATURE_FORMAT = 'DETACH';

/** Known reference paths → the element: a child of the root, or SignatureTime inside TaxBureauSignature. */
const REFERENCES: Readonly<Record<string, string>> = {
  '/Einvoice/Header': 'Header',
  '/EInvoice/Header': 'Header',
  '/Einvoice/EinvoiceData': 'EInvoiceData',
  '/EInvoice/EInvoiceData': 'EInvoiceData',
  '/Einvoice/SellerAuthentication': 'SellerAuthentication',
  '/EInvoice/SellerAuthentication': 'SellerAuthentication',
  '/Einvoice/TaxSupervisionInfo': 'TaxSupervisionInfo',
  '/EInvoice/TaxSupervisionInfo': 'TaxSupervisionInfo',
  '/Einvoice/TaxBureauSignature/SignatureTime': 'SignatureTime',
  '/EInvoice/TaxBureauSignature/SignatureTime': 'SignatureTime',
};

/** The reference list the bureau writes, and the sandbox writes too. */
export const BUREAU_REFERENCE_URI = '/Einvoice/Header|/Einvoice/EinvoiceData|/Einvoice/SellerAuthentication|/Einvoice/TaxSupervisionInfo|/Einvoice/TaxBureauSignature/SignatureTime';

const ROOT_CHILDREN = new Set(['Header', 'EInvoiceData', 'SellerAuthentication', 'TaxSupervisionInfo', 'TaxBureauSignature']);
const SIGNATURE_CHILDREN = new Set(['Reference', 'SignatureAlgorithm', 'SignatureFormat', 'SignatureTime', 'SignatureValue', 'KeyInfo']);

class Refusal extends Error {
  constructor(
    readonly verdict: Exclude<SignatureVerdict, 'valid'>,
    detail: string,
  ) {
    super(detail);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Where each element is in the text

interface ElementSpan {
  readonly name: string;
  readonly start: number;
  end: number;
  readonly attributes: string;
  readonly children: ElementSpan[];
}

const TOKEN =
  /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<\/([^\s>]+)[ \t\r\n]*>|<([^\s/>!?]+)((?:[ \t\r\n]+[^\s=/>]+[ \t\r\n]*=[ \t\r\n]*(?:"[^"]*"|'[^']*'))*)[ \t\r\n]*(\/?)>/g;

/**
 * The root element with its children and grandchildren, with their offsets in `text`. Called only on a document
 * parseDocument has accepted (well-formed, no DOCTYPE), so tags balance.
 */
function elementTree(text: string): ElementSpan {
  const stack: ElementSpan[] = [];
  let root: ElementSpan | undefined;
  for (const m of text.matchAll(TOKEN)) {
    const [token, closing, opening, attributes = '', empty] = m;
    const at = m.index;
    if (opening !== undefined) {
      const span: ElementSpan = { name: opening, start: at, end: at + token.length, attributes: attributes.trim(), children: [] };
      const parent = stack.at(-1);
      if (parent) {
        if (stack.length <= 2) parent.children.push(span);
      } else if (root) {
        throw new Refusal('invalid', 'more than one root element');
      } else {
        root = span;
      }
      if (empty !== '/') stack.push(span);
    } else if (closing !== undefined) {
      const open = stack.pop();
      if (!open || open.name !== closing) throw new Refusal('invalid', 'unbalanced tags');
      open.end = at + token.length;
    }
  }
  if (!root || stack.length > 0) throw new Refusal('invalid', 'unbalanced tags');
  return root;
}

function onlyChild(parent: ElementSpan, name: string): ElementSpan | undefined {
  const found = parent.children.filter((c) => c.name === name);
  if (found.length > 1) throw new Refusal('invalid', `${parent.name}/${name} appears more than once`);
  return found[0];
}

// ---------------------------------------------------------------------------------------------------------------
// Checking

/**
 * Judges the signature of an invoice XML: the bureau's layout (a Reference list) against the trust anchors, the
 * sandbox's own layout against its public key. Never throws: anything unreadable in the signature is 'invalid'.
 */
export function checkInvoiceSignature(xml: string | Uint8Array, trust: SignatureTrust): SignatureCheck {
  try {
    const text = decodeInput(typeof xml === 'string' ? xml : Buffer.from(xml.buffer, xml.byteOffset, xml.byteLength));
    const { root } = parseDocument(text);
    const block = get(root, 'TaxBureauSignature');
    if (block === undefined) return { verdict: 'missing', detail: 'the file has no TaxBureauSignature' };
    if (Array.isArray(block)) return { verdict: 'invalid', detail: 'TaxBureauSignature appears more than once' };
    const signature = typeof block === 'object' && block !== null ? (block as XmlObject) : {};
    if (optionalText(signature, 'SignatureValue', 'TaxBureauSignature') === undefined) {
      return { verdict: 'missing', detail: 'the SignatureValue is empty: the file was never signed, or its signature was removed' };
    }
    if (get(signature, 'Reference') !== undefined) return checkBureauLayout(text, trust);
    if (trust.sandboxPublicKeyHex === undefined) return { verdict: 'untrusted', detail: 'no key for this signature layout' };
    return verifyEInvoiceSignature(text, trust.sandboxPublicKeyHex)
      ? { verdict: 'valid' }
      : { verdict: 'invalid', detail: 'the signature does not verify over the signed content' };
  } catch (error) {
    if (error instanceof Refusal) return { verdict: error.verdict, detail: error.message };
    return { verdict: 'invalid', detail: error instanceof Error ? error.message : String(error) };
  }
}

function checkBureauLayout(text: string, trust: SignatureTrust): SignatureCheck {
  const root = elementTree(text);
  if (root.name !== 'EInvoice' || root.attributes !== '') throw new Refusal('invalid', 'the root must be a plain <EInvoice>');
  for (const child of root.children) {
    if (!ROOT_CHILDREN.has(child.name)) throw new Refusal('invalid', `${child.name} is outside the signed parts`);
    onlyChild(root, child.name);
  }
  const block = onlyChild(root, 'TaxBureauSignature')!;
  for (const child of block.children) {
    if (!SIGNATURE_CHILDREN.has(child.name)) throw new Refusal('invalid', `TaxBureauSignature/${child.name} is not part of the layout`);
    onlyChild(block, child.name);
  }
  const textOf = (name: string): string => {
    const span = onlyChild(block, name);
    if (!span) throw new Refusal('invalid', `missing TaxBureauSignature/${name}`);
    const inner = innerText(text, span);
    if (span.attributes !== '' || inner.includes('<')) throw new Refusal('invalid', `TaxBureauSignature/${name} must hold text only`);
    return decodeText(inner).replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  };

  // The reference list: the known paths only, covering every part the platform reads.
  const reference = onlyChild(block, 'Reference')!;
  const uri = /^URI[ \t\r\n]*=[ \t\r\n]*(?:"([^"]*)"|'([^']*)')$/.exec(reference.attributes);
  if (!uri || reference.children.length > 0 || text.slice(reference.start, reference.end).includes('</')) {
    throw new Refusal('invalid', 'Reference must be an empty element with a URI attribute only');
  }
  const paths = decodeText(uri[1] ?? uri[2] ?? '').split('|');
  const referenced: string[] = [];
  for (const path of paths) {
    const element = Object.hasOwn(REFERENCES, path) ? REFERENCES[path] : undefined;
    if (element === undefined) throw new Refusal('invalid', `unknown reference ${JSON.stringify(path)}`);
    if (referenced.includes(element)) throw new Refusal('invalid', `reference ${path} is listed twice`);
    referenced.push(element);
  }
  for (const required of ['EInvoiceData', 'TaxSupervisionInfo', 'SignatureTime']) {
    if (!referenced.includes(required)) throw new Refusal('invalid', `the signature does not cover ${required}`);
  }
  for (const optional of ['Header', 'SellerAuthentication']) {
    if (onlyChild(root, optional) && !referenced.includes(optional)) throw new Refusal('invalid', `the signature does not cover ${optional}`);
  }
  const signedBytes = Buffer.concat(
    referenced.map((name) => {
      const span = name === 'SignatureTime' ? onlyChild(block, name) : onlyChild(root, name);
      if (!span) throw new Refusal('invalid', `the referenced ${name} is missing`);
      return Buffer.from(text.slice(span.start, span.end), 'utf8');
    }),
  );

  if (textOf('SignatureAlgorithm') !== SIGNATURE_ALGORITHM) throw new Refusal('invalid', 'SignatureAlgorithm is not SM3withSM2 (1.2.156.10197.1.501)');
  if (textOf('SignatureFormat') !== SIGNATURE_FORMAT) throw new Refusal('invalid', 'SignatureFormat is not DETACH');
  const signatureTimeText = textOf('SignatureTime');
  const signatureTime = normalizeIssueTime(signatureTimeText, true);
  if (signatureTime === undefined) throw new Refusal('invalid', 'SignatureTime is not a valid time');
  const signedAt = new Date(signatureTime);

  const value = /^([0-9A-Fa-f]+)(?:&([A-Za-z0-9+/]+={0,2}))?$/.exec(textOf('SignatureValue'));
  if (!value || value[1]!.length % 2 !== 0) throw new Refusal('invalid', 'SignatureValue is not hex DER, optionally followed by &base64(time)');
  if (value[2] !== undefined) {
    const compact = signatureTime.slice(0, 19).replace(/-/g, '').replace('T', ' ').replace(/:/g, '');
    if (value[2] !== Buffer.from(compact, 'latin1').toString('base64')) throw new Refusal('invalid', 'the time after & in SignatureValue is not SignatureTime');
  }
  let rs: string;
  try {
    rs = derSignatureToRs(Buffer.from(value[1]!, 'hex'));
  } catch (error) {
    throw new Refusal('invalid', `SignatureValue: ${error instanceof Error ? error.message : String(error)}`);
  }

  const anchors = parseAnchors(trust.anchors);
  const certificate = keyInfoCertificate(text, block);
  if (certificate === undefined) {
    // No certificate in the file: only the anchors' own keys can have made it.
    if (anchors.length === 0) return { verdict: 'untrusted', detail: 'KeyInfo has no certificate and no tax bureau certificate is configured' };
    if (anchors.some((anchor) => signedAt >= anchor.notBefore && signedAt <= anchor.notAfter && sm2Verify(signedBytes, rs, anchor.publicKeyHex))) {
      return { verdict: 'valid' };
    }
    return { verdict: 'invalid', detail: 'the signature does not verify with the tax bureau keys configured' };
  }
  if (!sm2Verify(signedBytes, rs, certificate.publicKeyHex)) return { verdict: 'invalid', detail: 'the signature does not verify over the referenced parts' };
  const issued = issuedByAnchor(certificate, anchors, signedAt);
  return issued.ok ? { verdict: 'valid' } : { verdict: 'untrusted', detail: issued.detail };
}

function parseAnchors(anchors: readonly Uint8Array[]): Sm2Certificate[] {
  const parsed: Sm2Certificate[] = [];
  for (const anchor of anchors) {
    try {
      parsed.push(parseSm2Certificate(Buffer.from(anchor)));
    } catch {
      // A configured anchor that is not an SM2 certificate vouches for nothing (config checks them at start).
    }
  }
  return parsed;
}

/** The certificate in KeyInfo/X509Data/X509Certificate; undefined for an empty KeyInfo. */
function keyInfoCertificate(text: string, block: ElementSpan): Sm2Certificate | undefined {
  const keyInfo = onlyChild(block, 'KeyInfo');
  if (!keyInfo) return undefined;
  const inner = innerText(text, keyInfo);
  if (/^[ \t\r\n]*$/.test(inner)) return undefined;
  const m = /^[ \t\r\n]*<X509Data>[ \t\r\n]*<X509Certificate>([A-Za-z0-9+/=\s]+)<\/X509Certificate>[ \t\r\n]*<\/X509Data>[ \t\r\n]*$/.exec(inner);
  if (!m) throw new Refusal('invalid', 'KeyInfo must hold X509Data/X509Certificate only');
  const base64 = m[1]!.replace(/[ \t\r\n]+/g, '');
  const der = Buffer.from(base64, 'base64');
  if (der.toString('base64') !== base64) throw new Refusal('invalid', 'X509Certificate is not base64');
  try {
    return parseSm2Certificate(der);
  } catch (error) {
    if (error instanceof CertificateError) throw new Refusal('untrusted', `the KeyInfo certificate: ${error.message}`);
    throw error;
  }
}

function innerText(text: string, span: ElementSpan): string {
  const openEnd = text.indexOf('>', span.start) + 1;
  if (text[openEnd - 2] === '/') return '';
  return text.slice(openEnd, text.lastIndexOf('</', span.end));
}

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Text or attribute content with XML's predefined entities and character references (parseDocument vetted them). */
function decodeText(raw: string): string {
  return raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return ENTITIES[name] ?? whole;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Signing (the sandbox, in the bureau's layout)

/**
 * Renders the invoice in the bureau's layout (indented, as real files are) and signs it as read above: the five
 * referenced parts' bytes, SM2/SM3, hex DER value with '&' + base64 of the time, the signing certificate in KeyInfo.
 */
export function renderBureauSignedEInvoiceXml(
  data: EInvoiceData,
  signer: { readonly privateKeyHex: string; readonly certificateDer: Uint8Array; readonly signedAt: Date },
): string {
  const privateKey = checkPrivateKey(signer.privateKeyHex);
  if (!(signer.signedAt instanceof Date) || Number.isNaN(signer.signedAt.getTime())) throw new EInvoiceXmlError('signer.signedAt must be a valid Date');
  const parts = renderInvoiceParts(data);
  const sellerAuthentication = `<SellerAuthentication>${leaf('AuthenticationMethods', '02')}</SellerAuthentication>`;
  const time = chinaTime(signer.signedAt).slice(0, 19).replace('T', ' ');
  const signatureTime = leaf('SignatureTime', time);
  const signed = Buffer.from(parts.header + parts.body + sellerAuthentication + parts.supervision + signatureTime, 'utf8');
  const valueHex = rsToDerSignature(sm2Sign(signed, privateKey)).toString('hex');
  const timeBase64 = Buffer.from(time.replace(/-/g, '').replace(/:/g, ''), 'latin1').toString('base64');
  const certificate = Buffer.from(signer.certificateDer).toString('base64');
  return (
    '<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n' +
    '<EInvoice>\n' +
    `  ${parts.header}\n` +
    `  ${parts.body}\n` +
    `  ${sellerAuthentication}\n` +
    `  ${parts.supervision}\n` +
    '  <TaxBureauSignature>\n' +
    `    <Reference URI="${BUREAU_REFERENCE_URI}" />\n` +
    `    ${leaf('SignatureAlgorithm', SIGNATURE_ALGORITHM)}\n` +
    `    ${leaf('SignatureFormat', SIGNATURE_FORMAT)}\n` +
    `    ${signatureTime}\n` +
    `    <SignatureValue>${valueHex}&amp;${timeBase64}</SignatureValue>\n` +
    `    <KeyInfo><X509Data><X509Certificate>${certificate}</X509Certificate></X509Data></KeyInfo>\n` +
    '  </TaxBureauSignature>\n' +
    '</EInvoice>\n'
  );
}
