import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB_ROOT = fileURLToPath(new URL('../../web', import.meta.url));

/** Builds the web app into `outDir` with Vite (web/vite.config.ts). */
export async function buildWebApp(outDir: string): Promise<void> {
  const { build } = await import('vite');
  // Vite sets NODE_ENV=production in this process while it builds; the platform started next must keep its own.
  const nodeEnv = process.env.NODE_ENV;
  try {
    await build({ configFile: path.join(WEB_ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir } });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

/**
 * `npm start` on a fresh checkout: the web app is built once when its build is missing (a few seconds), so the
 * two commands in the README are all it takes. A deployment ships the build and never gets here.
 */
export async function ensureWebApp(webDir: string, log: (message: string) => void): Promise<void> {
  if (fs.existsSync(path.join(webDir, 'index.html'))) return;
  if (!fs.existsSync(WEB_ROOT)) return;
  log(`building the web app into ${webDir} (first start)`);
  await buildWebApp(webDir);
}
