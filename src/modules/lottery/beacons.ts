import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { LotteryBeaconConfig } from '../../platform/config/config.js';
import type { Database } from '../../platform/db/schema.js';
import type { Clock } from '../../platform/time/clock.js';
import type { TransparencyLog } from '../audit/transparency-log.js';
import type { Beacon } from './beacon/beacon-port.js';
import { DrandBeacon } from './beacon/drand-beacon.js';
import { DRAND_CHAINS } from './beacon/drand-chains.js';
import { hashChainValue, LocalBeacon, type LocalBeaconCommitment } from './beacon/local-beacon.js';
import type { LocalBeaconRow, WeeklyRepo } from './weekly-repo.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
/** 2^18 rounds: six months at a 60 s period. A new chain is committed before the current one runs out. */
const LOCAL_CHAIN_LENGTH = 1 << 18;
/** A chain must still cover this far ahead to be used for a new close (a draw's round is minutes away). */
const LOCAL_COVER_SECONDS = 14 * 86_400;

export const subjectOfBeacon = (beaconId: string) => `beacon:${beaconId}`;

/**
 * Picks and builds the beacon weekly draws use. With drand, the public quicknet chain; without, a local
 * hash chain whose anchor this class logs (a `BEACON_COMMIT` entry) before any close can name it.
 */
export class BeaconProvider {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly repo: WeeklyRepo,
    private readonly log: TransparencyLog,
    private readonly config: LotteryBeaconConfig,
    private readonly clock: Clock,
  ) {}

  /** The beacon a close at `now` commits to; may create and log a new local chain in the caller's transaction. */
  async forClose(trx: Transaction<Database>, now: Date): Promise<Beacon> {
    if (this.config.kind === 'drand-quicknet') return new DrandBeacon({ chain: DRAND_CHAINS.quicknet, baseUrl: this.config.relayUrl });
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const usable = (await this.repo.localBeacons(trx)).find((b) => nowSeconds + LOCAL_COVER_SECONDS < Number(b.genesis_time) + b.length * b.period);
    return this.local(usable ?? (await this.createLocal(trx, nowSeconds)));
  }

  async byId(beaconId: string): Promise<Beacon> {
    if (beaconId === `drand:${DRAND_CHAINS.quicknet.name}`) {
      const relayUrl = this.config.kind === 'drand-quicknet' ? this.config.relayUrl : 'https://api.drand.sh';
      return new DrandBeacon({ chain: DRAND_CHAINS.quicknet, baseUrl: relayUrl });
    }
    const row = (await this.repo.localBeacons(this.db)).find((b) => b.beacon_id === beaconId);
    if (!row) throw new Error(`unknown beacon ${beaconId}`);
    return this.local(row);
  }

  private local(row: LocalBeaconRow): LocalBeacon {
    const commitment: LocalBeaconCommitment = { anchor: hex(row.anchor), genesis_time: Number(row.genesis_time), period: row.period, length: row.length };
    // Revealing round r recomputes v_r from the secret; LocalBeacon refuses to hand it out before r's time.
    const store = { getRevealed: async (round: number) => hex(hashChainValue(row.secret, row.length, round)) };
    return new LocalBeacon(commitment, store, this.clock);
  }

  private async createLocal(trx: Transaction<Database>, nowSeconds: number): Promise<LocalBeaconRow> {
    if (this.config.kind !== 'local') throw new Error('local beacons only');
    const secret = randomBytes(32);
    const anchor = hashChainValue(secret, LOCAL_CHAIN_LENGTH, 0);
    const beaconId = `local:${hex(anchor)}`;
    const commitment = { anchor: hex(anchor), genesis_time: nowSeconds, period: this.config.periodSeconds, length: LOCAL_CHAIN_LENGTH };
    const [logIndex] = await this.log.append(trx, [{ type: 'BEACON_COMMIT', subject: subjectOfBeacon(beaconId), fields: { beacon_id: beaconId, ...commitment } }]);
    const row = { beaconId, anchor, secret, genesisTime: nowSeconds, period: this.config.periodSeconds, length: LOCAL_CHAIN_LENGTH, logIndex: logIndex! };
    await this.repo.insertLocalBeacon(trx, row);
    return { beacon_id: beaconId, anchor, secret, genesis_time: String(nowSeconds), period: row.period, length: row.length, log_index: String(row.logIndex), created_at: new Date() };
  }
}
