import type { FastifyInstance } from 'fastify';
import { ok } from '../../platform/http/envelope.js';
import type { CouponStats } from './stats.js';

/** The operator console's template list: every template with its stock and latest batches (newest first). */
export async function templateListRoutes(app: FastifyInstance, stats: CouponStats): Promise<void> {
  app.get(
    '/api/v1/coupon/templates',
    {
      config: { access: { roles: ['operator', 'auditor'] } },
      schema: { tags: ['coupons'], summary: 'Coupon templates, newest first, with issued counts and their latest batches', security: [{ bearer: [] }] },
    },
    async () => ok({ templates: await stats.templates() }),
  );
}
