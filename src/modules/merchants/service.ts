import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import type { IdGenerator } from '../../platform/ids/snowflake.js';
import { AppError } from '../../platform/errors/app-error.js';
import type { PiiVault } from '../../platform/privacy/vault.js';
import type { MerchantCredentials } from './signature.js';

const CREDENTIAL_CACHE_MS = 60_000;

/** Merchants and their cashier credentials. The secret is shown once, at creation, and stored encrypted. */
export class MerchantService {
  private readonly credentials = new Map<string, { value: MerchantCredentials | undefined; until: number }>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly vault: PiiVault,
    private readonly ids: IdGenerator,
  ) {}

  /** Runs in the caller's transaction (the idempotent request's), so the answer is stored with the merchant. */
  async create(trx: Transaction<Database>, name: string, createdBy: string, channelId?: string) {
    if (channelId !== undefined && !(await trx.selectFrom('channels').select('channel_id').where('channel_id', '=', channelId).executeTakeFirst())) {
      throw new AppError('CHANNEL_NOT_FOUND');
    }
    const merchantId = this.ids.next();
    const apiKey = `mk_${randomBytes(16).toString('hex')}`;
    const apiSecret = randomBytes(32).toString('base64url');
    await trx
      .insertInto('merchants')
      .values({ merchant_id: merchantId, name, api_key: apiKey, api_secret_enc: this.vault.encrypt(apiSecret, 'api_secret'), channel_id: channelId ?? null, created_by: createdBy })
      .execute();
    return { merchant_id: merchantId, name, channel_id: channelId ?? null, api_key: apiKey, api_secret: apiSecret };
  }

  async createChannel(trx: Transaction<Database>, name: string, createdBy: string) {
    const channelId = this.ids.next();
    const inserted = await trx
      .insertInto('channels')
      .values({ channel_id: channelId, name, created_by: createdBy })
      .onConflict((oc) => oc.column('name').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) throw new AppError('CHANNEL_NAME_TAKEN');
    return { channel_id: channelId, name };
  }

  async listChannels() {
    const rows = await this.db
      .selectFrom('channels')
      .leftJoin('merchants', 'merchants.channel_id', 'channels.channel_id')
      .select(['channels.channel_id', 'channels.name', 'channels.created_at', (eb) => eb.fn.count<string>('merchants.merchant_id').as('merchants')])
      .groupBy(['channels.channel_id', 'channels.name', 'channels.created_at'])
      .orderBy('channels.channel_id')
      .execute();
    return rows.map((r) => ({ channel_id: String(r.channel_id), name: r.name, merchants: Number(r.merchants), created_at: r.created_at.toISOString() }));
  }

  /** A merchant's public profile (never its credentials); settlement reads the channel from here. */
  async profile(merchantId: string) {
    if (!/^\d{1,20}$/.test(merchantId)) return undefined;
    const row = await this.db
      .selectFrom('merchants')
      .select(['merchant_id', 'name', 'status', 'channel_id', 'created_at'])
      .where('merchant_id', '=', merchantId)
      .executeTakeFirst();
    return row && { merchant_id: String(row.merchant_id), name: row.name, status: row.status, channel_id: row.channel_id === null ? null : String(row.channel_id), created_at: row.created_at.toISOString() };
  }

  async exists(merchantId: string): Promise<boolean> {
    if (!/^\d{1,20}$/.test(merchantId)) return false;
    return Boolean(await this.db.selectFrom('merchants').select('merchant_id').where('merchant_id', '=', merchantId).executeTakeFirst());
  }

  /** Credentials by API key, kept a minute in process: every signed call needs them, and they rarely change. */
  lookupCredentials = async (apiKey: string): Promise<MerchantCredentials | undefined> => {
    const cached = this.credentials.get(apiKey);
    if (cached && cached.until > Date.now()) return cached.value;
    const row = await this.db
      .selectFrom('merchants')
      .select(['merchant_id', 'api_secret_enc', 'status'])
      .where('api_key', '=', apiKey)
      .executeTakeFirst();
    const value = row && { merchantId: String(row.merchant_id), secret: this.vault.decrypt(row.api_secret_enc, 'api_secret'), active: row.status === 'active' };
    this.credentials.set(apiKey, { value, until: Date.now() + CREDENTIAL_CACHE_MS });
    return value;
  };
}
