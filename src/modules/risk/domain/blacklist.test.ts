import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PiiVault } from '../../../platform/privacy/vault.js';
import {
  BLACKLIST_CSV_MAX_ROWS,
  BlacklistIndex,
  normalizeIpAddress,
  parseBlacklistCsv,
  parseBlacklistEntry,
  type BlacklistEntry,
  type BlacklistKind,
} from './blacklist.js';

const vault = new PiiVault([{ id: 'k1', key: randomBytes(32) }], randomBytes(32));
const phoneHash = (phone: string) => vault.blindIndex('phone', phone);

/** The normalised value of a valid entry (the test fails if it is refused). */
function value(kind: BlacklistKind, text: string): string {
  const result = parseBlacklistEntry(kind, text);
  if (!result.ok) throw new Error(`refused ${kind} ${text}: ${result.message}`);
  return result.entry.value;
}

function refusal(kind: string, text: string): string {
  const result = parseBlacklistEntry(kind, text);
  if (result.ok) throw new Error(`accepted ${kind} ${text} as ${result.entry.value}`);
  return result.message;
}

const entries = (...pairs: [BlacklistKind, string][]): BlacklistEntry[] => pairs.map(([kind, v]) => ({ kind, value: v }));
const values = (found: readonly BlacklistEntry[]) => found.map((e) => `${e.kind} ${e.value}`);

describe('parseBlacklistEntry: IP', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1'],
    ['  10.0.0.1 ', '10.0.0.1'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8::0:1', '2001:db8::1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // one zero group is not shortened
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // the longest run
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // the first of two equal runs
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['::ffff:1.2.3.4', '1.2.3.4'], // IPv4-mapped: the IPv4 address
    ['::FFFF:0102:0304', '1.2.3.4'],
    ['0:0:0:0:0:ffff:102:304', '1.2.3.4'],
    ['::ffff:0.0.0.0', '0.0.0.0'],
    ['::1.2.3.4', '::102:304'], // IPv4-compatible (deprecated) is not mapped: it stays IPv6
    ['64:ff9b::1.2.3.4', '64:ff9b::102:304'], // NAT64 neither
    ['::fffe:1.2.3.4', '::fffe:102:304'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
  ])('normalises %j to %s', (input, expected) => {
    expect(value('IP', input)).toBe(expected);
    expect(normalizeIpAddress(input)).toBe(expected);
  });

  it.each([
    ['leading zeros in IPv4', '01.2.3.4'],
    ['three octets', '1.2.3'],
    ['an octet over 255', '256.1.1.1'],
    ['two ::', '1::2::3'],
    ['nine groups', '1:2:3:4:5:6:7:8:9'],
    ['a zone', 'fe80::1%eth0'],
    ['a hostname', 'localhost'],
    ['brackets', '[::1]'],
    ['a network', '10.0.0.0/8'],
    ['empty', '  '],
  ])('refuses %s', (_label, input) => {
    expect(refusal('IP', input)).toMatch(/IP/);
  });

  it('says to use CIDR for a network', () => {
    expect(refusal('IP', '10.0.0.0/8')).toMatch(/use kind CIDR/);
  });
});

