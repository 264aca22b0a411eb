import type { FastifyInstance } from 'fastify';
import { ok } from '../../platform/http/envelope.js';
import type { DashboardService } from './service.js';

export async function dashboardRoutes(app: FastifyInstance, dashboard: DashboardService): Promise<void> {
  app.get(
    '/api/v1/dashboard/overview',
    {
      config: { access: { roles: ['operator', 'auditor', 'risk_reviewer'] } },
      schema: {
        tags: ['dashboard'],
        summary: 'The operator dashboard: coupons issued, redemptions, instant draws, risk decisions and ledger transfers per minute over the last hour, with totals',
        security: [{ bearer: [] }],
      },
    },
    async () => ok(await dashboard.overview()),
  );
}
