import { crc32 } from 'node:zlib';
import { TextDecoder } from 'node:util';
import { Inflate } from 'fflate';
import { XMLParser, type EntityDecoderOptions } from 'fast-xml-parser';
import { checkXmlComplexity, DEFAULT_COMPLEXITY_LIMITS } from './complexity.js';
import { InvoiceFileError } from './errors.js';

/**
 * OFD invoices (GB/T 33190, a ZIP archive; reference/einvoice-and-identity-formats.md §1.3): the 数电 invoice XML
 * embedded as an attachment (the entry whose root element is `EInvoice`, wherever it lives), `OFD.xml`
 * DocInfo/CustomDatas (`<ofd:CustomData Name="发票号码">…`), the `eInvoice` documents (the `original_invoice.xml`
 * attachment of legacy invoices, older `Tags/CustomTag.xml` files) whose inline values are collected by element name,
 * the XBRL attachment some issuers embed instead (`inv_ord_issuer_….xml`, root `xbrl`, values by local name), and
 * the custom tags that only point into the page (`<InvoiceNo><ObjectRef PageRef="61">6922</ObjectRef></InvoiceNo>`):
 * those are resolved to the text of the referenced TextObjects, through Document.xml's page list.
 *
 * The file is untrusted, so the archive is read defensively:
 * 1. The central directory is parsed (bounds-checked, ZIP64 aware) before anything is inflated: too many entries,
 *    declared sizes above the limits, or a declared compression ratio above `maxRatio` refuse the whole archive.
 * 2. Only the entries we need are inflated: `OFD.xml`, XML files and attachments (just their first
 *    {@link ROOT_PEEK_BYTES} to see the root element), and the XML files whose root is `EInvoice`/`eInvoice` in full.
 * 3. Declared sizes are not trusted: every entry is inflated with fflate's streaming `Inflate`, a few KiB of input at
 *    a time, into a buffer preallocated at the declared size; one byte more aborts with ZIP_BOMB. So a lying header
 *    costs at most one chunk's worth of output (≤ ~4 MiB) and the CPU to produce the declared size. Full reads must
 *    match the declared size and CRC-32; all inflated bytes together are capped at `maxTotalBytes`.
 * 4. Every XML we parse passes checkXmlComplexity (element count and depth) first; at most
 *    {@link MAX_RESOLVED_PAGES} page content files are read to resolve tag references.
 */

export interface OfdLimits {
  /** Central directory entries (declared count). Default 200. */
  readonly maxEntries?: number;
  /** Uncompressed size of any one entry (declared, and enforced while inflating). Default 5 MiB. */
  readonly maxEntryBytes?: number;
  /** Sum of the declared uncompressed sizes, and of all bytes actually inflated. Default 20 MiB. */
  readonly maxTotalBytes?: number;
  /** Declared uncompressed/compressed ratio, per entry and for the archive, above {@link RATIO_FLOOR_BYTES}. Default 100. */
  readonly maxRatio?: number;
  /** Elements of any XML entry parsed. Default: DEFAULT_COMPLEXITY_LIMITS.maxXmlElements. */
  readonly maxXmlElements?: number;
  /** Nesting depth of any XML entry parsed. Default: DEFAULT_COMPLEXITY_LIMITS.maxXmlDepth. */
  readonly maxXmlDepth?: number;
}

export interface OfdExtraction {
  /** The embedded 数电 invoice XML (root element `EInvoice`), byte for byte, or null when the OFD has none. */
  readonly invoiceXml: Buffer | null;
  /** `OFD.xml` CustomData by `Name`, plus inline values of `eInvoice` tag files by element name (CustomData wins). */
  readonly customData: Record<string, string>;
  /** The XBRL attachment's facts by local element name (`NumberOfInvoice`, `TotalAmountExcludingTax`, …). */
  readonly xbrlData: Record<string, string>;
  /** Custom tags given as ObjectRefs, by element name, resolved to the text the page shows there (joined). */
  readonly pageText: Record<string, string>;
}

