import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { databaseBackends, freshSchemaName } from '../../support/backends.js';
import { spawnTs, waitReady, type Spawned } from '../../support/spawn.js';
import { horizontalOverflow, unlabelledInputs } from './page-checks.js';

/** Debian's Chromium (apt package `chromium`); CHROMIUM_PATH overrides. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
export const RESULTS_DIR = path.resolve(import.meta.dirname, '../../../test-results');

/**
 * Whether the browser journeys can run here. CI (`.ci/run` sets CI=1 and installs Chromium with apt) must run
 * them; a developer machine without Chromium skips them, and says so, rather than failing `npm test`.
 */
export function browserAvailable(): boolean {
  if (fs.existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`Chromium not found at ${CHROMIUM}: .ci/run installs it with apt (package chromium)`);
  process.stdout.write(`\n[e2e] skipped: no Chromium at ${CHROMIUM} (apt-get install chromium fonts-noto-cjk, or set CHROMIUM_PATH)\n`);
  return false;
}

export interface WebJourney {
  /** Base URL of the real platform process (npm start's code path) serving the built web app. */
  base: string;
  browser: Browser;
  server: Spawned;
  /** Console errors and uncaught page errors seen in any page of this journey (each journey asserts none). */
  readonly consoleErrors: string[];
  /** A new browser context (desktop 1280×800, or the 390×844 phone) whose pages record console errors. */
  newPage(viewport?: 'desktop' | 'phone'): Promise<Page>;
  /**
   * Saves a screenshot as test-results/<journey>/<name>-<viewport>.png. Every screen shot this way is also checked:
   * each input has a label, and on the phone nothing scrolls sideways; problems fail the journey at its end.
   */
  screenshot(page: Page, name: string): Promise<string>;
}

/**
 * Starts the whole platform as `npm start` runs it (a child process: worker, scheduler, outbox relay, demo data,
 * dev SMS outbox, sandboxes) on a fresh data directory — on PostgreSQL and Redis when the suite runs against them
 * — with the web app built once per test run (global setup), and a headless Chromium. One per journey file.
 */
export function useWebJourney(journey: string, env: Record<string, string> = {}): WebJourney {
  const contexts: BrowserContext[] = [];
  const state = { consoleErrors: [] as string[] } as WebJourney & { consoleErrors: string[] };
  const viewports = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
  const dataDir = path.join(os.tmpdir(), `quanyi-e2e-${randomUUID()}`);

  beforeAll(async () => {
    const webDir = inject('webDir');
    if (webDir.startsWith('build failed')) throw new Error(`the web app did not build (test/support/global-setup.ts): ${webDir}`);
    const usePostgres = databaseBackends().includes('postgres') && process.env.DATABASE_URL;
    state.server = spawnTs('src/cli.ts', ['start'], {
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      WEB_DIR: webDir,
      DEMO_DATA: 'on',
      ...(usePostgres ? { DATABASE_URL: process.env.DATABASE_URL, DATABASE_SCHEMA: freshSchemaName() } : {}),
      ...(usePostgres && process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL, REDIS_KEY_PREFIX: `e2e:${randomUUID()}:` } : {}),
      ...env,
    });
    state.base = (await state.server.url).replace('0.0.0.0', '127.0.0.1');
    await waitReady(state.base, 120_000);
    state.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
  }, 180_000);

  const pageProblems: string[] = [];

  afterAll(async () => {
    if (pageProblems.length > 0) throw new Error(`screens with problems:\n${pageProblems.join('\n')}`);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await state.browser?.close().catch(() => undefined);
    if (state.server) {
      state.server.child.kill('SIGTERM');
      await Promise.race([state.server.exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      state.server.child.kill('SIGKILL');
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  state.newPage = async (viewport = 'desktop') => {
    const context = await state.browser.newContext({
      viewport: viewports[viewport],
      deviceScaleFactor: viewport === 'phone' ? 2 : 1,
      isMobile: viewport === 'phone',
      hasTouch: viewport === 'phone',
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    contexts.push(context);
    const page = await context.newPage();
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error') state.consoleErrors.push(`${page.url()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => state.consoleErrors.push(`${page.url()}: ${error.message}`));
    return page;
  };

  state.screenshot = async (page, name) => {
    const dir = path.join(RESULTS_DIR, journey);
    fs.mkdirSync(dir, { recursive: true });
    const width = page.viewportSize()?.width ?? 0;
    const unlabelled = await unlabelledInputs(page);
    if (unlabelled.length > 0) pageProblems.push(`${journey}/${name}: inputs without a label: ${unlabelled.join(', ')}`);
    const overflow = width <= 400 ? await horizontalOverflow(page) : 0;
    if (overflow > 0) pageProblems.push(`${journey}/${name}: ${overflow} px wider than the ${width} px phone`);
    const file = path.join(dir, `${name}-${width <= 400 ? 'phone' : 'desktop'}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };

  return state;
}
