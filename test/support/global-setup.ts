import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { connectDatabase } from '../../src/platform/db/connect.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import { MIGRATIONS } from '../../src/app/modules.js';
import { databaseBackends, cacheBackends, schemaPrefixOf } from './backends.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    /** Names this run's PostgreSQL schemas (backends.ts freshSchemaName), so its teardown drops only them. */
    schemaRun: string;
    /** The web app built for this run (browser journeys serve it); empty when no journey is selected. */
    webDir: string;
  }
}

/**
 * Starting PGlite from nothing costs ~4 s and ~700 MB; loading a migrated data directory costs ~0.6 s. So the
 * template is built once per migration set and every test file starts its own PGlite from it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const version = createHash('sha256').update(Object.keys(MIGRATIONS).join('\n')).update(await sourceOfMigrations()).digest('hex').slice(0, 16);
  const file = path.join(os.tmpdir(), `quanyi-pglite-template-${version}.tar`);
  if (!fs.existsSync(file)) {
    const database = await connectDatabase({ databaseUrl: undefined, schema: 'public', poolSize: 1 });
    await migrateToLatest(database.db, 'public', MIGRATIONS);
    const dump = await database.dumpEmbedded!();
    fs.writeFileSync(`${file}.tmp`, Buffer.from(await dump.arrayBuffer()));
    fs.renameSync(`${file}.tmp`, file);
    await database.close();
  }
  project.provide('pgliteTemplate', file);
  const run = randomBytes(4).toString('hex');
  project.provide('schemaRun', run);
  const webDir = await buildWebForJourneys(run);
  project.provide('webDir', webDir);
  process.stdout.write(`\nQuanyi test backends: database ${databaseBackends().join(' + ')}; cache ${cacheBackends().join(' + ')}\n`);
  return async () => {
    if (webDir) fs.rmSync(webDir, { recursive: true, force: true });
    await dropSchemasOf(run);
  };
}

/** Drops the schemas this run created, once no test file is using them any more. */
async function dropSchemasOf(run: string): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>('SELECT nspname AS name FROM pg_namespace WHERE starts_with(nspname, $1)', [schemaPrefixOf(run)]);
    for (const { name } of rows) await client.query(`DROP SCHEMA "${name}" CASCADE`);
  } finally {
    await client.end();
  }
}

async function sourceOfMigrations(): Promise<string> {
  const dir = path.resolve('src');
  const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.includes('migrations') && f.endsWith('.ts')).sort();
  return files.map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
}

/** Builds the web app once per run into a directory of its own (so parallel runs never share one) for the browser journeys. */
async function buildWebForJourneys(run: string): Promise<string> {
  const dir = path.join(os.tmpdir(), `quanyi-web-${run}`);
  const { buildWebApp } = await import('../../src/app/web-build.js');
  try {
    await buildWebApp(dir);
    return dir;
  } catch (error) {
    // Only the browser journeys need the build: they fail with this message (harness.ts); the rest run on.
    return `build failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}
