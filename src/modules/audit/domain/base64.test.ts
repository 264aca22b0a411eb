import { describe, expect, it } from 'vitest';
import { decodeCanonicalBase64, encodeBase64 } from './base64.js';

describe('base64 without Buffer', () => {
  it('encodes and decodes as Node does, for every length up to 70 bytes', () => {
    for (let n = 0; n <= 70; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n * 11) & 255);
      const text = Buffer.from(bytes).toString('base64');
      expect(encodeBase64(bytes)).toBe(text);
      expect(decodeCanonicalBase64(text)).toEqual(bytes);
    }
  });

  it('refuses every spelling but the canonical one', () => {
    expect(decodeCanonicalBase64('AQ==')).toEqual(Uint8Array.of(1));
    for (const bad of ['AR==', 'AQ', 'AQ=', ' AQ==', 'AQ==\n', 'A-8=', 'A_8=', 'AQ==AQ==', 'A===', '=']) {
      expect(decodeCanonicalBase64(bad), bad).toBeNull();
    }
  });
});
