import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminStats } from '../support/admin-stats.js';
import { DevSystem } from '../support/dev-system.js';

/**
 * `twophase dev --commit-mode last-resource`: every process real, the metadata participant
 * (PostgreSQL) the last resource. Uploads go through the HTTP gateway; what each process did
 * is read from its Admin counters and from the database.
 */
let sys: DevSystem;

beforeAll(async () => {
  sys = await DevSystem.start(['--commit-mode', 'last-resource', '--admin']);
}, 120_000);

afterAll(async () => {
  await sys?.stop();
});

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Calls of `kind` a participant served over its Link. */
async function served(address: string, kind: string): Promise<number> {
  return (await adminStats(address))[`twophase_link_calls_served_total{kind="${kind}"}`] ?? 0;
}

async function markerOf(txId: string): Promise<{ participant_id: string; outcome: string }[]> {
  // a tx id is URL-safe base64 (checked here), so it may be written into the statement
  expect(txId).toMatch(/^[A-Za-z0-9_-]+$/);
  return sys.query<{ participant_id: string; outcome: string }>(`SELECT participant_id, outcome FROM tx_markers WHERE tx_id = '${txId}'`);
}

describe('twophase dev in last-resource mode', () => {
  it('an upload commits with the metadata participant committing one-phase (its marker committed, never prepared), and reads back', async () => {
    const [blobPreparesBefore, onePhaseBefore] = await Promise.all([served(sys.blob, 'prepare'), served(sys.metadata, 'commitOnePhase')]);
    const content = randomBytes(50_000);
    const put = await fetch(`${sys.http}/v1/files/lr/docs/a.bin`, { method: 'PUT', body: new Uint8Array(content), headers: { 'content-type': 'application/x-test' } });
    expect(put.status).toBe(201);
    expect(put.headers.get('etag')).toBe('"1"');
    const body = (await put.json()) as { txId: string; revision: number; sha256: string };
    expect(body).toMatchObject({ revision: 1, sha256: sha(content) });

    const got = await fetch(`${sys.http}/v1/files/lr/docs/a.bin`);
    expect(got.status).toBe(200);
    expect(got.headers.get('etag')).toBe('"1"');
    expect(Buffer.from(await got.arrayBuffer()).equals(content)).toBe(true);

    expect(await markerOf(body.txId)).toEqual([{ participant_id: 'metadata', outcome: 'committed' }]);
    expect(await sys.query('SELECT gid FROM pg_prepared_xacts')).toEqual([]);
    expect(await served(sys.metadata, 'commitOnePhase')).toBe(onePhaseBefore + 1);
    expect(await served(sys.metadata, 'prepare')).toBe(0);
    expect(await served(sys.blob, 'prepare')).toBe(blobPreparesBefore + 1);
  });

  it('a second revision commits the same way, and an If-Match of the first is then refused with 412', async () => {
    const first = await fetch(`${sys.http}/v1/files/lr/b.txt`, { method: 'PUT', body: 'one' });
    expect(first.status).toBe(201);
    const second = await fetch(`${sys.http}/v1/files/lr/b.txt`, { method: 'PUT', body: 'two', headers: { 'if-match': '"1"' } });
    expect(second.status).toBe(200);
    expect(second.headers.get('etag')).toBe('"2"');
    const { txId } = (await second.json()) as { txId: string };
    expect(await markerOf(txId)).toEqual([{ participant_id: 'metadata', outcome: 'committed' }]);
    const stale = await fetch(`${sys.http}/v1/files/lr/b.txt`, { method: 'PUT', body: 'three', headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(412);
    expect(await (await fetch(`${sys.http}/v1/files/lr/b.txt`)).text()).toBe('two');
    const revisions = (await (await fetch(`${sys.http}/v1/files/lr/b.txt?revisions`)).json()) as { revisions: { revision: number }[] };
    expect(revisions.revisions.map((r) => r.revision).sort()).toEqual([1, 2]);
  });
});
