import { describe, expect, it } from 'vitest';
import {
  ed25519NoteKeyId,
  ed25519VerifierKey,
  generateEd25519NoteKey,
  isValidNoteKeyName,
  MAX_NOTE_SIGNATURES,
  NoteError,
  openNote,
  signerFromKey,
  signNote,
  verifierFromKey,
  verifierKeyOf,
  type NoteErrorReason,
  type NoteSigner,
} from './signed-note.js';

// Test vectors from golang.org/x/mod/sumdb/note, note_test.go (TestNewVerifier, TestNewSigner, TestSign,
// TestOpen) and the package documentation in note.go (github.com/golang/mod, sumdb/note/).
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG = '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG = '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';
const PETER = { name: 'PeterNeumann', keyId: 0xc74f20a3 };
const ENOCH = { name: 'EnochRoot', keyId: 0xaf0cfe78 };

// Go's tests cut signature lines at byte 60; the em dash is 3 UTF-8 bytes but 1 UTF-16 unit, so that is index 58.
const CUT = 58;

function reasonOf(fn: () => unknown): NoteErrorReason | 'no error' | 'other error' {
  try {
    fn();
    return 'no error';
  } catch (error) {
    return error instanceof NoteError ? error.reason : 'other error';
  }
}

/** Rewrites the base64 of a signature line's blob, for tampering with the key ID or signature bytes. */
function withBlob(sigLine: string, edit: (blob: Uint8Array) => void): string {
  const [dash, name, b64] = sigLine.trimEnd().split(' ');
  const blob = new Uint8Array(Buffer.from(b64 ?? '', 'base64'));
  edit(blob);
  return `${dash} ${name} ${Buffer.from(blob).toString('base64')}\n`;
}

