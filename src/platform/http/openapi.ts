import swagger, { type SwaggerTransformObject } from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { documentedMoneySchema } from '../money/money.js';
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
            description: 'With X-Timestamp, X-Nonce and X-Signature (HMAC-SHA256) over method, path, timestamp, nonce and body hash',
          },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    transformObject: (document) => documentMoney('openapiObject' in document ? document.openapiObject : document.swaggerObject) as ReturnType<SwaggerTransformObject>,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true }, config: { rateLimitExempt: true } }, async () => app.swagger());
}

/** Amount fields carry only the `x-money` keyword (so ajv coerces nothing); readers of the document see its type and pattern. */
function documentMoney(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(documentMoney);
  if (!node || typeof node !== 'object') return node;
  const entries = Object.entries(node).map(([key, value]) => [key, documentMoney(value)] as const);
  const copy = Object.fromEntries(entries) as Record<string, unknown>;
  return copy['x-money'] === true ? { ...documentedMoneySchema, ...copy } : copy;
}
