/** One operation of the app's own OpenAPI 3.1 document, reduced to what a fuzzer needs to call it. */
export interface FuzzOperation {
  readonly method: string;
  /** The OpenAPI path template, e.g. `/api/v1/coupon/{code}`. */
  readonly path: string;
  readonly pathParams: readonly Parameter[];
  readonly queryParams: readonly Parameter[];
  /** Request body schemas by content type; empty when the operation takes no body. */
  readonly bodies: Readonly<Record<string, JsonSchema>>;
  /** Whether a 200 answer is documented as the success envelope `{code, message, data}`. */
  readonly answersInEnvelope: boolean;
}

export interface Parameter {
  readonly name: string;
  readonly required: boolean;
  readonly schema: JsonSchema;
}

export type JsonSchema = Readonly<Record<string, unknown>>;

interface RawOperation {
  parameters?: { in: string; name: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { content: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Every operation of the document, in document order (which is route registration order: stable). */
export function operationsOf(document: { paths: Record<string, Record<string, RawOperation>> }): FuzzOperation[] {
  const operations: FuzzOperation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, raw] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      const params = (where: string): Parameter[] =>
        (raw.parameters ?? [])
          .filter((p) => p.in === where)
          .map((p) => ({ name: p.name, required: p.required === true, schema: p.schema ?? {} }));
      const bodies: Record<string, JsonSchema> = {};
      for (const [type, media] of Object.entries(raw.requestBody?.content ?? {})) bodies[type] = media.schema ?? {};
      const ok = raw.responses?.['200']?.content?.['application/json']?.schema;
      const required = (ok?.required ?? []) as string[];
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: params('path'),
        queryParams: params('query'),
        bodies,
        answersInEnvelope: ['code', 'message', 'data'].every((field) => required.includes(field)),
      });
    }
  }
  return operations;
}
