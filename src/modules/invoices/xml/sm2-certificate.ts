import { randomBytes } from 'node:crypto';
import { sm2Sign, sm2Verify } from './einvoice-xml.js';

/**
 * X.509 certificates with SM2 keys signed SM3withSM2 (GM/T 0015), as far as the bureau's invoice signature needs
 * them: read a DER certificate (strict DER, no trailing bytes), check that a trust anchor issued it, and, for the tax
 * sandbox, make a CA and the certificate of its signing key.
 *
 * Checked: the outer and inner signature algorithms are both SM3withSM2 (1.2.156.10197.1.501); the subject key is an
 * EC key on the SM2 curve (id-ecPublicKey 1.2.840.10045.2.1, curve 1.2.156.10197.1.301), uncompressed and on the
 * curve; the issuer name is byte for byte the anchor's subject name; the anchor's key verifies the signature over the
 * tbsCertificate bytes (SM2 with the default user id 1234567812345678, as GM/T 0015 certificates are signed); and the
 * certificate is within its validity at the time asked. Extensions are not interpreted (no chains: a signing
 * certificate must be issued directly by an anchor).
 */

export class CertificateError extends Error {
  override name = 'CertificateError';
}

export interface Sm2Certificate {
  /** The whole certificate, DER. */
  readonly der: Buffer;
  readonly tbs: Buffer;
  readonly issuer: Buffer;
  readonly subject: Buffer;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Uncompressed public key, hex ('04…'). */
  readonly publicKeyHex: string;
  /** The signature over tbs, raw r ‖ s hex. */
  readonly signatureHex: string;
  readonly serialHex: string;
}

const OID_SM3_WITH_SM2 = '1.2.156.10197.1.501';
const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const OID_SM2_CURVE = '1.2.156.10197.1.301';

// SM2 curve (GB/T 32918.5): y² = x³ + ax + b over F_p.
const P = 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn;
const A = P - 3n;
const B = 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n;
const N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;

/** Whether '04‖x‖y' (hex) is a point of the SM2 curve. */
export function isSm2Point(publicKeyHex: string): boolean {
  if (!/^04[0-9a-f]{128}$/i.test(publicKeyHex)) return false;
  const x = BigInt(`0x${publicKeyHex.slice(2, 66)}`);
  const y = BigInt(`0x${publicKeyHex.slice(66)}`);
  if (x >= P || y >= P) return false;
  return (y * y - (x * x * x + A * x + B)) % P === 0n;
}

// ---------------------------------------------------------------------------------------------------------------
// DER

interface Tlv {
  readonly tag: number;
  /** The content bytes. */
  readonly value: Buffer;
  /** The whole encoding (tag, length, content). */
  readonly raw: Buffer;
}

/** One TLV at `offset`; strict DER lengths (minimal, definite), single-byte tags only. */
function readTlv(buf: Buffer, offset: number): { tlv: Tlv; next: number } {
  if (offset + 2 > buf.length) throw new CertificateError('truncated DER');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new CertificateError('multi-byte DER tags are not supported');
  let length = buf[offset + 1]!;
  let header = 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 3) throw new CertificateError('unsupported DER length');
    if (offset + 2 + bytes > buf.length) throw new CertificateError('truncated DER');
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + buf[offset + 2 + i]!;
    if (buf[offset + 2] === 0 || length < 0x80) throw new CertificateError('non-minimal DER length');
    header += bytes;
  }
  const end = offset + header + length;
  if (end > buf.length) throw new CertificateError('truncated DER');
  return { tlv: { tag, value: buf.subarray(offset + header, end), raw: buf.subarray(offset, end) }, next: end };
}

/** The elements of a constructed value, which must be exactly covered by them. */
function children(value: Buffer): Tlv[] {
  const out: Tlv[] = [];
  let offset = 0;
  while (offset < value.length) {
    const { tlv, next } = readTlv(value, offset);
    out.push(tlv);
    offset = next;
  }
  return out;
}

function expectTag(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (!tlv || tlv.tag !== tag) throw new CertificateError(`expected ${what}`);
  return tlv;
}

function decodeOid(value: Buffer): string {
  if (value.length === 0) throw new CertificateError('empty OID');
  const parts: number[] = [];
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const byte = value[i]!;
    if (n === 0 && byte === 0x80) throw new CertificateError('non-minimal OID');
    n = n * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(n);
      n = 0;
    } else if (i === value.length - 1) {
      throw new CertificateError('truncated OID');
    }
  }
  const first = parts.shift()!;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...parts].join('.');
}

function algorithmOid(tlv: Tlv | undefined, what: string): { oid: string; params: Tlv[] } {
  const [oid, ...params] = children(expectTag(tlv, 0x30, what).value);
  return { oid: decodeOid(expectTag(oid, 0x06, `${what} OID`).value), params };
}

