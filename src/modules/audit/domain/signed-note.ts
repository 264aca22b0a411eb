import { randomBytes } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { decodeCanonicalBase64, encodeBase64 } from './base64.js';

/**
 * C2SP signed notes (https://c2sp.org/signed-note), byte-compatible with golang.org/x/mod/sumdb/note so that Go
 * tooling (witnesses, monitors, the Go checksum database client) can check our checkpoints and we can check theirs.
 *
 *     <text ending in \n>
 *     \n
 *     — <key name> base64(key ID as uint32 big-endian ‖ signature)\n   (one line per signature)
 *
 * Only Ed25519 keys (signature type 0x01) are implemented.
 */

export type NoteSigner = {
  readonly name: string;
  readonly keyId: number;
  sign(msg: Uint8Array): Uint8Array;
};

export type NoteVerifier = {
  readonly name: string;
  readonly keyId: number;
  verify(msg: Uint8Array, sig: Uint8Array): boolean;
};

export type NoteKeyRef = { readonly name: string; readonly keyId: number };

export type OpenedNote = {
  readonly text: string;
  /** Keys whose signature was checked, in note order, each once. */
  readonly verified: readonly NoteKeyRef[];
  /** Keys the caller did not pass, in note order, each once; their signatures are ignored, as the spec requires. */
  readonly unverified: readonly NoteKeyRef[];
};

/**
 * - MALFORMED_NOTE: the note does not follow the format, or has more than {@link MAX_NOTE_SIGNATURES} signatures.
 * - MALFORMED_KEY: a signer or verifier key string that is not a well-formed Ed25519 note key.
 * - INVALID_NAME: a key name that is empty or contains whitespace, `+` or control characters.
 * - INVALID_SIGNER: a signer that cannot produce a valid note (bad key ID, empty signature, duplicate key).
 * - UNVERIFIED: no signature from a known key.
 * - INVALID_SIGNATURE: a signature from a known key does not verify; the whole note is rejected.
 * - AMBIGUOUS_KEY: two known verifiers share the name and key ID a signature names.
 */
export type NoteErrorReason =
  | 'MALFORMED_NOTE'
  | 'MALFORMED_KEY'
  | 'INVALID_NAME'
  | 'INVALID_SIGNER'
  | 'UNVERIFIED'
  | 'INVALID_SIGNATURE'
  | 'AMBIGUOUS_KEY';

export class NoteError extends Error {
  override name = 'NoteError';

  constructor(
    readonly reason: NoteErrorReason,
    message: string,
  ) {
    super(message);
  }
}

/** Go's limit. The spec asks verifiers to accept at least 16; a bound caps the work one hostile note can cause. */
export const MAX_NOTE_SIGNATURES = 100;

const ALG_ED25519 = 0x01;
const SIG_PREFIX = '\u2014 '; // EM DASH, SPACE
// Go's unicode.IsSpace: the spec forbids "any Unicode spaces" in key names.
const UNICODE_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
// Control characters cannot appear in a note, so a name holding one could never sign a readable note.
const CONTROL = /[\u0000-\u001f]/; // eslint-disable-line no-control-regex
const CONTROL_EXCEPT_NEWLINE = /[\u0000-\u0009\u000b-\u001f]/; // eslint-disable-line no-control-regex
const LONE_SURROGATE = /\p{Cs}/u;
const KEY_ID_HEX = /^[0-9a-f]{8}$/;

export function isValidNoteKeyName(name: string): boolean {
  return name !== '' && !name.includes('+') && !UNICODE_SPACE.test(name) && !CONTROL.test(name) && !LONE_SURROGATE.test(name);
}

/** key ID = SHA-256(name ‖ 0x0A ‖ 0x01 ‖ 32-byte public key)[:4], big-endian. */
export function ed25519NoteKeyId(name: string, publicKey: Uint8Array): number {
  const digest = sha256(concatBytes(utf8(`${name}\n`), Uint8Array.of(ALG_ED25519), publicKey));
  return new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0);
}

/** A fresh key pair as Go's note.GenerateKey writes it: `PRIVATE+KEY+<name>+<id>+<b64>` and `<name>+<id>+<b64>`. */
export function generateEd25519NoteKey(name: string): { readonly signerKey: string; readonly verifierKey: string } {
  assertName(name);
  const seed = new Uint8Array(randomBytes(32));
  const publicKey = ed25519.getPublicKey(seed);
  const id = keyIdHex(ed25519NoteKeyId(name, publicKey));
  return {
    signerKey: `PRIVATE+KEY+${name}+${id}+${encodeBase64(concatBytes(Uint8Array.of(ALG_ED25519), seed))}`,
    verifierKey: `${name}+${id}+${encodeBase64(concatBytes(Uint8Array.of(ALG_ED25519), publicKey))}`,
  };
}

