import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { newTxId } from '../../lib/tx-id/tx-id.js';
import { BranchNotCommittedError, LimitExceededError, NotFoundError, PreconditionFailedError, TxNotActiveError } from '../../participant/participant-errors.js';
import { MetadataUnavailableError } from '../../participant/metadata/metadata-unavailable-error.js';
import { PostgresMetadataStore } from '../../participant/metadata/postgres-metadata-store.js';
import { metadataMigrations } from '../../participant/metadata/metadata-migrations.js';
import { silentLogger } from '../../lib/logger/logger.js';
import { postgresFixture } from '../support/postgres-fixture.js';
import { fileContent } from './file-content.js';
import { inspectDatabase } from './inspect-database.js';
import { startStore } from './start-store.js';

const postgres = postgresFixture();
const ns = 'alice';
const hello = fileContent('hello');
const world = fileContent('world');

describe('PostgresMetadataStore two-phase commit', () => {
  it('a staged revision is invisible until commit, also while prepared, and visible once committed', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    const db = await inspectDatabase(url);
    const txId = newTxId();

    expect(await store.stageRevision(txId, { namespace: ns, path: 'docs/a.txt', ...hello })).toEqual({ revision: 1, created: true });
    await expect(store.getFile(ns, 'docs/a.txt')).rejects.toBeInstanceOf(NotFoundError);
    expect(await store.prepare(txId)).toEqual({ vote: 'yes' });
    await expect(store.getFile(ns, 'docs/a.txt')).rejects.toBeInstanceOf(NotFoundError);
    expect((await store.listFiles(ns, '', 10, '')).items).toEqual([]);
    expect(await db.counts()).toEqual({ files: 0, revisions: 0, markers: 0, prepared: 1 });

    expect(await store.commit(txId)).toEqual({ alreadyCommitted: false });
    expect(await store.getFile(ns, 'docs/a.txt')).toMatchObject({ namespace: ns, path: 'docs/a.txt', revision: 1, ...hello, txId, deleted: false });
    expect(await db.counts()).toEqual({ files: 1, revisions: 1, markers: 1, prepared: 0 });
  });

  it('an aborted prepared branch leaves no trace: no revision, no file row, no marker, no prepared transaction', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    const db = await inspectDatabase(url);
    const txId = newTxId();
    await store.stageRevision(txId, { namespace: ns, path: 'a', ...hello });
    expect(await store.prepare(txId)).toEqual({ vote: 'yes' });

    expect(await store.abort(txId)).toEqual({ alreadyAborted: false });
    expect(await db.counts()).toEqual({ files: 0, revisions: 0, markers: 0, prepared: 0 });
    await expect(store.getFile(ns, 'a')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('an aborted open branch rolls back and releases its row lock at once', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url, { lockTimeoutMs: 200 });
    const db = await inspectDatabase(url);
    const first = newTxId();
    await store.stageRevision(first, { namespace: ns, path: 'a', ...hello });
    expect(await store.abort(first)).toEqual({ alreadyAborted: false });

    const second = newTxId();
    expect(await store.stageRevision(second, { namespace: ns, path: 'a', ...world, ifNoneMatch: true })).toEqual({ revision: 1, created: true });
    expect(await store.prepare(first)).toMatchObject({ vote: 'no' });
    expect(await db.counts()).toMatchObject({ files: 0, revisions: 0, prepared: 0 });
  });

  it('votes no for an unknown branch, and for a tx id that could never have one', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    expect(await store.prepare(newTxId())).toEqual({ vote: 'no', reason: expect.stringMatching(/unknown branch/) });
    expect(await store.prepare('short')).toEqual({ vote: 'no', reason: expect.stringMatching(/unknown branch: invalid tx id/) });
  });

  it('a failed precondition undoes only that write: the branch stays usable and commits its other writes', async () => {
    // Decision: the client got FAILED_PRECONDITION for that write and decides itself whether
    // to go on or abort; the branch does not vote no for a write that left no trace.
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    const txId = newTxId();
    await store.stageRevision(txId, { namespace: ns, path: 'kept', ...hello });
    const failed = store.stageRevision(txId, { namespace: ns, path: 'conditional', ...world, ifMatchRevision: 7 });
    await expect(failed).rejects.toBeInstanceOf(PreconditionFailedError);
    await expect(failed).rejects.toMatchObject({ currentRevision: 0 });
    expect(await store.stageRevision(txId, { namespace: ns, path: 'also-kept', ...world })).toEqual({ revision: 1, created: true });

    expect(await store.prepare(txId)).toEqual({ vote: 'yes' });
    await store.commit(txId);
    expect((await store.listFiles(ns, '', 10, '')).items.map((f) => f.path)).toEqual(['also-kept', 'kept']);
  });

  it('several writes of one tx, to one path and to several, commit together as successive revisions', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    const txId = newTxId();
    expect(await store.stageRevision(txId, { namespace: ns, path: 'a', ...hello })).toEqual({ revision: 1, created: true });
    expect(await store.stageRevision(txId, { namespace: ns, path: 'a', ...world, ifMatchRevision: 1 })).toEqual({ revision: 2, created: false });
    expect(await store.stageRevision(txId, { namespace: ns, path: 'b', ...world })).toEqual({ revision: 1, created: true });
    expect(await store.deleteFile(txId, { namespace: ns, path: 'b' })).toEqual({ revision: 2 });
    await store.prepare(txId);
    await store.commit(txId);

    expect(await store.getFile(ns, 'a')).toMatchObject({ revision: 2, sha256: world.sha256 });
    await expect(store.getFile(ns, 'b')).rejects.toBeInstanceOf(NotFoundError);
    expect((await store.listRevisions(ns, 'b', 10, '')).items.map((r) => [r.revision, r.deleted])).toEqual([
      [2, true],
      [1, false],
    ]);
  });

  it('a deleted file can be created again, and its revisions continue after the tombstone', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    const write = async (op: (txId: string) => Promise<unknown>) => {
      const txId = newTxId();
      await op(txId);
      expect(await store.prepare(txId)).toEqual({ vote: 'yes' });
      await store.commit(txId);
    };
    await write((txId) => store.stageRevision(txId, { namespace: ns, path: 'f', ...hello }));
    await write((txId) => store.deleteFile(txId, { namespace: ns, path: 'f', ifMatchRevision: 1 }));
    await expect(store.deleteFile(newTxId(), { namespace: ns, path: 'f' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.deleteFile(newTxId(), { namespace: ns, path: 'never' })).rejects.toBeInstanceOf(NotFoundError);
    await write(async (txId) => expect(await store.stageRevision(txId, { namespace: ns, path: 'f', ...world, ifNoneMatch: true })).toEqual({ revision: 3, created: true }));
    expect(await store.getFile(ns, 'f')).toMatchObject({ revision: 3, sha256: world.sha256 });
  });

  it('prepare, commit and abort repeated give the same answer and change nothing', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    const db = await inspectDatabase(url);
    const committed = newTxId();
    await store.stageRevision(committed, { namespace: ns, path: 'c', ...hello });
    expect(await store.prepare(committed)).toEqual({ vote: 'yes' });
    expect(await store.prepare(committed)).toEqual({ vote: 'yes' });
    expect(await store.commit(committed)).toEqual({ alreadyCommitted: false });
    expect(await store.commit(committed)).toEqual({ alreadyCommitted: true });

    const aborted = newTxId();
    await store.stageRevision(aborted, { namespace: ns, path: 'd', ...hello });
    expect(await store.prepare(aborted)).toEqual({ vote: 'yes' });
    expect(await store.abort(aborted)).toEqual({ alreadyAborted: false });
    expect(await store.abort(aborted)).toEqual({ alreadyAborted: true });
    expect(await store.abort(newTxId())).toEqual({ alreadyAborted: true });

    expect(await db.counts()).toEqual({ files: 1, revisions: 1, markers: 1, prepared: 0 });
  });

  it('a commit whose prepared transaction is already gone is verified through the marker row', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    const db = await inspectDatabase(url);
    const txId = newTxId();
    await store.stageRevision(txId, { namespace: ns, path: 'a', ...hello });
    await store.prepare(txId);
    // as if an earlier commit reached PostgreSQL and its ack was lost
    await db.rows(`COMMIT PREPARED 'twophase:metadata:${txId}'`);

    expect(await store.commit(txId)).toEqual({ alreadyCommitted: true });
    expect(await store.getFile(ns, 'a')).toMatchObject({ revision: 1, txId });
  });

  it('a commit for a branch that never prepared, or was rolled back, is BranchNotCommittedError', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    const db = await inspectDatabase(url);

    const open = newTxId();
    await store.stageRevision(open, { namespace: ns, path: 'a', ...hello });
    await expect(store.commit(open)).rejects.toThrow(BranchNotCommittedError);
    await expect(store.commit(open)).rejects.toThrow(/never prepared/);
    // the branch is untouched by the refused commit
    expect(await store.prepare(open)).toEqual({ vote: 'yes' });
    await store.commit(open);

    await expect(store.commit(newTxId())).rejects.toThrow(/no prepared transaction .* and no marker row/);

    const rolledBack = newTxId();
    await store.stageRevision(rolledBack, { namespace: ns, path: 'b', ...hello });
    await store.prepare(rolledBack);
    await db.rows(`ROLLBACK PREPARED 'twophase:metadata:${rolledBack}'`);
    await expect(store.commit(rolledBack)).rejects.toBeInstanceOf(BranchNotCommittedError);
    await expect(store.getFile(ns, 'b')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('the marker row is written inside the prepared transaction: invisible until it commits, gone if it aborts', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    const db = await inspectDatabase(url);
    const txId = newTxId();
    await store.stageRevision(txId, { namespace: ns, path: 'a', ...hello });
    await store.prepare(txId);
    expect(await db.rows('SELECT tx_id FROM tx_markers')).toEqual([]);
    await store.commit(txId);
    expect(await db.rows('SELECT tx_id, participant_id FROM tx_markers')).toEqual([{ tx_id: txId, participant_id: 'metadata' }]);

    const aborted = newTxId();
    await store.stageRevision(aborted, { namespace: ns, path: 'b', ...hello });
    await store.prepare(aborted);
    await store.abort(aborted);
    expect(await db.rows('SELECT tx_id FROM tx_markers')).toEqual([{ tx_id: txId }]);
  });

  it('recover lists the prepared branches of this participant in this database, and nothing else', async () => {
    const url = await postgres.freshDatabase();
    const otherUrl = await postgres.freshDatabase();
    const store = await startStore(url);
    const other = await startStore(url, { participantId: 'metadata2' });
    const elsewhere = await startStore(otherUrl);
    const db = await inspectDatabase(url);

    const ours = [newTxId(), newTxId()];
    for (const [i, txId] of ours.entries()) {
      await store.stageRevision(txId, { namespace: ns, path: `ours-${i}`, ...hello });
      await store.prepare(txId);
    }
    const open = newTxId();
    await store.stageRevision(open, { namespace: ns, path: 'open', ...hello });
    const theirs = newTxId();
    await other.stageRevision(theirs, { namespace: ns, path: 'theirs', ...hello });
    await other.prepare(theirs);
    const far = newTxId();
    await elsewhere.stageRevision(far, { namespace: ns, path: 'far', ...hello });
    await elsewhere.prepare(far);
    // another application's prepared transaction in the same database
    await db.rows('BEGIN');
    await db.rows("PREPARE TRANSACTION 'someone-else'");

    const restarted = await startStore(url);
    const recovery = await restarted.recover();
    expect(recovery.prepared.map((b) => b.txId).sort()).toEqual([...ours].sort());
    expect(recovery.abortedLeftovers).toBe(0);
    for (const branch of recovery.prepared) expect(Math.abs(branch.preparedAtMs - Date.now())).toBeLessThan(60_000);
    expect((await other.recover()).prepared.map((b) => b.txId)).toEqual([theirs]);
  });

  it('open branches are bounded by branchesMax; a prepared branch frees its slot', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url, { branchesMax: 2 });
    const [a, b, c] = [newTxId(), newTxId(), newTxId()];
    await store.stageRevision(a, { namespace: ns, path: 'a', ...hello });
    await store.stageRevision(b, { namespace: ns, path: 'b', ...hello });
    await expect(store.stageRevision(c, { namespace: ns, path: 'c', ...hello })).rejects.toBeInstanceOf(LimitExceededError);
    // the open branches themselves take further writes
    await store.stageRevision(a, { namespace: ns, path: 'a2', ...hello });
    await store.prepare(a);
    expect(await store.stageRevision(c, { namespace: ns, path: 'c', ...hello })).toEqual({ revision: 1, created: true });
  });

  it('a write for a tx whose branch already prepared or committed is refused as not active', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    const [prepared, committed] = [newTxId(), newTxId()];
    for (const txId of [prepared, committed]) {
      await store.stageRevision(txId, { namespace: ns, path: txId, ...hello });
      expect(await store.prepare(txId)).toEqual({ vote: 'yes' });
    }
    await store.commit(committed);

    for (const txId of [prepared, committed]) {
      await expect(store.stageRevision(txId, { namespace: ns, path: 'late', ...world })).rejects.toBeInstanceOf(TxNotActiveError);
      await expect(store.deleteFile(txId, { namespace: ns, path: txId })).rejects.toBeInstanceOf(TxNotActiveError);
    }
    expect(await store.commit(prepared)).toEqual({ alreadyCommitted: false });
    await expect(store.getFile(ns, 'late')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('a branch whose connection was terminated votes no, and further writes fail as not active', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    const db = await inspectDatabase(url);
    const txId = newTxId();
    await store.stageRevision(txId, { namespace: ns, path: 'a', ...hello });
    await db.rows("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'");

    // the lost session shows either on this write or, once noticed, as a tx that cannot go on
    await expect(store.stageRevision(txId, { namespace: ns, path: 'b', ...hello })).rejects.toSatisfy(
      (err) => err instanceof TxNotActiveError || err instanceof MetadataUnavailableError,
    );
    await expect(store.stageRevision(txId, { namespace: ns, path: 'b', ...hello })).rejects.toBeInstanceOf(TxNotActiveError);
    expect(await store.prepare(txId)).toEqual({ vote: 'no', reason: expect.stringMatching(/lost its work/) });
    expect(await store.abort(txId)).toEqual({ alreadyAborted: true });
    expect(await db.counts()).toMatchObject({ files: 0, prepared: 0 });
  });

  it('markers committed longer ago than the retention are swept; recent ones, unstamped ones and those of other participants are kept', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url, { markerRetentionMs: 60_000 });
    const db = await inspectDatabase(url);
    await db.rows(`INSERT INTO tx_markers (tx_id, participant_id, prepared_at, committed_at) VALUES
      ('old', 'metadata', now() - interval '3 minutes', now() - interval '2 minutes'),
      ('recent', 'metadata', now() - interval '3 minutes', now()),
      ('unseen', 'metadata', now() - interval '3 minutes', NULL),
      ('old-other', 'metadata2', now() - interval '3 minutes', now() - interval '2 minutes')`);
    expect(await store.sweepExpiredMarkers()).toBe(1);
    expect((await db.rows<{ tx_id: string }>('SELECT tx_id FROM tx_markers ORDER BY tx_id')).map((r) => r.tx_id)).toEqual(['old-other', 'recent', 'unseen']);
    // a marker seen for the first time is stamped, its retention starting now
    expect(await db.rows("SELECT committed_at > now() - interval '1 minute' AS fresh FROM tx_markers WHERE tx_id = 'unseen'")).toEqual([{ fresh: true }]);
  });

  it('marker retention counts from commit: a branch in doubt for longer than the retention still answers a repeated Commit after the sweep', async () => {
    const retentionMs = 300;
    const url = await postgres.freshDatabase();
    const store = await startStore(url, { markerRetentionMs: retentionMs, markerSweepIntervalMs: 3_600_000 });
    const db = await inspectDatabase(url);
    const txId = newTxId();
    await store.stageRevision(txId, { namespace: ns, path: 'a', ...hello });
    expect(await store.prepare(txId)).toEqual({ vote: 'yes' });
    // in doubt for longer than the retention: the marker row was written before that
    await sleep(2 * retentionMs);
    expect(await store.commit(txId)).toEqual({ alreadyCommitted: false });

    // the sweep right after the commit keeps the marker, so the Commit re-sent after a lost ack is verified
    expect(await store.sweepExpiredMarkers()).toBe(0);
    expect(await store.commit(txId)).toEqual({ alreadyCommitted: true });
    expect(await db.counts()).toEqual({ files: 1, revisions: 1, markers: 1, prepared: 0 });

    // and it does not stay for ever: the retention, counted from commit, ends it
    await sleep(2 * retentionMs);
    expect(await store.sweepExpiredMarkers()).toBe(1);
    await expect(store.commit(txId)).rejects.toBeInstanceOf(BranchNotCommittedError);
  });

  it('two stores starting at once on a fresh database migrate it once', async () => {
    const url = await postgres.freshDatabase();
    const stores = [0, 1, 2].map(() => new PostgresMetadataStore({ databaseUrl: url, logger: silentLogger() }));
    try {
      await Promise.all(stores.map((s) => s.start()));
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
    const client = new pg.Client({ connectionString: url });
    // a server that dies while this client is open emits 'error' as well as failing the statement; the rejection reports it
    client.on('error', () => undefined);
    await client.connect();
    const { rows } = await client.query('SELECT version FROM schema_migrations ORDER BY version');
    await client.end();
    // each migration recorded once
    expect(rows).toEqual(metadataMigrations.map((m) => ({ version: m.version })));
  });
});
