import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { lifecycleLogger, type LogLevel } from '../../lib/logger/logger.js';

/** A logger at `level` whose lines land in the returned array, parsed. */
function capturedLogger(level: LogLevel): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString('utf8').split('\n')) if (text !== '') lines.push(JSON.parse(text) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level }, sink), lines };
}

describe('lifecycleLogger', () => {
  it.each(['fatal', 'error', 'warn'] as const)('prints its info lines at %s, where the process prints no other info line', (level) => {
    const { logger, lines } = capturedLogger(level);
    logger.info('an ordinary info line');
    lifecycleLogger(logger).info({ port: 7070 }, 'gRPC server listening');
    logger.info('another ordinary info line');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([[30, 'gRPC server listening']]);
    expect(lines[0]?.port).toBe(7070);
  });

  it('leaves the level of the process it is made from as it was', () => {
    const { logger, lines } = capturedLogger('warn');
    lifecycleLogger(logger).info('gRPC server listening');
    logger.info('an ordinary info line');
    logger.warn('a warning');
    expect(logger.level).toBe('warn');
    expect(lines.map((l) => l.msg)).toEqual(['gRPC server listening', 'a warning']);
  });

  it('prints nothing at silent', () => {
    const { logger, lines } = capturedLogger('silent');
    lifecycleLogger(logger).info('gRPC server listening');
    expect(lines).toEqual([]);
  });
});
