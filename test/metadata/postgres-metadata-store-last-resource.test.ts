import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { arm, disarmAll, FailpointError } from '../../lib/failpoints/failpoints.js';
import { silentLogger } from '../../lib/logger/logger.js';
import { newTxId } from '../../lib/tx-id/tx-id.js';
import { applyMigrations } from '../../participant/metadata/apply-migrations.js';
import { BranchPreparedError } from '../../participant/metadata/branch-prepared-error.js';
import { metadataMigrations } from '../../participant/metadata/metadata-migrations.js';
import { BranchNotCommittedError, NotFoundError, TxNotActiveError } from '../../participant/participant-errors.js';
import { postgresFixture } from '../support/postgres-fixture.js';
import { fileContent } from './file-content.js';
import { inspectDatabase, type DatabaseInspector } from './inspect-database.js';
import { startStore } from './start-store.js';

const postgres = postgresFixture();
const ns = 'last';
const hello = fileContent('hello');
const world = fileContent('world');

afterEach(() => disarmAll());

/** The marker rows, and for an aborted one whether its retention has begun (committed markers are stamped by the next sweep, which may run at any time). */
async function markers(db: DatabaseInspector): Promise<{ tx_id: string; outcome: string; stamped?: boolean }[]> {
  const rows = await db.rows<{ tx_id: string; outcome: string; stamped: boolean }>(
    'SELECT tx_id, outcome, committed_at IS NOT NULL AS stamped FROM tx_markers ORDER BY tx_id',
  );
  return rows.map((r) => (r.outcome === 'aborted' ? r : { tx_id: r.tx_id, outcome: r.outcome }));
}

