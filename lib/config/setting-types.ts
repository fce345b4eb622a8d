import { z } from 'zod';
import { logLevels } from '../logger/logger.js';
import { participantIdProblem } from '../tx-id/tx-id.js';

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

/**
 * `--coordinator`: `host:port`, or coordinators on a shared decision log as
 * `id=host:port,id=host:port…` (the ids their tx ids carry); into a list, the first the
 * default for a tx that names none.
 */
export const coordinatorList = z.string().transform((value, ctx) => {
  const items = value.split(',').map((i) => i.trim()).filter((i) => i !== '');
  const out: { id: string | undefined; address: string }[] = [];
  for (const item of items) {
    const eq = item.indexOf('=');
    const id = eq < 0 ? undefined : item.slice(0, eq);
    const address = eq < 0 ? item : item.slice(eq + 1);
    const problem = id === undefined ? (items.length > 1 ? `"${item}" has no id: with several coordinators each is id=host:port` : undefined) : participantIdProblem(id);
    if (problem !== undefined || !listenAddress.safeParse(address).success) {
      ctx.addIssue({ code: 'custom', message: problem ?? `"${address}" is not host:port` });
      return z.NEVER;
    }
    if (id !== undefined && out.some((c) => c.id === id)) {
      ctx.addIssue({ code: 'custom', message: `coordinator ${id} is given twice` });
      return z.NEVER;
    }
    out.push({ id, address });
  }
  if (out.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'expected host:port, or id=host:port,… for coordinators on a shared decision log' });
    return z.NEVER;
  }
  return out;
});
