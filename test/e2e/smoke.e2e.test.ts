import { describe, expect, it } from 'vitest';
import { appConsoleErrors } from './support/console.js';
import { browserAvailable, useWebJourney } from './support/harness.js';

describe.runIf(browserAvailable())('web app smoke (Chromium)', () => {
  const journey = useWebJourney('smoke');

  it('serves every area from the built app, with a demo login that shows the dev SMS code', async () => {
    for (const area of ['/app', '/merchant', '/admin', '/fairness']) {
      const res = await fetch(`${journey.base}${area}`);
      expect(res.status, area).toBe(200);
      expect(await res.text()).toContain('<div id="app">');
    }
    const page = await journey.newPage('phone');
    await page.goto(`${journey.base}/app`);
    await page.waitForSelector('h1');
    await journey.screenshot(page, 'app-home');
    expect(appConsoleErrors(journey.consoleErrors)).toEqual([]);
  });
});
