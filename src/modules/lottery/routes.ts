import type { FastifyInstance } from 'fastify';
import { envelopeSchema, ok } from '../../platform/http/envelope.js';
import { moneySchema } from '../../platform/money/money.js';
import { exportBundle } from './bundle.js';
import type { CampaignInput } from './domain/campaign-rules.js';
import { MAX_TICKETS } from './domain/campaign-rules.js';
import type { Lottery } from './index.js';
import type { InstantDrawResult } from './instant-draws.js';
import { campaignSchema, campaignsSchema, entryProofSchema, instantDrawResultSchema, myLotterySchema, myPrizesSchema, weeklyDrawsSchema } from './response-schemas.js';

const bearer = [{ bearer: [] }];
const tags = ['lottery'];
const id = { type: 'string', pattern: '^\\d{1,20}$' } as const;
const count = { type: 'integer', minimum: 1, maximum: MAX_TICKETS } as const;

const prize = {
  type: 'object',
  required: ['name', 'kind', 'count'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 60 },
    kind: { type: 'string', enum: ['CASH', 'COUPON'] },
    amount: moneySchema,
    coupon_template_id: id,
    count,
  },
  // A cash prize names its amount, a coupon prize its template.
  oneOf: [
    { properties: { kind: { const: 'CASH' } }, required: ['amount'] },
    { properties: { kind: { const: 'COUPON' } }, required: ['coupon_template_id'] },
  ],
} as const;

const campaignBody = {
  type: 'object',
  required: ['name', 'starts_at', 'ends_at'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100 },
    starts_at: { type: 'string', format: 'date-time' },
    ends_at: { type: 'string', format: 'date-time' },
    eligibility: {
      type: 'object',
      additionalProperties: false,
      properties: {
        min_amount: moneySchema,
        max_age_days: { type: 'integer', minimum: 1, maximum: 3650 },
        invoice_kinds: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: ['DIGITAL', 'LEGACY'] } },
        buyer: { type: 'string', enum: ['PERSON', 'ANY'], description: "Whose invoices count: PERSON (default: issued to individuals, 个人 or the user's real name) or ANY (companies' too)" },
      },
    },
    chances: {
      type: 'object',
      required: ['mode'],
      properties: {
        mode: { type: 'string', enum: ['PER_INVOICE', 'PER_AMOUNT_STEP'] },
        step: moneySchema,
        max_per_invoice: { type: 'integer', minimum: 1, maximum: 1000 },
      },
      oneOf: [
        { properties: { mode: { const: 'PER_INVOICE' } } },
        { properties: { mode: { const: 'PER_AMOUNT_STEP' } }, required: ['step'] },
      ],
    },
    instant: {
      type: 'object',
      required: ['tickets', 'prizes'],
      additionalProperties: false,
      properties: { tickets: count, prizes: { type: 'array', maxItems: 100, items: prize } },
    },
    weekly: {
      type: 'object',
      required: ['tiers'],
      additionalProperties: false,
      properties: {
        cron: { type: 'string', maxLength: 100, description: 'Five-field cron in Asia/Shanghai; default "0 10 * * 3" (Wednesdays 10:00)' },
        tiers: {
          type: 'array',
          minItems: 1,
          maxItems: 20,
          items: { ...prize, required: [...prize.required, 'tier'], properties: { ...prize.properties, tier: { type: 'string', minLength: 1, maxLength: 30 } } },
        },
      },
    },
    claim_deadline_days: { type: 'integer', minimum: 1, maximum: 365 },
  },
} as const;