/** The verifier key string for an existing Ed25519 public key (Go's note.NewEd25519VerifierKey). */
export function ed25519VerifierKey(name: string, publicKey: Uint8Array): string {
  assertName(name);
  if (publicKey.length !== 32) throw new NoteError('MALFORMED_KEY', 'an Ed25519 public key is 32 bytes');
  return `${name}+${keyIdHex(ed25519NoteKeyId(name, publicKey))}+${encodeBase64(concatBytes(Uint8Array.of(ALG_ED25519), publicKey))}`;
}

export function signerFromKey(signerKey: string): NoteSigner {
  const { name, keyId, seed } = parseSignerKey(signerKey);
  return { name, keyId, sign: (msg) => ed25519.sign(msg, seed) };
}

/** The verifier key that pairs with a signer key, for publishing. */
export function verifierKeyOf(signerKey: string): string {
  const { name, publicKey } = parseSignerKey(signerKey);
  return ed25519VerifierKey(name, publicKey);
}

export function verifierFromKey(verifierKey: string): NoteVerifier {
  const { name, keyId, key } = parseKey(verifierKey);
  if (ed25519NoteKeyId(name, key.subarray(1)) !== keyId) throw new NoteError('MALFORMED_KEY', 'verifier key ID does not match its key');
  const publicKey = key.slice(1);
  if (!ed25519.utils.isValidPublicKey(publicKey, false)) throw new NoteError('MALFORMED_KEY', 'not an Ed25519 public key');
  return {
    name,
    keyId,
    verify: (msg, sig) => {
      try {
        // Strict RFC 8032 decoding: every signature an honest signer makes passes, and a note has one encoding.
        return ed25519.verify(sig, msg, publicKey, { zip215: false });
      } catch {
        return false;
      }
    },
  };
}

/** Signs `text` (which must end in a newline) with each signer, in order. */
export function signNote(text: string, ...signers: readonly NoteSigner[]): string {
  if (!text.endsWith('\n')) throw new NoteError('MALFORMED_NOTE', 'note text must end with a newline');
  if (CONTROL_EXCEPT_NEWLINE.test(text) || LONE_SURROGATE.test(text)) {
    throw new NoteError('MALFORMED_NOTE', 'note text must be valid UTF-8 without control characters other than newline');
  }
  if (signers.length === 0) throw new NoteError('INVALID_SIGNER', 'a note needs at least one signature');
  if (signers.length > MAX_NOTE_SIGNATURES) throw new NoteError('INVALID_SIGNER', `a note holds at most ${MAX_NOTE_SIGNATURES} signatures`);
  const msg = utf8(text);
  const seen = new Set<string>();
  let lines = '';
  for (const signer of signers) {
    if (!isValidNoteKeyName(signer.name)) throw new NoteError('INVALID_SIGNER', `invalid key name ${JSON.stringify(signer.name)}`);
    if (!Number.isInteger(signer.keyId) || signer.keyId < 0 || signer.keyId > 0xffffffff) {
      throw new NoteError('INVALID_SIGNER', 'key ID must be a uint32');
    }
    const ref = refKey(signer);
    if (seen.has(ref)) throw new NoteError('INVALID_SIGNER', `key ${ref} signs twice`);
    seen.add(ref);
    const sig = signer.sign(msg);
    if (sig.length === 0) throw new NoteError('INVALID_SIGNER', `key ${ref} returned an empty signature`);
    const prefix = new Uint8Array(4);
    new DataView(prefix.buffer).setUint32(0, signer.keyId);
    lines += `${SIG_PREFIX}${signer.name} ${encodeBase64(concatBytes(prefix, sig))}\n`;
  }
  return `${text}\n${lines}`;
}

/**
 * Parses a signed note and checks the signatures of the known keys, following Go's note.Open: unknown keys are
 * listed as unverified, and the note is rejected when a known key's signature fails or none verifies.
 *
 * Stricter than Go on purpose: a repeated signature of a known key must verify too (Go skips it unchecked), and
 * base64 must be canonical (Go accepts non-zero padding bits), so a note that opens has a single spelling.
 */
