import type { FastifyInstance } from 'fastify';
import { ok } from '../../platform/http/envelope.js';
import type { TransparencyLog } from './transparency-log.js';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const count = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;
const tags = ['transparency'];

/**
 * The log's public read API, shaped after RFC 6962 §4 (hashes in base64) with C2SP checkpoints. Anyone may read
 * it: that is the point. Nothing here is personal data — entries hold commitments only.
 */
export async function transparencyRoutes(app: FastifyInstance, log: TransparencyLog): Promise<void> {
  app.get(
    '/api/v1/transparency/checkpoint',
    { config: { access: 'public' }, schema: { tags, summary: 'The latest checkpoint, signed as a C2SP signed note (Ed25519)' } },
    async () => {
      const cp = await log.checkpoint();
      return ok({ origin: cp.origin, size: cp.size, root_hash: b64(cp.rootHash), note: cp.note });
    },
  );

  app.get(
    '/api/v1/transparency/key',
    { config: { access: 'public' }, schema: { tags, summary: "The log's verifier key (C2SP signed-note vkey) to pin" } },
    async () => ok({ origin: log.origin, verifier_key: log.keys.verifierKey }),
  );

  app.get<{ Querystring: { start: number; end: number } }>(
    '/api/v1/transparency/entries',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Entries [start, end) with their canonical JSON bodies (the leaf bytes), at most 1,000 a page',
        querystring: { type: 'object', required: ['start', 'end'], additionalProperties: false, properties: { start: count, end: count } },
      },
    },
    async (request) => {
      const entries = await log.entries(request.query.start, request.query.end);
      return ok({ entries: entries.map((e) => ({ index: e.index, type: e.type, body: e.body })) });
    },
  );

  app.get<{ Querystring: { index: number; size: number } }>(
    '/api/v1/transparency/proof/inclusion',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The audit path of entry `index` in the tree of the first `size` entries (RFC 9162 §2.1.3)',
        querystring: { type: 'object', required: ['index', 'size'], additionalProperties: false, properties: { index: count, size: count } },
      },
    },
    async (request) => {
      const { index, size } = request.query;
      return ok({ index, size, hashes: (await log.inclusionProof(index, size)).map(b64) });
    },
  );

  app.get<{ Querystring: { first: number; second: number } }>(
    '/api/v1/transparency/proof/consistency',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Proof that the tree of size `second` extends the tree of size `first` (RFC 9162 §2.1.4)',
        querystring: { type: 'object', required: ['first', 'second'], additionalProperties: false, properties: { first: count, second: count } },
      },
    },
    async (request) => {
      const { first, second } = request.query;
      return ok({ first, second, hashes: (await log.consistencyProof(first, second)).map(b64) });
    },
  );
}