/** A DER INTEGER's content as an unsigned big-endian number (positive, minimal). */
function unsignedInteger(value: Buffer): bigint {
  if (value.length === 0) throw new CertificateError('empty INTEGER');
  if (value[0]! & 0x80) throw new CertificateError('negative INTEGER');
  if (value.length > 1 && value[0] === 0 && !(value[1]! & 0x80)) throw new CertificateError('non-minimal INTEGER');
  return BigInt(`0x${value.toString('hex')}`);
}

/** DER SM2 signature SEQUENCE { r INTEGER, s INTEGER } (GM/T 0009) → raw r ‖ s hex; r, s in [1, n − 1]. */
export function derSignatureToRs(der: Buffer): string {
  const { tlv, next } = readTlv(der, 0);
  if (next !== der.length || tlv.tag !== 0x30) throw new CertificateError('the signature is not one DER SEQUENCE');
  const parts = children(tlv.value);
  if (parts.length !== 2) throw new CertificateError('the signature must hold r and s');
  const [r, s] = parts.map((p) => unsignedInteger(expectTag(p, 0x02, 'INTEGER').value)) as [bigint, bigint];
  if (r < 1n || r >= N || s < 1n || s >= N) throw new CertificateError('r or s out of range');
  return r.toString(16).padStart(64, '0') + s.toString(16).padStart(64, '0');
}

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function der(tag: number, ...content: Buffer[]): Buffer {
  const value = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), encodeLength(value.length), value]);
}

function derInteger(n: bigint): Buffer {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  if (parseInt(hex.slice(0, 2), 16) & 0x80) hex = `00${hex}`;
  return der(0x02, Buffer.from(hex, 'hex'));
}