describe('parseBlacklistEntry: CIDR', () => {
  it.each([
    ['10.1.2.3/8', '10.0.0.0/8'],
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['192.168.1.255/23', '192.168.0.0/23'],
    ['1.2.3.4/32', '1.2.3.4/32'],
    ['1.2.3.4/31', '1.2.3.4/31'],
    ['1.2.3.5/31', '1.2.3.4/31'],
    ['255.255.255.255/1', '128.0.0.0/1'],
    ['8.8.8.8/0', '0.0.0.0/0'],
    ['2001:db8::/32', '2001:db8::/32'],
    ['2001:DB8:1234::/32', '2001:db8::/32'],
    ['2001:db8:ffff:ffff:ffff:ffff:ffff:ffff/33', '2001:db8:8000::/33'],
    ['2001:db8:ffff:ffff:ffff:ffff:ffff:ffff/127', '2001:db8:ffff:ffff:ffff:ffff:ffff:fffe/127'],
    ['2001:db8::1/128', '2001:db8::1/128'],
    ['fe80::1234/10', 'fe80::/10'],
    ['ffff::/0', '::/0'],
    ['::ffff:10.1.2.3/104', '10.0.0.0/8'], // inside ::ffff:0:0/96: the IPv4 network
    ['::ffff:1.2.3.4/128', '1.2.3.4/32'],
    ['::ffff:0:0/96', '0.0.0.0/0'],
    ['::ffff:1.2.3.4/95', '::fffe:0:0/95'], // shorter than /96: an IPv6 network (containing all of IPv4)
    ['::ffff:1.2.3.4/80', '::/80'],
  ])('normalises %j to %s', (input, expected) => {
    expect(value('CIDR', input)).toBe(expected);
  });

  it.each([
    ['no prefix', '10.0.0.0', /use kind IP/],
    ['an empty prefix', '10.0.0.0/', /0 to 32/],
    ['/33 on IPv4', '10.0.0.0/33', /0 to 32/],
    ['/129 on IPv6', '2001:db8::/129', /0 to 128/],
    ['a negative prefix', '10.0.0.0/-1', /0 to 32/],
    ['a prefix with a leading zero', '10.0.0.0/08', /0 to 32/],
    ['a prefix with a sign', '10.0.0.0/+8', /0 to 32/],
    ['two slashes', '10.0.0.0/8/8', /0 to 32/],
    ['a mask instead of a length', '10.0.0.0/255.0.0.0', /0 to 32/],
    ['a bad address', '10.0.0/8', /not an IPv4 or IPv6 address/],
    ['a zone', 'fe80::%eth0/10', /not an IPv4 or IPv6 address/],
    ['/200 on a mapped address', '::ffff:10.0.0.0/200', /0 to 128/],
  ])('refuses %s', (_label, input, message) => {
    expect(refusal('CIDR', input)).toMatch(message);
  });
});

describe('parseBlacklistEntry: phone hash, device, kind, reason', () => {
  it('takes the blind index of a phone, in lowercase, and never the phone', () => {
    const hash = phoneHash('13800001234');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(value('PHONE_HASH', hash.toUpperCase())).toBe(hash);
    expect(refusal('PHONE_HASH', '13800001234')).toMatch(/never the phone number itself/);
    expect(refusal('PHONE_HASH', '+86 138 0000 1234')).toMatch(/never the phone number itself/);
    expect(refusal('PHONE_HASH', hash.slice(1))).toMatch(/64 hex characters/);
    expect(refusal('PHONE_HASH', `${hash.slice(1)}g`)).toMatch(/64 hex characters/);
  });

  it('takes a device id of 1 to 128 printable ASCII characters, trimmed', () => {
    expect(value('DEVICE', ' idfa:6D92078A-8246-4BA4-AE5B-76104861E7DC ')).toBe('idfa:6D92078A-8246-4BA4-AE5B-76104861E7DC');
    expect(value('DEVICE', 'x')).toBe('x');
    expect(value('DEVICE', 'a b~!')).toBe('a b~!');
    expect(value('DEVICE', 'd'.repeat(128))).toBe('d'.repeat(128));
    expect(refusal('DEVICE', 'd'.repeat(129))).toMatch(/longer than 128/);
    expect(refusal('DEVICE', 'tab\tinside')).toMatch(/printable/);
    expect(refusal('DEVICE', '设备')).toMatch(/printable/);
    expect(refusal('DEVICE', '')).toMatch(/empty/);
  });

  it('reads kinds case-insensitively and refuses unknown ones', () => {
    expect(parseBlacklistEntry(' ip ', '1.2.3.4')).toEqual({ ok: true, entry: { kind: 'IP', value: '1.2.3.4' } });
    expect(refusal('EMAIL', 'a@b.c')).toMatch(/not one of PHONE_HASH, DEVICE, IP, CIDR/);
  });

  it('keeps a reason when there is one, trimmed, up to 500 characters', () => {
    expect(parseBlacklistEntry('IP', '1.2.3.4', '  card farm ')).toEqual({ ok: true, entry: { kind: 'IP', value: '1.2.3.4', reason: 'card farm' } });
    expect(parseBlacklistEntry('IP', '1.2.3.4', '   ')).toEqual({ ok: true, entry: { kind: 'IP', value: '1.2.3.4' } });
    expect(parseBlacklistEntry('IP', '1.2.3.4', 'r'.repeat(501))).toEqual({ ok: false, message: 'reason is longer than 500 characters' });
  });
});

