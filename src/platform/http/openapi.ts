import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { errorEnvelopeSchema } from './envelope.js';

/** OpenAPI 3.1 generated from the route schemas, served at /openapi.json, with Swagger UI at /docs. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  app.addSchema(errorEnvelopeSchema);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Quanyi API',
        version: '0.1.0',
        description:
          'E-invoice lottery and coupon platform. Success: `{"code":200,"message":"OK","data":…}`. Errors: ' +
          '`{"code":<status>,"error":"STABLE_CODE","message":…,"request_id":…}`, zh-CN by default, en with ' +
          '`Accept-Language: en`. Mutating calls accept an `Idempotency-Key` header; an answer holding tokens or a ' +
          'secret is never stored or replayed (a repeated key gets 409 `IDEMPOTENCY_KEY_NOT_REPLAYABLE`).',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          merchantSignature: {
            type: 'apiKey',
            in: 'header',
            name: 'X-Api-Key',
            description: 'With X-Timestamp, X-Nonce and X-Signature (HMAC-SHA256), see design.md',
          },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true }, config: { rateLimitExempt: true } }, async () => app.swagger());
}
