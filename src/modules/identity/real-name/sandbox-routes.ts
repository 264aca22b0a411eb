import type { FastifyInstance } from 'fastify';
import { sandboxDecision } from './sandbox-rules.js';

/**
 * The sandbox bank 4-factor service over HTTP, in the shape of Tencent FaceId's BankCard4EVerification answer
 * (`Result`, `Description`, `RequestId`), so a real-provider adapter can be exercised against it.
 * Mounted outside production only; the rules are in docs/sandbox-identities.md.
 */
export async function sandboxRealNameRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: { Name: string; IdCard: string; BankCard: string; Phone: string } }>(
    '/sandbox/bank/four-factor',
    {
      schema: {
        tags: ['sandbox'],
        summary: 'Sandbox bank card 4-factor verification (deterministic test identities)',
        body: {
          type: 'object',
          required: ['Name', 'IdCard', 'BankCard', 'Phone'],
          properties: { Name: { type: 'string' }, IdCard: { type: 'string' }, BankCard: { type: 'string' }, Phone: { type: 'string' } },
        },
      },
    },
    async (request) => {
      const { Name, IdCard, BankCard, Phone } = request.body;
      const result = sandboxDecision({ name: Name, idNumber: IdCard, bankCard: BankCard, bankPhone: Phone });
      return { Response: { Result: result.providerCode, Description: result.outcome, RequestId: result.reference } };
    },
  );
}
