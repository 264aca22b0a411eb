import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture(): { stream: Writable; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, lines: () => chunks.join('').trim().split('\n') };
}

describe('logger', () => {
  it('masks personal data in fields at any depth, in messages and in request URLs', () => {
    const { stream, lines } = capture();
    const logger = createLogger('info', stream);
    logger.info(
      { phone: '13800001234', user: { id_number: '11010519491231002X', bank_card: '6228480402564890018', name: '张三' } },
      'verified 13900004321',
    );
    logger.info({ req: { method: 'GET', url: '/x?phone=13800001234&id=11010519491231002X' } }, 'incoming');
    const text = lines().join('\n');
    for (const secret of ['13800001234', '13900004321', '11010519491231002X', '6228480402564890018', '张三']) {
      expect(text).not.toContain(secret);
    }
    const [first, second] = lines().map((l) => JSON.parse(l) as { phone: string; user: unknown; msg: string; req: { url: string } });
    expect(first!.phone).toBe('138****1234');
    expect(first!.user).toEqual({ id_number: '1****************X', bank_card: '622848*********0018', name: '张*' });
    expect(first!.msg).toBe('verified 139****4321');
    expect(second!.req.url).toBe('/x?phone=138****1234&id=1****************X');
  });

  it('redacts credentials in request headers', () => {
    const { stream, lines } = capture();
    createLogger('info', stream).info({ req: { headers: { authorization: 'Bearer secret-token' } } }, 'x');
    expect(lines()[0]).not.toContain('secret-token');
  });
});
