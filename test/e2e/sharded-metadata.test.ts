import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { NotFoundError, TransactionAbortedError, TwoPhaseClient } from '../../sdk/index.js';
import { loadProto } from '../../proto/load-proto.js';
import { shardOf } from '../../lib/shard-map/shard-map.js';
import { freePort } from '../../lib/free-port/free-port.js';
import { processGroup } from '../support/process-group.js';
import { postgresFixture } from '../support/postgres-fixture.js';

/**
 * Sharded metadata with real processes: one coordinator given two metadata participants as
 * its shards (`--metadata-shards metadata-a,metadata-b`), each on its own database, one blob
 * participant, the gateway. Clients learn the shards from the coordinator; a namespace's
 * revisions live in its shard's database alone; a move to a namespace on the other shard
 * is one tx over both shards.
 */
const postgres = postgresFixture();
const shards = ['metadata-a', 'metadata-b'] as const;

const group = processGroup('shards');
const start = group.start;

/** A namespace of the run on the given shard. */
function namespaceOn(shard: string, prefix: string): string {
  for (let i = 0; ; i++) if (shardOf(`${prefix}${i}`, shards) === shard) return `${prefix}${i}`;
}

async function rowsIn(url: string, namespace: string): Promise<{ path: string; revision: string; deleted: boolean; sha256: string | null }[]> {
  const db = new pg.Client(url);
  await db.connect();
  try {
    return (await db.query('SELECT path, revision, deleted, sha256 FROM revisions WHERE namespace = $1 ORDER BY path, revision', [namespace])).rows;
  } finally {
    await db.end();
  }
}

function armFailpoints(address: string, spec: string): Promise<void> {
  const admin = new (loadProto().twophase.v1.Admin)(address, grpc.credentials.createInsecure());
  return new Promise<void>((resolve, reject) => admin.ArmFailpoints({ spec }, { deadline: new Date(Date.now() + 5_000) }, (err) => (err ? reject(err) : resolve()))).finally(() => admin.close());
}

