import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BeaconError } from './beacon-port.js';
import { BeaconFetchError, DrandBeacon } from './drand-beacon.js';
import { DRAND_CHAINS } from './drand-chains.js';

// Real beacons (provenance in drand-verify.test.ts): quicknet round 123 from noislabs/drand-verify src/verify.rs,
// mainnet round 72785 from the same file.
const QUICKNET_123 = {
  round: 123,
  randomness: 'fb8f7bc29bf24db51871ec8c79f3a1e4bd0557bc0dfcee9ed1d924e69d1c60dc',
  signature: 'b75c69d0b72a5d906e854e808ba7e2accb1542ac355ae486d591aa9d43765482e26cd02df835d3546d23c4b13e0dfc92',
};
const MAINNET_72785 = {
  round: 72785,
  randomness: '8b676484b5fb1f37f9ec5c413d7d29883504e5b669f604a1ce68b3388e9ae3d9',
  signature:
    '82f5d3d2de4db19d40a6980e8aa37842a0e55d1df06bd68bddc8d60002e8e959eb9cfa368b3c1b77d18f02a54fe047b80f0989315f83b12a74fd8679c4f12aae86eaf6ab5690b34f1fddd50ee3cc6f6cdf59e95526d5a5d82aaa84fa6f181e42',
  previous_signature:
    'a609e19a03c2fcc559e8dae14900aaefe517cb55c840f6e69bc8e4f66c8d18e8a609685d9917efbfb0c37f058c2de88f13d297c7e19e0ab24813079efe57a182554ff054c7638153f9b26a60e7111f71a0ff63d9571704905d3ca6df0b031747',
};

const Q = DRAND_CHAINS.quicknet.hash;
const M = DRAND_CHAINS.mainnet.hash;
const tamperedSignature = `b65c${QUICKNET_123.signature.slice(4)}`;

