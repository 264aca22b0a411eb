import { createHash, createHmac } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GroupCommit, ReceiptRow } from '../db/group-commit.js';
import type { Database } from '../db/schema.js';
import { AppError } from '../errors/app-error.js';
import { canonicalJson } from './canonical-json.js';
import { deviceIdOf } from './device-id.js';
import { InFlightLeases } from './in-flight-leases.js';

/**
 * - `optional` (the default): a key is accepted; the answer is stored and replayed.
 * - `required`: as optional, and a call without a key is refused.
 * - `no-store`: for routes whose answer carries a credential (tokens, a secret shown once). The key is accepted
 *   and recorded with the request's fingerprint and status, but the answer is not stored: a repeat of the key
 *   gets 409 IDEMPOTENCY_KEY_NOT_REPLAYABLE, never the credential again.
 * - `off`: the key is ignored (the route is its own protection against repeats, or a repeat must run).
 */
export type IdempotencyMode = 'optional' | 'required' | 'no-store' | 'off';

interface IdempotencyClaim {
  readonly scope: string;
  readonly key: string;
  /** False on `no-store` routes: the answer is recorded without its body. */
  readonly replayable: boolean;
  /** Set once the response has been stored inside the effect's transaction: nothing left to do in onSend. */
  storedInTransaction: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Mutating routes accept an Idempotency-Key by default; 'required' refuses calls without one; 'no-store' (an
     * answer carrying a credential) records the key but never the answer. See IdempotencyMode.
     */
    idempotency?: IdempotencyMode;
  }
  interface FastifyRequest {
    idempotencyClaim: IdempotencyClaim | null;
  }
  interface FastifyReply {
    /**
     * Runs a state change in one transaction. With an Idempotency-Key, the serialised response is stored under
     * the key in that same transaction, so the effect and its recorded answer commit or vanish together.
     * Returns the serialised body for the handler to return.
     */
    transact(effect: (trx: Transaction<Database>) => Promise<unknown>): Promise<string>;
    /**
     * `transact` by group commit: the command joins a batch decided and committed together with others; its
     * stored answer (if the request has an Idempotency-Key) commits in that same transaction. `present` turns the
     * command's result into the response body.
     */
    transactIn<C, R>(committer: GroupCommit<C, R>, command: C, present: (value: R) => unknown): Promise<string>;
  }
}