export async function lotteryRoutes(app: FastifyInstance, { service, instant, weekly, log }: Lottery): Promise<void> {
  app.post<{ Body: CampaignInput }>(
    '/api/v1/lottery/campaigns',
    {
      config: { access: { roles: ['operator'] } },
      schema: {
        tags,
        summary: 'Create a campaign: period, eligibility, chances, instant pool, weekly tiers. Its rules and the pool seed commitment go to the transparency log.',
        security: bearer,
        body: campaignBody,
      },
    },
    async (request, reply) => reply.transact(async (trx) => ok(await service.createCampaign(trx, request.body, request.actor!.id))),
  );

  app.get(
    '/api/v1/lottery/campaigns',
    { config: { access: 'public' }, schema: { tags, summary: 'Campaigns with their rules and commitments (public: anyone may audit them)', response: { 200: envelopeSchema(campaignsSchema) } } },
    async () => ok({ campaigns: await service.campaigns() }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/lottery/campaigns/:id',
    { config: { access: 'public' }, schema: { tags, summary: 'One campaign; its pool seed once revealed', params: { type: 'object', properties: { id } }, response: { 200: envelopeSchema(campaignSchema) } } },
    async (request) => ok(await service.campaign(request.params.id)),
  );

  app.post<{ Params: { id: string } }>(
    '/api/v1/lottery/campaigns/:id/end',
    {
      config: { access: { roles: ['operator'] } },
      schema: {
        tags,
        summary: 'End a campaign now and reveal its pool seed (no more instant draws)',
        security: bearer,
        params: { type: 'object', properties: { id } },
        response: { 200: envelopeSchema(campaignSchema) },
      },
    },
    async (request) => {
      await service.reveal(request.params.id, true);
      return ok(await service.campaign(request.params.id));
    },
  );

  app.post<{ Body: { invoice_id: string; campaign_id?: string } }>(
    '/api/v1/lottery/instant-draw',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: "Use one of an invoice's chances: draws the pool's next position. Answers the draw, its position and the prize or null.",
        security: bearer,
        body: { type: 'object', required: ['invoice_id'], additionalProperties: false, properties: { invoice_id: id, campaign_id: id } },
        response: { 200: envelopeSchema(instantDrawResultSchema) },
      },
    },
    async (request, reply) =>
      reply.transactIn(
        instant.committer,
        { userId: request.actor!.id, invoiceId: request.body.invoice_id, campaignId: request.body.campaign_id, requestId: request.id },
        (result: InstantDrawResult) => ok(result),
      ),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/lottery/draws/:id/bundle',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Everything needed to re-run a draw offline: signed checkpoint, entries, inclusion proofs (`quanyi verify-draw --bundle`)',
        params: { type: 'object', properties: { id: { type: 'string', maxLength: 40 } } },
      },
    },
    async (request) => exportBundle(log, weekly, request.params.id),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/lottery/campaigns/:id/weekly-draws',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: "A campaign's weekly draws: closed sets (root, size, beacon round) and results",
        params: { type: 'object', properties: { id } },
        response: { 200: envelopeSchema(weeklyDrawsSchema) },
      },
    },
    async (request) => {
      await service.campaign(request.params.id); // 404 for an unknown campaign
      return ok({ draws: await weekly.drawsOf(request.params.id) });
    },
  );

  app.get<{ Params: { id: string }; Querystring: { invoice_commit: string; chance: number } }>(
    '/api/v1/lottery/draws/:id/entry-proof',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Was I in it? The inclusion proof of an entry (`<invoice_commit>:<chance>`, from /users/me/lottery) in a weekly draw\'s closed set',
        params: { type: 'object', properties: { id: { type: 'string', pattern: '^weekly-\\d{1,20}$' } } },
        querystring: {
          type: 'object',
          required: ['invoice_commit', 'chance'],
          additionalProperties: false,
          properties: { invoice_commit: { type: 'string', pattern: '^[0-9a-f]{64}$' }, chance: { type: 'integer', minimum: 1, maximum: 1000 } },
        },
        response: { 200: envelopeSchema(entryProofSchema) },
      },
    },
    async (request) => ok(await weekly.entryProof(request.params.id.slice('weekly-'.length), request.query.invoice_commit, request.query.chance)),
  );

  app.get(
    '/api/v1/users/me/prizes',
    { config: { access: 'authenticated' }, schema: { tags, summary: 'My prizes with their payout status', security: bearer, response: { 200: envelopeSchema(myPrizesSchema) } } },
    async (request) => ok({ prizes: await service.myPrizes(request.actor!.id) }),
  );

  app.get(
    '/api/v1/users/me/lottery',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'My draw chances (with the salts that find my entries in the public log) and my instant draws',
        security: bearer,
        response: { 200: envelopeSchema(myLotterySchema) },
      },
    },
    async (request) => ok({ chances: await service.myChances(request.actor!.id), draws: await service.myDraws(request.actor!.id) }),
  );
}
