import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliProcess } from '../support/cli-process.js';
import { TestCoordinatorClient } from '../support/coordinator-client.js';
import { FakeParticipant } from '../support/fake-participant.js';
import { postgresFixture } from '../support/postgres-fixture.js';
import { newTxId } from '../../lib/tx-id/tx-id.js';

/**
 * Coordinators on a shared decision log (DESIGN.md, *Shared decision log*): real
 * coordinator processes, real gRPC, a real PostgreSQL holding the decisions.
 */
const postgres = postgresFixture();

let dirs: string[] = [];
let blob: FakeParticipant;
let metadata: FakeParticipant;
const processes: CliProcess[] = [];
const clients: TestCoordinatorClient[] = [];

beforeEach(async () => {
  blob = new FakeParticipant('blob');
  metadata = new FakeParticipant('metadata');
  await blob.start();
  await metadata.start();
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const p of processes.splice(0)) p.kill();
  await blob.stop();
  await metadata.stop();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  dirs = [];
});

/** A coordinator with a data dir of its own (its host's disk) on the shared log at `databaseUrl`. */
async function startCoordinator(databaseUrl: string, coordinatorId: string, failpoints = ''): Promise<{ proc: CliProcess; client: TestCoordinatorClient; dataDir: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), `twophase-shared-log-${coordinatorId}-`));
  dirs.push(dataDir);
  const proc = new CliProcess(
    [
      'coordinator',
      ...['--listen', '127.0.0.1:0', '--data-dir', dataDir],
      ...['--decision-log', databaseUrl, '--coordinator-id', coordinatorId],
      ...['--participant', `blob=${blob.address}`, '--participant', `metadata=${metadata.address}`],
    ],
    failpoints === '' ? {} : { TWOPHASE_FAILPOINTS: failpoints },
  );
  processes.push(proc);
  const client = new TestCoordinatorClient(`127.0.0.1:${await proc.grpcPort()}`);
  clients.push(client);
  return { proc, client, dataDir };
}

/** Begin, enlist both participants (as they would on their first operation), and return the txId. */
const beginWithBothParticipants = (client: TestCoordinatorClient): Promise<string> => client.beginEnlisting(['blob', 'metadata']);

async function decisionRow(databaseUrl: string, txId: string): Promise<{ decision: string; decided_by: string } | undefined> {
  const client = new pg.Client(databaseUrl);
  await client.connect();
  try {
    const { rows } = await client.query<{ decision: string; decided_by: string }>('SELECT decision, decided_by FROM twophase_decisions WHERE tx_id = $1', [txId]);
    return rows[0];
  } finally {
    await client.end();
  }
}

describe('coordinators on a shared PostgreSQL decision log (real processes)', () => {
  it('its host lost for good after the commit point: a replacement elsewhere, with the same id and a new disk, answers committed and re-drives phase 2', async () => {
    const url = await postgres.freshDatabase();
    const first = await startCoordinator(url, 'c1', 'coordinator.log.commit.after-sync=crash');
    const txId = await beginWithBothParticipants(first.client);
    const commit = first.client.commit(txId).catch((err: grpc.ServiceError) => err);
    expect(await first.proc.exited).toMatchObject({ signal: 'SIGKILL' });
    expect(await commit).toBeInstanceOf(Error);
    expect(blob.calls.filter((c) => c.method === 'Commit')).toEqual([]);
    // the host's disk is gone with it
    await rm(first.dataDir, { recursive: true, force: true });
    expect(await decisionRow(url, txId)).toEqual({ decision: 'commit', decided_by: 'c1' });

    const replacement = await startCoordinator(url, 'c1');
    expect(await replacement.client.getOutcome(txId)).toMatchObject({ outcome: 'OUTCOME_COMMITTED', presumed: false });
    await blob.waitFor('Commit', txId);
    await metadata.waitFor('Commit', txId);
    expect([...blob.calls, ...metadata.calls].filter((c) => c.method === 'Abort')).toEqual([]);
    await replacement.proc.waitForLine((l) => l.msg === 'shared decision log opened' && l.openCommits === 1);
  });

  it('a coordinator that comes back after another settled its tx as aborted cannot commit it: it aborts, and no participant is told to commit', async () => {
    const url = await postgres.freshDatabase();
    // c1 is paused for 3 s between the votes and its commit record, as a partitioned or frozen host would be
    const owner = await startCoordinator(url, 'c1', 'coordinator.log.commit.before-append=delay(3000)');
    const other = await startCoordinator(url, 'c2');
    const txId = await beginWithBothParticipants(owner.client);
    const commit = owner.client.commit(txId);
    await blob.waitFor('Prepare', txId);
    await metadata.waitFor('Prepare', txId);
    // a participant in doubt that cannot reach c1 asks c2, which settles the tx in the log
    expect(await other.client.getOutcome(txId)).toMatchObject({ outcome: 'OUTCOME_ABORTED' });
    expect(await decisionRow(url, txId)).toEqual({ decision: 'abort', decided_by: 'c2' });

    expect(await commit).toMatchObject({ outcome: 'OUTCOME_ABORTED' });
    await blob.waitFor('Abort', txId);
    await metadata.waitFor('Abort', txId);
    expect([...blob.calls, ...metadata.calls].filter((c) => c.method === 'Commit')).toEqual([]);
    expect(await decisionRow(url, txId)).toEqual({ decision: 'abort', decided_by: 'c2' });
    await owner.proc.waitForLine((l) => typeof l.msg === 'string' && l.msg.startsWith('another coordinator settled this transaction as aborted'));
  });

  it('a tx no coordinator decided is settled as aborted by whichever is asked, once, and every coordinator then agrees', async () => {
    const url = await postgres.freshDatabase();
    const a = await startCoordinator(url, 'c1');
    const b = await startCoordinator(url, 'c2');
    const txId = newTxId();
    expect(await a.client.getOutcome(txId)).toMatchObject({ outcome: 'OUTCOME_ABORTED', presumed: true });
    expect(await b.client.getOutcome(txId)).toMatchObject({ outcome: 'OUTCOME_ABORTED', presumed: true });
    expect(await decisionRow(url, txId)).toEqual({ decision: 'abort', decided_by: 'c1' });
  });

  it('refuses a shared log in last-resource mode, and a URL that is not postgres://, naming the flag', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'twophase-shared-log-bad-'));
    dirs.push(dataDir);
    const common = ['coordinator', '--listen', '127.0.0.1:0', '--data-dir', dataDir, '--participant', 'blob=127.0.0.1:1', '--participant', 'metadata=127.0.0.1:2'];
    const lastResource = new CliProcess([...common, '--commit-mode', 'last-resource', '--decision-log', 'postgres://x@127.0.0.1:1/db']);
    expect(await lastResource.exited).toMatchObject({ code: 2 });
    expect(lastResource.stderr.join('')).toMatch(/--decision-log.*two-phase commit/s);
    const notUrl = new CliProcess([...common, '--decision-log', 'mysql://u:secret@h/db']);
    expect(await notUrl.exited).toMatchObject({ code: 2 });
    expect(notUrl.stderr.join('')).toMatch(/--decision-log/);
    expect(notUrl.stderr.join(''), 'the password is not echoed').not.toMatch(/secret/);
  });
});
