import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { CheckpointError, formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint, type CheckpointErrorReason } from './checkpoint.js';
import { generateEd25519NoteKey, NoteError, signerFromKey, signNote, verifierFromKey, type NoteErrorReason } from './signed-note.js';

function reasonOf(fn: () => unknown): CheckpointErrorReason | NoteErrorReason | 'no error' | 'other error' {
  try {
    fn();
    return 'no error';
  } catch (error) {
    return error instanceof CheckpointError || error instanceof NoteError ? error.reason : 'other error';
  }
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const root = (fill: number): Uint8Array => new Uint8Array(32).fill(fill);

// A real checkpoint of the Go checksum database: from github.com/transparency-dev/formats log/note_test.go
// (TestSumDBNoteParsing); the verifier key is the one the go command pins, github.com/golang/go
// src/cmd/go/internal/modfetch/key.go. Its origin line is not its key name, hence the explicit origin below.
const SUMDB_VKEY = 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8';
const SUMDB_ORIGIN = 'go.sum database tree';
const SUMDB_TEXT = 'go.sum database tree\n6476701\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n';
const SUMDB_SIG = '— sum.golang.org Az3grsLX85Gz+s1SiTbgkuqxgItqFq7gsMUEyVnrsa9LM7Us9S+1xbFIGu95949rj4nPRYfvimWEPWL+o3GeoWwOoAw=\n';
const SUMDB_NOTE = `${SUMDB_TEXT}\n${SUMDB_SIG}`;

describe('formatCheckpoint / parseCheckpoint', () => {
  it('matches the Go tlog golden tree note (golang.org/x/mod/sumdb/tlog note_test.go, TestFormatTree)', () => {
    // tlog.RecordHash is the RFC 6962 leaf hash: SHA-256(0x00 ‖ data).
    const rootHash = sha256(new Uint8Array([0, ...new TextEncoder().encode('hello world')]));
    const golden = 'go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n';
    expect(formatCheckpoint({ origin: SUMDB_ORIGIN, size: 123456789012, rootHash })).toBe(golden);
    expect(parseCheckpoint(golden)).toEqual({ origin: SUMDB_ORIGIN, size: 123456789012, rootHash, extensions: [] });
  });

  it('writes extension lines after the root and reads them back', () => {
    const checkpoint = { origin: 'example.com/log', size: 7, rootHash: root(1), extensions: ['ext one', 'ext two'] };
    const text = formatCheckpoint(checkpoint);
    expect(text).toBe(`example.com/log\n7\n${b64(root(1))}\next one\next two\n`);
    expect(parseCheckpoint(text)).toEqual(checkpoint);
  });

  it('accepts the empty tree and the largest safe size', () => {
    expect(parseCheckpoint(`o\n0\n${b64(root(0))}\n`).size).toBe(0);
    expect(parseCheckpoint(`o\n9007199254740991\n${b64(root(0))}\n`).size).toBe(Number.MAX_SAFE_INTEGER);
  });

  const r = b64(root(2));
  it.each<[string, string]>([
    ['no final newline', `o\n1\n${r}`],
    ['two lines', `o\n1\n`],
    ['an empty origin', `\n1\n${r}\n`],
    ['a leading zero', `o\n01\n${r}\n`],
    ['a sign', `o\n+1\n${r}\n`],
    ['a negative size', `o\n-1\n${r}\n`],
    ['a hex size (Go tlog badTrees)', `o\n0xabcdef\n${r}\n`],
    ['an exponent', `o\n1e3\n${r}\n`],
    ['spaces around the size', `o\n 1\n${r}\n`],
    ['an empty size', `o\n\n${r}\n`],
    ['a size above 2^53 - 1', `o\n9007199254740992\n${r}\n`],
    ['a root that is too long (Go tlog badTrees)', 'o\n1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBTOOBIG=\n'],
    ['a 31-byte root', `o\n1\n${b64(new Uint8Array(31))}\n`],
    ['a root without padding', `o\n1\n${r.replace('=', '')}\n`],
    ['a root with non-canonical padding bits', `o\n1\n${r.replace('I=', 'J=')}\n`],
    ['a root with a space inside', `o\n1\n${r.slice(0, 10)} ${r.slice(10)}\n`],
    ['an empty extension line', `o\n1\n${r}\n\n`],
    ['a carriage return', `o\r\n1\n${r}\n`],
  ])('parseCheckpoint refuses %s', (_label, text) => {
    expect(reasonOf(() => parseCheckpoint(text))).toBe('MALFORMED');
  });

  it.each<[string, Parameters<typeof formatCheckpoint>[0]]>([
    ['a negative size', { origin: 'o', size: -1, rootHash: root(0) }],
    ['a fractional size', { origin: 'o', size: 1.5, rootHash: root(0) }],
    ['an unsafe size', { origin: 'o', size: 2 ** 53, rootHash: root(0) }],
    ['a short root', { origin: 'o', size: 1, rootHash: new Uint8Array(31) }],
    ['an empty origin', { origin: '', size: 1, rootHash: root(0) }],
    ['a two-line origin', { origin: 'a\nb', size: 1, rootHash: root(0) }],
    ['an empty extension', { origin: 'o', size: 1, rootHash: root(0), extensions: [''] }],
    ['an extension with a newline', { origin: 'o', size: 1, rootHash: root(0), extensions: ['a\nb'] }],
  ])('formatCheckpoint refuses %s', (_label, checkpoint) => {
    expect(reasonOf(() => formatCheckpoint(checkpoint))).toBe('MALFORMED');
  });
});

describe('openCheckpoint: sum.golang.org', () => {
  const verifier = verifierFromKey(SUMDB_VKEY);

  it('opens the published checkpoint with the go command key', () => {
    const checkpoint = openCheckpoint(SUMDB_NOTE, verifier, SUMDB_ORIGIN);
    expect(checkpoint.origin).toBe(SUMDB_ORIGIN);
    expect(checkpoint.size).toBe(6476701);
    expect(b64(checkpoint.rootHash)).toBe('mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=');
    expect(formatCheckpoint(checkpoint)).toBe(SUMDB_TEXT);
  });

  it('refuses it for another origin, including the default one (the key name)', () => {
    expect(reasonOf(() => openCheckpoint(SUMDB_NOTE, verifier, 'Go rocks but I might have the wrong ID'))).toBe('ORIGIN_MISMATCH');
    expect(reasonOf(() => openCheckpoint(SUMDB_NOTE, verifier))).toBe('ORIGIN_MISMATCH');
  });

  const sigBlob = Buffer.from(SUMDB_SIG.trimEnd().split(' ')[2] ?? '', 'base64');
  const withBlob = (edit: (blob: Buffer) => void): string => {
    const blob = Buffer.from(sigBlob);
    edit(blob);
    return `${SUMDB_TEXT}\n— sum.golang.org ${blob.toString('base64')}\n`;
  };

  it.each<[string, string, CheckpointErrorReason | NoteErrorReason]>([
    ['the origin', SUMDB_NOTE.replace('go.sum database tree', 'go.sum database trees'), 'INVALID_SIGNATURE'],
    ['the size', SUMDB_NOTE.replace('6476701', '6476702'), 'INVALID_SIGNATURE'],
    ['the root hash', SUMDB_NOTE.replace('mb8QLQ', 'mb8QLR'), 'INVALID_SIGNATURE'],
    ['an extension line added', SUMDB_NOTE.replace('Wk=\n', 'Wk=\nextra\n'), 'INVALID_SIGNATURE'],
    ['the signature', withBlob((blob) => (blob[20] = (blob[20] ?? 0) ^ 1)), 'INVALID_SIGNATURE'],
    ['the key ID', withBlob((blob) => (blob[0] = (blob[0] ?? 0) ^ 1)), 'UNVERIFIED'],
    ['the key name', SUMDB_NOTE.replace('— sum.golang.org', '— sum.golang.org.evil'), 'UNVERIFIED'],
  ])('fails on tampering: %s', (_label, note, reason) => {
    expect(note).not.toBe(SUMDB_NOTE);
    expect(reasonOf(() => openCheckpoint(note, verifier, SUMDB_ORIGIN))).toBe(reason);
  });
});

describe('signCheckpoint / openCheckpoint round trip', () => {
  const origin = 'quanyi.example/draws';
  const keys = generateEd25519NoteKey(origin);
  const signer = signerFromKey(keys.signerKey);
  const verifier = verifierFromKey(keys.verifierKey);
  const checkpoint = { origin, size: 42, rootHash: root(7), extensions: [] };

  it('opens what it signs, given the fields or the formatted text', () => {
    const note = signCheckpoint(checkpoint, signer);
    expect(note.startsWith(`${formatCheckpoint(checkpoint)}\n— ${origin} `)).toBe(true);
    expect(signCheckpoint(formatCheckpoint(checkpoint), signer)).toBe(note);
    expect(openCheckpoint(note, verifier)).toEqual(checkpoint);
  });

  it('ignores witness cosignatures from unknown keys', () => {
    const witness = signerFromKey(generateEd25519NoteKey('witness.example').signerKey);
    const cosigned = signNote(formatCheckpoint(checkpoint), signer, witness);
    expect(openCheckpoint(cosigned, verifier)).toEqual(checkpoint);
  });

  it('refuses a signer whose key name is not the origin', () => {
    const other = signerFromKey(generateEd25519NoteKey('other.example/log').signerKey);
    expect(reasonOf(() => signCheckpoint(checkpoint, other))).toBe('ORIGIN_MISMATCH');
  });

  it('refuses malformed text to sign', () => {
    expect(reasonOf(() => signCheckpoint(`${origin}\n042\n${b64(root(7))}\n`, signer))).toBe('MALFORMED');
  });

  it('refuses a checkpoint signed by another key of the same name', () => {
    const impostor = signerFromKey(generateEd25519NoteKey(origin).signerKey);
    expect(reasonOf(() => openCheckpoint(signCheckpoint(checkpoint, impostor), verifier))).toBe('UNVERIFIED');
  });

  it('refuses a validly signed note that is not a checkpoint', () => {
    expect(reasonOf(() => openCheckpoint(signNote(`${origin}\nnot a size\n`, signer), verifier))).toBe('MALFORMED');
  });

  it('refuses a malformed note', () => {
    expect(reasonOf(() => openCheckpoint(formatCheckpoint(checkpoint), verifier))).toBe('MALFORMED_NOTE');
  });
});
