import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { TwoPhaseClient } from '../../sdk/index.js';
import { CliProcess } from './cli-process.js';

/**
 * The real processes of a test file, its SDK clients and its temp dir, all ended after its
 * last test (a SIGSTOPped process is continued first, so that it can be killed cleanly).
 */
export function processGroup(prefix: string): {
  readonly processes: readonly CliProcess[];
  start(args: string[], env?: Record<string, string>): CliProcess;
  client(c: TwoPhaseClient): TwoPhaseClient;
  dir(): Promise<string>;
} {
  const processes: CliProcess[] = [];
  const clients: TwoPhaseClient[] = [];
  let dir: string | undefined;
  afterAll(async () => {
    for (const c of clients) c.close();
    for (const p of processes) {
      try {
        process.kill(p.pid, 'SIGCONT');
      } catch {
        // already gone
      }
      p.kill();
    }
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });
  return {
    processes,
    start(args, env = {}) {
      const proc = new CliProcess(args, env);
      processes.push(proc);
      return proc;
    },
    client(c) {
      clients.push(c);
      return c;
    },
    async dir() {
      dir ??= await mkdtemp(join(tmpdir(), `twophase-${prefix}-`));
      return dir;
    },
  };
}
