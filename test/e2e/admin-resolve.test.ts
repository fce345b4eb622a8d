import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TwoPhaseClient } from '../../sdk/index.js';
import { CliProcess, runCli } from '../support/cli-process.js';
import { freePort } from '../../lib/free-port/free-port.js';
import { postgresFixture } from '../support/postgres-fixture.js';

/**
 * An upload left in doubt by a coordinator killed between the votes and its decision
 * (failpoint coordinator.log.commit.before-append=crash), the coordinator kept down: an
 * operator lists the branches with `twophase admin in-doubt`, decides commit with `twophase
 * admin resolve`, and the restarted coordinator carries the decision out.
 */
const postgres = postgresFixture();

let dir: string;
let ports: { coordinator: number; blob: number; metadata: number };
let databaseUrl: string;
const processes: CliProcess[] = [];
let client: TwoPhaseClient;

const coordinatorDir = (): string => join(dir, 'coordinator');
const participantFlags = (): string[] => ['--participant', `blob=127.0.0.1:${ports.blob}`, '--participant', `metadata=127.0.0.1:${ports.metadata}`];

function start(args: string[], env: Record<string, string> = {}): CliProcess {
  const proc = new CliProcess(args, env);
  processes.push(proc);
  return proc;
}

function startCoordinator(env: Record<string, string> = {}): CliProcess {
  return start(['coordinator', '--admin', '--listen', `127.0.0.1:${ports.coordinator}`, '--data-dir', coordinatorDir(), ...participantFlags()], env);
}

async function startParticipants(): Promise<void> {
  dir = await mkdtemp(join(tmpdir(), 'twophase-admin-'));
  databaseUrl = await postgres.freshDatabase();
  ports = { coordinator: await freePort(), blob: await freePort(), metadata: await freePort() };
  const coordinator = `127.0.0.1:${ports.coordinator}`;
  const blob = start(['participant', 'blob', '--admin', '--listen', `127.0.0.1:${ports.blob}`, '--data-dir', join(dir, 'blob'), '--coordinator', coordinator]);
  const metadata = start(['participant', 'metadata', '--admin', '--listen', `127.0.0.1:${ports.metadata}`, '--database-url', databaseUrl, '--coordinator', coordinator]);
  await Promise.all([blob.grpcPort(), metadata.grpcPort()]);
  client = new TwoPhaseClient({ coordinator, participants: { blob: `127.0.0.1:${ports.blob}`, metadata: `127.0.0.1:${ports.metadata}` } });
}

afterAll(async () => {
  client?.close();
  for (const p of processes) p.kill();
  await rm(dir, { recursive: true, force: true });
});

describe('twophase admin', () => {
  it('in-doubt lists the branches an upload left in doubt by a coordinator that died before deciding; resolve --commit records the decision, the restarted coordinator commits both, the audit survives a restart, and --abort of it is refused', async () => {
    await startParticipants();
    const crashing = startCoordinator({ TWOPHASE_FAILPOINTS: 'coordinator.log.commit.before-append=crash' });
    await crashing.grpcPort();
    const upload = client.uploadFile({ namespace: 'ops', path: 'stuck.bin', content: randomBytes(2048) }).catch((err: unknown) => err);
    expect(await crashing.exited).toMatchObject({ signal: 'SIGKILL' });
    expect(await upload).toBeInstanceOf(Error);

    const listed = await runCli(['admin', 'in-doubt', ...participantFlags(), '--json'], 60_000);
    expect(listed.code, listed.stderr).toBe(0);
    const rows = JSON.parse(listed.stdout) as { participant: string; txId: string; ageMs: number }[];
    expect(rows.map((r) => r.participant).sort()).toEqual(['blob', 'metadata']);
    expect(new Set(rows.map((r) => r.txId)).size).toBe(1);
    const txId = rows[0]?.txId ?? '';
    const table = await runCli(['admin', 'in-doubt', ...participantFlags()], 60_000);
    expect(table.stdout).toMatch(new RegExp(`blob\\s+${txId}`));

    const missingReason = await runCli(['admin', 'resolve', txId, '--commit', '--data-dir', coordinatorDir(), ...participantFlags()], 60_000);
    expect(missingReason.code).toBe(2);
    expect(missingReason.stderr).toContain('--reason is required');

    const resolved = await runCli(['admin', 'resolve', txId, '--commit', '--reason', 'coordinator host lost; upload confirmed by the user', '--data-dir', coordinatorDir(), ...participantFlags()], 60_000);
    expect(resolved.code, resolved.stderr).toBe(0);
    expect(resolved.stdout).toContain('commit recorded in the decision log');

    // the coordinator comes back: it re-drives the recorded commit
    const coordinator = startCoordinator();
    await coordinator.waitForLine((l) => l.msg === 'an operator decided this commit (twophase admin resolve); re-driving it' && l.txId === txId, 30_000);
    const giveUpAt = Date.now() + 30_000;
    for (;;) {
      const left = await runCli(['admin', 'in-doubt', ...participantFlags(), '--json'], 60_000);
      if ((JSON.parse(left.stdout) as unknown[]).length === 0) break;
      if (Date.now() > giveUpAt) throw new Error(`still in doubt: ${left.stdout}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const file = await client.stat({ namespace: 'ops', path: 'stuck.bin' });
    expect(file.txId).toBe(txId);
    expect(await client.getOutcome(txId)).toMatchObject({ outcome: 'committed', presumed: false });

    // stopped (the data dir lock is released) and restarted: the decision is still in the log
    coordinator.kill('SIGTERM');
    await coordinator.exited;
    const again = startCoordinator();
    await again.grpcPort();
    const txs = await runCli(['admin', 'txs', '--coordinator', `127.0.0.1:${ports.coordinator}`, '--json'], 60_000);
    expect(txs.code, txs.stderr).toBe(0);
    expect(JSON.parse(txs.stdout)).toEqual([]);
    const whileRunning = await runCli(['admin', 'resolve', txId, '--abort', '--reason', 'x', '--data-dir', coordinatorDir(), ...participantFlags()], 60_000);
    expect(whileRunning.code).toBe(1);
    expect(whileRunning.stderr).toContain('a coordinator is running on it');
    again.kill('SIGTERM');
    await again.exited;

    const abort = await runCli(['admin', 'resolve', txId, '--abort', '--reason', 'second thoughts', '--data-dir', coordinatorDir(), ...participantFlags()], 60_000);
    expect(abort.code).toBe(1);
    expect(abort.stderr).toContain(`${txId} is committed: the decision log holds its commit`);
    expect(abort.stderr).toContain('by an operator: coordinator host lost; upload confirmed by the user');
    const audit = (await readFile(join(coordinatorDir(), 'heuristic-decisions.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ txId, decision: 'commit', reason: 'coordinator host lost; upload confirmed by the user', participants: ['blob', 'metadata'] });
  }, 300_000);
});
