import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliProcess } from '../support/cli-process.js';
import { TestCoordinatorClient } from '../support/coordinator-client.js';
import { FakeParticipant } from '../support/fake-participant.js';

let dataDir: string;
let blob: FakeParticipant;
let metadata: FakeParticipant;
const processes: CliProcess[] = [];
const clients: TestCoordinatorClient[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'twophase-coordinator-crash-'));
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
  await rm(dataDir, { recursive: true, force: true });
});

async function startCoordinator(failpoints = ''): Promise<{ proc: CliProcess; client: TestCoordinatorClient }> {
  const proc = new CliProcess(
    ['coordinator', '--listen', '127.0.0.1:0', '--data-dir', dataDir, '--participant', `blob=${blob.address}`, '--participant', `metadata=${metadata.address}`],
    failpoints === '' ? {} : { TWOPHASE_FAILPOINTS: failpoints },
  );
  processes.push(proc);
  const client = new TestCoordinatorClient(`127.0.0.1:${await proc.grpcPort()}`);
  clients.push(client);
  return { proc, client };
}

/** Begin, enlist both participants (as they would on their first operation), and return the txId. */
const beginWithBothParticipants = (client: TestCoordinatorClient): Promise<string> => client.beginEnlisting(['blob', 'metadata']);

describe('coordinator crash and recovery (real processes, real gRPC)', () => {
  it('killed right after its decision is synced, it re-drives the commit after restart and answers committed', async () => {
    const first = await startCoordinator('coordinator.log.commit.after-sync=crash');
    const txId = await beginWithBothParticipants(first.client);
    const commit = first.client.commit(txId).catch((err: grpc.ServiceError) => err);
    expect(await first.proc.exited).toMatchObject({ signal: 'SIGKILL' });
    const lost = await commit;
    expect(lost).toBeInstanceOf(Error); // the client never heard: it must ask GetOutcome
    expect(blob.calls.filter((c) => c.method === 'Commit')).toEqual([]);
    expect(metadata.calls.filter((c) => c.method === 'Commit')).toEqual([]);

    // the metadata participant is down at restart: GetOutcome must answer anyway
    const metadataPort = metadata.port;
    await metadata.stop();
    const second = await startCoordinator();
    const outcome = await second.client.getOutcome(txId);
    expect(outcome).toMatchObject({ outcome: 'OUTCOME_COMMITTED', presumed: false });
    await blob.waitFor('Commit', txId);

    await metadata.start(metadataPort);
    await metadata.waitFor('Commit', txId);
    expect(blob.calls.filter((c) => c.method === 'Abort')).toEqual([]);
    expect(metadata.calls.filter((c) => c.method === 'Abort')).toEqual([]);
    // every ack is in: the tx ends, and a repeated Commit returns the first outcome
    const repeated = await second.client.commit(txId);
    expect(repeated).toMatchObject({ outcome: 'OUTCOME_COMMITTED' });
    await second.proc.waitForLine((l) => l.msg === 'decision log replayed' && l.recoveredCommits === 1);
  });

  it('killed before its decision, it answers aborted after restart and the in-doubt participants abort', async () => {
    const first = await startCoordinator('coordinator.log.commit.before-append=crash');
    const txId = await beginWithBothParticipants(first.client);
    void first.client.commit(txId).catch(() => undefined);
    expect(await first.proc.exited).toMatchObject({ signal: 'SIGKILL' });
    // both voted yes: both are in doubt
    expect([...blob.prepared]).toEqual([txId]);
    expect([...metadata.prepared]).toEqual([txId]);

    const second = await startCoordinator();
    // the participants restart too: the real ParticipantRuntime finds each branch in doubt,
    // asks the restarted coordinator GetOutcome and applies the answer
    const coordinatorAddress = `127.0.0.1:${await second.proc.grpcPort()}`;
    await Promise.all([blob.recoverInDoubt(coordinatorAddress), metadata.recoverInDoubt(coordinatorAddress)]);
    for (const participant of [blob, metadata]) {
      expect(participant.outcomesLearned).toEqual([{ txId, outcome: 'aborted' }]);
      expect([...participant.aborted]).toEqual([txId]);
      expect(participant.prepared.size).toBe(0);
      expect(participant.committed.size).toBe(0);
      // learned by asking: nothing was logged, so the restarted coordinator never sends an Abort
      expect(participant.calls.filter((c) => c.method !== 'Prepare')).toEqual([]);
    }
    expect(await second.client.getOutcome(txId)).toMatchObject({ outcome: 'OUTCOME_ABORTED', presumed: true });
    const commitAgain = await second.client.commit(txId);
    expect(commitAgain).toMatchObject({ outcome: 'OUTCOME_ABORTED' });
  });

  it('a no vote makes the coordinator tell every participant to abort', async () => {
    const { client } = await startCoordinator();
    metadata.vote = () => 'no';
    const txId = await beginWithBothParticipants(client);
    const result = await client.commit(txId);
    expect(result).toMatchObject({ outcome: 'OUTCOME_ABORTED' });
    expect(result.reason).toContain('metadata voted no');
    await blob.waitFor('Abort', txId);
    await metadata.waitFor('Abort', txId);
    expect(blob.committed.has(txId)).toBe(false);
  });

  it('a crash while sending Commit leaves the tx committed and delivered after restart', async () => {
    const first = await startCoordinator('coordinator.send.commit.before=crash');
    const txId = await beginWithBothParticipants(first.client);
    void first.client.commit(txId).catch(() => undefined);
    expect(await first.proc.exited).toMatchObject({ signal: 'SIGKILL' });
    const second = await startCoordinator();
    await blob.waitFor('Commit', txId);
    await metadata.waitFor('Commit', txId);
    expect(await second.client.getOutcome(txId)).toMatchObject({ outcome: 'OUTCOME_COMMITTED' });
  });

  it('health checking reports SERVING and SIGTERM stops the coordinator gracefully', async () => {
    const { proc } = await startCoordinator();
    const port = await proc.grpcPort();
    const grpc = await import('@grpc/grpc-js');
    const { HealthClient } = await healthClient();
    const health = new HealthClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const status = await new Promise<{ status: string }>((resolve, reject) =>
      health.check({ service: 'twophase.v1.Coordinator' }, (err: Error | null, res: { status: string }) => (err ? reject(err) : resolve(res))),
    );
    expect(status.status).toBe('SERVING');
    health.close();
    proc.kill('SIGTERM');
    expect(await proc.exited).toMatchObject({ code: 0 });
  });
});

async function healthClient(): Promise<{ HealthClient: new (address: string, creds: unknown) => { check: (...args: unknown[]) => void; close(): void } }> {
  const grpc = await import('@grpc/grpc-js');
  const protoLoader = await import('@grpc/proto-loader');
  const { protoPath } = await import('grpc-health-check');
  const def = protoLoader.loadSync(protoPath, { keepCase: true, longs: String, enums: String, defaults: true });
  const pkg = grpc.loadPackageDefinition(def) as unknown as { grpc: { health: { v1: { Health: never } } } };
  return { HealthClient: pkg.grpc.health.v1.Health };
}