export const DEFAULT_OFD_LIMITS: Readonly<Required<OfdLimits>> = Object.freeze({
  maxEntries: 200,
  maxEntryBytes: 5 * 1024 * 1024,
  maxTotalBytes: 20 * 1024 * 1024,
  maxRatio: 100,
  maxXmlElements: DEFAULT_COMPLEXITY_LIMITS.maxXmlElements,
  maxXmlDepth: DEFAULT_COMPLEXITY_LIMITS.maxXmlDepth,
});

/** Page content files read to resolve custom tags' ObjectRefs; an invoice is one or two pages. */
export const MAX_RESOLVED_PAGES = 3;
/** ObjectRefs followed, over all tags. */
const MAX_OBJECT_REFS = 400;

/** Entries smaller than this are not ratio-checked: small, repetitive XML legitimately compresses very well. */
export const RATIO_FLOOR_BYTES = 64 * 1024;
/** How much of a candidate XML entry is inflated to find its root element. */
export const ROOT_PEEK_BYTES = 16 * 1024;
/** Compressed input handed to the inflater per step; bounds one step's output to ~1032× this (DEFLATE's maximum). */
const INFLATE_INPUT_CHUNK = 4 * 1024;
/** Output bounds for what we return. */
const MAX_CUSTOM_FIELDS = 200;
const MAX_CUSTOM_VALUE_CHARS = 2000;

interface ZipEntry {
  readonly name: string;
  /** Normalised for matching: forward slashes, no leading `/` or `./`. */
  readonly path: string;
  readonly flags: number;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly localHeaderOffset: number;
}

interface Budget {
  used: number;
  readonly max: number;
}

interface XmlLimits {
  readonly maxXmlElements: number;
  readonly maxXmlDepth: number;
}

interface ObjectRef {
  readonly page: string;
  readonly id: string;
}

export function extractFromOfd(bytes: Uint8Array, limits: OfdLimits = {}): OfdExtraction {
  const maxEntries = limits.maxEntries ?? DEFAULT_OFD_LIMITS.maxEntries;
  const maxEntryBytes = limits.maxEntryBytes ?? DEFAULT_OFD_LIMITS.maxEntryBytes;
  const maxTotalBytes = limits.maxTotalBytes ?? DEFAULT_OFD_LIMITS.maxTotalBytes;
  const maxRatio = limits.maxRatio ?? DEFAULT_OFD_LIMITS.maxRatio;
  const xmlLimits: XmlLimits = { maxXmlElements: limits.maxXmlElements ?? DEFAULT_OFD_LIMITS.maxXmlElements, maxXmlDepth: limits.maxXmlDepth ?? DEFAULT_OFD_LIMITS.maxXmlDepth };

  const entries = readCentralDirectory(bytes, maxEntries);
  checkDeclaredSizes(entries, { maxEntryBytes, maxTotalBytes, maxRatio });
  const byPath = new Map(entries.map((entry) => [entry.path, entry]));

  const budget: Budget = { used: 0, max: maxTotalBytes };
  const customData: Record<string, string> = {};
  const xbrlData: Record<string, string> = {};
  const refs = new Map<string, ObjectRef[]>();
  let invoiceXml: Buffer | null = null;
  let docRoot: string | null = null;

  const ofdXml = entries.find((entry) => entry.path.toLowerCase() === 'ofd.xml');
  if (ofdXml) {
    requireReadable(ofdXml);
    const doc = parseXml(readEntry(bytes, ofdXml, budget), xmlLimits);
    if (doc) {
      collectCustomDatas(doc, customData);
      docRoot = firstText(doc, 'DocRoot');
    }
  }

  // Tag files first so their values are the ones kept, then everything else that may be an XML attachment.
  const candidates = entries
    .filter((entry) => entry !== ofdXml && isCandidate(entry))
    .sort((a, b) => Number(isTagFile(b)) - Number(isTagFile(a)));
  const tagData: Record<string, string> = {};
  for (const entry of candidates) {
    if (!isReadable(entry)) continue; // encrypted or exotic compression: not something an invoice issuer writes
    const root = rootElementName(peekEntry(bytes, entry, budget));
    if (root === null) continue;
    const local = root.slice(root.indexOf(':') + 1);
    if (local === 'EInvoice') {
      if (invoiceXml === null) {
        const xml = readEntry(bytes, entry, budget);
        invoiceXml = Buffer.from(xml.buffer, xml.byteOffset, xml.byteLength);
      }
    } else if (local === 'eInvoice' || isTagFile(entry)) {
      const doc = parseXml(readEntry(bytes, entry, budget), xmlLimits);
      if (!doc) continue;
      if (local === 'eInvoice') collectTagValues(doc, tagData);
      if (isTagFile(entry)) collectObjectRefs(doc, refs);
    } else if (local === 'xbrl') {
      const doc = parseXml(readEntry(bytes, entry, budget), xmlLimits);
      if (doc) collectXbrlFacts(doc, xbrlData);
    }
  }

  const pageText = refs.size === 0 ? {} : resolveObjectRefs(bytes, byPath, docRoot, refs, budget, xmlLimits);
  const merged: Record<string, string> = { ...tagData, ...customData };
  if (invoiceXml === null && Object.keys(merged).length === 0 && Object.keys(xbrlData).length === 0 && Object.keys(pageText).length === 0) {
    throw new InvoiceFileError('NO_INVOICE', 'the OFD carries neither an embedded invoice XML nor invoice custom data');
  }
  return { invoiceXml, customData: merged, xbrlData, pageText };
}

