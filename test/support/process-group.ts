import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { TwoPhaseClient } from '../../sdk/index.js';
import { CliProcess } from './cli-process.js';
import { freePort } from '../../lib/free-port/free-port.js';

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

/**
 * Two coordinators, c1 and c2, on one shared decision log (a fresh database), and real
 * blob and metadata participants (`--admin`) that know both: what the multi-coordinator
 * crash tests start. `c1Env` arms c1's failpoints. Resolves once all four serve.
 */
export async function startSharedLogPair(
  group: ReturnType<typeof processGroup>,
  freshDatabase: () => Promise<string>,
  c1Env: Record<string, string>,
): Promise<{ dir: string; logUrl: string; port: Record<'c1' | 'c2' | 'blob' | 'metadata', number>; blobDir: string; c1: CliProcess; c2: CliProcess }> {
  const dir = await group.dir();
  const metadataUrl = await freshDatabase();
  const logUrl = await freshDatabase();
  const port = { c1: await freePort(), c2: await freePort(), blob: await freePort(), metadata: await freePort() };
  const participants = ['--participant', `blob=127.0.0.1:${port.blob}`, '--participant', `metadata=127.0.0.1:${port.metadata}`];
  const coordinators = `c1=127.0.0.1:${port.c1},c2=127.0.0.1:${port.c2}`;
  const coordinator = (id: 'c1' | 'c2', env: Record<string, string> = {}): CliProcess =>
    group.start(['coordinator', '--listen', `127.0.0.1:${port[id]}`, '--data-dir', join(dir, id), '--decision-log', logUrl, '--coordinator-id', id, ...participants], env);
  const c1 = coordinator('c1', c1Env);
  const c2 = coordinator('c2');
  const blobDir = join(dir, 'blob');
  const blob = group.start(['participant', 'blob', '--admin', '--listen', `127.0.0.1:${port.blob}`, '--data-dir', blobDir, '--coordinator', coordinators]);
  const metadata = group.start(['participant', 'metadata', '--admin', '--listen', `127.0.0.1:${port.metadata}`, '--database-url', metadataUrl, '--coordinator', coordinators]);
  await Promise.all([c1.grpcPort(), c2.grpcPort(), blob.grpcPort(), metadata.grpcPort()]);
  return { dir, logUrl, port, blobDir, c1, c2 };
}