describe('sharded metadata', () => {
  it("routes each namespace to its shard, moves a file across shards atomically (over HTTP too), and a move whose destination shard votes no leaves the file where it was", async () => {
    const dir = await group.dir();
    const url = { 'metadata-a': await postgres.freshDatabase(), 'metadata-b': await postgres.freshDatabase() };
    const port = { coordinator: await freePort(), blob: await freePort(), 'metadata-a': await freePort(), 'metadata-b': await freePort(), http: await freePort() };
    const coordinator = `127.0.0.1:${port.coordinator}`;
    start([
      'coordinator',
      '--listen',
      coordinator,
      '--data-dir',
      join(dir, 'coordinator'),
      '--participant',
      `blob=127.0.0.1:${port.blob}`,
      ...shards.flatMap((id) => ['--participant', `${id}=127.0.0.1:${port[id]}`]),
      '--metadata-shards',
      shards.join(','),
    ]);
    start(['participant', 'blob', '--listen', `127.0.0.1:${port.blob}`, '--data-dir', join(dir, 'blob'), '--coordinator', coordinator]);
    for (const id of shards) start(['participant', 'metadata', '--admin', '--participant-id', id, '--listen', `127.0.0.1:${port[id]}`, '--database-url', url[id], '--coordinator', coordinator]);
    const gateway = start(['gateway', '--listen', `127.0.0.1:${port.http}`, '--coordinator', coordinator, '--auth', 'none']);
    await Promise.all(group.processes.slice(0, 4).map((p) => p.grpcPort()));
    await gateway.waitForLine((l) => l.msg === 'HTTP gateway listening', 30_000);
    const client = new TwoPhaseClient({ coordinator });
    group.client(client);
    const http = `http://127.0.0.1:${port.http}`;

    const onA = namespaceOn('metadata-a', 'alice');
    const onB = namespaceOn('metadata-b', 'bob');
    const content = randomBytes(2048);
    const up = await client.uploadFile({ namespace: onA, path: 'docs/a.bin', content });
    expect(up.revision).toBe(1);
    await client.uploadFile({ namespace: onB, path: 'other.bin', content: randomBytes(10) });
    // each namespace's revisions are in its shard's database, and only there
    expect(await rowsIn(url['metadata-a'], onA)).toHaveLength(1);
    expect(await rowsIn(url['metadata-b'], onA)).toHaveLength(0);
    expect(await rowsIn(url['metadata-b'], onB)).toHaveLength(1);
    expect(await rowsIn(url['metadata-a'], onB)).toHaveLength(0);

    // a move to the other shard: one tx over both; the source ends in a tombstone, the destination holds the same bytes
    const moved = await client.moveFile({ from: { namespace: onA, path: 'docs/a.bin' }, to: { namespace: onB, path: 'from-a.bin', ifNoneMatch: true } });
    expect(moved).toMatchObject({ from: { revision: 1, tombstoneRevision: 2 }, to: { revision: 1, created: true }, sha256: up.sha256 });
    await expect(client.stat({ namespace: onA, path: 'docs/a.bin' })).rejects.toBeInstanceOf(NotFoundError);
    const { file, body } = await client.download({ namespace: onB, path: 'from-a.bin' });
    expect(file.txId).toBe(moved.txId);
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(content)).toBe(true);
    expect((await rowsIn(url['metadata-a'], onA)).map((r) => r.deleted)).toEqual([false, true]);

    // over HTTP, back again, conditioned on the source's revision: a stale one is 412 and nothing moves
    const stale = await fetch(`${http}/v1/files/${onB}/from-a.bin:move`, { method: 'POST', headers: { 'if-match': '"7"' }, body: JSON.stringify({ destination: { namespace: onA, path: 'back.bin' } }) });
    expect(stale.status).toBe(412);
    const back = await fetch(`${http}/v1/files/${onB}/from-a.bin:move`, { method: 'POST', headers: { 'if-match': '"1"' }, body: JSON.stringify({ destination: { namespace: onA, path: 'back.bin' }, destinationIfNoneMatch: true }) });
    expect(back.status).toBe(201);
    expect(back.headers.get('etag')).toBe('"1"');
    expect(await back.json()).toMatchObject({ from: { namespace: onB, path: 'from-a.bin', revision: 1, tombstoneRevision: 2 }, to: { namespace: onA, path: 'back.bin', revision: 1, created: true } });
    expect((await fetch(`${http}/v1/files/${onB}/from-a.bin`)).status).toBe(404);
    const got = await fetch(`${http}/v1/files/${onA}/back.bin`);
    expect(createHash('sha256').update(Buffer.from(await got.arrayBuffer())).digest('hex')).toBe(up.sha256);
    // a copy keeps the source; a copy onto an existing file under destinationIfNoneMatch is 412
    const copy = await fetch(`${http}/v1/files/${onA}/back.bin:copy`, { method: 'POST', body: JSON.stringify({ destination: { namespace: onB, path: 'copy.bin' } }) });
    expect(copy.status).toBe(201);
    expect((await fetch(`${http}/v1/files/${onA}/back.bin`)).status).toBe(200);
    const onto = await fetch(`${http}/v1/files/${onA}/back.bin:copy`, { method: 'POST', body: JSON.stringify({ destination: { namespace: onB, path: 'copy.bin' }, destinationIfNoneMatch: true }) });
    expect(onto.status).toBe(412);
    for (const bad of ['', '{}', '{"destination": {"namespace": "x"}}', '{"destination": {"namespace": "../x", "path": "a"}}']) {
      expect((await fetch(`${http}/v1/files/${onA}/back.bin:move`, { method: 'POST', body: bad })).status, bad).toBe(400);
    }
    expect((await fetch(`${http}/v1/files/${onA}/back.bin:rename`, { method: 'POST', body: '{}' })).status).toBe(400);

    // the destination shard refuses to prepare: the tx aborts, and the file stays where it was, whole
    await armFailpoints(`127.0.0.1:${port['metadata-a']}`, 'participant.metadata.prepare.before-prepare-transaction=error@1');
    const refused = await client.moveFile({ from: { namespace: onB, path: 'copy.bin' }, to: { namespace: onA, path: 'never.bin' } }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(TransactionAbortedError);
    expect((await client.stat({ namespace: onB, path: 'copy.bin' })).revision).toBe(1);
    await expect(client.stat({ namespace: onA, path: 'never.bin' })).rejects.toBeInstanceOf(NotFoundError);
    expect((await rowsIn(url['metadata-b'], onB)).filter((r) => r.path === 'copy.bin')).toHaveLength(1);
    // a committed tx is found by its id on any shard: the move's revisions are on both, and the first shard's (its tombstone) answers
    expect(await client.transactionRevision(moved.txId)).toMatchObject({ namespace: onA, path: 'docs/a.bin', deleted: true });
    expect(await client.transactionRevision(up.txId)).toMatchObject({ namespace: onA, path: 'docs/a.bin', revision: 1 });
    await expect(client.transactionRevision('c1-aaaaaaaaaaaaaaaaaaaaa')).rejects.toBeInstanceOf(NotFoundError);
  }, 120_000);
});
