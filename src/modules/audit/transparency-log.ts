import type { Kysely, Transaction } from 'kysely';
import { AppError } from '../../platform/errors/app-error.js';
import type { Database } from '../../platform/db/schema.js';
import { canonicalJson } from './domain/canonical-json.js';
import { formatCheckpoint, signCheckpoint } from './domain/checkpoint.js';
import { LeafHashTree, leafHash } from './domain/merkle.js';
import { signerFromKey, type NoteSigner } from './domain/signed-note.js';
import type { TransparencyLogRepo } from './repo.js';
import type { LogKeys } from './signing-key.js';

/** What a module logs: a type, what it is about, and commitments — never personal data. */
export type { LogEntryInput } from './domain/log-entry.js';
import type { LogEntryInput } from './domain/log-entry.js';

export interface SignedCheckpoint {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  /** The C2SP signed note: checkpoint text, a blank line, the signature line. */
  readonly note: string;
}

export interface LogEntry {
  readonly index: number;
  readonly type: string;
  readonly subject: string;
  /** The canonical JSON (RFC 8785) text whose UTF-8 bytes are the leaf. */
  readonly body: string;
}

/** The version of the entry format; a verifier refuses entries of a version it does not know. */
export const ENTRY_VERSION = 1;
/** Proof and entry pages are bounded so one request cannot make the server read the whole log. */
export const MAX_ENTRIES_PER_PAGE = 1000;

/**
 * The append-only Merkle log every draw is recorded in (RFC 6962 hashing, C2SP checkpoints signed with Ed25519).
 * Appends join the caller's transaction, so an entry exists exactly when the change it records committed.
 * Each process keeps the leaf hashes it has seen in memory — safe because committed entries never change — and
 * serves proofs from them.
 */
export class TransparencyLog {
  private readonly tree = new LeafHashTree();
  private readonly signer: NoteSigner;
  private syncing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly repo: TransparencyLogRepo,
    readonly origin: string,
    readonly keys: LogKeys,
  ) {
    if (keys.signer) this.signer = keys.signer;
    else if (keys.signerKey) this.signer = signerFromKey(keys.signerKey);
    else throw new Error('TransparencyLog needs a signer key or a signer');
  }

  /** Appends entries in the caller's transaction; returns their indices. */
  async append(trx: Transaction<Database>, inputs: readonly LogEntryInput[]): Promise<number[]> {
    const rows = inputs.map((input) => {
      const body = canonicalJson({ v: ENTRY_VERSION, type: input.type, ...input.fields });
      return { kind: input.type, subject: input.subject, body, leafHash: leafHash(new TextEncoder().encode(body)) };
    });
    const first = await this.repo.append(trx, rows);
    return rows.map((_, i) => first + i);
  }

  async size(): Promise<number> {
    return this.repo.size(this.db);
  }

  /** The latest signed checkpoint, signing one for the current size if nobody has yet. */
  async checkpoint(): Promise<SignedCheckpoint> {
    return this.checkpointAt(await this.size());
  }

  async checkpointAt(size: number): Promise<SignedCheckpoint> {
    await this.requireSize(size);
    const stored = await this.repo.checkpointAt(this.db, size);
    if (stored) return { origin: this.origin, ...stored };
    const rootHash = await this.rootAt(size);
    const note = signCheckpoint(formatCheckpoint({ origin: this.origin, size, rootHash }), this.signer);
    await this.repo.insertCheckpoint(this.db, { size, rootHash, note });
    return { origin: this.origin, size, rootHash, note };
  }

  /**
   * The first checkpoint signed after entry `index` — evidence that the entry was in a signed tree by then — or
   * undefined if none has been signed since.
   */
  async firstCheckpointCovering(index: number): Promise<SignedCheckpoint | undefined> {
    const stored = await this.repo.firstCheckpointCovering(this.db, index);
    return stored && { origin: this.origin, ...stored };
  }

  async entries(start: number, end: number): Promise<LogEntry[]> {
    const size = await this.size();
    if (start < 0 || end <= start || end > size || end - start > MAX_ENTRIES_PER_PAGE) {
      throw new AppError('TLOG_RANGE_INVALID', { start, end, size, max_page: MAX_ENTRIES_PER_PAGE });
    }
    return (await this.repo.entries(this.db, start, end)).map(toEntry);
  }

  async entriesAbout(subject: string, types?: readonly string[]): Promise<LogEntry[]> {
    return (await this.repo.entriesAbout(this.db, subject, types)).map(toEntry);
  }

  async inclusionProof(index: number, size: number): Promise<readonly Uint8Array[]> {
    return (await this.inclusionProofs([index], size))[0]!;
  }

  /** Proofs for many entries in one tree: the size is checked and the leaves loaded once, not per entry. */
  async inclusionProofs(indices: readonly number[], size: number): Promise<(readonly Uint8Array[])[]> {
    await this.requireSize(size);
    const outside = indices.find((index) => index < 0 || index >= size);
    if (outside !== undefined) throw new AppError('TLOG_RANGE_INVALID', { index: outside, size });
    await this.syncTo(size);
    return indices.map((index) => this.tree.inclusionProof(index, size));
  }

  async consistencyProof(first: number, second: number): Promise<readonly Uint8Array[]> {
    await this.requireSize(second);
    if (first < 0 || first > second) throw new AppError('TLOG_RANGE_INVALID', { first, second });
    await this.syncTo(second);
    return this.tree.consistencyProof(first, second);
  }

  private async rootAt(size: number): Promise<Uint8Array> {
    await this.syncTo(size);
    return this.tree.root(size);
  }

  private async requireSize(size: number): Promise<void> {
    const current = await this.size();
    if (!Number.isSafeInteger(size) || size < 0 || size > current) {
      throw new AppError('TLOG_RANGE_INVALID', { size, log_size: current });
    }
  }

  /** Loads the leaf hashes this process has not seen yet, one loader at a time. */
  private syncTo(size: number): Promise<void> {
    // A failed load must not poison the loads after it: each starts from whatever the tree holds.
    this.syncing = this.syncing.catch(() => undefined).then(async () => {
      if (this.tree.size >= size) return;
      for (let start = this.tree.size; start < size; start += 50_000) {
        const end = Math.min(size, start + 50_000);
        for (const hash of await this.repo.leafHashes(this.db, start, end)) this.tree.append(hash);
      }
    });
    return this.syncing;
  }
}

function toEntry(row: { index: number; kind: string; subject: string; body: string }): LogEntry {
  return { index: row.index, type: row.kind, subject: row.subject, body: row.body };
}
