import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { loadProto } from '../../proto/load-proto.js';
import type { AdminClient } from '../../proto/gen/twophase/v1/Admin.js';
import { CliProcess } from '../support/cli-process.js';
import { TestCoordinatorClient, unary } from '../support/coordinator-client.js';
import { FakeParticipant } from '../support/fake-participant.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function coordinatorWith(args: string[]): Promise<{ proc: CliProcess; admin: AdminClient; client: TestCoordinatorClient; blob: FakeParticipant }> {
  const dir = await mkdtemp(join(tmpdir(), 'twophase-admin-'));
  const blob = new FakeParticipant('blob');
  await blob.start();
  const proc = new CliProcess(['coordinator', '--listen', '127.0.0.1:0', '--data-dir', dir, '--participant', `blob=${blob.address}`, ...args]);
  const address = `127.0.0.1:${await proc.grpcPort()}`;
  const admin = new (loadProto().twophase.v1.Admin)(address, grpc.credentials.createInsecure());
  const client = new TestCoordinatorClient(address);
  cleanups.push(async () => {
    admin.close();
    client.close();
    proc.kill();
    await blob.stop();
    await rm(dir, { recursive: true, force: true });
  });
  return { proc, admin, client, blob };
}

describe('failpoints armed at run time through the Admin service', () => {
  it('arming a crash failpoint by RPC kills the coordinator at that point', async () => {
    const { proc, admin, client } = await coordinatorWith(['--admin']);
    const listed = await unary<object, { failpoints: { name: string }[] }>(admin.ListFailpoints.bind(admin), {});
    expect(listed.failpoints.map((f) => f.name)).toContain('coordinator.log.commit.after-sync');
    const armed = await unary<object, { names: string[] }>(admin.ArmFailpoints.bind(admin), { spec: 'coordinator.log.commit.after-sync=crash' });
    expect(armed.names).toEqual(['coordinator.log.commit.after-sync']);
    const { txId } = await client.begin();
    await client.enlist(txId, 'blob');
    void client.commit(txId).catch(() => undefined);
    expect(await proc.exited).toMatchObject({ signal: 'SIGKILL' });
  });

  it('an unknown failpoint or bad syntax is INVALID_ARGUMENT and arms nothing', async () => {
    const { admin, client } = await coordinatorWith(['--admin']);
    for (const spec of ['no.such.point=crash', 'coordinator.log.commit.after-sync=explode']) {
      const err = await unary(admin.ArmFailpoints.bind(admin), { spec }).catch((e: grpc.ServiceError) => e);
      expect((err as grpc.ServiceError).code, spec).toBe(grpc.status.INVALID_ARGUMENT);
    }
    const { txId } = await client.begin();
    await client.enlist(txId, 'blob');
    expect(await client.commit(txId)).toMatchObject({ outcome: 'OUTCOME_COMMITTED' });
    const stats = await unary<object, { stats: Record<string, number> }>(admin.GetStats.bind(admin), {});
    expect(stats.stats).toMatchObject({ commits: 1, live_txs: 0 });
    // the work counters: the calls it served, what it sent the participant, its log's fdatasyncs
    expect(stats.stats['twophase_rpc_served_total{method="/twophase.v1.Coordinator/Begin"}']).toBe(1);
    expect(stats.stats['twophase_link_calls_sent_total{kind="prepare"}']).toBe(1);
    expect(stats.stats['twophase_link_calls_sent_total{kind="commit"}']).toBe(1);
    expect(stats.stats['twophase_fsyncs_total{target="log"}']).toBeGreaterThanOrEqual(1);
  });

  it('without --admin the Admin service is not served', async () => {
    const { admin } = await coordinatorWith([]);
    const err = await unary(admin.ListFailpoints.bind(admin), {}).catch((e: grpc.ServiceError) => e);
    expect((err as grpc.ServiceError).code).toBe(grpc.status.UNIMPLEMENTED);
  });
});