/**
 * The text each tag's ObjectRefs point at: Document.xml (OFD.xml's DocRoot, else Doc_0/Document.xml) lists the pages
 * by ID with their content file; the referenced TextObjects' TextCode texts are joined in the tag's order. A
 * reference that cannot be followed (unknown page, missing object) leaves that tag out.
 */
function resolveObjectRefs(
  bytes: Uint8Array,
  byPath: ReadonlyMap<string, ZipEntry>,
  docRoot: string | null,
  refs: ReadonlyMap<string, readonly ObjectRef[]>,
  budget: Budget,
  xmlLimits: XmlLimits,
): Record<string, string> {
  const documentPath = resolvePath('', docRoot ?? 'Doc_0/Document.xml');
  const documentEntry = byPath.get(documentPath);
  if (!documentEntry || !isReadable(documentEntry)) return {};
  const documentXml = parseXml(readEntry(bytes, documentEntry, budget), xmlLimits);
  if (!documentXml) return {};
  const documentDir = documentPath.includes('/') ? documentPath.slice(0, documentPath.lastIndexOf('/') + 1) : '';
  const pagePaths = new Map<string, string>();
  walk(documentXml, (name, node) => {
    if (name !== 'Page' || typeof node === 'string') return;
    const id = node[`${ATTR}ID`];
    const baseLoc = node[`${ATTR}BaseLoc`];
    if (typeof id === 'string' && typeof baseLoc === 'string' && !pagePaths.has(id.trim())) pagePaths.set(id.trim(), resolvePath(documentDir, baseLoc.trim()));
  });

  const wanted = new Map<string, Set<string>>(); // page → object ids
  for (const list of refs.values()) for (const ref of list) (wanted.get(ref.page) ?? wanted.set(ref.page, new Set()).get(ref.page)!).add(ref.id);
  const texts = new Map<string, string>(); // `${page} ${id}` → text
  for (const [page, ids] of [...wanted].slice(0, MAX_RESOLVED_PAGES)) {
    const path = pagePaths.get(page);
    const entry = path === undefined ? undefined : byPath.get(path);
    if (!entry || !isReadable(entry)) continue;
    const content = parseXml(readEntry(bytes, entry, budget), xmlLimits);
    if (!content) continue;
    walk(content, (name, node) => {
      if (name !== 'TextObject' || typeof node === 'string') return;
      const id = node[`${ATTR}ID`];
      if (typeof id !== 'string' || !ids.has(id.trim())) return;
      const text = childNodes(node['TextCode']).map((code) => textOf(code) ?? '').join('');
      texts.set(`${page} ${id.trim()}`, text);
    });
  }

  const resolved: Record<string, string> = {};
  for (const [name, list] of refs) {
    const parts = list.map((ref) => texts.get(`${ref.page} ${ref.id}`));
    if (parts.some((part) => part === undefined)) continue;
    put(resolved, name, parts.join(''));
  }
  return resolved;
}

