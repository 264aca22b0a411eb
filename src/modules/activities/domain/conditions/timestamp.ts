import { isCelError, parse, plan } from '@bufbuild/cel';
import type { CelValue } from '@bufbuild/cel';
import { CEL_ENV } from './cel-env.js';

const toTimestamp = plan(CEL_ENV, parse('timestamp(text)'));

/**
 * CEL's own timestamp(text): an RFC 3339 date-time with an offset, e.g. `2025-01-01T00:00:00+08:00`, within
 * years 1 to 9999. Going through CEL, rather than building a google.protobuf.Timestamp by hand, keeps this
 * module on @bufbuild/cel's public API and gives exactly the values a `timestamp('…')` literal in a condition
 * gives. undefined when CEL refuses the text.
 */
export function celTimestamp(text: string): CelValue | undefined {
  const value = toTimestamp({ text });
  return isCelError(value) ? undefined : value;
}
