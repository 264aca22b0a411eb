/** The specification's response envelope: `{"code":200,"message":"OK","data":…}` on success. */
export interface Envelope<T> {
  readonly code: 200;
  readonly message: 'OK';
  readonly data: T;
}

export function ok<T>(data: T): Envelope<T> {
  return { code: 200, message: 'OK', data };
}

/** Response schema for a success envelope around `data` (documents the route in OpenAPI, drives serialisation). */
export function envelopeSchema(data: Record<string, unknown>, description = 'OK'): Record<string, unknown> {
  return {
    description,
    type: 'object',
    required: ['code', 'message', 'data'],
    properties: {
      code: { type: 'integer', const: 200 },
      message: { type: 'string', const: 'OK' },
      data,
    },
  };
}

export const errorEnvelopeSchema = {
  $id: 'ErrorEnvelope',
  type: 'object',
  required: ['code', 'error', 'message', 'request_id'],
  properties: {
    code: { type: 'integer', description: 'HTTP status' },
    error: { type: 'string', description: 'Stable machine code, e.g. COUPON_EXPIRED' },
    message: { type: 'string', description: 'Human message, zh-CN by default, en on Accept-Language: en' },
    request_id: { type: 'string' },
  },
  additionalProperties: true,
} as const;
