import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DevSystem } from '../support/dev-system.js';

const children = ['postgres', 'coordinator', 'blob', 'metadata', 'gateway'] as const;
/** The lifecycle lines (lib/logger lifecycleLogger): info lines every process prints at every level but silent. */
const lifecycleMessages = new Set(['postgres ready', 'gRPC server listening', 'HTTP gateway listening', 'coordinator stopped', 'participant stopped', 'decision log stats']);
/** pino's numbers for info and warn. */
const infoLevel = 30;
const warnLevel = 40;

/** The JSON lines of one child's log file (its stdout and stderr as dev wrote them). */
async function logLines(dir: string, child: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(join(dir, 'logs', `${child}.log`), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('twophase dev --log-level warn', () => {
  it('runs every child at warn: each is seen ready by its lifecycle line, and none prints any other info line', async () => {
    const sys = await DevSystem.start(['--log-level', 'warn']);
    const logs = new Map<string, Record<string, unknown>[]>();
    try {
      const put = await fetch(`${sys.http}/v1/files/dev/quiet.txt`, { method: 'PUT', body: 'quiet' });
      expect(put.status).toBe(201);
    } finally {
      await sys.stop(async () => {
        for (const child of children) logs.set(child, await logLines(sys.dir, child));
      });
    }
    for (const child of children) {
      const lines = logs.get(child) ?? [];
      const belowWarn = lines.filter((l) => typeof l.level === 'number' && l.level < warnLevel);
      const lifecycle = (l: Record<string, unknown>): boolean => l.level === infoLevel && lifecycleMessages.has(String(l.msg));
      expect(belowWarn.filter((l) => !lifecycle(l)), child).toEqual([]);
    }
    const messages = (child: string): string[] => (logs.get(child) ?? []).map((l) => String(l.msg));
    expect(messages('postgres')).toContain('postgres ready');
    expect(messages('gateway')).toContain('HTTP gateway listening');
    for (const child of ['coordinator', 'blob', 'metadata']) expect(messages(child), child).toContain('gRPC server listening');
    // a graceful stop at warn still says so, and the coordinator still sums up its group commit
    expect(messages('coordinator')).toEqual(expect.arrayContaining(['decision log stats', 'coordinator stopped']));
    for (const child of ['blob', 'metadata']) expect(messages(child), child).toContain('participant stopped');
  }, 180_000);
});
