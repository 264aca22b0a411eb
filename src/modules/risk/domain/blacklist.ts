import { isIPv4, isIPv6 } from 'node:net';
import ipaddr from 'ipaddr.js';
import { readCsvRecords } from '../../../platform/csv/csv-records.js';

/**
 * Blacklists: who may not take part, by phone, device, address or network. Pure: entries are parsed and normalised
 * here, matched through an index built once per list version, and imported from CSV; storing them is elsewhere.
 *
 * - PHONE_HASH: the phone's blind index (`PiiVault.blindIndex('phone', normalizedPhone)`, 64 lowercase hex
 *   characters). The list holds the hash and never the phone, like every other table that looks phones up.
 * - DEVICE: a device id as the client reports it, 1–128 printable ASCII characters.
 * - IP: one IPv4 or IPv6 address, in its canonical text (RFC 5952 for IPv6). An IPv4-mapped IPv6 address
 *   (`::ffff:1.2.3.4`) is the IPv4 address it maps, since a dual-stack socket reports IPv4 clients that way.
 * - CIDR: a network, IPv4 /0–/32 or IPv6 /0–/128, its address cut to the prefix (`10.1.2.3/8` is `10.0.0.0/8`).
 *   A network inside `::ffff:0:0/96` is the IPv4 network it maps (`::ffff:10.0.0.0/104` is `10.0.0.0/8`), and an
 *   IPv6 network containing that range (`::/0`, say) contains the IPv4 addresses too.
 *
 * Values are trimmed before they are checked; kinds are read case-insensitively.
 */
export const BLACKLIST_KINDS = ['PHONE_HASH', 'DEVICE', 'IP', 'CIDR'] as const;
export type BlacklistKind = (typeof BLACKLIST_KINDS)[number];

export interface BlacklistEntry {
  readonly kind: BlacklistKind;
  /** The normalised value: equal entries have equal values. */
  readonly value: string;
  readonly reason?: string;
}

export type BlacklistEntryResult = { readonly ok: true; readonly entry: BlacklistEntry } | { readonly ok: false; readonly message: string };

/** What is known about a claimant; each present field is looked up. An address that does not parse matches nothing. */
export interface BlacklistQuery {
  readonly phoneHash?: string;
  readonly deviceId?: string;
  readonly ip?: string;
}

export const DEVICE_ID_MAX_LENGTH = 128;
export const REASON_MAX_LENGTH = 500;
export const BLACKLIST_CSV_MAX_ROWS = 100_000;

const PHONE_HASH = /^[0-9a-f]{64}$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;
const PREFIX_LENGTH = /^(?:0|[1-9]\d{0,2})$/;

export function parseBlacklistEntry(kind: string, value: string, reason?: string): BlacklistEntryResult {
  const normalizedKind = kind.trim().toUpperCase();
  if (!isBlacklistKind(normalizedKind)) return fail(`kind ${JSON.stringify(kind)} is not one of ${BLACKLIST_KINDS.join(', ')}`);
  const text = value.trim();
  if (text === '') return fail(`${normalizedKind} value is empty`);
  const normalized = normalizeValue(normalizedKind, text);
  if (!normalized.ok) return normalized;
  const why = reason?.trim();
  if (why && why.length > REASON_MAX_LENGTH) return fail(`reason is longer than ${REASON_MAX_LENGTH} characters`);
  const entry: BlacklistEntry = why ? { kind: normalizedKind, value: normalized.value, reason: why } : { kind: normalizedKind, value: normalized.value };
  return { ok: true, entry };
}

export function isBlacklistKind(kind: string): kind is BlacklistKind {
  return (BLACKLIST_KINDS as readonly string[]).includes(kind);
}

/** The canonical text of an IPv4 or IPv6 address (IPv4-mapped IPv6 as IPv4), or null when it is not one. */
export function normalizeIpAddress(text: string): string | null {
  const address = parseAddress(text.trim());
  return address ? formatAddress(toCanonical(address)) : null;
}

type Normalized = { readonly ok: true; readonly value: string } | { readonly ok: false; readonly message: string };

