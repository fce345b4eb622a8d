import { z } from 'zod';
import { logLevels } from '../logger/logger.js';

/** host:port, with a port from 0 (any) to 65535. */
export const listenAddress = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:7070')
  .refine((v) => Number(v.slice(v.lastIndexOf(':') + 1)) <= 65535, 'port must be at most 65535');

/** A whole number of milliseconds within bounds, from a flag or variable string. */
export function durationMs(min: number, max: number) {
  return z.coerce
    .number({ error: 'expected a number of milliseconds' })
    .int('expected a whole number of milliseconds')
    .min(min, `must be at least ${min} ms`)
    .max(max, `must be at most ${max} ms`);
}

export const logLevel = z.enum(logLevels, { error: `expected one of ${logLevels.join(', ')}` });

export const nonEmptyPath = z.string({ error: 'a path is required' }).min(1, 'a path is required');
