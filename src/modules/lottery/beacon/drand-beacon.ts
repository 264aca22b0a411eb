import { bytesToHex } from '@noble/hashes/utils.js';
import { BeaconError, type Beacon, type BeaconValue } from './beacon-port.js';
import { assertRound, roundAt, roundTime, type DrandChain } from './drand-chains.js';
import { verifyDrandBeacon } from './drand-verify.js';

export interface DrandBeaconOptions {
  chain: DrandChain;
  /** Relay root, e.g. https://api.drand.sh; the relay is untrusted, every answer is verified against the pinned key. */
  baseUrl?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** The relay could not be asked (network, timeout, 5xx): worth a retry or another relay, unlike a `BeaconError`. */
export class BeaconFetchError extends Error {
  override readonly name = 'BeaconFetchError';
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const DEFAULT_DRAND_RELAY = 'https://api.drand.sh';

/** Relays answer a round that is not out yet with 404 Not Found or 425 Too Early. */
const NOT_YET_PUBLISHED = new Set([404, 425]);

export class DrandBeacon implements Beacon {
  readonly id: string;
  private readonly chain: DrandChain;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: DrandBeaconOptions) {
    this.chain = options.chain;
    this.id = drandBeaconId(options.chain);
    this.baseUrl = (options.baseUrl ?? DEFAULT_DRAND_RELAY).replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetchImpl = options.fetch ?? fetch;
  }

  roundAt(unixSeconds: number): number {
    return roundAt(this.chain, unixSeconds);
  }

  roundTime(round: number): number {
    return roundTime(this.chain, round);
  }

  async get(round: number): Promise<BeaconValue | null> {
    assertRound(round);
    const url = `${this.baseUrl}/${this.chain.hash}/public/${round}`;
    let response: Response;
    try {
      response = await this.fetchImpl(url, { signal: AbortSignal.timeout(this.timeoutMs), headers: { accept: 'application/json' } });
    } catch (error) {
      throw new BeaconFetchError(`drand relay unreachable: ${url}`, undefined, { cause: error });
    }
    if (NOT_YET_PUBLISHED.has(response.status)) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new BeaconFetchError(`drand relay answered ${response.status} for ${url}`, response.status);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch (error) {
      throw new BeaconFetchError(`drand relay sent unreadable JSON for ${url}`, response.status, { cause: error });
    }
    return this.toVerifiedValue(round, body);
  }

  verify(value: BeaconValue): Uint8Array {
    if (value.beacon !== this.id) throw new BeaconError('wrong beacon', `value is from ${value.beacon}, not ${this.id}`);
    return verifyDrandBeacon(this.chain, value).randomness;
  }

  private toVerifiedValue(round: number, body: unknown): BeaconValue {
    if (typeof body !== 'object' || body === null) throw new BeaconError('malformed', 'relay answer is not a JSON object');
    const fields = body as Record<string, unknown>;
    // The round is checked by the signature anyway; this only turns a relay serving another round (a stale cache,
    // a misrouted 'latest') into a clear reason instead of 'bad signature'.
    if (fields.round !== round) throw new BeaconError('wrong round', `asked for round ${round}, relay answered ${String(fields.round)}`);
    if (typeof fields.signature !== 'string') throw new BeaconError('malformed', 'relay answer has no signature');
    const previous = this.chain.chained ? fields.previous_signature : undefined;
    if (previous !== undefined && typeof previous !== 'string') throw new BeaconError('malformed', 'previous_signature is not a string');
    if (fields.randomness !== undefined && typeof fields.randomness !== 'string') throw new BeaconError('malformed', 'randomness is not a string');
    const verified = verifyDrandBeacon(this.chain, {
      round,
      signature: fields.signature,
      ...(previous !== undefined ? { previous_signature: previous } : {}),
      ...(fields.randomness !== undefined ? { randomness: fields.randomness } : {}),
    });
    return {
      beacon: this.id,
      round,
      signature: fields.signature.toLowerCase(),
      ...(previous !== undefined ? { previous_signature: previous.toLowerCase() } : {}),
      randomness: bytesToHex(verified.randomness),
    };
  }
}

/** The id that goes into bundles; a verifier maps it back to the pinned chain through `DRAND_CHAINS`. */
export function drandBeaconId(chain: DrandChain): string {
  return `drand:${chain.name}`;
}