function normalizeValue(kind: BlacklistKind, text: string): Normalized {
  switch (kind) {
    case 'PHONE_HASH': {
      const hash = text.toLowerCase();
      if (PHONE_HASH.test(hash)) return { ok: true, value: hash };
      const looksLikePhone = /^\+?[\d\s-]{7,}$/.test(text);
      return fail(
        looksLikePhone
          ? 'PHONE_HASH takes the phone\'s blind index (64 hex characters), never the phone number itself'
          : `PHONE_HASH must be 64 hex characters (the phone's blind index), got ${text.length} characters`,
      );
    }
    case 'DEVICE':
      if (text.length > DEVICE_ID_MAX_LENGTH) return fail(`DEVICE id is longer than ${DEVICE_ID_MAX_LENGTH} characters`);
      if (!PRINTABLE_ASCII.test(text)) return fail('DEVICE id must be printable ASCII characters');
      return { ok: true, value: text };
    case 'IP': {
      if (text.includes('/')) return fail(`IP ${JSON.stringify(text)} has a prefix length: use kind CIDR for a network`);
      const address = text.includes('%') ? null : parseAddress(text);
      return address ? { ok: true, value: formatAddress(toCanonical(address)) } : fail(`IP ${JSON.stringify(text)} is not an IPv4 or IPv6 address`);
    }
    case 'CIDR': {
      const network = parseNetwork(text);
      return typeof network === 'string' ? fail(network) : { ok: true, value: formatNetwork(network) };
    }
  }
}

function fail(message: string): { readonly ok: false; readonly message: string } {
  return { ok: false, message };
}

// ---- addresses and networks (ipaddr.js) ----

/**
 * What is an address is node:net's isIPv4/isIPv6 (dotted quads only: no `10.1`, `0x0a.0.0.1` or other inet_aton
 * forms, which ipaddr.js's own parser also takes); ipaddr.js parses it, masks networks and writes IPv6 in RFC 5952
 * form. For lookups an IPv4 address is its 32 bits as a number, an IPv6 address its 32 hex digits.
 */
type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Network = { readonly address: Address; readonly length: number };

const isV4 = (address: Address): address is ipaddr.IPv4 => address.kind() === 'ipv4';

const V4_MASKS = Array.from({ length: 33 }, (_, length) => (length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0));

/** Parses the text as written: an IPv6 literal stays IPv6 here, mapped or not (see toCanonical). */
function parseAddress(text: string): Address | null {
  if (isIPv4(text)) return ipaddr.IPv4.parse(text);
  if (!isIPv6(text) || text.includes('%')) return null;
  // ipaddr.js reads the deprecated IPv4-compatible form `::a.b.c.d` as IPv4-mapped (`::ffff:a.b.c.d`), which would
  // make it the IPv4 address a.b.c.d; RFC 4291 §2.5.5.1 makes it `::` followed by those 32 bits, another address.
  if (text.startsWith('::') && text.lastIndexOf(':') === 1 && text.includes('.')) {
    const [a, b, c, d] = ipaddr.IPv4.parse(text.slice(2)).octets as [number, number, number, number];
    return new ipaddr.IPv6([0, 0, 0, 0, 0, 0, (a << 8) | b, (c << 8) | d]);
  }
  return ipaddr.IPv6.parse(text);
}

/** An IPv4-mapped IPv6 address is the IPv4 address it maps. */
function toCanonical(address: Address): Address {
  return !isV4(address) && address.isIPv4MappedAddress() ? address.toIPv4Address() : address;
}

function formatAddress(address: Address): string {
  return isV4(address) ? address.toString() : address.toRFC5952String();
}