describe('BlacklistIndex', () => {
  const index = new BlacklistIndex([
    ...entries(
      ['CIDR', '10.0.0.0/8'],
      ['CIDR', '10.1.0.0/16'],
      ['CIDR', '::ffff:192.168.0.0/112'],
      ['CIDR', '2001:db8::/32'],
      ['CIDR', '2001:db8:8000::/33'],
      ['CIDR', 'fe80::/10'],
      ['CIDR', '203.0.113.7/32'],
      ['IP', '::ffff:1.2.3.4'],
      ['IP', '2001:db8::1'],
      ['DEVICE', 'dev-1'],
      ['PHONE_HASH', phoneHash('13800001234').toUpperCase()],
    ),
    { kind: 'IP', value: '1.2.3.4', reason: 'a repeat: the first is kept' },
    { kind: 'CIDR', value: '10.9.9.9/8', reason: 'a repeat of 10.0.0.0/8' },
  ]);

  it('counts distinct entries', () => {
    expect(index.size).toBe(11);
  });

  it.each([
    ['10.1.2.3', ['CIDR 10.1.0.0/16', 'CIDR 10.0.0.0/8']], // the most specific first
    ['::ffff:10.1.2.3', ['CIDR 10.1.0.0/16', 'CIDR 10.0.0.0/8']],
    ['10.255.255.255', ['CIDR 10.0.0.0/8']],
    ['10.0.0.0', ['CIDR 10.0.0.0/8']],
    ['9.255.255.255', []],
    ['11.0.0.0', []],
    ['192.168.5.5', ['CIDR 192.168.0.0/16']],
    ['::ffff:c0a8:505', ['CIDR 192.168.0.0/16']],
    ['192.169.0.0', []],
    ['203.0.113.7', ['CIDR 203.0.113.7/32']],
    ['203.0.113.6', []],
    ['1.2.3.4', ['IP 1.2.3.4']],
    ['::ffff:1.2.3.4', ['IP 1.2.3.4']],
    ['::1.2.3.4', []], // IPv4-compatible is another address
    ['2001:0DB8:0:0:0:0:0:1', ['IP 2001:db8::1', 'CIDR 2001:db8::/32']],
    ['2001:db8:ffff::1', ['CIDR 2001:db8:8000::/33', 'CIDR 2001:db8::/32']],
    ['2001:db8:8000::', ['CIDR 2001:db8:8000::/33', 'CIDR 2001:db8::/32']],
    ['2001:db8:7fff:ffff:ffff:ffff:ffff:ffff', ['CIDR 2001:db8::/32']],
    ['2001:db9::', []],
    ['2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', []],
    ['fe80::1', ['CIDR fe80::/10']],
    ['fe80::1%eth0', ['CIDR fe80::/10']], // the zone is not part of the address
    ['febf:ffff::', ['CIDR fe80::/10']],
    ['fec0::', []],
    ['fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff', []],
    ['not an address', []],
    ['', []],
  ])('matches ip %j with %j', (ip, expected) => {
    expect(values(index.matches({ ip }))).toEqual(expected);
  });

  it('matches phone hashes in any case, devices exactly, and reports every match', () => {
    const found = index.matches({ phoneHash: phoneHash('13800001234'), deviceId: 'dev-1', ip: '10.1.0.1' });
    expect(values(found)).toEqual([`PHONE_HASH ${phoneHash('13800001234')}`, 'DEVICE dev-1', 'CIDR 10.1.0.0/16', 'CIDR 10.0.0.0/8']);
    expect(index.matches({ phoneHash: phoneHash('13800001235') })).toEqual([]);
    expect(index.matches({ deviceId: 'DEV-1' })).toEqual([]);
    expect(index.matches({})).toEqual([]);
  });

  it('keeps the first of equal entries, with its reason', () => {
    expect(index.matches({ ip: '1.2.3.4' })).toEqual([{ kind: 'IP', value: '1.2.3.4' }]);
    expect(index.matches({ ip: '10.200.0.1' })).toEqual([{ kind: 'CIDR', value: '10.0.0.0/8' }]);
  });

  it('lets an IPv6 network containing ::ffff:0:0/96 match IPv4 addresses, and only IPv4 networks match IPv4', () => {
    const all6 = new BlacklistIndex(entries(['CIDR', '::/0']));
    expect(values(all6.matches({ ip: '1.2.3.4' }))).toEqual(['CIDR ::/0']);
    expect(values(all6.matches({ ip: '2001:db8::1' }))).toEqual(['CIDR ::/0']);
    const all4 = new BlacklistIndex(entries(['CIDR', '0.0.0.0/0']));
    expect(values(all4.matches({ ip: '255.255.255.255' }))).toEqual(['CIDR 0.0.0.0/0']);
    expect(values(all4.matches({ ip: '::ffff:0.0.0.1' }))).toEqual(['CIDR 0.0.0.0/0']);
    expect(all4.matches({ ip: '2001:db8::1' })).toEqual([]);
    const mapped = new BlacklistIndex(entries(['CIDR', '::ffff:0:0/95']));
    expect(values(mapped.matches({ ip: '9.9.9.9' }))).toEqual(['CIDR ::fffe:0:0/95']);
    expect(values(mapped.matches({ ip: '::fffe:1:1' }))).toEqual(['CIDR ::fffe:0:0/95']);
    expect(mapped.matches({ ip: '::1' })).toEqual([]);
  });

  it('refuses an entry that does not parse', () => {
    expect(() => new BlacklistIndex(entries(['CIDR', '10.0.0.0/40']))).toThrow(/CIDR "10.0.0.0\/40"/);
  });

  it('answers quickly with 10,000 networks (a printed figure, not an assertion)', () => {
    const networks: BlacklistEntry[] = [];
    const octet = () => Math.floor(Math.random() * 256);
    const group = () => Math.floor(Math.random() * 0x10000).toString(16);
    for (let i = 0; i < 10_000; i++) {
      const v4 = i % 2 === 0;
      const address = v4 ? [octet(), octet(), octet(), octet()].join('.') : `2001:${group()}:${group()}:${group()}::`;
      const length = v4 ? 8 + Math.floor(Math.random() * 25) : 16 + Math.floor(Math.random() * 113);
      networks.push({ kind: 'CIDR', value: `${address}/${length}` });
    }
    const started = performance.now();
    const big = new BlacklistIndex(networks);
    const buildMs = performance.now() - started;
    const queries = Array.from({ length: 10_000 }, (_, i) => (i % 2 === 0 ? [octet(), octet(), octet(), octet()].join('.') : `2001:${group()}:${group()}:${group()}::${group()}`));
    const timeLookups = () => {
      let matched = 0;
      const start = performance.now();
      for (const ip of queries) matched += big.matches({ ip }).length;
      return { matched, us: ((performance.now() - start) * 1_000) / queries.length };
    };
    const cold = timeLookups();
    const warm = timeLookups();
    console.log(
      `blacklist index: ${big.size} networks (half IPv4 /8–/32, half IPv6 /16–/128) built in ${buildMs.toFixed(1)} ms; ` +
        `${cold.us.toFixed(1)} µs a lookup cold, ${warm.us.toFixed(1)} µs warm (${warm.matched} matches over ${queries.length} lookups)`,
    );
    expect(big.size).toBeGreaterThan(9_000);
  });
});