export function openNote(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): OpenedNote {
  const msg = typeof note === 'string' ? note : decodeUtf8(note);
  if (CONTROL_EXCEPT_NEWLINE.test(msg) || LONE_SURROGATE.test(msg)) {
    throw malformed('a note must be valid UTF-8 without control characters other than newline');
  }
  // Signature lines never contain a blank line, so the last one is the only possible separator.
  const split = msg.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line before the signatures');
  const text = msg.slice(0, split + 1);
  const block = msg.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) throw malformed('the signature block must be non-empty and end with a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) throw malformed(`more than ${MAX_NOTE_SIGNATURES} signatures`);

  const textBytes = utf8(text);
  const verified = new Map<string, NoteKeyRef>();
  const unverified = new Map<string, NoteKeyRef>();
  for (const line of lines) {
    const { name, keyId, sig } = parseSignatureLine(line);
    const ref = refKey({ name, keyId });
    const matches = verifiers.filter((v) => v.name === name && v.keyId === keyId);
    if (matches.length === 0) {
      if (!unverified.has(ref)) unverified.set(ref, { name, keyId });
      continue;
    }
    if (matches.length > 1) throw new NoteError('AMBIGUOUS_KEY', `ambiguous key ${ref}`);
    if (!matches[0]?.verify(textBytes, sig)) throw new NoteError('INVALID_SIGNATURE', `invalid signature for key ${ref}`);
    if (!verified.has(ref)) verified.set(ref, { name, keyId });
  }
  if (verified.size === 0) throw new NoteError('UNVERIFIED', 'note has no verifiable signatures');
  return { text, verified: [...verified.values()], unverified: [...unverified.values()] };
}

function parseSignatureLine(line: string): { name: string; keyId: number; sig: Uint8Array } {
  if (!line.startsWith(SIG_PREFIX)) throw malformed('a signature line must start with an em dash and a space');
  const body = line.slice(SIG_PREFIX.length);
  const space = body.indexOf(' ');
  const name = space < 0 ? body : body.slice(0, space);
  const raw = space < 0 ? null : decodeBase64(body.slice(space + 1));
  if (!isValidNoteKeyName(name) || raw === null || raw.length < 5) throw malformed('malformed signature line');
  return { name, keyId: new DataView(raw.buffer, raw.byteOffset, 4).getUint32(0), sig: raw.subarray(4) };
}

function parseSignerKey(signerKey: string): { name: string; keyId: number; seed: Uint8Array; publicKey: Uint8Array } {
  const [private1, private2, rest] = chop2(signerKey);
  if (private1 !== 'PRIVATE' || private2 !== 'KEY') throw new NoteError('MALFORMED_KEY', 'signer key must start with PRIVATE+KEY+');
  const { name, keyId, key } = parseKey(rest);
  const seed = key.slice(1);
  const publicKey = ed25519.getPublicKey(seed);
  // The ID names the public key, so it can only be checked once the public key is derived from the seed.
  if (ed25519NoteKeyId(name, publicKey) !== keyId) throw new NoteError('MALFORMED_KEY', 'signer key ID does not match its key');
  return { name, keyId, seed, publicKey };
}

function parseKey(key: string): { name: string; keyId: number; key: Uint8Array } {
  const [name, id, material] = chop2(key);
  if (!isValidNoteKeyName(name)) throw new NoteError('MALFORMED_KEY', 'malformed key name');
  if (!KEY_ID_HEX.test(id)) throw new NoteError('MALFORMED_KEY', 'key ID must be 8 lowercase hex digits');
  const decoded = decodeBase64(material);
  if (decoded === null || decoded.length !== 33 || decoded[0] !== ALG_ED25519) {
    throw new NoteError('MALFORMED_KEY', 'key material must be base64 of 0x01 followed by 32 bytes (Ed25519)');
  }
  return { name, keyId: Number.parseInt(id, 16), key: decoded };
}

/** Splits at the first two `+`: names and IDs never contain one, base64 material may. */
function chop2(s: string): [string, string, string] {
  const first = s.indexOf('+');
  const second = first < 0 ? -1 : s.indexOf('+', first + 1);
  if (second < 0) throw new NoteError('MALFORMED_KEY', 'a note key has the form <name>+<key ID>+<key>');
  return [s.slice(0, first), s.slice(first + 1, second), s.slice(second + 1)];
}

function assertName(name: string): void {
  if (!isValidNoteKeyName(name)) throw new NoteError('INVALID_NAME', `invalid key name ${JSON.stringify(name)}`);
}

function malformed(detail: string): NoteError {
  return new NoteError('MALFORMED_NOTE', `malformed note: ${detail}`);
}

function refKey(k: NoteKeyRef): string {
  return `${k.name}+${keyIdHex(k.keyId)}`;
}

function keyIdHex(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    // ignoreBOM keeps a leading U+FEFF in the text, so the signed bytes are exactly the bytes received.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw malformed('not valid UTF-8');
  }
}

/** Standard padded base64 in its canonical form, or null (empty text too): every key and signature has a single spelling. */
function decodeBase64(text: string): Uint8Array | null {
  return text === '' ? null : decodeCanonicalBase64(text);
}
