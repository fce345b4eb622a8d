import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { awaitRecovery, checkInvariants, checkMoves, PreparedAtLastResource } from '../../chaos/chaos-checker.js';
import type { ChaosTarget } from '../../chaos/chaos-target.js';
import type { Op } from '../../chaos/chaos-workload.js';

/**
 * The checker's judgement of what the commit mode rules in and out, over a scripted
 * target: what its database holds is given, nothing runs.
 */
interface Db {
  revisions: { path: string; revision: string; sha256: string | null; tx_id: string; deleted: boolean }[];
  markers: { tx_id: string; outcome: 'committed' | 'aborted' }[];
  prepared: string[];
  /** The shared decision log's rows (`--decision-log shared`). */
  decisions?: { tx_id: string; decision: 'commit' | 'abort' }[];
}

function target(db: Db): ChaosTarget {
  const query = async (sql: string, params: unknown[] = []): Promise<unknown[]> => {
    if (sql.includes('FROM revisions')) return db.revisions;
    if (sql.includes('FROM tx_markers')) return db.markers.filter((m) => (params[0] as string[]).includes(m.tx_id));
    if (sql.includes('pg_prepared_xacts')) return db.prepared.map((gid) => ({ gid }));
    if (sql.includes('FROM twophase_decisions')) return (db.decisions ?? []).filter((d) => (params[0] as string[]).includes(d.tx_id));
    throw new Error(`unexpected query ${sql}`);
  };
  // GetOutcome goes nowhere: these tests look only at what the data alone shows
  return { http: 'http://127.0.0.1:1', httpFetch: (url: string, init?: RequestInit) => fetch(url, init), objectState: async () => 'present', query } as unknown as ChaosTarget;
}

const upload = (path: string, sha256: string, txId: string): Op => ({ id: 1, kind: 'upload', path, sha256, ifMatch: undefined, status: 201, revision: 1, txId, startedAtMs: 0, endedAtMs: 1 });
const of = (invariant: string, violations: readonly { invariant: string; detail: string }[]) => violations.filter((v) => v.invariant === invariant).map((v) => v.detail);

