import { decodeCanonicalBase64, encodeBase64 } from './base64.js';
import { openNote, signNote, type NoteSigner, type NoteVerifier } from './signed-note.js';

/**
 * C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the signed note body that commits a log to its tree.
 *
 *     <origin>\n<tree size, decimal>\n<base64 RFC 6962 root hash>\n[<extension line>\n]*
 *
 * Sizes are limited to Number.MAX_SAFE_INTEGER (the spec allows up to 2^64 − 1): a log of 2^53 entries is far
 * beyond this one, and a number keeps sizes interchangeable with the Merkle code's indices.
 */
export type Checkpoint = {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  readonly extensions: readonly string[];
};

export type CheckpointInput = Omit<Checkpoint, 'extensions'> & { readonly extensions?: readonly string[] };

/**
 * - MALFORMED: the text is not a checkpoint body, or a value cannot be written as one.
 * - ORIGIN_MISMATCH: the checkpoint is for another log than the one expected, or would be signed by another key.
 * Signature problems surface as the NoteError of the signed-note layer.
 */
export type CheckpointErrorReason = 'MALFORMED' | 'ORIGIN_MISMATCH';

export class CheckpointError extends Error {
  override name = 'CheckpointError';

  constructor(
    readonly reason: CheckpointErrorReason,
    message: string,
  ) {
    super(message);
  }
}

const ROOT_HASH_BYTES = 32;
const DECIMAL = /^(?:0|[1-9][0-9]*)$/;
// Newlines separate the lines; other control characters and lone surrogates cannot be in a signed note at all.
const BAD_CHARS = /[\u0000-\u0009\u000b-\u001f]|\p{Cs}/u; // eslint-disable-line no-control-regex

export function formatCheckpoint(checkpoint: CheckpointInput): string {
  const { origin, size, rootHash, extensions = [] } = checkpoint;
  if (!Number.isSafeInteger(size) || size < 0) throw malformed('size must be a non-negative safe integer');
  if (rootHash.length !== ROOT_HASH_BYTES) throw malformed(`root hash must be ${ROOT_HASH_BYTES} bytes`);
  for (const line of [origin, ...extensions]) {
    if (line === '' || line.includes('\n') || BAD_CHARS.test(line)) {
      throw malformed('origin and extension lines must be non-empty single lines without control characters');
    }
  }
  const root = encodeBase64(rootHash);
  return [origin, String(size), root, ...extensions].map((line) => `${line}\n`).join('');
}

export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw malformed('the text must end with a newline');
  if (BAD_CHARS.test(text)) throw malformed('control characters other than newline');
  const [origin, size, root, ...extensions] = text.slice(0, -1).split('\n');
  if (origin === undefined || size === undefined || root === undefined) throw malformed('fewer than three lines');
  if (origin === '') throw malformed('empty origin');
  if (!DECIMAL.test(size)) throw malformed('size must be decimal without leading zeros');
  const treeSize = Number(size);
  if (!Number.isSafeInteger(treeSize)) throw malformed('size above Number.MAX_SAFE_INTEGER');
  // Only the canonical spelling (no junk, zero padding bits): one text per checkpoint.
  const rootHash = decodeCanonicalBase64(root);
  if (rootHash?.length !== ROOT_HASH_BYTES) {
    throw malformed(`root hash must be the base64 of ${ROOT_HASH_BYTES} bytes`);
  }
  if (extensions.includes('')) throw malformed('empty extension line');
  return { origin, size: treeSize, rootHash, extensions };
}

/**
 * Signs a checkpoint, given as fields or as its formatted text (which is re-validated). The key name must be the
 * origin: the spec only says SHOULD, but {@link openCheckpoint} relies on it to tie a key to its log.
 */
export function signCheckpoint(checkpoint: CheckpointInput | string, signer: NoteSigner): string {
  const text = typeof checkpoint === 'string' ? formatCheckpoint(parseCheckpoint(checkpoint)) : formatCheckpoint(checkpoint);
  const { origin } = parseCheckpoint(text);
  if (signer.name !== origin) throw new CheckpointError('ORIGIN_MISMATCH', `key ${signer.name} cannot sign for origin ${origin}`);
  return signNote(text, signer);
}

/**
 * Opens a signed checkpoint that `verifier` must have signed (other signatures, e.g. witness cosignatures, are
 * ignored) and whose origin must be `origin`, which defaults to the key name. Pass the origin explicitly for
 * logs whose key name differs from it, like sum.golang.org ("go.sum database tree").
 */
export function openCheckpoint(note: string | Uint8Array, verifier: NoteVerifier, origin: string = verifier.name): Checkpoint {
  const { text } = openNote(note, [verifier]);
  const checkpoint = parseCheckpoint(text);
  if (checkpoint.origin !== origin) {
    throw new CheckpointError('ORIGIN_MISMATCH', `checkpoint origin ${JSON.stringify(checkpoint.origin)} is not ${JSON.stringify(origin)}`);
  }
  return checkpoint;
}

function malformed(detail: string): CheckpointError {
  return new CheckpointError('MALFORMED', `malformed checkpoint: ${detail}`);
}
