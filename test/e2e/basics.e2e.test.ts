import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { appConsoleErrors } from './support/console.js';
import { browserAvailable, useWebJourney } from './support/harness.js';
import { horizontalOverflow, unlabelledInputs } from './support/page-checks.js';

/** Issue #9's basics: the consumer's first load under 300 KB of compressed JavaScript; labelled inputs; 390 px. */
describe.runIf(browserAvailable())('web app basics (Chromium)', () => {
  const journey = useWebJourney('basics');

  it("the consumer app's first load is under 300 KB of gzip-compressed JavaScript", async () => {
    const page = await journey.newPage('phone');
    const scripts = new Set<string>();
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (url.pathname.endsWith('.js')) scripts.add(url.pathname);
    });
    await page.goto(`${journey.base}/app`, { waitUntil: 'networkidle' });
    const webDir = inject('webDir');
    // The bytes a browser downloads for each script: the .gz the server sends (brotli, when accepted, is smaller).
    const sizes = [...scripts].map((pathname) => fs.statSync(path.join(webDir, `${pathname}.gz`)).size);
    const total = sizes.reduce((a, b) => a + b, 0);
    process.stdout.write(`\n[e2e] consumer first load: ${scripts.size} scripts, ${(total / 1024).toFixed(1)} KB gzip\n`);
    expect(scripts.size).toBeGreaterThan(0);
    expect(total).toBeLessThan(300 * 1024);
    const served = await fetch(`${journey.base}${[...scripts][0]}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(served.headers.get('content-encoding')).toBe('gzip');
  });

  it('every area opens at 390 px wide with every input labelled and nothing to scroll sideways', async () => {
    const page = await journey.newPage('phone');
    for (const area of ['/app', '/merchant', '/admin', '/fairness']) {
      await page.goto(`${journey.base}${area}`, { waitUntil: 'networkidle' });
      await page.waitForSelector('#app *');
      expect(await unlabelledInputs(page), area).toEqual([]);
      expect(await horizontalOverflow(page), area).toBe(0);
      await journey.screenshot(page, area.slice(1));
    }
    expect(appConsoleErrors(journey.consoleErrors)).toEqual([]);
  });
});
