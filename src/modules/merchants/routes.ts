import type { FastifyInstance } from 'fastify';
import { envelopeSchema, ok } from '../../platform/http/envelope.js';
import type { MerchantService } from './service.js';

export async function merchantRoutes(app: FastifyInstance, merchants: MerchantService): Promise<void> {
  app.post<{ Body: { name: string } }>(
    '/api/v1/merchants',
    {
      config: { access: { roles: ['operator'] } },
      schema: {
        tags: ['merchants'],
        summary: 'Register a merchant; answers its cashier API key and secret (the secret is shown only this once)',
        security: [{ bearer: [] }],
        body: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string', minLength: 1, maxLength: 100 } } },
        response: {
          200: envelopeSchema({
            type: 'object',
            properties: { merchant_id: { type: 'string' }, name: { type: 'string' }, api_key: { type: 'string' }, api_secret: { type: 'string' } },
          }),
        },
      },
    },
    async (request, reply) => reply.transact(async (trx) => ok(await merchants.create(trx, request.body.name, `user:${request.actor!.id}`))),
  );
}
