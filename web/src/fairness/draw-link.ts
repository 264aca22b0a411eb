import type { LocationQuery } from 'vue-router';

/** A draw's public id as the API names it: `instant-<campaign id>` or `weekly-<draw id>`; also its anchor on the page. */
const DRAW_ID = /^(instant|weekly)-\d{1,20}$/;

/**
 * The draw a link points at: `/fairness#instant-<id>` (the page's own links), or `/fairness?draw=<id>` (how the
 * operator console links here). Anything else points at no draw.
 */
export function linkedDraw(hash: string, query: LocationQuery): string | null {
  // Draw ids are ASCII, so the hash is compared as it came (a stray '%' must not make decoding throw).
  const fromHash = hash.replace(/^#/, '');
  if (DRAW_ID.test(fromHash)) return fromHash;
  const fromQuery = query.draw;
  return typeof fromQuery === 'string' && DRAW_ID.test(fromQuery) ? fromQuery : null;
}

/** The link that opens this page at one draw (scrolled to and highlighted). */
export function drawLink(drawId: string): string {
  return `${location.origin}/fairness#${drawId}`;
}

/**
 * Puts text on the clipboard. The Clipboard API needs a secure context and the page's focus; where it is missing or
 * refused, the older copy command on a momentary text area. False when neither worked (the caller shows the link).
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.setAttribute('aria-hidden', 'true');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    } finally {
      area.remove();
    }
  }
}

/**
 * Scrolls to the draw once its element exists (weekly draws are fetched per campaign after the page shows), then
 * focuses it so keyboard and screen-reader users land there too. Gives up after `timeoutMs`. Returns a stop function.
 */
export function revealWhenShown(drawId: string, root: HTMLElement, timeoutMs = 20_000): () => void {
  let stopped = false;
  const reveal = (): boolean => {
    const element = document.getElementById(drawId);
    if (!element) return false;
    // After the router's own scroll-to-top of this navigation, which runs on the next tick.
    requestAnimationFrame(() => {
      if (stopped) return;
      element.scrollIntoView({ block: 'start' });
      element.focus({ preventScroll: true });
    });
    return true;
  };
  const observer = new MutationObserver(() => {
    if (reveal()) stop();
  });
  const timer = setTimeout(() => stop(), timeoutMs);
  function stop() {
    observer.disconnect();
    clearTimeout(timer);
  }
  if (reveal()) {
    clearTimeout(timer);
    return () => {
      stopped = true;
    };
  }
  observer.observe(root, { childList: true, subtree: true });
  return () => {
    stopped = true;
    stop();
  };
}
