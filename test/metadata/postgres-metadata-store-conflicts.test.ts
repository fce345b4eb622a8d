import pg from 'pg';
import { describe, expect, it, onTestFinished } from 'vitest';
import { newTxId } from '../../lib/tx-id/tx-id.js';
import { PreconditionFailedError, WriteConflictError } from '../../participant/participant-errors.js';
import type { PostgresMetadataStore } from '../../participant/metadata/postgres-metadata-store.js';
import { postgresFixture } from '../support/postgres-fixture.js';
import { fileContent } from './file-content.js';
import { inspectDatabase } from './inspect-database.js';
import { startStore } from './start-store.js';

const postgres = postgresFixture();
const ns = 'shared';
const v1 = fileContent('version 1');
const mine = fileContent('mine');
const theirs = fileContent('theirs');

/** Makes `isolation` the default of every new session of the database at `url`, as an operator may. */
async function defaultIsolation(url: string, isolation: 'repeatable read' | 'serializable'): Promise<void> {
  const db = await inspectDatabase(url);
  await db.rows(`ALTER DATABASE ${new URL(url).pathname.slice(1)} SET default_transaction_isolation = '${isolation}'`);
}

/** Commits revision 1 of `path` in a tx of its own. */
async function seed(store: PostgresMetadataStore, path: string): Promise<void> {
  const txId = newTxId();
  await store.stageRevision(txId, { namespace: ns, path, ...v1 });
  expect(await store.prepare(txId)).toEqual({ vote: 'yes' });
  await store.commit(txId);
}

async function prepareAndCommit(store: PostgresMetadataStore, txId: string): Promise<void> {
  expect(await store.prepare(txId)).toEqual({ vote: 'yes' });
  await store.commit(txId);
}

