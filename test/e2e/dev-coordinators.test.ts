import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinatorOfTxId } from '../../lib/tx-id/tx-id.js';
import { shardOf } from '../../lib/shard-map/shard-map.js';
import { DevSystem } from '../support/dev-system.js';

/**
 * `twophase dev --coordinators 3 --metadata-shards 2 --decision-log shared`: three
 * coordinators on one shared log in dev's PostgreSQL, two metadata shards on two of its
 * databases, every participant and the gateway given all three coordinators. Uploads go
 * through the gateway, which begins them at each coordinator in turn.
 */
let sys: DevSystem;
const shards = ['metadata', 'metadata-2'];

beforeAll(async () => {
  sys = await DevSystem.start(['--coordinators', '3', '--metadata-shards', '2', '--decision-log', 'shared']);
}, 120_000);

afterAll(async () => {
  await sys?.stop();
});

/** A namespace on the given shard. */
function namespaceOn(shard: string): string {
  for (let i = 0; ; i++) if (shardOf(`ns${i}`, shards) === shard) return `ns${i}`;
}

describe('twophase dev with three coordinators and two metadata shards', () => {
  it('runs coordinator-c1…c3, and the gateway begins uploads at each of them; every commit is a row of the shared log written by the one its tx id names', async () => {
    const pids = await sys.pids();
    for (const name of ['coordinator-c1', 'coordinator-c2', 'coordinator-c3', 'metadata', 'metadata-2']) expect(pids[name], name).toBeGreaterThan(0);
    expect(pids.coordinator).toBeUndefined();
    const txIds: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${sys.http}/v1/files/many/f${i}.bin`, { method: 'PUT', body: new Uint8Array(randomBytes(300)) });
      expect(res.status).toBe(201);
      txIds.push(((await res.json()) as { txId: string }).txId);
    }
    expect(new Set(txIds.map(coordinatorOfTxId))).toEqual(new Set(['c1', 'c2', 'c3']));
    const rows = await sys.query<{ tx_id: string; decision: string; decided_by: string }>(`SELECT tx_id, decision, decided_by FROM twophase_decisions`);
    for (const txId of txIds) expect(rows.find((r) => r.tx_id === txId)).toMatchObject({ decision: 'commit', decided_by: coordinatorOfTxId(txId) });
  });

  it('puts each namespace on its shard\'s database, and moves a file from one shard to the other in one tx', async () => {
    const [onFirst, onSecond] = [namespaceOn('metadata'), namespaceOn('metadata-2')];
    expect((await fetch(`${sys.http}/v1/files/${onFirst}/a.txt`, { method: 'PUT', body: 'moved' })).status).toBe(201);
    const moved = await fetch(`${sys.http}/v1/files/${onFirst}/a.txt:move`, { method: 'POST', body: JSON.stringify({ destination: { namespace: onSecond, path: 'a.txt' } }) });
    expect(moved.status).toBe(201);
    expect(await (await fetch(`${sys.http}/v1/files/${onSecond}/a.txt`)).text()).toBe('moved');
    expect((await fetch(`${sys.http}/v1/files/${onFirst}/a.txt`)).status).toBe(404);
    const first = await sys.query<{ namespace: string; deleted: boolean }>(`SELECT namespace, deleted FROM revisions WHERE namespace IN ('${onFirst}', '${onSecond}') ORDER BY revision`);
    expect(first).toEqual([
      { namespace: onFirst, deleted: false },
      { namespace: onFirst, deleted: true },
    ]);
    const second = await sys.query<{ namespace: string; deleted: boolean }>(`SELECT namespace, deleted FROM revisions WHERE namespace IN ('${onFirst}', '${onSecond}')`, 'twophase_metadata_2');
    expect(second).toEqual([{ namespace: onSecond, deleted: false }]);
  });
});
