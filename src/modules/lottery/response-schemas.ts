/**
 * What the lottery's public and "my" routes answer, as JSON Schema: it documents them in /openapi.json (the web
 * app's types are generated from it: web/src/api/schema.d.ts) and drives their serialisation, so a field left
 * out here is left out of the answer. Every object names all its fields; `required` lists those always present.
 */

const string = { type: 'string' } as const;
const integer = { type: 'integer' } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
const nullable = <T extends { readonly type: string }>(schema: T) => ({ ...schema, type: [schema.type, 'null'] }) as const;
const hex64 = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;
const yuan = { type: 'string', pattern: '^\\d+\\.\\d{2}$', description: 'Amount in yuan, e.g. "150.00"' } as const;

function object<P extends Record<string, unknown>>(properties: P, optional: readonly (keyof P & string)[] = []) {
  return { type: 'object', required: Object.keys(properties).filter((k) => !optional.includes(k)), properties } as const;
}

/** A prize as the rules show it: a cash prize has its amount, a coupon prize its template. */
const prize = object(
  { name: string, kind: { type: 'string', enum: ['CASH', 'COUPON'] }, amount: yuan, coupon_template_id: string, count: integer },
  ['amount', 'coupon_template_id'],
);

export const campaignSchema = object(
  {
    campaign_id: string,
    name: string,
    status: { type: 'string', enum: ['SCHEDULED', 'ACTIVE', 'ENDING', 'ENDED'] },
    starts_at: dateTime,
    ends_at: dateTime,
    eligibility: {
      ...object({
        min_amount: yuan,
        min_amount_fen: integer,
        max_age_days: integer,
        invoice_kinds: { type: 'array', items: { type: 'string', enum: ['DIGITAL', 'LEGACY'] } },
        buyer: { type: 'string', enum: ['PERSON', 'ANY'] },
      }),
    },
    chances: object({ mode: { type: 'string', enum: ['PER_INVOICE', 'PER_AMOUNT_STEP'] }, step_fen: integer, max_per_invoice: integer }, ['step_fen', 'max_per_invoice']),
    instant: nullable(
      object({
        tickets: integer,
        drawn: integer,
        prizes: { type: 'array', items: prize },
        algorithm: string,
        draw_id: string,
        pool_seed_commit: hex64,
        pool_seed: nullable(hex64),
      }),
    ),
    weekly: nullable(object({ cron: string, tiers: { type: 'array', items: { ...prize, required: [...prize.required, 'tier'], properties: { tier: string, ...prize.properties } } } })),
    claim_deadline_days: integer,
    rules_log_index: integer,
    reveal_log_index: nullable(integer),
    revealed_at: nullable(dateTime),
  },
  // Rules stored before the claim deadline existed have none.
  ['claim_deadline_days'],
);

export const campaignsSchema = object({ campaigns: { type: 'array', items: campaignSchema } });

export const instantDrawResultSchema = object({
  draw_id: string,
  campaign_id: string,
  position: integer,
  prize: nullable(object({ index: integer, ...prize.properties }, ['amount', 'coupon_template_id'])),
  log_index: integer,
});

export const myLotterySchema = object({
  chances: {
    type: 'array',
    items: object({ campaign_id: string, invoice_id: string, granted: integer, used: integer, invoice_commit: hex64, commit_salt: { type: 'string', pattern: '^[0-9a-f]{32}$' } }),
  },
  draws: {
    type: 'array',
    items: object({ draw_id: string, campaign_id: string, position: integer, invoice_id: string, chance: integer, prize_index: nullable(integer), log_index: integer, created_at: dateTime }),
  },
});

export const myPrizesSchema = object({
  prizes: {
    type: 'array',
    items: object({
      prize_id: string,
      campaign_id: string,
      source: { type: 'string', enum: ['INSTANT', 'WEEKLY'] },
      draw_id: string,
      invoice_id: string,
      name: { type: 'string', description: "The prize's name as the campaign's rules give it (the instant pool's entry, or the weekly tier's)" },
      tier: nullable(string),
      kind: { type: 'string', enum: ['CASH', 'COUPON'] },
      amount: nullable(yuan),
      coupon_template_id: nullable(string),
      coupon_code: nullable(string),
      status: { type: 'string', enum: ['PENDING', 'PAID', 'ISSUED', 'FAILED'] },
      due_at: dateTime,
      settled_at: nullable(dateTime),
      payout_reference: nullable(string),
      last_error: { type: ['string', 'null'], description: 'Why it failed; while PENDING, why the last attempt did not go through' },
      attempts: integer,
      next_attempt_at: nullable(dateTime),
      created_at: dateTime,
    }),
  },
});

export const weeklyDrawsSchema = object({
  draws: {
    type: 'array',
    items: object({
      draw_id: string,
      status: { type: 'string', enum: ['CLOSED', 'DRAWN'] },
      close_at: dateTime,
      entry_count: integer,
      entries_root: hex64,
      beacon_id: string,
      target_round: integer,
      winners: { type: ['array', 'null'], items: object({ tier: string, index: integer, draw: integer, invoice_commit: hex64, chance: integer }) },
      drawn_at: nullable(dateTime),
    }),
  },
});

export const entryProofSchema = object({
  draw_id: string,
  leaf: { type: 'string', description: '`<invoice_commit>:<chance>`' },
  index: integer,
  entry_count: integer,
  entries_root: hex64,
  close_log_index: integer,
  hashes: { type: 'array', items: { type: 'string', description: 'base64 of a 32-byte SHA-256 node hash, leaf to root (RFC 6962)' } },
});