describe('the chaos checker in either commit mode', () => {
  it('a stored revision whose tx has no committed marker breaks atomicity, in both modes', async () => {
    const db: Db = {
      revisions: [
        { path: 'a', revision: '1', sha256: 'aa', tx_id: 't1', deleted: false },
        { path: 'b', revision: '1', sha256: 'bb', tx_id: 't2', deleted: false },
      ],
      markers: [{ tx_id: 't1', outcome: 'committed' }],
      prepared: [],
    };
    for (const mode of ['two-phase', 'last-resource', undefined] as const) {
      const violations = await checkInvariants(target(db), 'ns', [upload('a', 'aa', 't1'), upload('b', 'bb', 't2')], mode);
      expect(of('atomicity', violations)).toEqual(['b revision 1 is stored, but its tx t2 has no marker']);
    }
    db.markers.push({ tx_id: 't2', outcome: 'aborted' });
    const violations = await checkInvariants(target(db), 'ns', [upload('a', 'aa', 't1'), upload('b', 'bb', 't2')], 'last-resource');
    expect(of('atomicity', violations)).toEqual(['b revision 1 is stored, but its tx t2 has only a marker aborted']);
  });

  it('an aborted marker, which only a last resource writes, breaks two-phase mode and is normal in last-resource mode', async () => {
    const db: Db = { revisions: [{ path: 'a', revision: '1', sha256: 'aa', tx_id: 't1', deleted: false }], markers: [{ tx_id: 't1', outcome: 'committed' }, { tx_id: 't3', outcome: 'aborted' }], prepared: [] };
    const lost: Op = { ...upload('c', 'cc', 't3'), status: 503, revision: undefined };
    const ops = [upload('a', 'aa', 't1'), lost];
    expect(of('commit-mode', await checkInvariants(target(db), 'ns', ops, 'two-phase'))).toEqual([
      "two-phase mode, yet 1 txs have an aborted marker, which only a last resource's compare-and-set writes (t3)",
    ]);
    expect(of('commit-mode', await checkInvariants(target(db), 'ns', ops, 'last-resource'))).toEqual([]);
    // against a deployment the run does not know the mode, and judges nothing by it
    expect(of('commit-mode', await checkInvariants(target(db), 'ns', ops, undefined))).toEqual([]);
  });

  it('with a shared decision log: a stored revision without a commit row, or a commit row without its revision, breaks atomicity', async () => {
    const db: Db = {
      revisions: [
        { path: 'a', revision: '1', sha256: 'aa', tx_id: 't1', deleted: false },
        { path: 'b', revision: '1', sha256: 'bb', tx_id: 't2', deleted: false },
      ],
      markers: [
        { tx_id: 't1', outcome: 'committed' },
        { tx_id: 't2', outcome: 'committed' },
      ],
      prepared: [],
      decisions: [
        { tx_id: 't1', decision: 'commit' },
        { tx_id: 't2', decision: 'abort' },
        { tx_id: 't3', decision: 'commit' },
      ],
    };
    const lost: Op = { ...upload('c', 'cc', 't3'), status: 503, revision: undefined };
    const ops = [upload('a', 'aa', 't1'), upload('b', 'bb', 't2'), lost];
    expect(of('atomicity', await checkInvariants(target(db), 'ns', ops, 'two-phase', 'shared')).filter((d) => d.includes('shared decision log'))).toEqual([
      'b revision 1 is stored, but the shared decision log has only an abort for its tx t2',
      'the shared decision log holds a commit of t3, but no revision of it is stored',
    ]);
    // the file log: the rows are not read
    expect(of('atomicity', await checkInvariants(target(db), 'ns', ops, 'two-phase')).filter((d) => d.includes('shared decision log'))).toEqual([]);
  });

  it('a prepared transaction seen at the last resource at any sample breaks last-resource mode, though it ended before the next', async () => {
    const db: Db = { revisions: [], markers: [], prepared: [] };
    const watch = new PreparedAtLastResource(target(db));
    await watch.sample();
    expect(watch.violations()).toEqual([]);
    db.prepared = ['twophase:metadata:tx1'];
    await watch.sample();
    db.prepared = [];
    await watch.sample();
    expect(watch.violations()).toEqual([
      { invariant: 'commit-mode', detail: 'last-resource mode, yet 1 prepared transactions were seen at the last resource (twophase:metadata:tx1); it must commit one-phase only' },
    ]);
  });

  it('a database that does not answer a sample is looked at again, not judged', async () => {
    const down = { query: async () => Promise.reject(new Error('connection refused')) } as unknown as ChaosTarget;
    const watch = new PreparedAtLastResource(down);
    await watch.sample();
    expect(watch.violations()).toEqual([]);
  });

  it('recovery is not over while the gateway, through which GetOutcome is asked, does not answer', async () => {
    const settled = { query: async () => [], leftoverStaging: async () => '', stats: async () => ({}), extraProcessStats: async () => ({}), httpFetch: (url: string, init?: RequestInit) => fetch(url, init) };
    const down = { ...settled, http: 'http://127.0.0.1:1' } as unknown as ChaosTarget;
    const r = await awaitRecovery(down, 1_200);
    expect(r.violations).toHaveLength(1);
    expect(r.violations[0]?.invariant).toBe('liveness');
    expect(r.violations[0]?.detail).toContain('the gateway does not answer');
    const server = createServer((req, res) => res.writeHead(req.url === '/healthz' ? 200 : 404).end('{}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const up = { ...settled, http: `http://127.0.0.1:${(server.address() as AddressInfo).port}` } as unknown as ChaosTarget;
      expect((await awaitRecovery(up, 5_000)).violations).toEqual([]);
      // with several coordinators, one beside the first still holding a tx is not recovered
      const busy = { ...up, extraProcessStats: async () => ({ 'coordinator-c2': { live_txs: 2 } }) } as unknown as ChaosTarget;
      const r2 = await awaitRecovery(busy, 1_200);
      expect(r2.violations.map((v) => v.detail)).toEqual([expect.stringContaining('2 unfinished txs at coordinator-c2')]);
    } finally {
      server.close();
    }
  });
});

describe('the chaos checker of moves across metadata shards', () => {
  /** Two shards, each its own revisions (namespace → rows) and markers; nothing runs. */
  function sharded(shards: Record<'metadata' | 'metadata-2', { revisions: Record<string, Db['revisions']>; markers: Db['markers'] }>): ChaosTarget {
    const queryShard = async (shard: 'metadata' | 'metadata-2', sql: string, params: unknown[] = []): Promise<unknown[]> => {
      if (sql.includes('FROM revisions')) return shards[shard].revisions[params[0] as string] ?? [];
      if (sql.includes('FROM tx_markers')) return shards[shard].markers.filter((m) => (params[0] as string[]).includes(m.tx_id));
      throw new Error(`unexpected query ${sql}`);
    };
    return { http: 'http://127.0.0.1:1', httpFetch: (url: string, init?: RequestInit) => fetch(url, init), objectState: async () => 'present', metadataShards: ['metadata', 'metadata-2'], queryShard } as unknown as ChaosTarget;
  }
  // 'src' is on shard metadata and 'dst' on metadata-2 (shardOf over the two)
  const [src, dst] = ['src-1', 'dst-2'];
  const move = (path: string, sha256: string, txId: string, status = 200): Op => ({ id: 2, kind: 'move', path, sha256, toNamespace: dst, ifMatch: 1, status, revision: status === 200 ? 1 : undefined, txId, startedAtMs: 0, endedAtMs: 1 });
  const row = (path: string, revision: number, sha256: string | null, txId: string) => ({ path, revision: String(revision), sha256, tx_id: txId, deleted: sha256 === null });

  it('a file moved whole is clean; one in both namespaces, in neither, or acknowledged but left behind breaks atomicity or durability', async () => {
    const { shardOf } = await import('../../lib/shard-map/shard-map.js');
    expect([shardOf(src, ['metadata', 'metadata-2']), shardOf(dst, ['metadata', 'metadata-2'])]).toEqual(['metadata', 'metadata-2']);
    const clean = sharded({
      metadata: { revisions: { [src]: [row('a', 1, 'aa', 'u1'), row('a', 2, null, 'm1')] }, markers: [] },
      'metadata-2': { revisions: { [dst]: [row('a', 1, 'aa', 'm1')] }, markers: [{ tx_id: 'm1', outcome: 'committed' }] },
    });
    expect(await checkMoves(clean, src, dst, [upload('a', 'aa', 'u1'), move('a', 'aa', 'm1')])).toEqual([]);

    const both = sharded({
      metadata: { revisions: { [src]: [row('a', 1, 'aa', 'u1')] }, markers: [] },
      'metadata-2': { revisions: { [dst]: [row('a', 1, 'aa', 'm1')] }, markers: [{ tx_id: 'm1', outcome: 'committed' }] },
    });
    expect(of('atomicity', await checkMoves(both, src, dst, [move('a', 'aa', 'm1')]))).toEqual([`a (move, status 200, tx m1) is in both ${src} and ${dst}`]);

    const neither = sharded({ metadata: { revisions: { [src]: [row('a', 1, 'aa', 'u1'), row('a', 2, null, 'm1')] }, markers: [] }, 'metadata-2': { revisions: {}, markers: [] } });
    expect(of('atomicity', await checkMoves(neither, src, dst, [move('a', 'aa', 'm1')]))).toEqual([`a (move, status 200, tx m1) is in neither ${src} nor ${dst}`]);

    const behind = sharded({ metadata: { revisions: { [src]: [row('a', 1, 'aa', 'u1')] }, markers: [] }, 'metadata-2': { revisions: {}, markers: [] } });
    expect(of('durability', await checkMoves(behind, src, dst, [move('a', 'aa', 'm1')]))).toEqual([`the move of a was acknowledged (tx m1) but the file is still in ${src}`]);

    // a namespace's revisions on the other shard, and a destination revision without its marker
    const astray = sharded({
      metadata: { revisions: { [src]: [row('a', 1, 'aa', 'u1'), row('a', 2, null, 'm1')], [dst]: [row('x', 1, 'xx', 'm9')] }, markers: [] },
      'metadata-2': { revisions: { [dst]: [row('a', 1, 'aa', 'm1')] }, markers: [] },
    });
    expect(of('atomicity', await checkMoves(astray, src, dst, [move('a', 'aa', 'm1')]))).toEqual([
      `namespace ${dst} belongs to shard metadata-2, yet 1 of its revisions are at metadata`,
      `${dst}/a revision 1 is stored, but its tx m1 has no committed marker at metadata-2`,
    ]);
  });
});
