import pg from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import { PostgresDecisionLog } from '../../coordinator/log/postgres-decision-log.js';
import { DecisionTakenError, LogClosedError } from '../../coordinator/log/log-errors.js';
import type { CommitRecord } from '../../coordinator/protocol/log-record.js';
import { FaultProxy } from '../../lib/fault-proxy/fault-proxy.js';
import { silentLogger } from '../../lib/logger/logger.js';
import { newTxId } from '../../lib/tx-id/tx-id.js';
import { postgresFixture } from '../support/postgres-fixture.js';

/** A real PostgreSQL: the shared decision log's only store. */
const postgres = postgresFixture();

function openLog(databaseUrl: string, coordinatorId: string, options: { connectionsMax?: number } = {}): PostgresDecisionLog {
  const log = new PostgresDecisionLog({ databaseUrl, coordinatorId, logger: silentLogger(), ...options });
  onTestFinished(() => log.close());
  return log;
}

/** A fresh database, and the logs of two coordinators on it, c1 (the owner of the txs) and c2, open. */
async function twoCoordinators(): Promise<{ url: string; owner: PostgresDecisionLog; other: PostgresDecisionLog }> {
  const url = await postgres.freshDatabase();
  const owner = openLog(url, 'c1');
  const other = openLog(url, 'c2');
  await owner.open();
  await other.open();
  return { url, owner, other };
}

function commit(txId: string, participants: readonly string[] = ['blob', 'metadata']): CommitRecord {
  return { kind: 'commit', txId, participants, decidedAtMs: Date.now() };
}

async function rowsOf(url: string): Promise<{ tx_id: string; decision: string; decided_by: string; ended: boolean }[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    const { rows } = await client.query<{ tx_id: string; decision: string; decided_by: string; ended: boolean }>(
      'SELECT tx_id, decision, decided_by, ended_at_ms IS NOT NULL AS ended FROM twophase_decisions ORDER BY tx_id',
    );
    return rows;
  } finally {
    await client.end();
  }
}

