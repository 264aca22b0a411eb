import type { FastifyInstance } from 'fastify';
import sjson from 'secure-json-parse';

declare module 'fastify' {
  interface FastifyRequest {
    /** The JSON body exactly as received; signed merchant calls are verified against these bytes. */
    rawBody?: string;
  }
}

/**
 * Parses JSON bodies like Fastify does (prototype-poisoning safe) but keeps the raw text: a signature over the
 * body must be checked against the bytes the client signed, not against a re-serialisation.
 */
export function registerJsonWithRawBody(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    request.rawBody = text;
    if (text.length === 0) {
      done(Object.assign(new Error('Body cannot be empty when content-type is set to application/json'), { statusCode: 400 }), undefined);
      return;
    }
    try {
      done(null, sjson.parse(text, { protoAction: 'error', constructorAction: 'error' }));
    } catch (error) {
      done(Object.assign(error as Error, { statusCode: 400 }), undefined);
    }
  });
}
