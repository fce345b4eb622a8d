import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { TwoPhaseClient } from '../../sdk/index.js';
import { CliProcess, runCli } from '../support/cli-process.js';
import { freePort } from '../../lib/free-port/free-port.js';
import { postgresFixture } from '../support/postgres-fixture.js';

/**
 * `twophase admin resolve --decision-log` for a coordinator on a shared decision log: real
 * participants, a real coordinator killed between the votes and its decision, the decisions
 * in PostgreSQL.
 */
const postgres = postgresFixture();

let dir: string;
let ports: { coordinator: number; blob: number; metadata: number };
let logUrl: string;
const processes: CliProcess[] = [];

const participantFlags = (): string[] => ['--participant', `blob=127.0.0.1:${ports.blob}`, '--participant', `metadata=127.0.0.1:${ports.metadata}`];

function start(args: string[], env: Record<string, string> = {}): CliProcess {
  const proc = new CliProcess(args, env);
  processes.push(proc);
  return proc;
}

function startCoordinator(env: Record<string, string> = {}): CliProcess {
  return start(['coordinator', '--listen', `127.0.0.1:${ports.coordinator}`, '--data-dir', join(dir, 'coordinator'), '--decision-log', logUrl, '--coordinator-id', 'c1', ...participantFlags()], env);
}