describe('PostgresDecisionLog (a real PostgreSQL)', () => {
  it('group-commits concurrent commit records, replays a coordinator\'s own commits without an end, and only its own', async () => {
    const url = await postgres.freshDatabase();
    const log = openLog(url, 'c1', { connectionsMax: 1 });
    expect(await log.open()).toEqual({ records: [], truncatedBytes: 0 });
    const txIds = Array.from({ length: 50 }, () => newTxId());
    await Promise.all(txIds.map((txId) => log.append(commit(txId), { sync: true })));
    const stats = log.stats();
    expect(stats.appends).toBe(50);
    expect(stats.syncedCommits).toBe(50);
    // 50 appends in one turn on one connection: the first batch takes one, the next all the rest
    expect(stats.syncs).toBeLessThanOrEqual(2);
    for (const txId of txIds.slice(0, 20)) await log.append({ kind: 'end', txId }, { sync: false });
    await log.close();

    const again = openLog(url, 'c1');
    const replay = await again.open();
    expect(replay.records.map((r) => r.txId).sort()).toEqual(txIds.slice(20).sort());
    expect(replay.records.every((r) => r.kind === 'commit' && r.participants.join() === 'blob,metadata')).toBe(true);
    const other = openLog(url, 'c2');
    expect((await other.open()).records, 'another coordinator re-drives none of c1\'s commits').toEqual([]);
    const rows = await rowsOf(url);
    expect(rows).toHaveLength(50);
    expect(rows.filter((r) => r.ended)).toHaveLength(20);
    expect(new Set(rows.map((r) => `${r.decision} ${r.decided_by}`))).toEqual(new Set(['commit c1']));
  });

  it('settle of an undecided tx inserts an abort, and a later commit of it is refused (DecisionTakenError) and writes nothing', async () => {
    const { url, owner, other } = await twoCoordinators();
    const txId = newTxId();
    expect(await other.settle(txId)).toBe('aborted');
    expect(await other.settle(txId), 'asked again: the same answer').toBe('aborted');
    await expect(owner.append(commit(txId), { sync: true })).rejects.toBeInstanceOf(DecisionTakenError);
    expect(await rowsOf(url)).toEqual([{ tx_id: txId, decision: 'abort', decided_by: 'c2', ended: false }]);
    expect((await openLog(url, 'c1').open()).records).toEqual([]);
  });

  it('coordinators that open at once on a new database all make (or find) the table: none fails on the race to create it', async () => {
    const url = await postgres.freshDatabase();
    const logs = Array.from({ length: 6 }, (_, i) => openLog(url, `c${i + 1}`));
    const opened = await Promise.allSettled(logs.map((log) => log.open()));
    expect(opened.filter((o) => o.status === 'rejected')).toEqual([]);
    await logs[0]!.append(commit(newTxId()), { sync: true });
    expect(await rowsOf(url)).toHaveLength(1);
  });

  it('settle of a committed tx answers committed and changes nothing', async () => {
    const { url, owner, other } = await twoCoordinators();
    const txId = newTxId();
    await owner.append(commit(txId), { sync: true });
    expect(await other.settle(txId)).toBe('committed');
    expect(await rowsOf(url)).toEqual([{ tx_id: txId, decision: 'commit', decided_by: 'c1', ended: false }]);
  });

  it('racing a commit against a settle of the same tx, 300 times: each tx has one decision, and both sides hear it', async () => {
    const { url, owner, other } = await twoCoordinators();
    const txIds = Array.from({ length: 300 }, () => newTxId());
    const tryCommit = (txId: string): Promise<boolean> =>
      owner.append(commit(txId), { sync: true }).then(
        () => true,
        (err: unknown) => (err instanceof DecisionTakenError ? false : Promise.reject(err)),
      );
    const results = await Promise.all(
      txIds.map(async (txId, i) => {
        // both in flight together; which is sent first alternates
        let committed: Promise<boolean>;
        let settled: Promise<'committed' | 'aborted'>;
        if (i % 2 === 0) {
          committed = tryCommit(txId);
          settled = other.settle(txId);
        } else {
          settled = other.settle(txId);
          committed = tryCommit(txId);
        }
        return { txId, committed: await committed, settled: await settled };
      }),
    );
    const rows = new Map((await rowsOf(url)).map((r) => [r.tx_id, r.decision]));
    for (const { txId, committed, settled } of results) {
      expect(settled, `tx ${txId}: the settle heard what the commit did`).toBe(committed ? 'committed' : 'aborted');
      expect(rows.get(txId), `tx ${txId}: its one row`).toBe(committed ? 'commit' : 'abort');
    }
    expect(rows.size).toBe(300);
    // the race is real: with 300 of them, both orders happen
    const commits = results.filter((r) => r.committed).length;
    expect(commits).toBeGreaterThan(0);
    expect(commits).toBeLessThan(300);
  });

  it('refuses to open on a database with synchronous_commit off, naming the setting', async () => {
    const url = await postgres.freshDatabase();
    const client = new pg.Client(url);
    await client.connect();
    await client.query(`ALTER DATABASE ${new URL(url).pathname.slice(1)} SET synchronous_commit = off`);
    await client.end();
    await expect(openLog(url, 'c1').open()).rejects.toThrow(/synchronous_commit = off/);
  });

  it('a commit sent while the database is unreachable is written once it is back, and resolves then', async () => {
    const url = await postgres.freshDatabase();
    const target = new URL(url);
    const proxy = new FaultProxy({ name: 'coordinator->postgres', targetHost: target.hostname, targetPort: Number(target.port) });
    const port = await proxy.start();
    onTestFinished(() => proxy.stop());
    const viaProxy = new URL(url);
    viaProxy.port = String(port);
    const log = openLog(viaProxy.toString(), 'c1');
    await log.open();
    const txId = newTxId();
    // every connection reset, new ones refused: the database is gone
    proxy.partition('both');
    proxy.dropConnections();
    let resolved = false;
    const appended = log.append(commit(txId), { sync: true }).then(() => (resolved = true));
    await new Promise((r) => setTimeout(r, 500));
    expect(resolved).toBe(false);
    expect(await rowsOf(url)).toEqual([]);
    proxy.heal();
    await appended;
    expect(await rowsOf(url)).toEqual([{ tx_id: txId, decision: 'commit', decided_by: 'c1', ended: false }]);
  });

  it('a commit insert that an earlier process of the same coordinator id left on the server can never land after the next process replays: open ends that connection first', async () => {
    // found by the simulator (npm run sim -- --decision-log shared, seeds 352 and 459): a
    // killed coordinator's insert landed after its next process had replayed the log, a
    // commit row that no coordinator re-drove or marked ended
    const url = await postgres.freshDatabase();
    const first = openLog(url, 'c1');
    await first.open();
    await first.close();
    const txId = newTxId();
    const connect = async (applicationName: string): Promise<pg.Client> => {
      const client = new pg.Client({ connectionString: url, application_name: applicationName });
      client.on('error', () => undefined);
      await client.connect();
      onTestFinished(() => client.end().catch(() => undefined));
      return client;
    };
    // the earlier process's commit insert, on a connection named as PostgresDecisionLog names
    // them, not committed yet (its COMMIT, had the process lived, would come later)
    const earlier = await connect('twophase-coordinator-c1');
    await earlier.query('BEGIN');
    await earlier.query(`INSERT INTO twophase_decisions (tx_id, decision, participants, decided_at_ms, decided_by) VALUES ($1, 'commit', '["blob"]', 0, 'c1') ON CONFLICT (tx_id) DO NOTHING`, [txId]);
    const next = openLog(url, 'c1');
    expect((await next.open()).records).toEqual([]);
    await expect(earlier.query('COMMIT'), 'its backend was ended: the insert rolled back').rejects.toThrow();
    expect(await rowsOf(url)).toEqual([]);
    expect(await next.settle(txId)).toBe('aborted');
    // an operator's tool opening with the same id ends nothing of a running coordinator's
    const watcher = await connect('twophase-coordinator-c2');
    const tool = new PostgresDecisionLog({ databaseUrl: url, coordinatorId: 'c2', logger: silentLogger(), createSchema: false });
    onTestFinished(() => tool.close());
    await tool.open();
    expect((await watcher.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('after close, appends and settles are refused with LogClosedError', async () => {
    const url = await postgres.freshDatabase();
    const log = openLog(url, 'c1');
    await log.open();
    await log.close();
    await expect(log.append(commit(newTxId()), { sync: true })).rejects.toBeInstanceOf(LogClosedError);
    await expect(log.settle(newTxId())).rejects.toBeInstanceOf(LogClosedError);
  });
});
