import type { FastifyInstance } from 'fastify';
import { AppError } from '../../../platform/errors/app-error.js';
import { ok } from '../../../platform/http/envelope.js';
import { moneySchema } from '../../../platform/money/money.js';
import type { SandboxBank } from './sandbox-bank.js';
import { parseAmountField } from '../../../platform/money/amount-field.js';

const payoutId = { type: 'string', pattern: '^[\\x21-\\x7e]{1,64}$' } as const;

/**
 * The sandbox bank's payout API over HTTP, the contract a real bank adapter is written against (rules in
 * sandbox-rules.ts). Mounted under /sandbox/payouts outside production. The platform's own Idempotency-Key
 * handling is off here: the bank itself is idempotent by payout id, as a real one is.
 */
export async function payoutSandboxRoutes(app: FastifyInstance, bank: SandboxBank, prefix = '/sandbox/payouts'): Promise<void> {
  const tags = ['payout sandbox'];

  app.post<{ Body: { payout_id: string; amount: string | number; payee_name: string; bank_card: string; memo?: string } }>(
    `${prefix}/payouts`,
    {
      config: { access: 'public', idempotency: 'off' },
      schema: {
        tags,
        summary: 'Pay an amount to a bank card (代付). Idempotent by payout_id; a card ending in 0000 is frozen; 503 while the bank is set unavailable',
        body: {
          type: 'object',
          required: ['payout_id', 'amount', 'payee_name', 'bank_card'],
          additionalProperties: false,
          properties: {
            payout_id: payoutId,
            amount: moneySchema,
            payee_name: { type: 'string', minLength: 1, maxLength: 100 },
            bank_card: { type: 'string', pattern: '^[0-9]{12,19}$' },
            memo: { type: 'string', maxLength: 100 },
          },
        },
      },
    },
    async (request) => {
      const key = request.headers['idempotency-key'];
      if (key !== undefined && key !== request.body.payout_id) throw new AppError('IDEMPOTENCY_KEY_INVALID', { expected: 'the payout_id' });
      const b = request.body;
      return ok(await bank.transfer({ payoutId: b.payout_id, amountFen: parseAmountField('amount', b.amount, { allowZero: false }), payeeName: b.payee_name, bankCard: b.bank_card, memo: b.memo ?? '' }));
    },
  );

  app.get<{ Params: { id: string } }>(
    `${prefix}/payouts/:id`,
    { config: { access: 'public' }, schema: { tags, summary: 'A payout as the bank recorded it', params: { type: 'object', properties: { id: payoutId } } } },
    async (request) => {
      const transfer = await bank.find(request.params.id);
      if (!transfer) throw new AppError('NOT_FOUND');
      return ok(transfer);
    },
  );

  app.post<{ Body: { available: boolean } }>(
    `${prefix}/settings`,
    {
      config: { access: 'public', idempotency: 'off' },
      schema: {
        tags,
        summary: 'Take the sandbox bank down (every payout answers 503) or bring it back up',
        body: { type: 'object', required: ['available'], additionalProperties: false, properties: { available: { type: 'boolean' } } },
      },
    },
    async (request) => ok(await bank.setAvailable(request.body.available)),
  );
}
