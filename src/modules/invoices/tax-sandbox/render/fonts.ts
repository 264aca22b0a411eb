import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { GlobalFonts } from '@napi-rs/canvas';

/**
 * The fonts the invoice renderer draws with. Real invoices print their labels and values in a Song (serif) face;
 * we use Noto Serif CJK (Debian `fonts-noto-cjk`, which CI installs) and Noto Sans CJK as a second choice.
 *
 * Without any CJK font (a fresh machine running `npm start`), the renderer still draws: Chinese text falls back
 * to whatever the system has (often no glyphs at all), digits and the QR code stay right, and one warning says so.
 */
export interface InvoiceFonts {
  /** CSS font family for labels and values (registered alias, or a generic family). */
  readonly serif: string;
  /** CSS font family for the legacy 密码区 (fixed pitch). */
  readonly mono: string;
  /** Whether a CJK font was found and registered. */
  readonly cjk: boolean;
  /** The font file in use, when one was found. */
  readonly file: string | null;
}

export interface FontLookup {
  /** Font files to try first, in order (default: the Debian, Fedora, Alpine, Arch and macOS locations). */
  readonly paths?: readonly string[];
  /** Ask fontconfig (`fc-list :lang=zh`) when no path matched. Default true. */
  readonly fontconfig?: boolean;
  /** Where the one warning goes when no CJK font is found. Default: `process.emitWarning`. */
  readonly warn?: (message: string) => void;
}

export const KNOWN_CJK_FONT_PATHS: readonly string[] = [
  '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc',
  '/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc',
  '/usr/share/fonts/google-noto-cjk/NotoSerifCJK-Regular.ttc',
  '/usr/share/fonts/google-noto-serif-cjk-fonts/NotoSerifCJK-Regular.ttc',
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc',
  '/usr/share/fonts/truetype/arphic/uming.ttc',
  '/System/Library/Fonts/Supplemental/Songti.ttc',
  '/System/Library/Fonts/PingFang.ttc',
];

const SERIF_ALIAS = 'QuanyiInvoiceCJK';
const MONO_FAMILIES = '"DejaVu Sans Mono", "Liberation Mono", "Noto Sans Mono CJK SC", monospace';

let current: InvoiceFonts | null = null;

/** The fonts in use, looked up once per process (the first render pays for it: a few ms). */
export function invoiceFonts(): InvoiceFonts {
  current ??= resolveInvoiceFonts();
  return current;
}

/**
 * Looks the fonts up again with `lookup` and uses them from now on. For configuration and for tests (e.g.
 * `{ paths: [], fontconfig: false }` renders as a machine without a CJK font does).
 */
export function configureInvoiceFonts(lookup: FontLookup = {}): InvoiceFonts {
  current = resolveInvoiceFonts(lookup);
  return current;
}

function resolveInvoiceFonts(lookup: FontLookup = {}): InvoiceFonts {
  const candidates = [...(lookup.paths ?? KNOWN_CJK_FONT_PATHS)];
  if (lookup.fontconfig ?? true) candidates.push(...fontconfigCjkFiles());
  for (const file of candidates) {
    if (!existsSync(file)) continue;
    // One alias per file: registering the same alias twice keeps the first file, so a re-configuration would
    // otherwise silently go on drawing with the previous font.
    const alias = `${SERIF_ALIAS}${aliasSuffix(file)}`;
    let registered = GlobalFonts.has(alias);
    if (!registered) {
      try {
        registered = GlobalFonts.registerFromPath(file, alias) !== null;
      } catch {
        registered = false;
      }
    }
    if (registered) return { serif: `"${alias}", serif`, mono: MONO_FAMILIES, cjk: true, file };
  }
  (lookup.warn ?? defaultWarn)(
    'invoice renderer: no CJK font found (install fonts-noto-cjk); sandbox invoice images are drawn without Chinese glyphs',
  );
  return { serif: 'serif', mono: 'monospace', cjk: false, file: null };
}

function defaultWarn(message: string): void {
  process.emitWarning(message, { code: 'QUANYI_NO_CJK_FONT' });
}

function aliasSuffix(file: string): string {
  let h = 0;
  for (const ch of file) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  return h.toString(36);
}

/** Files fontconfig says cover Chinese, serif (Song/Ming) faces first; none when fontconfig is not installed. */
function fontconfigCjkFiles(): string[] {
  let out: string;
  try {
    out = execFileSync('fc-list', [':lang=zh', 'file', 'family'], { encoding: 'utf8', timeout: 2_000, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return [];
  }
  const rows = out
    .split('\n')
    .map((line) => {
      const colon = line.indexOf(':');
      return colon < 0 ? null : { file: line.slice(0, colon).trim(), family: line.slice(colon + 1) };
    })
    .filter((row): row is { file: string; family: string } => row !== null && row.file !== '' && !/bold|light|thin|medium|black|heavy/i.test(row.file));
  const rank = (family: string) => (/serif|song|ming/i.test(family) ? 0 : /sans|hei/i.test(family) ? 1 : 2);
  rows.sort((a, b) => rank(a.family) - rank(b.family) || a.file.localeCompare(b.file));
  return [...new Set(rows.map((r) => r.file))];
}