/** A path inside the archive: `loc` relative to `dir` (ending in `/` or empty), or from the root when it starts with `/`. */
function resolvePath(dir: string, loc: string): string {
  const segments: string[] = [];
  for (const segment of (loc.startsWith('/') ? loc : dir + loc).replace(/\\/g, '/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return segments.join('/');
}

// ---------------------------------------------------------------------------------------------------------------
// Central directory

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;

function corrupt(message: string): InvoiceFileError {
  return new InvoiceFileError('UNREADABLE', `corrupt ZIP: ${message}`);
}

function u64(view: DataView, at: number): number {
  const value = view.getBigUint64(at, true);
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}

const nameDecoder = new TextDecoder('utf-8');

function readCentralDirectory(bytes: Uint8Array, maxEntries: number): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = bytes.byteLength;
  if (length < EOCD_SIZE) throw corrupt('too short to be a ZIP archive');

  let eocd = -1;
  for (let at = length - EOCD_SIZE; at >= Math.max(0, length - EOCD_SIZE - MAX_COMMENT); at--) {
    if (view.getUint32(at, true) === EOCD_SIGNATURE && at + EOCD_SIZE + view.getUint16(at + 20, true) <= length) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) throw corrupt('end of central directory not found (truncated or not a ZIP)');

  let disk = view.getUint16(eocd + 4, true);
  let cdDisk = view.getUint16(eocd + 6, true);
  let count = view.getUint16(eocd + 10, true);
  let cdSize = view.getUint32(eocd + 12, true);
  let cdOffset = view.getUint32(eocd + 16, true);
  let cdLimit = eocd;

  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff || disk === 0xffff || cdDisk === 0xffff) {
    const locator = eocd - 20;
    if (locator >= 0 && view.getUint32(locator, true) === ZIP64_LOCATOR_SIGNATURE) {
      const z64 = u64(view, locator + 8);
      if (z64 + 56 > locator || view.getUint32(z64, true) !== ZIP64_EOCD_SIGNATURE) throw corrupt('bad ZIP64 end of central directory');
      disk = view.getUint32(z64 + 16, true);
      cdDisk = view.getUint32(z64 + 20, true);
      count = u64(view, z64 + 32);
      cdSize = u64(view, z64 + 40);
      cdOffset = u64(view, z64 + 48);
      cdLimit = z64;
    }
  }
  if (disk !== 0 || cdDisk !== 0) throw new InvoiceFileError('UNSUPPORTED', 'multi-volume ZIP archives are not supported');
  if (count > maxEntries) throw new InvoiceFileError('ZIP_BOMB', `the archive declares ${count} entries (limit ${maxEntries})`);
  if (cdOffset + cdSize > cdLimit) throw corrupt('central directory lies outside the file');

  const entries: ZipEntry[] = [];
  const seen = new Set<string>();
  const cdEnd = cdOffset + cdSize;
  let at = cdOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > cdEnd || view.getUint32(at, true) !== CENTRAL_HEADER_SIGNATURE) throw corrupt('bad central directory header');
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    let compressedSize = view.getUint32(at + 20, true);
    let size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    let localHeaderOffset = view.getUint32(at + 42, true);
    const nameStart = at + 46;
    const extraStart = nameStart + nameLength;
    const next = extraStart + extraLength + commentLength;
    if (next > cdEnd) throw corrupt('central directory header overruns the directory');

    if (size === 0xffffffff || compressedSize === 0xffffffff || localHeaderOffset === 0xffffffff) {
      // ZIP64 extended information: the 8-byte values present are those whose 32-bit field is 0xFFFFFFFF, in order.
      for (let x = extraStart; x + 4 <= extraStart + extraLength; ) {
        const id = view.getUint16(x, true);
        const len = view.getUint16(x + 2, true);
        if (x + 4 + len > extraStart + extraLength) break;
        if (id === 0x0001) {
          let f = x + 4;
          const take = (): number => {
            if (f + 8 > x + 4 + len) throw corrupt('short ZIP64 extra field');
            const v = u64(view, f);
            f += 8;
            return v;
          };
          if (size === 0xffffffff) size = take();
          if (compressedSize === 0xffffffff) compressedSize = take();
          if (localHeaderOffset === 0xffffffff) localHeaderOffset = take();
          break;
        }
        x += 4 + len;
      }
    }

    const name = nameDecoder.decode(bytes.subarray(nameStart, extraStart));
    const path = normalisePath(name);
    if (seen.has(path)) throw corrupt(`duplicate entry ${JSON.stringify(name)}`);
    seen.add(path);
    entries.push({ name, path, flags, method, crc, compressedSize, size, localHeaderOffset });
    at = next;
  }
  return entries;
}