function v4Bits(address: ipaddr.IPv4): number {
  const [a, b, c, d] = address.octets as [number, number, number, number];
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

/** The first 24 hex digits of every IPv4-mapped IPv6 address (::ffff:0:0/96). */
const V4_MAPPED_HEX = '00000000000000000000ffff';

/** The 32 hex digits of an IPv6 address. */
function v6Hex(address: ipaddr.IPv6): string {
  let hex = '';
  for (const part of address.parts) hex += part.toString(16).padStart(4, '0');
  return hex;
}

/** A network, or the message saying why the text is not one. */
function parseNetwork(text: string): Network | string {
  const slash = text.indexOf('/');
  if (slash < 0) return `CIDR ${JSON.stringify(text)} has no prefix length (like /24): use kind IP for one address`;
  const addressText = text.slice(0, slash);
  const lengthText = text.slice(slash + 1);
  const address = addressText.includes('%') ? null : parseAddress(addressText);
  if (!address) return `CIDR ${JSON.stringify(text)}: ${JSON.stringify(addressText)} is not an IPv4 or IPv6 address`;
  const maxLength = isV4(address) ? 32 : 128;
  if (!PREFIX_LENGTH.test(lengthText) || Number(lengthText) > maxLength) {
    return `CIDR ${JSON.stringify(text)}: the prefix length must be a whole number from 0 to ${maxLength}`;
  }
  const length = Number(lengthText);
  if (isV4(address)) return { address: ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${length}`), length };
  const network = ipaddr.IPv6.networkAddressFromCIDR(`${address.toNormalizedString()}/${length}`);
  // Inside ::ffff:0:0/96 a network is the IPv4 network it maps; a shorter one stays IPv6 (and contains all of it).
  if (length >= 96 && network.isIPv4MappedAddress()) return { address: network.toIPv4Address(), length: length - 96 };
  return { address: network, length };
}

function formatNetwork(network: Network): string {
  return `${formatAddress(network.address)}/${network.length}`;
}

// ---- the index ----

/**
 * The entries of a blacklist, indexed for lookups on every claim: hash maps for the exact kinds, and for networks
 * one hash map per prefix length in use, so an address is checked with one masked lookup per length (at most 33
 * for IPv4 and 129 for IPv6, whatever the number of networks). Entries are normalised again here (so values read
 * back from storage in any case or form still match); an entry that does not parse throws. Equal entries count
 * once, the first kept.
 */
export class BlacklistIndex {
  private readonly phones = new Map<string, BlacklistEntry>();
  private readonly devices = new Map<string, BlacklistEntry>();
  private readonly addresses = new Map<string, BlacklistEntry>();
  /**
   * Prefix length → network → entry; `lengths` list the lengths in use, longest first. An IPv4 network is keyed by
   * its bits, an IPv6 one by the hex digits of its prefix (see v6PrefixKey): V8 hashes bigint keys so poorly that
   * the many networks sharing their low 64 bits (all zero up to /64) made each lookup crawl a long chain.
   */
  private readonly v4Networks = new Map<number, Map<number, BlacklistEntry>>();
  private readonly v6Networks = new Map<number, Map<string, BlacklistEntry>>();
  private v4Lengths: number[] = [];
  private v6Lengths: number[] = [];
  private count = 0;

  constructor(entries: Iterable<BlacklistEntry>) {
    for (const entry of entries) this.add(entry);
    this.v4Lengths = [...this.v4Networks.keys()].sort((a, b) => b - a);
    this.v6Lengths = [...this.v6Networks.keys()].sort((a, b) => b - a);
  }

  /** The number of distinct entries. */
  get size(): number {
    return this.count;
  }

  /**
   * Every entry the claimant matches: its phone hash, its device, its address, then each network containing the
   * address (the most specific first). Empty when none does.
   */
  matches(query: BlacklistQuery): BlacklistEntry[] {
    const found: BlacklistEntry[] = [];
    const phone = query.phoneHash === undefined ? undefined : this.phones.get(query.phoneHash.trim().toLowerCase());
    if (phone) found.push(phone);
    const device = query.deviceId === undefined ? undefined : this.devices.get(query.deviceId.trim());
    if (device) found.push(device);
    if (query.ip === undefined) return found;
    // A zone (fe80::1%eth0) names the interface an address was seen on, not part of the address.
    const raw = parseAddress(query.ip.trim().replace(/%.*$/, ''));
    if (!raw) return found;
    const address = toCanonical(raw);
    const exact = this.addresses.get(formatAddress(address));
    if (exact) found.push(exact);
    if (isV4(address)) {
      const bits = v4Bits(address);
      for (const length of this.v4Lengths) {
        const entry = this.v4Networks.get(length)!.get((bits & V4_MASKS[length]!) >>> 0);
        if (entry) found.push(entry);
      }
    }
    if (this.v6Lengths.length > 0) {
      // An IPv4 address is also its mapped IPv6 address, for the IPv6 networks containing ::ffff:0:0/96.
      const hex = isV4(address) ? V4_MAPPED_HEX + v4Bits(address).toString(16).padStart(8, '0') : v6Hex(address);
      for (const length of this.v6Lengths) {
        const entry = this.v6Networks.get(length)!.get(v6PrefixKey(hex, length));
        if (entry) found.push(entry);
      }
    }
    return found;
  }

  private add(given: BlacklistEntry): void {
    const parsed = parseBlacklistEntry(given.kind, given.value, given.reason);
    if (!parsed.ok) throw new Error(`blacklist entry ${given.kind} ${JSON.stringify(given.value)}: ${parsed.message}`);
    const { entry } = parsed;
    switch (entry.kind) {
      case 'PHONE_HASH':
        return this.addTo(this.phones, entry.value, entry);
      case 'DEVICE':
        return this.addTo(this.devices, entry.value, entry);
      case 'IP':
        return this.addTo(this.addresses, entry.value, entry);
      case 'CIDR': {
        const { address, length } = parseNetwork(entry.value) as Network;
        if (isV4(address)) {
          const byBits = this.v4Networks.get(length) ?? this.v4Networks.set(length, new Map()).get(length)!;
          return this.addTo(byBits, v4Bits(address), entry);
        }
        const byBits = this.v6Networks.get(length) ?? this.v6Networks.set(length, new Map()).get(length)!;
        return this.addTo(byBits, v6PrefixKey(v6Hex(address), length), entry);
      }
    }
  }

  private addTo<K>(map: Map<K, BlacklistEntry>, key: K, entry: BlacklistEntry): void {
    if (map.has(key)) return;
    map.set(key, entry);
    this.count += 1;
  }
}

/** The first `length` bits of an IPv6 address as hex digits: whole digits, then the partial one masked. */
function v6PrefixKey(hex: string, length: number): string {
  const whole = length >> 2;
  const partial = length & 3;
  if (partial === 0) return hex.slice(0, whole);
  return hex.slice(0, whole) + (Number.parseInt(hex[whole]!, 16) & ((0xf << (4 - partial)) & 0xf)).toString(16);
}

// ---- CSV import ----

export interface BlacklistCsvError {
  /** The line the row starts on, 1 for the header. */
  readonly line: number;
  readonly message: string;
}

export interface BlacklistCsv {
  readonly entries: BlacklistEntry[];
  readonly errors: BlacklistCsvError[];
}

const CSV_COLUMNS = ['kind', 'value', 'reason'] as const;

/**
 * Reads a blacklist from CSV (RFC 4180, read by csv-parse: see readCsvRecords):
 * a header naming the columns `kind`, `value` and optionally `reason`, in any order, then one entry a row. A UTF-8
 * BOM, CRLF or LF line ends and blank lines are accepted. Rows that do not parse are reported with their line and
 * left out, as are repeats of an earlier entry; the other rows are returned. At most BLACKLIST_CSV_MAX_ROWS rows
 * are read: beyond that one error says so and the rest is not read.
 */
export function parseBlacklistCsv(text: string): BlacklistCsv {
  const entries: BlacklistEntry[] = [];
  const errors: BlacklistCsvError[] = [];
  let columns: Record<(typeof CSV_COLUMNS)[number], number> | undefined;
  let refused: BlacklistCsvError | undefined;
  const seen = new Map<string, number>();
  let rows = 0;
  readCsvRecords(text, (record) => {
    if (record.fields.length === 1 && record.fields[0]!.trim() === '' && !record.error) return true;
    if (!columns) {
      const header = record.error ? record.error : readHeader(record.fields);
      if (typeof header === 'string') {
        refused = { line: record.line, message: header };
        return false;
      }
      columns = header;
      return true;
    }
    rows += 1;
    if (rows > BLACKLIST_CSV_MAX_ROWS) {
      errors.push({ line: record.line, message: `more than ${BLACKLIST_CSV_MAX_ROWS} rows: this row and the rest were not read` });
      return false;
    }
    if (record.error) {
      errors.push({ line: record.line, message: record.error });
      return true;
    }
    const width = Math.max(columns.kind, columns.value, columns.reason) + 1;
    if (record.fields.length > width) {
      errors.push({ line: record.line, message: `${record.fields.length} fields where the header has ${width}` });
      return true;
    }
    const field = (index: number) => (index < 0 ? undefined : record.fields[index]);
    const parsed = parseBlacklistEntry(field(columns.kind) ?? '', field(columns.value) ?? '', field(columns.reason));
    if (!parsed.ok) {
      errors.push({ line: record.line, message: parsed.message });
      return true;
    }
    const key = `${parsed.entry.kind}\u0000${parsed.entry.value}`;
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push({ line: record.line, message: `${parsed.entry.kind} ${parsed.entry.value} repeats line ${first}` });
      return true;
    }
    seen.set(key, record.line);
    entries.push(parsed.entry);
    return true;
  });
  if (refused) return { entries: [], errors: [refused] };
  if (!columns) return { entries: [], errors: [{ line: 1, message: 'the CSV is empty: it needs a header kind,value,reason' }] };
  return { entries, errors };
}

function readHeader(fields: readonly string[]): Record<(typeof CSV_COLUMNS)[number], number> | string {
  const names = fields.map((f) => f.trim().toLowerCase());
  const expected = 'the header must name the columns kind, value and optionally reason (like kind,value,reason)';
  const unknown = names.find((name) => !(CSV_COLUMNS as readonly string[]).includes(name));
  if (unknown !== undefined) return `unknown column ${JSON.stringify(unknown)}: ${expected}`;
  if (new Set(names).size !== names.length) return `a column is named twice: ${expected}`;
  if (!names.includes('kind') || !names.includes('value')) return expected;
  return { kind: names.indexOf('kind'), value: names.indexOf('value'), reason: names.indexOf('reason') };
}