describe('PostgresMetadataStore concurrent writers', () => {
  it('two txs writing If-Match of the same revision: exactly one commits, the other fails its precondition', async () => {
    const url = await postgres.freshDatabase();
    // a lock wait longer than the first tx takes: the second waits, then sees its result
    const store = await startStore(url, { lockTimeoutMs: 10_000 });
    const db = await inspectDatabase(url);
    await seed(store, 'doc');
    const [first, second] = [newTxId(), newTxId()];

    expect(await store.stageRevision(first, { namespace: ns, path: 'doc', ...mine, ifMatchRevision: 1 })).toEqual({ revision: 2, created: false });
    const secondWrite = store.stageRevision(second, { namespace: ns, path: 'doc', ...theirs, ifMatchRevision: 1 });
    secondWrite.catch(() => undefined);
    await db.waitForLockWaiters(1);
    await prepareAndCommit(store, first);

    await expect(secondWrite).rejects.toBeInstanceOf(PreconditionFailedError);
    await expect(secondWrite).rejects.toMatchObject({ currentRevision: 2 });
    expect(await store.prepare(second)).toEqual({ vote: 'yes' });
    await store.commit(second);
    expect((await store.listRevisions(ns, 'doc', 10, '')).items.map((r) => [r.revision, r.sha256])).toEqual([
      [2, mine.sha256],
      [1, v1.sha256],
    ]);
  });

  it('a writer that waits past the lock timeout gets a retryable WriteConflictError, and its tx goes on', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url, { lockTimeoutMs: 150 });
    await seed(store, 'doc');
    const [first, second] = [newTxId(), newTxId()];
    await store.stageRevision(first, { namespace: ns, path: 'doc', ...mine, ifMatchRevision: 1 });
    await store.stageRevision(second, { namespace: ns, path: 'other', ...theirs });

    const started = Date.now();
    const conflict = store.stageRevision(second, { namespace: ns, path: 'doc', ...theirs, ifMatchRevision: 1 });
    await expect(conflict).rejects.toBeInstanceOf(WriteConflictError);
    await expect(conflict).rejects.toThrow(/write conflict on shared\/doc.*waited 150 ms.*retry/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    // the failed statement did not poison the branch: its earlier write survives, and after
    // the holder commits, the retried write meets the precondition failure it deserves
    await prepareAndCommit(store, first);
    await expect(store.stageRevision(second, { namespace: ns, path: 'doc', ...theirs, ifMatchRevision: 1 })).rejects.toMatchObject({
      name: 'PreconditionFailedError',
      currentRevision: 2,
    });
    await prepareAndCommit(store, second);
    expect(await store.getFile(ns, 'other')).toMatchObject({ sha256: theirs.sha256 });
    expect(await store.getFile(ns, 'doc')).toMatchObject({ revision: 2, sha256: mine.sha256 });
  });

  it('a prepared branch holds its row lock until the decision', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url, { lockTimeoutMs: 150 });
    await seed(store, 'doc');
    const [first, second] = [newTxId(), newTxId()];
    await store.stageRevision(first, { namespace: ns, path: 'doc', ...mine });
    expect(await store.prepare(first)).toEqual({ vote: 'yes' });

    await expect(store.stageRevision(second, { namespace: ns, path: 'doc', ...theirs })).rejects.toBeInstanceOf(WriteConflictError);
    await store.abort(first);
    expect(await store.stageRevision(second, { namespace: ns, path: 'doc', ...theirs, ifMatchRevision: 1 })).toEqual({ revision: 2, created: false });
    await prepareAndCommit(store, second);
  });

  it('without conditions, concurrent writers of one path all commit as successive revisions, none lost', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url, { lockTimeoutMs: 10_000 });
    const writers = Array.from({ length: 6 }, (_, i) => ({ txId: newTxId(), content: fileContent(`writer ${i}`) }));

    const revisions = await Promise.all(
      writers.map(async ({ txId, content }) => {
        const { revision } = await store.stageRevision(txId, { namespace: ns, path: 'hot', ...content });
        await prepareAndCommit(store, txId);
        return revision;
      }),
    );

    expect([...revisions].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    const history = (await store.listRevisions(ns, 'hot', 100, '')).items;
    expect(history.map((r) => r.revision)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(new Set(history.map((r) => r.txId))).toEqual(new Set(writers.map((w) => w.txId)));
    for (const record of history) {
      const writer = writers.find((w) => w.txId === record.txId)!;
      expect(record.sha256).toBe(writer.content.sha256);
      expect(record.revision).toBe(revisions[writers.indexOf(writer)]);
    }
  });

  it('two creators with If-None-Match of a new path: the first commits, the second fails once it does', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url, { lockTimeoutMs: 10_000 });
    const db = await inspectDatabase(url);
    const [first, second] = [newTxId(), newTxId()];
    expect(await store.stageRevision(first, { namespace: ns, path: 'new', ...mine, ifNoneMatch: true })).toEqual({ revision: 1, created: true });
    const secondWrite = store.stageRevision(second, { namespace: ns, path: 'new', ...theirs, ifNoneMatch: true });
    secondWrite.catch(() => undefined);
    await db.waitForLockWaiters(1);
    await prepareAndCommit(store, first);

    await expect(secondWrite).rejects.toMatchObject({ name: 'PreconditionFailedError', currentRevision: 1 });
    await store.abort(second);
    expect(await store.getFile(ns, 'new')).toMatchObject({ revision: 1, sha256: mine.sha256 });
  });

  it('a creator waiting on a prepared creator of the same new path succeeds when that one aborts', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url, { lockTimeoutMs: 10_000 });
    const db = await inspectDatabase(url);
    const [first, second] = [newTxId(), newTxId()];
    await store.stageRevision(first, { namespace: ns, path: 'new', ...mine, ifNoneMatch: true });
    expect(await store.prepare(first)).toEqual({ vote: 'yes' });
    const secondWrite = store.stageRevision(second, { namespace: ns, path: 'new', ...theirs, ifNoneMatch: true });
    await db.waitForLockWaiters(1);
    await store.abort(first);

    expect(await secondWrite).toEqual({ revision: 1, created: true });
    await prepareAndCommit(store, second);
    expect(await store.getFile(ns, 'new')).toMatchObject({ revision: 1, sha256: theirs.sha256, txId: second });
  });

  it('two txs writing two files in opposite order: the deadlock is a retryable conflict for one, and the other proceeds once it aborts', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url, { lockTimeoutMs: 10_000 });
    const db = await inspectDatabase(url);
    await seed(store, 'x');
    await seed(store, 'y');
    const [first, second] = [newTxId(), newTxId()];
    await store.stageRevision(first, { namespace: ns, path: 'x', ...mine });
    await store.stageRevision(second, { namespace: ns, path: 'y', ...theirs });
    const crossed = [
      { txId: first, write: store.stageRevision(first, { namespace: ns, path: 'y', ...mine }) },
      { txId: second, write: store.stageRevision(second, { namespace: ns, path: 'x', ...theirs }) },
    ];
    await db.waitForLockWaiters(1);

    // PostgreSQL's deadlock check (after deadlock_timeout, 1 s) picks one victim; its tx still
    // holds its first file, so the survivor proceeds only once the victim's client aborts
    const victim = await Promise.race(crossed.map(({ txId, write }) => write.then(() => undefined, (err: unknown) => ({ txId, err }))));
    expect(victim).toBeDefined();
    expect(victim!.err).toBeInstanceOf(WriteConflictError);
    await store.abort(victim!.txId);
    const survivor = crossed.find((c) => c.txId !== victim!.txId)!;
    expect(await survivor.write).toEqual({ revision: 2, created: false });
    await prepareAndCommit(store, survivor.txId);
  });

  it('at SERIALIZABLE (a server default), a PREPARE TRANSACTION that fails with a serialization failure votes no with cause conflict, and leaves nothing behind', async () => {
    const url = await postgres.freshDatabase();
    await defaultIsolation(url, 'serializable');
    const store = await startStore(url);
    const db = await inspectDatabase(url);
    const txId = newTxId();
    // the branch reads tx_markers (its marker's key is free) and writes files
    await store.stageRevision(txId, { namespace: ns, path: 'doc', ...mine });
    // another tx reads files (missing the branch's row) and writes tx_markers (what the
    // branch read): a cycle of read/write dependencies, and the other tx commits first
    const other = new pg.Client({ connectionString: url });
    other.on('error', () => undefined);
    await other.connect();
    onTestFinished(() => other.end().catch(() => undefined));
    await other.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
    await other.query('SELECT count(*) FROM files');
    await other.query("INSERT INTO tx_markers (tx_id, participant_id) VALUES ('bystander', 'elsewhere')");
    await other.query('COMMIT');

    expect(await store.prepare(txId)).toEqual({ vote: 'no', reason: expect.stringMatching(/could not serialize access/), cause: 'conflict' });
    expect(await db.counts()).toEqual({ files: 0, revisions: 0, markers: 1, prepared: 0 });
    expect(await store.abort(txId)).toEqual({ alreadyAborted: true });
  });

  it('a PREPARE TRANSACTION that fails for any other reason votes no without a cause (an outage)', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    const db = await inspectDatabase(url);
    const txId = newTxId();
    await store.stageRevision(txId, { namespace: ns, path: 'doc', ...mine });
    // the gid is taken by another session's prepared transaction (the fixture rolls it back after the test)
    await db.rows('BEGIN');
    await db.rows(`PREPARE TRANSACTION 'twophase:metadata:${txId}'`);

    const vote = await store.prepare(txId);
    expect(vote).toEqual({ vote: 'no', reason: expect.stringMatching(/PREPARE TRANSACTION failed: .*already in use/) });
    expect(vote).not.toHaveProperty('cause');
  });

  it('at REPEATABLE READ (a server default), a write that meets a concurrent update is a retryable WriteConflictError, and the branch goes on', async () => {
    const url = await postgres.freshDatabase();
    await defaultIsolation(url, 'repeatable read');
    const store = await startStore(url, { lockTimeoutMs: 10_000 });
    const db = await inspectDatabase(url);
    await seed(store, 'doc');
    const [first, second] = [newTxId(), newTxId()];
    await store.stageRevision(first, { namespace: ns, path: 'doc', ...mine, ifMatchRevision: 1 });
    // the second tx's snapshot is taken here, before the first commits
    await store.stageRevision(second, { namespace: ns, path: 'other', ...theirs });
    const secondWrite = store.stageRevision(second, { namespace: ns, path: 'doc', ...theirs });
    secondWrite.catch(() => undefined);
    await db.waitForLockWaiters(1);
    await prepareAndCommit(store, first);

    await expect(secondWrite).rejects.toBeInstanceOf(WriteConflictError);
    // the failed write undid itself alone: the branch's earlier write commits
    await prepareAndCommit(store, second);
    expect(await store.getFile(ns, 'other')).toMatchObject({ txId: second });
    expect(await store.getFile(ns, 'doc')).toMatchObject({ revision: 2, txId: first });
  });
});