/** An upload whose coordinator dies between the votes and its decision: both branches are left in doubt. Returns its tx id. */
async function uploadLeftInDoubt(path: string): Promise<string> {
  await ensureStarted();
  const crashing = startCoordinator({ TWOPHASE_FAILPOINTS: 'coordinator.log.commit.before-append=crash' });
  await crashing.grpcPort();
  // peers whose coordinator died earlier may still be backing off their reconnection and
  // fail an upload at once (UNAVAILABLE): try again, each time with a client of its own,
  // until one reaches the crash
  const giveUpAt = Date.now() + 30_000;
  for (;;) {
    const uploader = newClient();
    const upload = uploader.uploadFile({ namespace: 'ops', path, content: randomBytes(1024) }).then(
      () => 'committed',
      (err: unknown) => err,
    );
    const ended = await Promise.race([crashing.exited.then(() => 'crashed' as const), upload.then(() => 'failed early' as const)]);
    uploader.close();
    if (ended === 'crashed') break;
    const result = await upload;
    expect(result, 'an upload before the crash fails; none commits').toBeInstanceOf(Error);
    if (Date.now() > giveUpAt) throw new Error(`no upload reached the crash: ${(result as Error).message}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  expect(await crashing.exited).toMatchObject({ signal: 'SIGKILL' });
  const listed = await runCli(['admin', 'in-doubt', ...participantFlags(), '--json'], 60_000);
  const rows = JSON.parse(listed.stdout) as { participant: string; txId: string }[];
  expect(rows.map((r) => r.participant).sort()).toEqual(['blob', 'metadata']);
  return rows[0]?.txId ?? '';
}

async function inDoubtCount(): Promise<number> {
  const left = await runCli(['admin', 'in-doubt', ...participantFlags(), '--json'], 60_000);
  return (JSON.parse(left.stdout) as unknown[]).length;
}

async function row(txId: string): Promise<{ decision: string; decided_by: string; heuristic_reason: string | null } | undefined> {
  const c = new pg.Client(logUrl);
  await c.connect();
  try {
    return (await c.query<{ decision: string; decided_by: string; heuristic_reason: string | null }>('SELECT decision, decided_by, heuristic_reason FROM twophase_decisions WHERE tx_id = $1', [txId])).rows[0];
  } finally {
    await c.end();
  }
}

let started: Promise<void> | undefined;

/** The participants, started once, in the first test (the fixture's databases are made inside a test). */
function ensureStarted(): Promise<void> {
  started ??= startParticipants();
  return started;
}

async function startParticipants(): Promise<void> {
  dir = await mkdtemp(join(tmpdir(), 'twophase-admin-shared-'));
  const metadataUrl = await postgres.freshDatabase();
  logUrl = await postgres.freshDatabase();
  ports = { coordinator: await freePort(), blob: await freePort(), metadata: await freePort() };
  const coordinator = `127.0.0.1:${ports.coordinator}`;
  const blob = start(['participant', 'blob', '--admin', '--listen', `127.0.0.1:${ports.blob}`, '--data-dir', join(dir, 'blob'), '--coordinator', coordinator]);
  const metadata = start(['participant', 'metadata', '--admin', '--listen', `127.0.0.1:${ports.metadata}`, '--database-url', metadataUrl, '--coordinator', coordinator]);
  await Promise.all([blob.grpcPort(), metadata.grpcPort()]);
}

function newClient(): TwoPhaseClient {
  return new TwoPhaseClient({ coordinator: `127.0.0.1:${ports.coordinator}`, participants: { blob: `127.0.0.1:${ports.blob}`, metadata: `127.0.0.1:${ports.metadata}` } });
}

afterAll(async () => {
  for (const p of processes) p.kill();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('twophase admin resolve on a shared decision log', () => {
  it('--abort settles the abort in the log with the reason and aborts both branches; a --commit of it afterwards is refused', async () => {
    const txId = await uploadLeftInDoubt('aborted.bin');
    const resolved = await runCli(['admin', 'resolve', txId, '--abort', '--reason', 'user cancelled', '--decision-log', logUrl, '--coordinator-id', 'c1', ...participantFlags()], 60_000);
    expect(resolved.code, resolved.stderr).toBe(0);
    expect(resolved.stdout).toContain('aborted at blob, metadata');
    expect(await row(txId)).toEqual({ decision: 'abort', decided_by: 'c1', heuristic_reason: 'operator: user cancelled' });
    expect(await inDoubtCount()).toBe(0);
    const commit = await runCli(['admin', 'resolve', txId, '--commit', '--reason', 'second thoughts', '--decision-log', logUrl, ...participantFlags()], 60_000);
    expect(commit.code).toBe(1);
    expect(commit.stderr).toMatch(/refused: .* is aborted: the shared decision log holds an abort of it/);
  }, 120_000);

  it('--commit records a heuristic commit owned by the coordinator, which re-drives it when it starts; an --abort of it is refused', async () => {
    const txId = await uploadLeftInDoubt('committed.bin');
    // the file log of the data dir is not where this coordinator decides: refused, not silently written
    const wrongLog = await runCli(['admin', 'resolve', txId, '--commit', '--reason', 'x', '--data-dir', join(dir, 'coordinator'), ...participantFlags()], 60_000);
    expect(wrongLog.code).toBe(1);
    expect(wrongLog.stderr).toContain('holds no decision log');

    // a commit needs the owning coordinator stopped, shown by its data dir's lock
    const noDataDir = await runCli(['admin', 'resolve', txId, '--commit', '--reason', 'x', '--decision-log', logUrl, '--data-dir', join(dir, 'nowhere'), ...participantFlags()], 60_000);
    expect(noDataDir.code).toBe(1);
    expect(noDataDir.stderr).toContain('needs the owning coordinator stopped');
    const resolved = await runCli(
      ['admin', 'resolve', txId, '--commit', '--reason', 'upload confirmed by the user', '--decision-log', logUrl, '--coordinator-id', 'c1', '--data-dir', join(dir, 'coordinator'), ...participantFlags()],
      60_000,
    );
    expect(resolved.code, resolved.stderr).toBe(0);
    expect(resolved.stdout).toContain('commit recorded in the shared decision log');
    expect(await row(txId)).toEqual({ decision: 'commit', decided_by: 'c1', heuristic_reason: 'upload confirmed by the user' });
    const abort = await runCli(['admin', 'resolve', txId, '--abort', '--reason', 'no', '--decision-log', logUrl, ...participantFlags()], 60_000);
    expect(abort.code).toBe(1);
    expect(abort.stderr).toMatch(/refused: .* is committed/);

    const coordinator = startCoordinator();
    await coordinator.waitForLine((l) => l.msg === 'an operator decided this commit (twophase admin resolve); re-driving it' && l.txId === txId, 30_000);
    const giveUpAt = Date.now() + 30_000;
    while ((await inDoubtCount()) > 0) {
      if (Date.now() > giveUpAt) throw new Error('still in doubt');
      await new Promise((r) => setTimeout(r, 200));
    }
    const client = newClient();
    try {
      expect((await client.stat({ namespace: 'ops', path: 'committed.bin' })).txId).toBe(txId);
      expect(await client.getOutcome(txId)).toMatchObject({ outcome: 'committed', presumed: false });
    } finally {
      client.close();
    }
  }, 240_000);
});