function derOid(oid: string): Buffer {
  const [a = 0, b = 0, ...rest] = oid.split('.').map(Number);
  const bytes = [40 * a + b];
  for (const part of rest) {
    const chunk: number[] = [part & 0x7f];
    for (let n = Math.floor(part / 128); n > 0; n = Math.floor(n / 128)) chunk.unshift((n & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return der(0x06, Buffer.from(bytes));
}

/** raw r ‖ s hex → DER SEQUENCE { r, s }. */
export function rsToDerSignature(rsHex: string): Buffer {
  return der(0x30, derInteger(BigInt(`0x${rsHex.slice(0, 64)}`)), derInteger(BigInt(`0x${rsHex.slice(64)}`)));
}

// ---------------------------------------------------------------------------------------------------------------
// Certificates

function decodeTime(tlv: Tlv): Date {
  const text = tlv.value.toString('latin1');
  const m = tlv.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : tlv.tag === 0x18 ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : null;
  if (!m) throw new CertificateError('validity times must be UTCTime or GeneralizedTime in UTC');
  const year = tlv.tag === 0x17 ? (Number(m[1]) >= 50 ? 1900 : 2000) + Number(m[1]) : Number(m[1]);
  const date = new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  if (Number.isNaN(date.getTime())) throw new CertificateError('invalid validity time');
  return date;
}

/** Reads a DER X.509 certificate with an SM2 key, signed SM3withSM2; throws CertificateError otherwise. */
export function parseSm2Certificate(input: Buffer): Sm2Certificate {
  const { tlv: cert, next } = readTlv(input, 0);
  if (next !== input.length || cert.tag !== 0x30) throw new CertificateError('not one DER certificate');
  const [tbs, outerAlgorithm, signatureValue, ...extra] = children(cert.value);
  if (extra.length > 0) throw new CertificateError('unexpected certificate fields');
  expectTag(tbs, 0x30, 'tbsCertificate');
  if (algorithmOid(outerAlgorithm, 'signatureAlgorithm').oid !== OID_SM3_WITH_SM2) throw new CertificateError('the certificate is not signed SM3withSM2');
  const bits = expectTag(signatureValue, 0x03, 'signatureValue').value;
  if (bits[0] !== 0) throw new CertificateError('signatureValue has unused bits');
  const signatureHex = derSignatureToRs(bits.subarray(1));

  const fields = children(tbs!.value);
  let i = 0;
  if (fields[0]?.tag === 0xa0) i++; // [0] version
  const serial = expectTag(fields[i++], 0x02, 'serialNumber');
  if (algorithmOid(fields[i++], 'signature').oid !== OID_SM3_WITH_SM2) throw new CertificateError('the certificate is not signed SM3withSM2');
  const issuer = expectTag(fields[i++], 0x30, 'issuer');
  const validity = children(expectTag(fields[i++], 0x30, 'validity').value);
  if (validity.length !== 2) throw new CertificateError('validity must hold notBefore and notAfter');
  const subject = expectTag(fields[i++], 0x30, 'subject');
  const [keyAlgorithm, keyBits, ...keyExtra] = children(expectTag(fields[i++], 0x30, 'subjectPublicKeyInfo').value);
  if (keyExtra.length > 0) throw new CertificateError('unexpected subjectPublicKeyInfo fields');
  const key = algorithmOid(keyAlgorithm, 'key algorithm');
  const curve = key.params[0];
  if (key.oid !== OID_EC_PUBLIC_KEY || key.params.length !== 1 || curve?.tag !== 0x06 || decodeOid(curve.value) !== OID_SM2_CURVE) {
    throw new CertificateError('the certificate key is not an SM2 key');
  }
  const keyValue = expectTag(keyBits, 0x03, 'subjectPublicKey').value;
  if (keyValue[0] !== 0) throw new CertificateError('subjectPublicKey has unused bits');
  const publicKeyHex = keyValue.subarray(1).toString('hex');
  if (!isSm2Point(publicKeyHex)) throw new CertificateError('the certificate key is not a point of the SM2 curve');
  return {
    der: Buffer.from(input),
    tbs: Buffer.from(tbs!.raw),
    issuer: Buffer.from(issuer.raw),
    subject: Buffer.from(subject.raw),
    notBefore: decodeTime(validity[0]!),
    notAfter: decodeTime(validity[1]!),
    publicKeyHex,
    signatureHex,
    serialHex: serial.value.toString('hex'),
  };
}

/** Certificates from PEM text (every CERTIFICATE block), DER base64 each. */
export function pemCertificates(pem: string): Buffer[] {
  const blocks = [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)];
  return blocks.map((m) => Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
}

export function toPem(derBytes: Buffer): string {
  const lines = derBytes.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

export type IssuedVerdict = { readonly ok: true } | { readonly ok: false; readonly detail: string };

/** Whether one of the anchors issued `cert` and `cert` is valid at `at`. */
export function issuedByAnchor(cert: Sm2Certificate, anchors: readonly Sm2Certificate[], at: Date): IssuedVerdict {
  if (at < cert.notBefore || at > cert.notAfter) return { ok: false, detail: 'the signing certificate was not valid at the signature time' };
  for (const anchor of anchors) {
    if (!anchor.subject.equals(cert.issuer)) continue;
    if (at < anchor.notBefore || at > anchor.notAfter) continue;
    if (sm2Verify(cert.tbs, cert.signatureHex, anchor.publicKeyHex)) return { ok: true };
  }
  return { ok: false, detail: 'the signing certificate is not issued by a trusted tax bureau CA' };
}

// ---------------------------------------------------------------------------------------------------------------
// Making certificates (the tax sandbox's CA and signing certificate)

function name(commonName: string): Buffer {
  const attribute = (oid: string, tag: number, value: string) => der(0x31, der(0x30, derOid(oid), der(tag, Buffer.from(value, 'utf8'))));
  return der(0x30, attribute('2.5.4.6', 0x13, 'CN'), attribute('2.5.4.10', 0x0c, '国家税务总局沙箱'), attribute('2.5.4.3', 0x0c, commonName));
}

function generalizedTime(date: Date): Buffer {
  return der(0x18, Buffer.from(`${date.toISOString().slice(0, 19).replace(/[-T:]/g, '')}Z`, 'latin1'));
}

/**
 * A certificate for `subjectPublicKeyHex`, signed by `issuerPrivateKeyHex`. The CA's own (self-signed, issuerName =
 * subjectName) carries basicConstraints cA; the signing certificate carries none.
 */
export function makeSm2Certificate(options: {
  readonly subjectName: string;
  readonly subjectPublicKeyHex: string;
  readonly issuerName: string;
  readonly issuerPrivateKeyHex: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly ca?: boolean;
}): Buffer {
  const algorithm = der(0x30, derOid(OID_SM3_WITH_SM2));
  const spki = der(0x30, der(0x30, derOid(OID_EC_PUBLIC_KEY), derOid(OID_SM2_CURVE)), der(0x03, Buffer.from([0]), Buffer.from(options.subjectPublicKeyHex, 'hex')));
  const extensions = options.ca
    ? [der(0xa3, der(0x30, der(0x30, derOid('2.5.29.19'), der(0x01, Buffer.from([0xff])), der(0x04, der(0x30, der(0x01, Buffer.from([0xff])))))))]
    : [];
  const tbs = der(
    0x30,
    der(0xa0, derInteger(2n)),
    derInteger(BigInt(`0x${randomBytes(15).toString('hex')}`) | 1n),
    algorithm,
    name(options.issuerName),
    der(0x30, generalizedTime(options.notBefore), generalizedTime(options.notAfter)),
    name(options.subjectName),
    spki,
    ...extensions,
  );
  const signature = rsToDerSignature(sm2Sign(tbs, options.issuerPrivateKeyHex));
  return der(0x30, tbs, algorithm, der(0x03, Buffer.from([0]), signature));
}
