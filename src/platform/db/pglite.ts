import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/config-error.js';

export interface EmbeddedPostgres {
  readonly pgConfig: unknown;
  dump(): Promise<Blob>;
  close(): Promise<void>;
}

/**
 * Opens embedded PGlite in `dir` (in memory when no dir is given). PGlite's files may be opened by one process
 * only — two would corrupt them — so a lock file holding our pid guards the directory.
 */
export async function openPglite(dir: string | undefined, template?: Blob): Promise<EmbeddedPostgres> {
  const releaseLock = dir ? lockDataDir(dir) : () => undefined;
  try {
    const lite = await PGlite.create({
      ...(dir ? { dataDir: dir } : {}),
      ...(template ? { loadDataDir: template } : {}),
    });
    return {
      pgConfig: createPgConfig(lite),
      dump: async () => (await lite.dumpDataDir('none')) as Blob,
      close: async () => {
        await lite.close();
        releaseLock();
      },
    };
  } catch (error) {
    releaseLock();
    throw error;
  }
}

function lockDataDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const lockFile = path.join(path.dirname(dir), `${path.basename(dir)}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(fs.readFileSync(lockFile, 'utf8'));
      if (holder && holder !== process.pid && isAlive(holder)) {
        throw new ConfigError('DATA_DIR', `is in use by process ${holder}; embedded PGlite admits one process (set DATABASE_URL to share a database)`);
      }
      fs.rmSync(lockFile, { force: true }); // stale: its process is gone
    }
  }
  throw new ConfigError('DATA_DIR', `could not lock ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
