import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinatorOfTxId } from '../../lib/tx-id/tx-id.js';
import { DevSystem } from '../support/dev-system.js';

/**
 * `twophase dev --coordinators 3 --decision-log shared`: three coordinators on one shared
 * log in dev's PostgreSQL, every participant and the gateway given all three. Uploads go
 * through the gateway, which begins them at each coordinator in turn.
 */
let sys: DevSystem;

beforeAll(async () => {
  sys = await DevSystem.start(['--coordinators', '3', '--decision-log', 'shared']);
}, 120_000);

afterAll(async () => {
  await sys?.stop();
});

describe('twophase dev with three coordinators', () => {
  it('runs coordinator-c1…c3, and the gateway begins uploads at each of them; every commit is a row of the shared log written by the one its tx id names', async () => {
    const pids = await sys.pids();
    for (const name of ['coordinator-c1', 'coordinator-c2', 'coordinator-c3']) expect(pids[name], name).toBeGreaterThan(0);
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
});