function normalisePath(name: string): string {
  return name.replace(/\\/g, '/').replace(/^(?:\.?\/)+/, '');
}

function checkDeclaredSizes(entries: readonly ZipEntry[], limits: { maxEntryBytes: number; maxTotalBytes: number; maxRatio: number }): void {
  let total = 0;
  let totalCompressed = 0;
  for (const entry of entries) {
    if (entry.size > RATIO_FLOOR_BYTES && entry.size / Math.max(entry.compressedSize, 1) > limits.maxRatio) {
      throw new InvoiceFileError('ZIP_BOMB', `entry ${JSON.stringify(entry.name)} declares a compression ratio above ${limits.maxRatio}`);
    }
    if (entry.size > limits.maxEntryBytes) {
      throw new InvoiceFileError('TOO_LARGE', `entry ${JSON.stringify(entry.name)} declares ${entry.size} bytes (limit ${limits.maxEntryBytes})`);
    }
    total += entry.size;
    totalCompressed += entry.compressedSize;
  }
  if (total > RATIO_FLOOR_BYTES && total / Math.max(totalCompressed, 1) > limits.maxRatio) {
    throw new InvoiceFileError('ZIP_BOMB', `the archive declares a compression ratio above ${limits.maxRatio}`);
  }
  if (total > limits.maxTotalBytes) {
    throw new InvoiceFileError('TOO_LARGE', `the archive declares ${total} uncompressed bytes (limit ${limits.maxTotalBytes})`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Entry selection and inflation

function isTagFile(entry: ZipEntry): boolean {
  return /(?:^|\/)Tags\/[^/]*\.xml$/i.test(entry.path);
}

/** XML files anywhere, and anything under an attachments folder (attachments keep their own names). */
function isCandidate(entry: ZipEntry): boolean {
  if (entry.path.endsWith('/')) return false;
  return /\.xml$/i.test(entry.path) || /(?:^|\/)Attach(?:s|ments?)\//i.test(entry.path);
}

function isReadable(entry: ZipEntry): boolean {
  return (entry.flags & 0x0001) === 0 && (entry.method === 0 || entry.method === 8);
}

function requireReadable(entry: ZipEntry): void {
  if ((entry.flags & 0x0001) !== 0) throw new InvoiceFileError('UNSUPPORTED', `entry ${JSON.stringify(entry.name)} is encrypted`);
  if (entry.method !== 0 && entry.method !== 8) {
    throw new InvoiceFileError('UNSUPPORTED', `entry ${JSON.stringify(entry.name)} uses compression method ${entry.method}`);
  }
}

function entryData(bytes: Uint8Array, entry: ZipEntry): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = entry.localHeaderOffset;
  if (at + 30 > bytes.byteLength || view.getUint32(at, true) !== LOCAL_HEADER_SIGNATURE) {
    throw corrupt(`bad local header for ${JSON.stringify(entry.name)}`);
  }
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const end = start + entry.compressedSize;
  if (end > bytes.byteLength) throw corrupt(`data of ${JSON.stringify(entry.name)} runs past the end of the file`);
  return bytes.subarray(start, end);
}

function charge(budget: Budget, produced: number): void {
  budget.used += produced;
  if (budget.used > budget.max) throw new InvoiceFileError('TOO_LARGE', `more than ${budget.max} bytes inflated from the archive`);
}

/** Signals, from inside fflate's callback, that we have what we wanted (peek) or more than was declared (full). */
class StopInflating extends Error {}

/**
 * Inflates into a buffer of `capacity` bytes, feeding the compressed data in small steps. `peek`: stop quietly when
 * the buffer is full and return what we have. Otherwise: more output than `capacity` is a ZIP_BOMB.
 */
function inflateBounded(entry: ZipEntry, data: Uint8Array, capacity: number, peek: boolean, budget: Budget): Uint8Array {
  const out = new Uint8Array(capacity);
  let written = 0;
  let ended = false;
  const inflater = new Inflate((chunk, final) => {
    const room = capacity - written;
    if (chunk.length > room) {
      out.set(chunk.subarray(0, room), written);
      written += room;
      charge(budget, room);
      throw new StopInflating();
    }
    out.set(chunk, written);
    written += chunk.length;
    charge(budget, chunk.length);
    if (final) ended = true;
  });
  try {
    for (let at = 0; at < data.length || at === 0; at += INFLATE_INPUT_CHUNK) {
      const end = Math.min(at + INFLATE_INPUT_CHUNK, data.length);
      inflater.push(data.subarray(at, end), end === data.length);
      if (peek && written === capacity) break;
    }
  } catch (error) {
    if (error instanceof InvoiceFileError) throw error;
    if (!(error instanceof StopInflating)) throw corrupt(`cannot inflate ${JSON.stringify(entry.name)}: ${(error as Error).message}`);
    if (!peek) {
      throw new InvoiceFileError('ZIP_BOMB', `entry ${JSON.stringify(entry.name)} inflates beyond its declared ${entry.size} bytes`);
    }
  }
  if (!peek && !ended) throw corrupt(`deflate stream of ${JSON.stringify(entry.name)} is incomplete`);
  return out.subarray(0, written);
}

/** The first {@link ROOT_PEEK_BYTES} of an entry (or all of it, if smaller). */
function peekEntry(bytes: Uint8Array, entry: ZipEntry, budget: Budget): Uint8Array {
  const data = entryData(bytes, entry);
  const capacity = Math.min(entry.size, ROOT_PEEK_BYTES);
  if (entry.method === 0) {
    const head = data.subarray(0, capacity);
    charge(budget, head.length);
    return head;
  }
  if (capacity === 0) return new Uint8Array(0);
  return inflateBounded(entry, data, capacity, true, budget);
}

/** The whole entry, which must inflate to exactly its declared size and match its CRC-32. */
function readEntry(bytes: Uint8Array, entry: ZipEntry, budget: Budget): Uint8Array {
  const data = entryData(bytes, entry);
  let content: Uint8Array;
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.size) throw corrupt(`stored entry ${JSON.stringify(entry.name)} has inconsistent sizes`);
    charge(budget, data.length);
    content = data.slice();
  } else {
    content = inflateBounded(entry, data, entry.size, false, budget);
    if (content.length !== entry.size) throw corrupt(`entry ${JSON.stringify(entry.name)} is shorter than declared`);
  }
  if (crc32(content) >>> 0 !== entry.crc) throw corrupt(`CRC mismatch in ${JSON.stringify(entry.name)}`);
  return content;
}

