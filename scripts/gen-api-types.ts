import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import { buildPlatform } from '../src/app/build-platform.js';
import { MODULES } from '../src/app/modules.js';
import { buildServer } from '../src/app/server.js';
import { loadConfig } from '../src/platform/config/config.js';

/**
 * The web app's API types from the server's own contract: builds the whole app in this process on the embedded
 * defaults (PGlite in a temporary DATA_DIR, in-process cache, development mode, so the dev and sandbox routes the
 * web app calls are in the document), takes the OpenAPI document it serves at /openapi.json, and turns it into
 * TypeScript with openapi-typescript.
 *
 *   npm run gen:api-types                      writes web/src/api/schema.d.ts
 *   npm run gen:api-types -- --openapi FILE    also writes the OpenAPI document to FILE
 *   npm run gen:api-types -- --check           writes nothing; exits 1 with a diff when schema.d.ts is not what
 *                                              the server's routes produce now (CI runs this)
 *
 * The environment is fixed here, not read from the caller's: DATABASE_URL, REDIS_URL or NODE_ENV set for tests
 * must not change the document.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SCHEMA_FILE = path.join(ROOT, 'web/src/api/schema.d.ts');

const HEADER = `/**
 * The Quanyi API as TypeScript, generated from the server's OpenAPI document (/openapi.json) by
 * scripts/gen-api-types.ts with openapi-typescript. Do not edit: change the route schemas and run
 * \`npm run gen:api-types\`. CI (\`npm run check:api-types\`) fails when this file is not what they produce.
 */

`;

/** The OpenAPI document the app serves, from the app built in this process. */
export async function openApiDocument(): Promise<OpenAPI3> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quanyi-api-types-'));
  const env = { NODE_ENV: 'development', DATA_DIR: dataDir, LOG_LEVEL: 'silent', DEMO_DATA: 'off', WEB_DIR: path.join(dataDir, 'no-web') };
  const built = await buildPlatform(loadConfig(env), env);
  try {
    const { platform } = built;
    for (const module of MODULES) module.init?.(platform);
    const app = await buildServer(platform, { serveApi: true, modules: MODULES });
    built.closers.push(() => app.close());
    const response = await app.inject({ method: 'GET', url: '/openapi.json' });
    if (response.statusCode !== 200) throw new Error(`GET /openapi.json answered ${response.statusCode}`);
    return response.json<OpenAPI3>();
  } finally {
    await built.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function schemaTypes(document: OpenAPI3): Promise<string> {
  const ast = await openapiTS(document, { silent: true, immutable: true, alphabetize: true });
  return HEADER + astToString(ast);
}

async function main(argv: readonly string[]): Promise<number> {
  const check = argv.includes('--check');
  const openapiAt = argv.indexOf('--openapi');
  const document = await openApiDocument();
  if (openapiAt >= 0) {
    const file = argv[openapiAt + 1];
    if (!file) throw new Error('--openapi needs a file name');
    fs.writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  }
  const generated = await schemaTypes(document);
  const relative = path.relative(ROOT, SCHEMA_FILE);
  if (!check) {
    fs.writeFileSync(SCHEMA_FILE, generated);
    console.log(`wrote ${relative}`);
    return 0;
  }
  const committed = fs.existsSync(SCHEMA_FILE) ? fs.readFileSync(SCHEMA_FILE, 'utf8') : '';
  if (committed === generated) {
    console.log(`${relative} matches the server's OpenAPI document`);
    return 0;
  }
  const fresh = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'quanyi-api-types-')), 'schema.d.ts');
  fs.writeFileSync(fresh, generated);
  console.error(`${relative} is out of date with the server's routes: run \`npm run gen:api-types\` and commit it.`);
  console.error(`diff (committed → generated, the generated file is ${fresh}):`);
  console.error(lineDiff(committed, generated));
  return 1;
}

/** The changed lines with two lines of context, enough to see what drifted without a diff tool on the machine. */
function lineDiff(before: string, after: string): string {
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const from = Math.max(0, start - 2);
  const out = [`@@ line ${start + 1} @@`, ...a.slice(from, start).map((l) => `  ${l}`)];
  const shown = 80;
  out.push(...a.slice(start, Math.min(endA, start + shown)).map((l) => `- ${l}`));
  if (endA - start > shown) out.push(`- … ${endA - start - shown} more`);
  out.push(...b.slice(start, Math.min(endB, start + shown)).map((l) => `+ ${l}`));
  if (endB - start > shown) out.push(`+ … ${endB - start - shown} more`);
  out.push(...a.slice(endA, endA + 2).map((l) => `  ${l}`));
  return out.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
