import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError, TwoPhaseClient } from '../../sdk/index.js';
import { CliProcess } from '../support/cli-process.js';
import { freePort } from '../../lib/free-port/free-port.js';
import { postgresFixture } from '../support/postgres-fixture.js';

/**
 * Participants killed (SIGKILL by a failpoint, a real kill -9) at their most delicate
 * instants, restarted on the same storage: each finds its prepared branch, asks the
 * coordinator, and commits or aborts as decided.
 */
const postgres = postgresFixture();

interface System {
  coordinator: CliProcess;
  blob: CliProcess;
  metadata: CliProcess;
  client: TwoPhaseClient;
  ports: { coordinator: number; blob: number; metadata: number };
  blobDir: string;
  databaseUrl: string;
}

let sys: System;
let dir: string;
const extra: CliProcess[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'twophase-participant-crash-'));
  const databaseUrl = await postgres.freshDatabase();
  const ports = { coordinator: await freePort(), blob: await freePort(), metadata: await freePort() };
  const coordinator = new CliProcess([
    'coordinator',
    '--listen',
    `127.0.0.1:${ports.coordinator}`,
    '--data-dir',
    join(dir, 'coordinator'),
    '--participant',
    `blob=127.0.0.1:${ports.blob}`,
    '--participant',
    `metadata=127.0.0.1:${ports.metadata}`,
    // a participant that died mid-Commit is retried quickly
    '--phase2-call-timeout-ms',
    '2000',
  ]);
  sys = {
    coordinator,
    blob: undefined as unknown as CliProcess,
    metadata: undefined as unknown as CliProcess,
    client: new TwoPhaseClient({ coordinator: `127.0.0.1:${ports.coordinator}`, outcomeWaitMs: 20_000 }),
    ports,
    blobDir: join(dir, 'blob'),
    databaseUrl,
  };
  await coordinator.grpcPort();
});

afterEach(async () => {
  sys.client.close();
  for (const p of [sys.coordinator, sys.blob, sys.metadata, ...extra.splice(0)]) p?.kill();
  await rm(dir, { recursive: true, force: true });
});

function startBlob(failpoints = ''): CliProcess {
  const p = new CliProcess(
    ['participant', 'blob', '--listen', `127.0.0.1:${sys.ports.blob}`, '--data-dir', sys.blobDir, '--coordinator', `127.0.0.1:${sys.ports.coordinator}`],
    failpoints === '' ? {} : { TWOPHASE_FAILPOINTS: failpoints },
  );
  sys.blob = p;
  return p;
}

function startMetadata(failpoints = '', extraArgs: readonly string[] = []): CliProcess {
  const p = new CliProcess(
    ['participant', 'metadata', '--listen', `127.0.0.1:${sys.ports.metadata}`, '--database-url', sys.databaseUrl, '--coordinator', `127.0.0.1:${sys.ports.coordinator}`, ...extraArgs],
    failpoints === '' ? {} : { TWOPHASE_FAILPOINTS: failpoints },
  );
  sys.metadata = p;
  return p;
}