// ---------------------------------------------------------------------------------------------------------------
// XML

const lenientUtf8 = new TextDecoder('utf-8');

/** The qualified name of the document element, or null if the (possibly partial) text does not reach it. */
export function rootElementName(head: Uint8Array): string | null {
  const text = lenientUtf8.decode(head); // drops a UTF-8 BOM
  let at = 0;
  for (;;) {
    while (at < text.length && /\s/.test(text[at]!)) at++;
    if (text.startsWith('<?', at)) {
      const end = text.indexOf('?>', at + 2);
      if (end < 0) return null;
      at = end + 2;
    } else if (text.startsWith('<!--', at)) {
      const end = text.indexOf('-->', at + 4);
      if (end < 0) return null;
      at = end + 3;
    } else if (text.startsWith('<!DOCTYPE', at)) {
      const bracket = text.indexOf('[', at);
      const close = text.indexOf('>', at);
      if (close < 0) return null;
      if (bracket >= 0 && bracket < close) {
        const subsetEnd = text.indexOf(']', bracket);
        if (subsetEnd < 0) return null;
        const end = text.indexOf('>', subsetEnd);
        if (end < 0) return null;
        at = end + 1;
      } else {
        at = close + 1;
      }
    } else {
      const match = /^<([A-Za-z_][\w.:-]*)[\s/>]/.exec(text.slice(at, at + 256));
      return match ? match[1]! : null;
    }
  }
}