describe('PostgresMetadataStore as the last resource', () => {
  it('a one-phase commit is one statement, the COMMIT of the branch: its writes and its marker (committed) show together, and nothing is prepared', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    const db = await inspectDatabase(url);
    const txId = newTxId();
    await store.stageRevision(txId, { namespace: ns, path: 'a', ...hello });
    await store.stageRevision(txId, { namespace: ns, path: 'b', ...world });
    expect(await markers(db)).toEqual([]);

    const sent = vi.spyOn(pg.Client.prototype, 'query');
    const outcome = await store.commitOnePhase(txId, ['blob', 'metadata']);
    const statements = sent.mock.calls.map(([text]) => text);
    sent.mockRestore();

    expect(outcome).toBe('committed');
    expect(statements).toEqual(['COMMIT']);
    expect(await store.getFile(ns, 'a')).toMatchObject({ revision: 1, ...hello, txId });
    expect(await store.getFile(ns, 'b')).toMatchObject({ revision: 1, ...world, txId });
    expect(await markers(db)).toEqual([{ tx_id: txId, outcome: 'committed' }]);
    expect(await db.counts()).toEqual({ files: 2, revisions: 2, markers: 1, prepared: 0 });
  });

  it('a resolve after a one-phase commit says committed and writes nothing; a repeated one-phase commit says committed too', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    const db = await inspectDatabase(url);
    const txId = newTxId();
    await store.stageRevision(txId, { namespace: ns, path: 'a', ...hello });
    expect(await store.commitOnePhase(txId, ['metadata'])).toBe('committed');

    expect(await store.resolveOutcome(txId)).toBe('committed');
    expect(await store.commitOnePhase(txId, ['metadata'])).toBe('committed');
    expect(await markers(db)).toEqual([{ tx_id: txId, outcome: 'committed' }]);
    // a late write of the tx cannot open a second branch
    await expect(store.stageRevision(txId, { namespace: ns, path: 'late', ...world })).rejects.toBeInstanceOf(TxNotActiveError);
  });

  it('a resolve of an open branch rolls it back and decides aborted: its row lock goes, a later one-phase commit says aborted, a late write is refused', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url, { lockTimeoutMs: 200 });
    const db = await inspectDatabase(url);
    const txId = newTxId();
    await store.stageRevision(txId, { namespace: ns, path: 'a', ...hello });

    expect(await store.resolveOutcome(txId)).toBe('aborted');
    expect(await markers(db)).toEqual([{ tx_id: txId, outcome: 'aborted', stamped: true }]);
    expect(await db.counts()).toMatchObject({ files: 0, revisions: 0, prepared: 0 });
    expect(await db.rows("SELECT 1 FROM pg_stat_activity WHERE state = 'idle in transaction'")).toEqual([]);
    const other = newTxId();
    expect(await store.stageRevision(other, { namespace: ns, path: 'a', ...world })).toEqual({ revision: 1, created: true });

    expect(await store.commitOnePhase(txId, ['metadata'])).toBe('aborted');
    await expect(store.stageRevision(txId, { namespace: ns, path: 'b', ...hello })).rejects.toBeInstanceOf(TxNotActiveError);
    expect(await store.resolveOutcome(txId)).toBe('aborted');
    expect(await db.counts()).toMatchObject({ files: 0, revisions: 0, markers: 1 });
  });

  it('a resolve of a tx never seen here decides aborted by writing the marker; that marker verifies no two-phase commit', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    const db = await inspectDatabase(url);
    const txId = newTxId();

    expect(await store.resolveOutcome(txId)).toBe('aborted');
    expect(await markers(db)).toEqual([{ tx_id: txId, outcome: 'aborted', stamped: true }]);
    expect(await store.resolveOutcome(txId)).toBe('aborted');
    expect(await store.commitOnePhase(txId, ['metadata'])).toBe('aborted');
    // a Commit of a forgotten branch is verified by a committed marker only
    await expect(store.commit(txId)).rejects.toBeInstanceOf(BranchNotCommittedError);
    expect(await db.counts()).toEqual({ files: 0, revisions: 0, markers: 1, prepared: 0 });
  });

  it.each(['read committed', 'serializable'])(
    'a resolve waits for a transaction that holds the marker key, then reports who won: committed after its COMMIT, aborted after its ROLLBACK (server default %s)',
    async (isolation) => {
      const url = await postgres.freshDatabase();
      const setup = await inspectDatabase(url);
      await setup.rows(`ALTER DATABASE ${new URL(url).pathname.slice(1)} SET default_transaction_isolation = '${isolation}'`);
      const store = await startStore(url);
      const db = await inspectDatabase(url);
      for (const ending of ['COMMIT', 'ROLLBACK'] as const) {
        const txId = newTxId();
        // another process's branch: its marker went in with its first write, its COMMIT not yet
        const holder = new pg.Client({ connectionString: url });
        holder.on('error', () => undefined);
        await holder.connect();
        onTestFinished(() => holder.end().catch(() => undefined));
        await holder.query('BEGIN');
        await holder.query("INSERT INTO tx_markers (tx_id, participant_id) VALUES ($1, 'metadata')", [txId]);

        let settled = false;
        const resolved = store.resolveOutcome(txId).finally(() => {
          settled = true;
        });
        await db.waitForLockWaiters(1);
        await sleep(100);
        expect(settled).toBe(false);
        await holder.query(ending);

        expect(await resolved).toBe(ending === 'COMMIT' ? 'committed' : 'aborted');
        expect((await markers(db)).find((m) => m.tx_id === txId)?.outcome).toBe(ending === 'COMMIT' ? 'committed' : 'aborted');
      }
    },
  );

  it('a resolve from a second process while a one-phase commit is in flight waits for its COMMIT and reports committed', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    const resolver = await startStore(url);
    const db = await inspectDatabase(url);
    const txId = newTxId();
    await store.stageRevision(txId, { namespace: ns, path: 'a', ...hello });
    arm('participant.metadata.commit-one-phase.before-commit', { kind: 'delay', ms: 3_000 });

    const committing = store.commitOnePhase(txId, ['metadata']);
    const resolved = resolver.resolveOutcome(txId);
    // the compare-and-set's insert waits on the branch, which holds the marker key
    await db.waitForLockWaiters(1);

    expect(await committing).toBe('committed');
    expect(await resolved).toBe('committed');
    expect(await store.getFile(ns, 'a')).toMatchObject({ revision: 1, txId });
    expect(await markers(db)).toEqual([{ tx_id: txId, outcome: 'committed' }]);
  });

  it('a failure right after the one-phase COMMIT loses only the answer: a resolve says committed', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    const txId = newTxId();
    await store.stageRevision(txId, { namespace: ns, path: 'a', ...hello });
    arm('participant.metadata.commit-one-phase.after-commit', { kind: 'error' });

    await expect(store.commitOnePhase(txId, ['metadata'])).rejects.toBeInstanceOf(FailpointError);
    disarmAll();
    expect(await store.resolveOutcome(txId)).toBe('committed');
    expect(await store.getFile(ns, 'a')).toMatchObject({ revision: 1, txId });
  });

  it('a failure before the one-phase COMMIT leaves the branch open; the resolve that follows rolls it back and says aborted', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    const db = await inspectDatabase(url);
    const txId = newTxId();
    await store.stageRevision(txId, { namespace: ns, path: 'a', ...hello });
    arm('participant.metadata.commit-one-phase.before-commit', { kind: 'error' });

    await expect(store.commitOnePhase(txId, ['metadata'])).rejects.toBeInstanceOf(FailpointError);
    expect(await db.rows("SELECT 1 FROM pg_stat_activity WHERE state = 'idle in transaction'")).toHaveLength(1);
    expect(await store.resolveOutcome(txId)).toBe('aborted');
    await expect(store.getFile(ns, 'a')).rejects.toBeInstanceOf(NotFoundError);
    expect(await markers(db)).toEqual([{ tx_id: txId, outcome: 'aborted', stamped: true }]);
  });

  it('a one-phase commit whose session was killed before its COMMIT does not commit, and a resolve says aborted', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    const db = await inspectDatabase(url);
    const txId = newTxId();
    await store.stageRevision(txId, { namespace: ns, path: 'a', ...hello });
    arm('participant.metadata.commit-one-phase.before-commit', { kind: 'delay', ms: 500 });

    const committing = store.commitOnePhase(txId, ['metadata']).catch((err: unknown) => err);
    await db.rows("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'");
    // the lost session shows either at the COMMIT (its answer lost: unknown) or, noticed first, as no branch to commit
    const outcome = await committing;
    expect(outcome === 'aborted' || outcome instanceof Error).toBe(true);
    expect(await store.resolveOutcome(txId)).toBe('aborted');
    expect(await db.counts()).toMatchObject({ files: 0, revisions: 0, markers: 1 });
  });

  it('a branch prepared under two-phase commit is neither resolved nor committed one-phase: BranchPreparedError, and it stays prepared for the decision', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    const db = await inspectDatabase(url);
    const txId = newTxId();
    await store.stageRevision(txId, { namespace: ns, path: 'a', ...hello });
    expect(await store.prepare(txId)).toEqual({ vote: 'yes' });

    await expect(store.resolveOutcome(txId)).rejects.toBeInstanceOf(BranchPreparedError);
    await expect(store.commitOnePhase(txId, ['metadata'])).rejects.toBeInstanceOf(BranchPreparedError);
    expect(await db.counts()).toEqual({ files: 0, revisions: 0, markers: 0, prepared: 1 });
    expect(await store.commit(txId)).toEqual({ alreadyCommitted: false });
    expect(await store.resolveOutcome(txId)).toBe('committed');
  });

  it('an aborted marker is kept for the retention, counted from the compare-and-set, and then swept', async () => {
    const retentionMs = 300;
    const url = await postgres.freshDatabase();
    const store = await startStore(url, { markerRetentionMs: retentionMs, markerSweepIntervalMs: 3_600_000 });
    const db = await inspectDatabase(url);
    const txId = newTxId();
    expect(await store.resolveOutcome(txId)).toBe('aborted');
    expect(await markers(db)).toEqual([{ tx_id: txId, outcome: 'aborted', stamped: true }]);

    expect(await store.sweepExpiredMarkers()).toBe(0);
    await sleep(2 * retentionMs);
    expect(await store.sweepExpiredMarkers()).toBe(1);
    expect(await markers(db)).toEqual([]);
  });

  it('migration 4 upgrades a schema at version 3: its markers read as committed and still verify commits, and the compare-and-set runs on it', async () => {
    const url = await postgres.freshDatabase();
    const pool = new pg.Pool({ connectionString: url });
    pool.on('error', () => undefined);
    onTestFinished(() => pool.end());
    expect(await applyMigrations(pool, metadataMigrations.slice(0, 3), silentLogger())).toEqual([1, 2, 3]);
    // a branch committed under the old schema, the way that version wrote it
    const old = newTxId();
    const gid = `twophase:metadata:${old}`;
    const client = await pool.connect();
    await client.query('BEGIN');
    await client.query('SELECT twophase_open_branch($1, $2, $3)', [old, 'metadata', gid]);
    await client.query('SELECT * FROM twophase_write($1, $2, $3, $4, $5, $6, NULL, false)', [ns, 'a', old, hello.sha256, hello.size, hello.contentType]);
    await client.query(`PREPARE TRANSACTION '${gid}'`);
    await client.query(`COMMIT PREPARED '${gid}'`);
    client.release();

    const store = await startStore(url);
    const db = await inspectDatabase(url);
    expect((await db.rows<{ version: number }>('SELECT max(version) AS version FROM schema_migrations'))[0]?.version).toBe(metadataMigrations.at(-1)?.version);
    expect(await markers(db)).toEqual([{ tx_id: old, outcome: 'committed' }]);
    expect(await store.commit(old)).toEqual({ alreadyCommitted: true });
    expect(await store.resolveOutcome(old)).toBe('committed');
    const fresh = newTxId();
    expect(await store.resolveOutcome(fresh)).toBe('aborted');
    await expect(db.rows("UPDATE tx_markers SET outcome = 'maybe' WHERE tx_id = $1", [fresh])).rejects.toThrow(/check constraint/);
  });
});
