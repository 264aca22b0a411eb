import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface StoredFile {
  /** Lowercase hex SHA-256 of the bytes: the file's name in the store. */
  readonly sha256: string;
  readonly size: number;
}

/** Where uploaded files live, by content: the same bytes are stored once, under their SHA-256. */
export interface FileStore {
  put(bytes: Uint8Array): Promise<StoredFile>;
  get(sha256: string): Promise<Buffer | undefined>;
  /** Removes the file; removing one that is not there is not an error. */
  delete(sha256: string): Promise<void>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * A content-addressed store in a local directory (`DATA_DIR/files` by default): `ab/cd/abcd…`. Writes go to a
 * temporary name first and are renamed into place, so a crash never leaves a partial file under a real name.
 * An object store (S3, OSS) would implement the same port.
 */
export class LocalFileStore implements FileStore {
  constructor(private readonly root: string) {}

  async put(bytes: Uint8Array): Promise<StoredFile> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const target = this.pathOf(sha256);
    const existing = await stat(target).catch(() => undefined);
    if (existing?.size === bytes.byteLength) return { sha256, size: bytes.byteLength };
    await mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.${randomUUID()}.tmp`;
    await writeFile(temporary, bytes, { mode: 0o600 });
    await rename(temporary, target);
    return { sha256, size: bytes.byteLength };
  }

  async get(sha256: string): Promise<Buffer | undefined> {
    if (!SHA256_HEX.test(sha256)) return undefined;
    return readFile(this.pathOf(sha256)).catch(() => undefined);
  }

  async delete(sha256: string): Promise<void> {
    if (!SHA256_HEX.test(sha256)) return;
    await rm(this.pathOf(sha256), { force: true });
  }

  private pathOf(sha256: string): string {
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }
}