const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** XML's predefined entities and character references; anything else stays as written. */
function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z]+);/g, (match, name: string) => {
    if (Object.hasOwn(PREDEFINED_ENTITIES, name)) return PREDEFINED_ENTITIES[name]!;
    if (name.startsWith('#')) {
      const codePoint = name[1] === 'x' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
      if (codePoint > 0 && codePoint <= 0x10ffff && !(codePoint >= 0xd800 && codePoint <= 0xdfff)) return String.fromCodePoint(codePoint);
    }
    return match;
  });
}

class DtdEntitiesRefused extends Error {}

const entityDecoder: EntityDecoderOptions = {
  setExternalEntities: () => {},
  addInputEntities: (entities) => {
    // No entity expansion from documents we did not write (billion laughs and friends).
    if (Object.keys(entities).length > 0) throw new DtdEntitiesRefused('DTD entity declarations are not allowed');
  },
  reset: () => {},
  setXmlVersion: () => {},
  decode: decodeEntities,
};

const ATTR = '@_';
const TEXT = '#text';

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: ATTR,
  textNodeName: TEXT,
  removeNSPrefix: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  entityDecoder,
  // Every child element is an array, so the walkers below have one shape to handle.
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

type XmlNode = string | { readonly [key: string]: unknown };

/**
 * The parsed document (a map of root name to node list), or null if it is not XML we can read. More elements or
 * deeper nesting than the limits refuse the file (TOO_COMPLEX), before the parser sees it.
 */
function parseXml(content: Uint8Array, limits: XmlLimits): Record<string, unknown> | null {
  checkXmlComplexity(content, limits);
  try {
    const parsed: unknown = xmlParser.parse(lenientUtf8.decode(content));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : null;
  } catch {
    // Malformed, too deeply nested (the parser stops at 100 levels) or declares entities: nothing to collect.
    return null;
  }
}

function childNodes(value: unknown): XmlNode[] {
  return Array.isArray(value) ? (value.filter((v) => typeof v === 'string' || (typeof v === 'object' && v !== null)) as XmlNode[]) : [];
}

function textOf(node: XmlNode): string | null {
  if (typeof node === 'string') return node;
  const text = node[TEXT];
  return typeof text === 'string' ? text : null;
}

function elementChildren(node: XmlNode): [string, XmlNode[]][] {
  if (typeof node === 'string') return [];
  return Object.entries(node)
    .filter(([key]) => key !== TEXT && !key.startsWith(ATTR))
    .map(([key, value]) => [key, childNodes(value)]);
}