describe('note keys', () => {
  it('parses the Go vector keys, and the signer key yields the verifier key', () => {
    const verifier = verifierFromKey(PETER_VKEY);
    const signer = signerFromKey(PETER_SKEY);
    expect({ name: verifier.name, keyId: verifier.keyId }).toEqual(PETER);
    expect({ name: signer.name, keyId: signer.keyId }).toEqual(PETER);
    expect(verifierKeyOf(PETER_SKEY)).toBe(PETER_VKEY);
    expect(verifierFromKey(ENOCH_VKEY).keyId).toBe(ENOCH.keyId);
  });

  it('computes the key ID as SHA-256(name ‖ LF ‖ 0x01 ‖ key)[:4]', () => {
    const publicKey = new Uint8Array(Buffer.from('ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', 'base64')).subarray(1);
    expect(ed25519NoteKeyId('PeterNeumann', publicKey)).toBe(0xc74f20a3);
    expect(ed25519VerifierKey('PeterNeumann', publicKey)).toBe(PETER_VKEY);
  });

  it('refuses every substring and every one-byte change of the verifier key (Go TestNewVerifier)', () => {
    const failures: string[] = [];
    const bad = (k: string): void => {
      if (reasonOf(() => verifierFromKey(k)) !== 'MALFORMED_KEY') failures.push(k);
    };
    for (let i = 0; i <= PETER_VKEY.length; i++) {
      for (let j = i + 1; j <= PETER_VKEY.length; j++) if (i !== 0 || j !== PETER_VKEY.length) bad(PETER_VKEY.slice(i, j));
    }
    for (let i = 0; i < PETER_VKEY.length; i++) {
      bad(PETER_VKEY.slice(0, i) + String.fromCharCode(PETER_VKEY.charCodeAt(i) + 1) + PETER_VKEY.slice(i + 1));
    }
    bad('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=='); // wrong length, adjusted ID
    bad('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'); // unknown algorithm, adjusted ID
    expect(failures).toEqual([]);
  });

  it('refuses every substring and every one-byte change of the signer key (Go TestNewSigner)', () => {
    const failures: string[] = [];
    const bad = (k: string): void => {
      if (reasonOf(() => signerFromKey(k)) !== 'MALFORMED_KEY') failures.push(k);
    };
    for (let i = 0; i <= PETER_SKEY.length; i++) {
      for (let j = i + 1; j <= PETER_SKEY.length; j++) if (i !== 0 || j !== PETER_SKEY.length) bad(PETER_SKEY.slice(i, j));
    }
    for (let i = 0; i < PETER_SKEY.length; i++) {
      bad(PETER_SKEY.slice(0, i) + String.fromCharCode(PETER_SKEY.charCodeAt(i) + 1) + PETER_SKEY.slice(i + 1));
    }
    expect(failures).toEqual([]);
  });

  it('refuses a verifier key given as a signer key and the reverse', () => {
    expect(reasonOf(() => signerFromKey(PETER_VKEY))).toBe('MALFORMED_KEY');
    expect(reasonOf(() => verifierFromKey(PETER_SKEY))).toBe('MALFORMED_KEY');
  });

  it('generates self-consistent key pairs in the Go formats (Go TestGenerateKey)', () => {
    const { signerKey, verifierKey } = generateEd25519NoteKey('EnochRoot');
    expect(signerKey).toMatch(/^PRIVATE\+KEY\+EnochRoot\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    expect(verifierKey).toMatch(/^EnochRoot\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    expect(verifierKeyOf(signerKey)).toBe(verifierKey);
    const signer = signerFromKey(signerKey);
    const verifier = verifierFromKey(verifierKey);
    expect(signer.keyId).toBe(verifier.keyId);

    const msg = new TextEncoder().encode('hi');
    const sig = signer.sign(msg);
    expect(verifier.verify(msg, sig)).toBe(true);
    expect(verifier.verify(msg, sig.map((b, i) => (i === 0 ? b ^ 1 : b)))).toBe(false);
    expect(verifier.verify(new TextEncoder().encode('hj'), sig)).toBe(false);
    expect(generateEd25519NoteKey('EnochRoot').signerKey).not.toBe(signerKey);
  });

  it.each(['', 'a+b', 'a b', 'a\tb', 'a\u00a0b', 'a\u3000b', 'a\u2028b', 'a\u0001b', 'a\ud800'])('refuses the key name %j', (name) => {
    expect(isValidNoteKeyName(name)).toBe(false);
    expect(reasonOf(() => generateEd25519NoteKey(name))).toBe('INVALID_NAME');
  });

  it('accepts schema-less URLs and non-ASCII names', () => {
    expect(isValidNoteKeyName('example.com/log42')).toBe(true);
    expect(isValidNoteKeyName('Señor-1')).toBe(true);
  });
});

describe('signNote', () => {
  it('reproduces the Go signed note byte for byte (Go TestSign)', () => {
    expect(signNote(TEXT, signerFromKey(PETER_SKEY))).toBe(`${TEXT}\n${PETER_SIG}`);
  });

  it('writes one line per signer, in order, after the blank line', () => {
    const other = signerFromKey(generateEd25519NoteKey('example.com/witness').signerKey);
    const note = signNote(TEXT, signerFromKey(PETER_SKEY), other);
    expect(note.startsWith(`${TEXT}\n${PETER_SIG}— example.com/witness `)).toBe(true);
    expect(note.endsWith('\n')).toBe(true);
  });

  it.each<[string, string, () => NoteSigner[], NoteErrorReason]>([
    ['text without a final newline', 'abc', () => [signerFromKey(PETER_SKEY)], 'MALFORMED_NOTE'],
    ['a control character in the text', 'a\rb\n', () => [signerFromKey(PETER_SKEY)], 'MALFORMED_NOTE'],
    ['a lone surrogate in the text', 'a\udc00\n', () => [signerFromKey(PETER_SKEY)], 'MALFORMED_NOTE'],
    ['no signer', TEXT, () => [], 'INVALID_SIGNER'],
    ['a signer name with a space', TEXT, () => [{ ...signerFromKey(PETER_SKEY), name: 'bad name' }], 'INVALID_SIGNER'],
    ['a key ID above uint32', TEXT, () => [{ ...signerFromKey(PETER_SKEY), keyId: 2 ** 32 }], 'INVALID_SIGNER'],
    ['the same key twice', TEXT, () => [signerFromKey(PETER_SKEY), signerFromKey(PETER_SKEY)], 'INVALID_SIGNER'],
    ['an empty signature', TEXT, () => [{ name: 'x', keyId: 1, sign: () => new Uint8Array() }], 'INVALID_SIGNER'],
  ])('refuses %s', (_label, text, signers, reason) => {
    expect(reasonOf(() => signNote(text, ...signers()))).toBe(reason);
  });
});

describe('openNote (Go TestOpen)', () => {
  const peter = verifierFromKey(PETER_VKEY);
  const enoch = verifierFromKey(ENOCH_VKEY);
  const both = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;

  it('verifies the Go note and returns its text', () => {
    expect(openNote(`${TEXT}\n${PETER_SIG}`, [peter])).toEqual({ text: TEXT, verified: [PETER], unverified: [] });
  });

  it('opens the UTF-8 bytes of the note the same way', () => {
    expect(openNote(new TextEncoder().encode(`${TEXT}\n${PETER_SIG}`), [peter]).text).toBe(TEXT);
  });

  it('lists signatures of unknown keys as unverified', () => {
    expect(openNote(both, [peter])).toEqual({ text: TEXT, verified: [PETER], unverified: [ENOCH] });
    expect(openNote(both, [peter, enoch])).toEqual({ text: TEXT, verified: [PETER, ENOCH], unverified: [] });
  });

  it('rejects a note without a signature from a known key', () => {
    expect(reasonOf(() => openNote(both, []))).toBe('UNVERIFIED');
    expect(reasonOf(() => openNote(`${TEXT}\n${ENOCH_SIG}`, [peter]))).toBe('UNVERIFIED');
  });

  it('rejects an ambiguous verifier only when a signature needs it', () => {
    expect(reasonOf(() => openNote(`${TEXT}\n${ENOCH_SIG}`, [enoch, peter, enoch]))).toBe('AMBIGUOUS_KEY');
    expect(openNote(`${TEXT}\n${PETER_SIG}`, [enoch, peter, enoch]).verified).toEqual([PETER]);
  });

  it(`accepts ${MAX_NOTE_SIGNATURES} signatures and rejects ${MAX_NOTE_SIGNATURES + 1}`, () => {
    expect(openNote(`${TEXT}\n${PETER_SIG.repeat(MAX_NOTE_SIGNATURES)}`, [peter]).verified).toEqual([PETER]);
    expect(reasonOf(() => openNote(`${TEXT}\n${PETER_SIG.repeat(MAX_NOTE_SIGNATURES + 1)}`, [peter]))).toBe('MALFORMED_NOTE');
    expect(reasonOf(() => openNote(`${TEXT}\n${PETER_SIG.repeat(MAX_NOTE_SIGNATURES + 1)}`, []))).toBe('MALFORMED_NOTE');
  });

  it('rejects an invalid signature from a known key', () => {
    const longer = `${PETER_SIG.slice(0, CUT)}ABCD${PETER_SIG.slice(CUT)}`;
    expect(reasonOf(() => openNote(`${TEXT}\n${longer}`, [peter]))).toBe('INVALID_SIGNATURE');
  });

  it('keeps each key once across repeated signatures', () => {
    const enochAbcd = `${ENOCH_SIG.slice(0, CUT)}ABCD${ENOCH_SIG.slice(CUT)}`;
    const note = `${TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}${enochAbcd}`;
    expect(openNote(note, [peter])).toEqual({ text: TEXT, verified: [PETER], unverified: [ENOCH] });
  });

  it('checks every repeated signature of a known key, unlike Go which skips repeats', () => {
    const forged = withBlob(PETER_SIG, (blob) => (blob[10] = (blob[10] ?? 0) ^ 1));
    expect(reasonOf(() => openNote(`${TEXT}\n${PETER_SIG}${forged}`, [peter]))).toBe('INVALID_SIGNATURE');
  });

  it.each<[string, string | Uint8Array]>([
    ['text alone', TEXT],
    ['text and a blank line', `${TEXT}\n`],
    ['a signature line without its newline', `${TEXT}\n${PETER_SIG.slice(0, -1)}`],
    ['a control character', `\u0001${TEXT}\n${PETER_SIG}`],
    ['invalid UTF-8', Uint8Array.of(0xff, ...new TextEncoder().encode(`${TEXT}\n${PETER_SIG}`))],
    ['a name with a space', `${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`],
    ['a line after the signatures', `${TEXT}\n${PETER_SIG}Unexpected line.\n`],
    // Beyond Go's table:
    ['a lone surrogate', `\ud800${TEXT}\n${PETER_SIG}`],
    ['a carriage return', `${TEXT.replace('\n', '\r\n')}\n${PETER_SIG}`],
    ['a hyphen instead of the em dash', `${TEXT}\n${PETER_SIG.replace('—', '-')}`],
    ['no space after the em dash', `${TEXT}\n${PETER_SIG.replace('— ', '—')}`],
    ['no signature after the name', `${TEXT}\n— PeterNeumann\n`],
    ['an empty name', `${TEXT}\n—  x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`],
    ['a signature blob under 5 bytes', `${TEXT}\n— PeterNeumann x08gow==\n`],
    ['unpadded base64', `${TEXT}\n${PETER_SIG.replace('=\n', '\n')}`],
    ['non-canonical base64 padding bits', `${TEXT}\n${PETER_SIG.replace('AM=\n', 'AN=\n')}`],
  ])('rejects %s as malformed', (_label, note) => {
    expect(reasonOf(() => openNote(note, [peter]))).toBe('MALFORMED_NOTE');
  });

  it('takes everything before the last blank line as text, so a blank line between signatures hides the first', () => {
    expect(reasonOf(() => openNote(`${TEXT}\n${PETER_SIG}\n${ENOCH_SIG}`, [peter]))).toBe('UNVERIFIED');
  });

  it('parses the signed-note spec example (c2sp.org/signed-note), whose text holds a blank line', () => {
    const note =
      'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n\n' +
      '— quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n';
    // The spec publishes no key for it: well-formed, but with no known key it must not open.
    expect(reasonOf(() => openNote(note, [peter]))).toBe('UNVERIFIED');
  });

  it('round-trips texts with blank lines and lines that look like signatures', () => {
    const signer = signerFromKey(PETER_SKEY);
    for (const text of ['\n', 'a\n\n', `a\n\n${PETER_SIG}`, 'a\n\n\nb\n', 'Unicode ☃ 名\n']) {
      expect(openNote(signNote(text, signer), [peter]).text).toBe(text);
    }
  });
});

describe('openNote: tampering with the Go note', () => {
  const peter = verifierFromKey(PETER_VKEY);
  const note = `${TEXT}\n${PETER_SIG}`;

  it.each<[string, string, NoteErrorReason]>([
    ['one letter of the text', note.replace('cryptography', 'cryptographY'), 'INVALID_SIGNATURE'],
    ['a line of the text dropped', note.replace("then you don't know what your problem is.\n", ''), 'INVALID_SIGNATURE'],
    ['a byte of the signature', note.replace(PETER_SIG, withBlob(PETER_SIG, (b) => (b[40] = (b[40] ?? 0) ^ 0x80))), 'INVALID_SIGNATURE'],
    ['the signature truncated', note.replace(PETER_SIG, withBlob(PETER_SIG, () => undefined).replace('AM=', '')), 'MALFORMED_NOTE'],
    ['the key ID', note.replace(PETER_SIG, withBlob(PETER_SIG, (b) => (b[3] = (b[3] ?? 0) ^ 1))), 'UNVERIFIED'],
    ['the key name', note.replace('PeterNeumann', 'PeterNeumanm'), 'UNVERIFIED'],
  ])('fails on tampering: %s', (_label, tampered, reason) => {
    expect(tampered).not.toBe(note);
    expect(reasonOf(() => openNote(tampered, [peter]))).toBe(reason);
  });

  it('fails with a verifier of the same name and key ID but another key', () => {
    const impostor = { ...verifierFromKey(generateEd25519NoteKey('PeterNeumann').verifierKey), keyId: PETER.keyId };
    expect(reasonOf(() => openNote(note, [impostor]))).toBe('INVALID_SIGNATURE');
  });
});