// A stand-in relay on 127.0.0.1 (the real relays are an external system and unreachable here).
const routes: Record<string, { status: number; body: string } | 'hang'> = {
  [`/${Q}/public/123`]: { status: 200, body: JSON.stringify(QUICKNET_123) },
  [`/${Q}/public/124`]: { status: 200, body: JSON.stringify({ ...QUICKNET_123, round: 124 }) }, // real signature, wrong round
  [`/${Q}/public/125`]: { status: 200, body: JSON.stringify({ ...QUICKNET_123, round: 125, signature: tamperedSignature }) },
  // A second "relay" under a path prefix that serves round 123 with someone else's randomness.
  [`/lying/${Q}/public/123`]: { status: 200, body: JSON.stringify({ ...QUICKNET_123, randomness: MAINNET_72785.randomness }) },
  [`/${Q}/public/127`]: { status: 200, body: JSON.stringify(QUICKNET_123) }, // another round's beacon
  [`/${Q}/public/128`]: { status: 200, body: '{"round":128,' },
  [`/${Q}/public/129`]: { status: 500, body: 'upstream down' },
  [`/${Q}/public/130`]: 'hang',
  [`/${Q}/public/999999999`]: { status: 425, body: 'too early' },
  [`/${M}/public/72785`]: { status: 200, body: JSON.stringify(MAINNET_72785) },
  [`/${M}/public/72786`]: { status: 200, body: JSON.stringify({ ...MAINNET_72785, round: 72786 }) },
};
const requested: string[] = [];
const relay = createServer((req, res) => {
  requested.push(req.url ?? '');
  const route = routes[req.url ?? ''];
  if (route === 'hang') return; // never answers: exercises the timeout
  res.statusCode = route?.status ?? 404;
  res.setHeader('content-type', 'application/json');
  res.end(route?.body ?? '{"error":"not found"}');
});
let baseUrl = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}/`;
});
afterAll(() => {
  relay.closeAllConnections();
  return new Promise<void>((resolve) => relay.close(() => resolve()));
});

describe('DrandBeacon against a local relay', () => {
  const quicknet = () => new DrandBeacon({ chain: DRAND_CHAINS.quicknet, baseUrl, timeoutMs: 2_000 });

  it('returns a verified quicknet beacon from /{chain hash}/public/{round}', async () => {
    const beacon = quicknet();
    const value = await beacon.get(123);
    expect(requested.at(-1)).toBe(`/${Q}/public/123`);
    expect(value).toEqual({ beacon: 'drand:quicknet', round: 123, signature: QUICKNET_123.signature, randomness: QUICKNET_123.randomness });
    expect(Buffer.from(beacon.verify(value!)).toString('hex')).toBe(QUICKNET_123.randomness);
  });

  it('returns a verified mainnet beacon with its previous signature', async () => {
    const beacon = new DrandBeacon({ chain: DRAND_CHAINS.mainnet, baseUrl });
    const value = await beacon.get(72785);
    expect(value).toEqual({ beacon: 'drand:mainnet', ...MAINNET_72785 });
    expect(Buffer.from(beacon.verify(value!)).toString('hex')).toBe(MAINNET_72785.randomness);
    await expect(beacon.get(72786)).rejects.toMatchObject({ reason: 'bad signature' });
  });

  it('throws BeaconError for tampered answers', async () => {
    const beacon = quicknet();
    await expect(beacon.get(124)).rejects.toMatchObject({ name: 'BeaconError', reason: 'bad signature' });
    await expect(beacon.get(125)).rejects.toMatchObject({ reason: 'bad signature' });
    const lying = new DrandBeacon({ chain: DRAND_CHAINS.quicknet, baseUrl: `${baseUrl}lying` });
    await expect(lying.get(123)).rejects.toMatchObject({ reason: 'randomness mismatch' });
    await expect(beacon.get(127)).rejects.toMatchObject({ reason: 'wrong round' });
  });

  it('answers null for a round not published yet (404, 425)', async () => {
    const beacon = quicknet();
    expect(await beacon.get(1)).toBeNull();
    expect(await beacon.get(999999999)).toBeNull();
  });

  it('reports transport failures as BeaconFetchError, not as a forgery', async () => {
    const beacon = new DrandBeacon({ chain: DRAND_CHAINS.quicknet, baseUrl, timeoutMs: 300 });
    await expect(beacon.get(128)).rejects.toBeInstanceOf(BeaconFetchError);
    await expect(beacon.get(129)).rejects.toMatchObject({ name: 'BeaconFetchError', status: 500 });
    const started = Date.now();
    await expect(beacon.get(130)).rejects.toBeInstanceOf(BeaconFetchError);
    expect(Date.now() - started).toBeLessThan(5_000);
    const closedPort = new DrandBeacon({ chain: DRAND_CHAINS.quicknet, baseUrl: 'http://127.0.0.1:1' });
    await expect(closedPort.get(123)).rejects.toBeInstanceOf(BeaconFetchError);
  });

  it('verify refuses values of another beacon or tampered values', async () => {
    const beacon = quicknet();
    const value = (await beacon.get(123))!;
    expect(() => beacon.verify({ ...value, beacon: 'drand:mainnet' })).toThrow(BeaconError);
    expect(() => beacon.verify({ ...value, round: 124 })).toThrow(expect.objectContaining({ reason: 'bad signature' }));
    expect(() => beacon.verify({ ...value, signature: tamperedSignature })).toThrow(expect.objectContaining({ reason: 'bad signature' }));
  });

  it('times rounds from the pinned chain and refuses invalid rounds before asking', async () => {
    const beacon = quicknet();
    expect(beacon.roundAt(DRAND_CHAINS.quicknet.genesisTime)).toBe(1);
    expect(beacon.roundTime(123)).toBe(DRAND_CHAINS.quicknet.genesisTime + 122 * 3);
    const before = requested.length;
    await expect(beacon.get(0)).rejects.toThrow(RangeError);
    expect(requested.length).toBe(before);
  });
});