function put(target: Record<string, string>, key: string, value: string): void {
  const trimmed = value.trim();
  if (key === '' || trimmed === '' || Object.hasOwn(target, key) || Object.keys(target).length >= MAX_CUSTOM_FIELDS) return;
  target[key] = trimmed.slice(0, MAX_CUSTOM_VALUE_CHARS);
}

/** `<CustomDatas><CustomData Name="发票号码">…</CustomData></CustomDatas>` anywhere in OFD.xml (first value wins). */
function collectCustomDatas(doc: Record<string, unknown>, target: Record<string, string>): void {
  const queue: XmlNode[] = Object.values(doc).flatMap(childNodes);
  for (let i = 0; i < queue.length; i++) {
    for (const [name, children] of elementChildren(queue[i]!)) {
      if (name !== 'CustomData') {
        queue.push(...children);
        continue;
      }
      for (const child of children) {
        const key = typeof child === 'string' ? undefined : child[`${ATTR}Name`];
        const value = textOf(child);
        if (typeof key === 'string' && value !== null) put(target, key.trim(), value);
      }
    }
  }
}

/** Inline leaf values of an old-style `eInvoice` tag document, keyed by element name; line items are skipped. */
function collectTagValues(doc: Record<string, unknown>, target: Record<string, string>): void {
  const queue: XmlNode[] = Object.values(doc).flatMap(childNodes);
  for (let i = 0; i < queue.length; i++) {
    for (const [name, children] of elementChildren(queue[i]!)) {
      if (name === 'GoodsInfos' || name === 'ObjectRef') continue;
      for (const child of children) {
        if (elementChildren(child).length === 0) {
          const value = textOf(child);
          if (value !== null) put(target, name, value);
        } else {
          queue.push(child);
        }
      }
    }
  }
}

/** Calls `visit` for every element below the document, breadth first. */
function walk(doc: Record<string, unknown>, visit: (name: string, node: XmlNode) => void): void {
  const queue: XmlNode[] = Object.values(doc).flatMap(childNodes);
  for (let i = 0; i < queue.length; i++) {
    for (const [name, children] of elementChildren(queue[i]!)) {
      for (const child of children) {
        visit(name, child);
        queue.push(child);
      }
    }
  }
}

/** The first text of an element with this local name anywhere in the document (OFD.xml's DocRoot), or null. */
function firstText(doc: Record<string, unknown>, element: string): string | null {
  let found: string | null = null;
  walk(doc, (name, node) => {
    if (found === null && name === element) found = textOf(node)?.trim() || null;
  });
  return found;
}

/** `<InvoiceNo><ObjectRef PageRef="61">6922</ObjectRef></InvoiceNo>`: the refs of each tag, by its local name (first tag wins). */
function collectObjectRefs(doc: Record<string, unknown>, target: Map<string, ObjectRef[]>): void {
  let count = [...target.values()].reduce((n, list) => n + list.length, 0);
  walk(doc, (name, node) => {
    if (typeof node === 'string' || target.has(name)) return;
    const list: ObjectRef[] = [];
    for (const ref of childNodes(node['ObjectRef'])) {
      const page = typeof ref === 'string' ? undefined : ref[`${ATTR}PageRef`];
      const id = textOf(ref)?.trim();
      if (typeof page === 'string' && id) list.push({ page: page.trim(), id });
    }
    if (list.length === 0 || count + list.length > MAX_OBJECT_REFS || target.size >= MAX_CUSTOM_FIELDS) return;
    count += list.length;
    target.set(name, list);
  });
}

/** Leaf facts of an XBRL instance by local name; contexts, units and tuples (line items) are skipped. */
function collectXbrlFacts(doc: Record<string, unknown>, target: Record<string, string>): void {
  for (const root of Object.values(doc).flatMap(childNodes)) {
    for (const [name, children] of elementChildren(root)) {
      if (name === 'context' || name === 'unit' || name === 'schemaRef' || name.endsWith('Tuple')) continue;
      for (const child of children) {
        if (elementChildren(child).length > 0) continue;
        const value = textOf(child);
        if (value !== null) put(target, name, value);
      }
    }
  }
}
