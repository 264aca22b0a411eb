import type { Page } from 'playwright-core';

// These functions run in the page; the project's TypeScript has no DOM library (server code must not use it), so
// the few browser globals they touch are declared here, for this module only.
interface PageElement {
  readonly tagName: string;
  readonly id: string;
  readonly type?: string;
  getAttribute(name: string): string | null;
  closest(selector: string): unknown;
}
declare const document: { querySelector(selector: string): unknown; readonly documentElement: { readonly scrollWidth: number } };
declare const window: { readonly innerWidth: number };
declare const CSS: { escape(value: string): string };

/**
 * Inputs a person cannot name: no <label for>, no wrapping <label>, no aria-label/aria-labelledby. Hidden inputs
 * and buttons do not count. Answers a short description of each, for the assertion message.
 */
export async function unlabelledInputs(page: Page): Promise<string[]> {
  return page.$$eval('input, select, textarea', (nodes) =>
    (nodes as unknown as PageElement[])
      .filter((e) => e.type !== 'hidden' && !['button', 'submit', 'reset', 'image'].includes(e.type ?? ''))
      .filter((e) => {
        const id = e.getAttribute('id');
        const byFor = id ? document.querySelector(`label[for="${CSS.escape(id)}"]`) : null;
        return !byFor && !e.closest('label') && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby');
      })
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}[name=${e.getAttribute('name') ?? ''}]`),
  );
}

/** How far the page is wider than its viewport (0 when it fits: nothing to scroll sideways at 390 px). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth));
}