export interface IdempotencyOptions {
  /**
   * Server secret that keys the request fingerprints and the anonymous callers' scopes (derive it from a platform
   * secret): without it nobody can test a guessed request body or client address against the table. It must be
   * the same in every process, so that a retry reaching another process still finds its key.
   */
  readonly key: Buffer;
  /** How long keys are remembered (and replayed). At least 24 h. */
  readonly retentionMs?: number;
  /**
   * How long an in-flight claim blocks others before a crashed owner's key may be taken over. The owner renews
   * it while the request runs (InFlightLeases), so it can be short: a retry after a crash waits about this long.
   */
  readonly inFlightLeaseMs?: number;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;
/** Answers that say "try again" rather than "this is the outcome"; they are not remembered. */
const TRANSIENT_STATUSES = new Set([408, 409, 425, 429]);

/**
 * Idempotency keys (Stripe's model): the first request with a key
 * claims it; its response is stored; a replay with the same body gets that response back; the same key with a
 * different body gets 422 IDEMPOTENCY_KEY_REUSED; a replay while the first is still running gets 409.
 * An answer that carries a credential is never stored (`no-store` routes, and the `carriesCredential` backstop):
 * its key is completed without a body, and a replay gets 409 IDEMPOTENCY_KEY_NOT_REPLAYABLE.
 */
export function registerIdempotency(app: FastifyInstance, db: Kysely<Database>, options: IdempotencyOptions): void {
  const fingerprintKey = createHmac('sha256', options.key).update('quanyi/idempotency-fingerprint').digest();
  const scopeKey = createHmac('sha256', options.key).update('quanyi/idempotency-anonymous-scope').digest();
  const retentionMs = Math.max(options.retentionMs ?? 24 * 3_600_000, 24 * 3_600_000);
  const leaseMs = options.inFlightLeaseMs ?? 6_000;
  const leases = new InFlightLeases(db, leaseMs);
  app.addHook('onClose', async () => leases.stop());

  app.decorateRequest('idempotencyClaim', null);
  app.decorateReply('transact', async function transact(this: FastifyReply, effect) {
    const claim = this.request.idempotencyClaim;
    const body = await db.transaction().execute(async (trx) => {
      const result = await effect(trx);
      const serialized = String(this.serialize(result));
      if (claim) await storeResponse(trx, claim, this.statusCode, serialized);
      return serialized;
    });
    // Only once committed: a transaction that failed, even at its commit, leaves the key in flight for onSend to
    // release (a commit whose answer was lost leaves it completed, which onSend does not touch).
    if (claim) claim.storedInTransaction = true;
    this.type('application/json; charset=utf-8');
    return body;
  });

  app.decorateReply('transactIn', async function transactIn<C, R>(this: FastifyReply, committer: GroupCommit<C, R>, command: C, present: (value: R) => unknown) {
    const claim = this.request.idempotencyClaim;
    const status = this.statusCode;
    let body: string | undefined;
    const receipt = claim
      ? {
          record: (value: R): ReceiptRow => {
            body = String(this.serialize(present(value)));
            return { scope: claim.scope, key: claim.key, status, body: storableBody(claim, body) };
          },
        }
      : undefined;
    const value = await committer.submit(command, receipt);
    if (claim) claim.storedInTransaction = true;
    this.type('application/json; charset=utf-8');
    return body ?? String(this.serialize(present(value)));
  });

  app.addHook('preHandler', async (request, reply) => {
    if (!MUTATING.has(request.method)) return;
    const mode = request.routeOptions.config.idempotency ?? 'optional';
    if (mode === 'off') return;
    const header = request.headers['idempotency-key'];
    if (header === undefined) {
      if (mode === 'required') throw new AppError('IDEMPOTENCY_KEY_REQUIRED');
      return;
    }
    if (typeof header !== 'string' || !KEY_FORMAT.test(header)) throw new AppError('IDEMPOTENCY_KEY_INVALID');

    const scope = request.actor ? `${request.actor.kind}:${request.actor.id}` : anonymousScope(scopeKey, request);
    const fingerprint = fingerprintOf(fingerprintKey, request);
    const claimed = await tryClaim(db, scope, header, fingerprint, leaseMs, retentionMs);
    if (claimed) {
      request.idempotencyClaim = { scope, key: header, replayable: mode !== 'no-store', storedInTransaction: false };
      leases.hold(scope, header);
      return;
    }
    const existing = await db
      .selectFrom('idempotency_keys')
      .select(['fingerprint', 'status', 'response_status', 'response_body'])
      .where('scope', '=', scope)
      .where('key', '=', header)
      .executeTakeFirst();
    if (!existing) throw new AppError('IDEMPOTENCY_KEY_IN_FLIGHT'); // released between our two reads: retry
    if (existing.fingerprint !== fingerprint) throw new AppError('IDEMPOTENCY_KEY_REUSED');
    if (existing.status !== 'completed' || existing.response_status === null) throw new AppError('IDEMPOTENCY_KEY_IN_FLIGHT');
    // Completed without a body: the answer carried a credential (a no-store route, or the backstop caught it).
    if (existing.response_body === null) throw new AppError('IDEMPOTENCY_KEY_NOT_REPLAYABLE');
    return reply
      .code(existing.response_status)
      .header('idempotent-replayed', 'true')
      .type('application/json; charset=utf-8')
      .send(existing.response_body);
  });

  // Routes that did not store their answer through reply.transact (no database effect, or a refusal) have it
  // stored here. A server fault releases the key instead, so the client's retry can run the request again, but
  // only a key still in flight: a fault after the effect's commit (its answer lost on the way back) leaves the
  // key completed with that answer, which the retry then gets instead of a second effect.
  app.addHook('onSend', (request, reply, payload, done) => {
    const claim = request.idempotencyClaim;
    if (!claim || claim.storedInTransaction) return done(null, payload);
    claim.storedInTransaction = true;
    const settle =
      reply.statusCode >= 500 || TRANSIENT_STATUSES.has(reply.statusCode)
        ? db.deleteFrom('idempotency_keys').where('scope', '=', claim.scope).where('key', '=', claim.key).where('status', '=', 'in_flight').execute()
        : storeResponse(db, claim, reply.statusCode, typeof payload === 'string' ? payload : String(payload ?? ''));
    settle.then(
      () => done(null, payload),
      (error: unknown) => {
        // The answer still goes out as it is (never a bare 500 for our bookkeeping); the key's lease lapses
        // within seconds, and a retry then runs it, or finds the answer if the effect had committed.
        request.log.warn({ err: error }, 'idempotency key not settled');
        done(null, payload);
      },
    );
  });
  const release = async (request: FastifyRequest) => {
    const claim = request.idempotencyClaim;
    if (claim) leases.release(claim.scope, claim.key);
  };
  app.addHook('onResponse', release);
  app.addHook('onRequestAbort', release);
}

async function tryClaim(
  db: Kysely<Database>,
  scope: string,
  key: string,
  fingerprint: string,
  leaseMs: number,
  retentionMs: number,
): Promise<boolean> {
  // Insert, or take over a key whose retention ended or whose owner died mid-flight (its lease lapsed).
  const result = await sql`
    INSERT INTO idempotency_keys (scope, key, fingerprint, status, locked_until, expires_at)
    VALUES (${scope}, ${key}, ${fingerprint}, 'in_flight',
            now() + make_interval(secs => ${leaseMs / 1000}), now() + make_interval(secs => ${retentionMs / 1000}))
    ON CONFLICT (scope, key) DO UPDATE
      SET fingerprint = excluded.fingerprint, status = 'in_flight', locked_until = excluded.locked_until,
          expires_at = excluded.expires_at, response_status = NULL, response_body = NULL, completed_at = NULL,
          created_at = now()
      WHERE idempotency_keys.expires_at < now()
         OR (idempotency_keys.status = 'in_flight' AND idempotency_keys.locked_until < now()
             AND idempotency_keys.fingerprint = excluded.fingerprint)
  `.execute(db);
  return Number(result.numAffectedRows ?? 0n) === 1;
}

async function storeResponse(
  db: Kysely<Database> | Transaction<Database>,
  claim: IdempotencyClaim,
  status: number,
  body: string,
): Promise<void> {
  const stored = storableBody(claim, body);
  await sql`SELECT idempotency_complete(ARRAY[${claim.scope}]::text[], ARRAY[${claim.key}]::text[], ARRAY[${status}]::int[], ARRAY[${stored}]::text[])`.execute(db);
}

/** The body to keep for replay, or null (not replayable): never on a no-store route, never one with a credential. */
function storableBody(claim: IdempotencyClaim, body: string): string | null {
  return claim.replayable && !carriesCredential(body) ? body : null;
}

/**
 * Field names that hold a credential: `token`, `secret`, `password`, `otp`, `private_key` and anything ending in
 * `_token`, `_secret`, `_password` (access_token, refresh_token, id_token, api_secret, client_secret…), in
 * snake_case or camelCase. `token_type` or `api_key` (an identifier, not a secret) do not match.
 */
const CREDENTIAL_FIELD = /(?:^|_)(?:token|secret|password|passwd|passphrase|otp|private_key)$/;

/**
 * The backstop behind `no-store`: an answer whose JSON has a credential-named field with a value, at any depth,
 * is never stored, so a route that forgets to declare `no-store` still keeps no token or secret at rest.
 * A body that is not JSON is checked for such a field name in its text.
 */
export function carriesCredential(body: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return /(?:token|secret|password|passwd|passphrase|otp|private_key)["']?\s*[:=]/i.test(body);
  }
  const stack: unknown[] = [parsed];
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) {
      for (const item of value as unknown[]) stack.push(item);
    } else if (value !== null && typeof value === 'object') {
      for (const [name, inner] of Object.entries(value)) {
        if (inner !== null && inner !== '' && CREDENTIAL_FIELD.test(fieldName(name))) return true;
        stack.push(inner);
      }
    }
  }
  return false;
}