describe('parseBlacklistCsv', () => {
  const hash = phoneHash('13900001111');

  it('reads a BOM, CRLF line ends, quoted fields with commas, quotes and line breaks, and skips blank lines', () => {
    const csv =
      '\uFEFFkind,value,reason\r\n' +
      `PHONE_HASH,${hash},"chargebacks, twice"\r\n` +
      '\r\n' +
      'DEVICE,"emu""lator",\r\n' +
      'IP,::ffff:1.2.3.4,"line one\r\nline two"\r\n' +
      '   \r\n' +
      'CIDR,10.1.2.3/8\r\n' + // the reason field left out
      '"cidr","2001:DB8::/32","quoted ""kind"" too"\r\n';
    expect(parseBlacklistCsv(csv)).toEqual({
      entries: [
        { kind: 'PHONE_HASH', value: hash, reason: 'chargebacks, twice' },
        { kind: 'DEVICE', value: 'emu"lator' },
        { kind: 'IP', value: '1.2.3.4', reason: 'line one\r\nline two' },
        { kind: 'CIDR', value: '10.0.0.0/8' },
        { kind: 'CIDR', value: '2001:db8::/32', reason: 'quoted "kind" too' },
      ],
      errors: [],
    });
  });

  it('reports bad rows with the line they start on, and keeps the good ones', () => {
    const csv = [
      'kind,value,reason', // 1
      'IP,10.0.0.1,ok', // 2
      'EMAIL,a@b.c,', // 3
      'IP,"multi', // 4: a quoted field over three lines
      'line",', // 5
      '', // 6
      'IP,300.1.1.1,bad', // 7
      'IP,10.0.0.2,ok,extra', // 8
      'IP,"10.0.0.3" ,x', // 9
      'DEVICE,say "hi",x', // 10
      'IP,::ffff:10.0.0.1,same as line 2', // 11
      'CIDR,10.0.0.0,no prefix', // 12
      ',,', // 13
      'DEVICE,d-2', // 14
      'IP,"10.0.0.9', // 15: never closed
      'DEVICE,d-3,',
    ].join('\n');
    const { entries: found, errors } = parseBlacklistCsv(csv);
    expect(found).toEqual([
      { kind: 'IP', value: '10.0.0.1', reason: 'ok' },
      { kind: 'DEVICE', value: 'd-2' },
    ]);
    expect(errors).toEqual([
      { line: 3, message: 'kind "EMAIL" is not one of PHONE_HASH, DEVICE, IP, CIDR' },
      { line: 4, message: 'IP "multi\\nline" is not an IPv4 or IPv6 address' }, // JSON.stringify shows the line break
      { line: 7, message: 'IP "300.1.1.1" is not an IPv4 or IPv6 address' },
      { line: 8, message: '4 fields where the header has 3' },
      { line: 9, message: 'a quoted field must end at a comma or the line end' },
      { line: 10, message: 'a field with a double quote must be in double quotes (with the quote doubled)' },
      { line: 11, message: 'IP 10.0.0.1 repeats line 2' },
      { line: 12, message: 'CIDR "10.0.0.0" has no prefix length (like /24): use kind IP for one address' },
      { line: 13, message: 'kind "" is not one of PHONE_HASH, DEVICE, IP, CIDR' },
      { line: 15, message: 'a quoted field is not closed before the end of the text' },
    ]);
  });

  it('takes the columns in any order, and the reason column may be left out', () => {
    expect(parseBlacklistCsv('Value , KIND\n1.2.3.4,ip\n')).toEqual({ entries: [{ kind: 'IP', value: '1.2.3.4' }], errors: [] });
    expect(parseBlacklistCsv('reason,value,kind\nbot,dev-9,DEVICE')).toEqual({ entries: [{ kind: 'DEVICE', value: 'dev-9', reason: 'bot' }], errors: [] });
  });

  it('skips blank lines before the header and counts them', () => {
    expect(parseBlacklistCsv('\n\r\nkind,value\nIP,x\n')).toEqual({ entries: [], errors: [{ line: 4, message: 'IP "x" is not an IPv4 or IPv6 address' }] });
  });

  it('refuses a missing or wrong header, with one error', () => {
    expect(parseBlacklistCsv('')).toEqual({ entries: [], errors: [{ line: 1, message: 'the CSV is empty: it needs a header kind,value,reason' }] });
    expect(parseBlacklistCsv('\uFEFF\r\n\r\n')).toEqual({ entries: [], errors: [{ line: 1, message: 'the CSV is empty: it needs a header kind,value,reason' }] });
    expect(parseBlacklistCsv('IP,1.2.3.4,x\nIP,5.6.7.8,y').errors).toEqual([
      { line: 1, message: 'unknown column "ip": the header must name the columns kind, value and optionally reason (like kind,value,reason)' },
    ]);
    expect(parseBlacklistCsv('kind,kind,value\n').errors[0]!.message).toMatch(/named twice/);
    expect(parseBlacklistCsv('kind,reason\n').errors[0]!.message).toMatch(/^the header must name/);
    expect(parseBlacklistCsv('kind,value,reason\nIP,1.2.3.4').entries).toHaveLength(1);
  });

  it(`reads at most ${BLACKLIST_CSV_MAX_ROWS} rows`, () => {
    const rows = Array.from({ length: BLACKLIST_CSV_MAX_ROWS + 5 }, (_, i) => `DEVICE,d-${i},`);
    const { entries: found, errors } = parseBlacklistCsv(['kind,value,reason', ...rows].join('\r\n'));
    expect(found).toHaveLength(BLACKLIST_CSV_MAX_ROWS);
    expect(found.at(-1)).toEqual({ kind: 'DEVICE', value: `d-${BLACKLIST_CSV_MAX_ROWS - 1}` });
    expect(errors).toEqual([{ line: BLACKLIST_CSV_MAX_ROWS + 2, message: `more than ${BLACKLIST_CSV_MAX_ROWS} rows: this row and the rest were not read` }]);
  });
});