async function preparedGids(): Promise<string[]> {
  const c = new pg.Client({ connectionString: sys.databaseUrl });
  // a server that dies while this client is open emits 'error' as well as failing the statement; the rejection reports it
  c.on('error', () => undefined);
  await c.connect();
  try {
    const r = await c.query<{ gid: string }>(`SELECT gid FROM pg_prepared_xacts WHERE database = current_database()`);
    return r.rows.map((x) => x.gid);
  } finally {
    await c.end();
  }
}

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not within ${timeoutMs} ms: ${what}`);
}

const staged = (): Promise<string[]> => readdir(join(sys.blobDir, 'staging')).catch(() => []);
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('participant crash and recovery (real processes, real PostgreSQL)', () => {
  it('metadata killed right after PREPARE TRANSACTION: after restart it finds the branch and aborts it as decided', async () => {
    const metadata = startMetadata('participant.metadata.prepare.after-prepare-transaction=crash');
    startBlob();
    await Promise.all([metadata.grpcPort(), sys.blob.grpcPort()]);
    const upload = sys.client.uploadFile({ namespace: 'crash', path: 'a.txt', content: Buffer.from('never') }).catch((e: Error) => e);
    expect(await metadata.exited).toMatchObject({ signal: 'SIGKILL' });
    // the branch is durable in PostgreSQL though its process is gone
    expect((await preparedGids()).length).toBe(1);
    const failed = await upload;
    expect(failed).toBeInstanceOf(Error);

    const restarted = startMetadata();
    await restarted.waitForLine((l) => l.msg === 'recovered: prepared branches are in doubt, asking the coordinator' && l.inDoubt === 1);
    await eventually(async () => (await preparedGids()).length === 0, 'the in-doubt branch is resolved');
    await restarted.waitForLine((l) => l.msg === 'branch resolved' && l.decision === 'abort');
    await expect(sys.client.stat({ namespace: 'crash', path: 'a.txt' })).rejects.toBeInstanceOf(NotFoundError);
    await eventually(async () => (await staged()).length === 0, 'the blob branch is aborted too');
  });

  it('metadata killed before COMMIT PREPARED: after restart it asks the coordinator and commits', async () => {
    startMetadata('participant.metadata.commit.before-commit-prepared=crash');
    startBlob();
    await Promise.all([sys.metadata.grpcPort(), sys.blob.grpcPort()]);
    const content = randomBytes(1000);
    const result = await sys.client.uploadFile({ namespace: 'crash', path: 'b.bin', content });
    // the client was told committed: the decision is durable even though the metadata commit has not happened
    expect(result.pendingParticipants).toEqual(['metadata']);
    expect(await sys.metadata.exited).toMatchObject({ signal: 'SIGKILL' });
    expect((await preparedGids()).length).toBe(1);

    const restarted = startMetadata();
    await restarted.waitForLine((l) => l.msg === 'recovered: prepared branches are in doubt, asking the coordinator' && l.inDoubt === 1);
    await eventually(async () => (await preparedGids()).length === 0, 'the in-doubt branch is committed');
    const { file, body } = await sys.client.download({ namespace: 'crash', path: 'b.bin' });
    const bytes = Buffer.concat(await body.toArray());
    expect(file.sha256).toBe(sha(content));
    expect(sha(bytes)).toBe(sha(content));
  });

  it('blob killed right after its manifest sync: after restart it finds the prepared branch and aborts it as decided', async () => {
    startMetadata();
    const blob = startBlob('participant.blob.prepare.after-manifest-sync=crash');
    await Promise.all([sys.metadata.grpcPort(), blob.grpcPort()]);
    const upload = sys.client.uploadFile({ namespace: 'crash', path: 'c.txt', content: Buffer.from('never') }).catch((e: Error) => e);
    expect(await blob.exited).toMatchObject({ signal: 'SIGKILL' });
    expect(await upload).toBeInstanceOf(Error);
    // one prepared branch: its object and its marker
    expect((await staged()).map((name) => name.split('.').at(-1)).sort()).toEqual(['data', 'prepared']);

    const restarted = startBlob();
    await restarted.waitForLine((l) => l.msg === 'recovered: prepared branches are in doubt, asking the coordinator' && l.inDoubt === 1);
    await eventually(async () => (await staged()).length === 0, 'the in-doubt blob branch is resolved');
    await restarted.waitForLine((l) => l.msg === 'branch resolved' && l.decision === 'abort');
    await eventually(async () => (await preparedGids()).length === 0, 'the metadata branch is aborted too');
    await expect(sys.client.stat({ namespace: 'crash', path: 'c.txt' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('blob killed before publishing a committed object: after restart it asks the coordinator and publishes it', async () => {
    startMetadata();
    startBlob('participant.blob.commit.before-rename=crash');
    await Promise.all([sys.metadata.grpcPort(), sys.blob.grpcPort()]);
    const content = randomBytes(3000);
    const result = await sys.client.uploadFile({ namespace: 'crash', path: 'd.bin', content });
    expect(result.pendingParticipants).toEqual(['blob']);
    expect(await sys.blob.exited).toMatchObject({ signal: 'SIGKILL' });

    const restarted = startBlob();
    await restarted.waitForLine((l) => l.msg === 'branch resolved' && l.decision === 'commit');
    const { body } = await sys.client.download({ namespace: 'crash', path: 'd.bin' });
    expect(sha(Buffer.concat(await body.toArray()))).toBe(sha(content));
    expect(await staged()).toEqual([]);
  });

  it('PostgreSQL killed while a branch is prepared: after its restart the branch is committed', async () => {
    // the metadata participant holds the prepared branch for 6 s before COMMIT PREPARED; PostgreSQL dies meanwhile
    startMetadata('participant.metadata.commit.before-commit-prepared=delay(6000)@1');
    startBlob();
    await Promise.all([sys.metadata.grpcPort(), sys.blob.grpcPort()]);
    const content = randomBytes(500);
    const result = await sys.client.uploadFile({ namespace: 'crash', path: 'e.bin', content });
    expect(result.pendingParticipants).toEqual(['metadata']);
    // frozen (SIGSTOP), the participant cannot send COMMIT PREPARED until it is let go: what the
    // restarted server shows is what survived its crash, whatever the restart took
    sys.metadata.kill('SIGSTOP');
    expect((await preparedGids()).length).toBe(1);
    await postgres.server.kill();
    await postgres.server.start();
    // prepared transactions survive a crash of the server
    expect((await preparedGids()).length).toBe(1);
    // the live participant, let go, commits on the restarted server (its connections reopened)
    sys.metadata.kill('SIGCONT');
    await eventually(async () => (await preparedGids()).length === 0, 'the prepared branch is committed after the restart');
    const { body } = await sys.client.download({ namespace: 'crash', path: 'e.bin' });
    expect(sha(Buffer.concat(await body.toArray()))).toBe(sha(content));
  });

  it('metadata holding more prepared branches than --branches-max (open branches, connections) still takes new work', async () => {
    // every Commit hangs at the metadata participant: each tx's branch stays there, prepared
    const metadata = startMetadata('participant.metadata.commit.before-commit-prepared=hang', ['--branches-max', '2']);
    startBlob();
    await Promise.all([metadata.grpcPort(), sys.blob.grpcPort()]);
    for (let i = 0; i < 3; i++) {
      // committed and durable; answered past the phase-2 wait, the metadata participant pending
      const up = await sys.client.uploadFile({ namespace: 'crash', path: `held-${i}.txt`, content: Buffer.from(`held ${i}`) });
      expect(up.pendingParticipants).toEqual(['metadata']);
    }
    expect((await preparedGids()).length).toBe(3);
  });
});
