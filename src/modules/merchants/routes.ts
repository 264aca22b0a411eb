import type { FastifyInstance } from 'fastify';
import { AppError } from '../../platform/errors/app-error.js';
import { envelopeSchema, ok } from '../../platform/http/envelope.js';
import type { MerchantService } from './service.js';

const bearer = [{ bearer: [] }];
const idPattern = '^\\d{1,20}$';

export async function merchantRoutes(app: FastifyInstance, merchants: MerchantService): Promise<void> {
  app.post<{ Body: { name: string; channel_id?: string } }>(
    '/api/v1/merchants',
    {
      // The answer holds the cashier secret, shown once: the key is recorded, the answer is not, and a repeat is
      // refused (the merchant exists; its secret is not shown again).
      config: { access: { roles: ['operator'] }, idempotency: 'no-store' },
      schema: {
        tags: ['merchants'],
        summary: 'Register a merchant, optionally under a channel; answers its cashier API key and secret (the secret is shown only this once)',
        security: bearer,
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, channel_id: { type: 'string', pattern: idPattern } },
        },
        response: {
          200: envelopeSchema({
            type: 'object',
            properties: {
              merchant_id: { type: 'string' },
              name: { type: 'string' },
              channel_id: { type: ['string', 'null'] },
              api_key: { type: 'string' },
              api_secret: { type: 'string' },
            },
          }),
        },
      },
    },
    async (request, reply) =>
      reply.transact(async (trx) => ok(await merchants.create(trx, request.body.name, `user:${request.actor!.id}`, request.body.channel_id))),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/merchants/:id',
    {
      config: { access: { roles: ['operator', 'auditor', 'merchant_staff'], cashier: true } },
      schema: { tags: ['merchants'], summary: "A merchant's profile and channel (staff: their own merchant only)", security: [{ merchantSignature: [] }, { bearer: [] }] },
    },
    async (request) => {
      const actor = request.actor!;
      const staff = actor.roles.some((r) => r === 'operator' || r === 'auditor' || r === 'admin');
      const profile = staff || actor.merchantIds?.includes(request.params.id) ? await merchants.profile(request.params.id) : undefined;
      if (!profile) throw new AppError('MERCHANT_NOT_FOUND');
      return ok(profile);
    },
  );

  app.post<{ Body: { name: string } }>(
    '/api/v1/channels',
    {
      config: { access: { roles: ['operator'] } },
      schema: {
        tags: ['merchants'],
        summary: 'Register a channel (渠道方): a partner that brings merchants and takes the channel share of their redemptions',
        security: bearer,
        body: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string', minLength: 1, maxLength: 100 } } },
      },
    },
    async (request, reply) => reply.transact(async (trx) => ok(await merchants.createChannel(trx, request.body.name, `user:${request.actor!.id}`))),
  );

  app.get(
    '/api/v1/channels',
    {
      config: { access: { roles: ['operator', 'auditor'] } },
      schema: { tags: ['merchants'], summary: 'Channels with their number of merchants', security: bearer },
    },
    async () => ok({ channels: await merchants.listChannels() }),
  );
}
