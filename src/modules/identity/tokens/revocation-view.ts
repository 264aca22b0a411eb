import type { Cache } from '../../../platform/cache/cache.js';

const CHANNEL = 'session-revoked';
/** Past this many remembered sessions, expired ones are dropped as new ones arrive. */
const PRUNE_AT = 10_000;
const RETRY_MS = 5_000;

/**
 * Which sessions are revoked, held in this process so that accepting a bearer token costs no round trip.
 *
 * Each revocation is broadcast on the cache's `session-revoked` channel after it commits, and every process adds it
 * to its map. Messages published while a process is not subscribed are lost. So each time its subscription
 * starts or resumes, the process reads the sessions revoked within the access tokens' lifetime from the database,
 * and the view answers only once that read is done. Until then, and whenever the subscription is down,
 * `isRevoked` answers undefined and the caller asks the cache (Sessions.isRevoked). A revocation therefore
 * reaches this process's own requests at once and other processes' requests once its message arrives.
 */
export class RevocationView {
  /** Session id → when the last access token it could have issued expires (ms since epoch). */
  private readonly revoked = new Map<string, number>();
  private live = false;
  /** Bumped on every loss or resume, so a database read that a later loss overtook is not trusted. */
  private epoch = 0;
  private started = false;

  constructor(
    private readonly cache: Cache,
    /** Reads the sessions revoked within the last `seconds` (the source of truth). */
    private readonly revokedWithin: (seconds: number) => Promise<readonly string[]>,
    /** How long an access token lives, plus clock skew: how long a revocation must be remembered. */
    private readonly rememberSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Subscribes on first use; the view answers once the subscription is live and the database read is done. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.cache.subscribe(CHANNEL, {
      onMessage: (sessionId) => this.remember(sessionId),
      onLive: (live) => void this.onLive(live),
    });
  }

  /** True or false when the view knows; undefined while it is not live (ask the cache). */
  isRevoked(sessionId: string): boolean | undefined {
    if (!this.live) return undefined;
    const until = this.revoked.get(sessionId);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.revoked.delete(sessionId); // its tokens have all expired: the signature check refuses them now
    return false;
  }

  /** Records revocations made here and tells the other processes. Call after the revocation has committed. */
  async announce(sessionIds: readonly string[]): Promise<void> {
    for (const id of sessionIds) this.remember(id);
    await Promise.all(sessionIds.map((id) => this.cache.publish(CHANNEL, id)));
  }

  private remember(sessionId: string): void {
    const now = this.now();
    if (this.revoked.size >= PRUNE_AT) for (const [id, until] of this.revoked) if (until <= now) this.revoked.delete(id);
    this.revoked.set(sessionId, now + this.rememberSeconds * 1000);
  }

  private async onLive(live: boolean): Promise<void> {
    const epoch = ++this.epoch;
    this.live = false;
    if (!live) return;
    try {
      const recent = await this.revokedWithin(this.rememberSeconds);
      if (epoch !== this.epoch) return;
      for (const id of recent) this.remember(id);
      this.live = true;
    } catch {
      // The database read failed: stay on the cache, and read again in a while unless the subscription moved.
      setTimeout(() => {
        if (epoch === this.epoch) void this.onLive(true);
      }, RETRY_MS).unref();
    }
  }
}