function fieldName(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[-\s]/g, '_').toLowerCase();
}

/**
 * An unauthenticated caller's scope: a keyed hash of its address (and device id, when it sends one), so two
 * callers' identical keys never meet and the table holds no address in clear.
 */
function anonymousScope(key: Buffer, request: FastifyRequest): string {
  const caller = createHmac('sha256', key).update(`${request.ip}\n${deviceIdOf(request) ?? ''}`).digest('hex');
  return `anonymous:${caller.slice(0, 40)}`;
}

/** The answers of a group-committed batch, stored in its transaction (GroupCommit's storeReceipts). */
export async function storeIdempotentResponses(trx: Transaction<Database>, rows: readonly ReceiptRow[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    SELECT idempotency_complete(${rows.map((r) => r.scope)}::text[], ${rows.map((r) => r.key)}::text[], ${rows.map((r) => r.status)}::int[],
                                ${rows.map((r) => r.body)}::text[])
  `.execute(trx);
}

/** Keyed (HMAC), as the body may hold a phone and a 6-digit code, a guess of which a plain hash would confirm. */
function fingerprintOf(key: Buffer, request: FastifyRequest): string {
  const body = Buffer.isBuffer(request.body)
    ? createHash('sha256').update(request.body).digest('hex')
    : canonicalJson(request.body ?? null);
  return createHmac('sha256', key)
    .update(`${request.method}\n${request.routeOptions.url ?? request.url}\n${canonicalJson(request.params ?? {})}\n`)
    .update(`${canonicalJson(request.query ?? {})}\n${body}`)
    .digest('hex');
}

/** Deletes keys past their retention; run by the scheduler. */
export async function pruneIdempotencyKeys(db: Kysely<Database>): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('expires_at', '<', sql<Date>`now()`).executeTakeFirst();
  return Number(result.numDeletedRows);
}
