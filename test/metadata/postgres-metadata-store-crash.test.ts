import { afterEach, describe, expect, it } from 'vitest';
import { arm, disarmAll, FailpointError } from '../../lib/failpoints/failpoints.js';
import { newTxId } from '../../lib/tx-id/tx-id.js';
import { NotFoundError } from '../../participant/participant-errors.js';
import { postgresFixture } from '../support/postgres-fixture.js';
import { fileContent } from './file-content.js';
import { inspectDatabase } from './inspect-database.js';
import { startStore } from './start-store.js';

const postgres = postgresFixture();
const ns = 'crash';

afterEach(() => disarmAll());

describe('PostgresMetadataStore across crashes', () => {
  it('branches prepared when PostgreSQL is SIGKILLed are found by recover after restart, and commit and abort resolve them', async () => {
    const url = await postgres.freshDatabase();
    const before = await startStore(url);
    const seed = newTxId();
    await before.stageRevision(seed, { namespace: ns, path: 'doc', ...fileContent('v1') });
    await before.prepare(seed);
    await before.commit(seed);

    const [toCommit, toAbort, open] = [newTxId(), newTxId(), newTxId()];
    expect(await before.stageRevision(toCommit, { namespace: ns, path: 'doc', ...fileContent('v2'), ifMatchRevision: 1 })).toEqual({ revision: 2, created: false });
    await before.stageRevision(toAbort, { namespace: ns, path: 'new', ...fileContent('new') });
    await before.stageRevision(open, { namespace: ns, path: 'open', ...fileContent('open') });
    expect(await before.prepare(toCommit)).toEqual({ vote: 'yes' });
    expect(await before.prepare(toAbort)).toEqual({ vote: 'yes' });

    await postgres.server.kill();
    await postgres.server.start();

    // a participant restarting alongside the database
    const after = await startStore(url);
    const recovery = await after.recover();
    expect(recovery.prepared.map((b) => b.txId).sort()).toEqual([toCommit, toAbort].sort());
    expect(recovery.abortedLeftovers).toBe(0);
    // the unprepared branch died with its connection
    await expect(after.getFile(ns, 'open')).rejects.toBeInstanceOf(NotFoundError);
    // the prepared ones still hold their row locks and wait for the decision
    expect(await after.getFile(ns, 'doc')).toMatchObject({ revision: 1 });

    expect(await after.commit(toCommit)).toEqual({ alreadyCommitted: false });
    expect(await after.abort(toAbort)).toEqual({ alreadyAborted: false });
    expect(await after.getFile(ns, 'doc')).toMatchObject({ revision: 2, txId: toCommit, ...fileContent('v2') });
    await expect(after.getFile(ns, 'new')).rejects.toBeInstanceOf(NotFoundError);
    expect((await inspectDatabase(url).then((db) => db.counts())).prepared).toBe(0);

    // the store that lived through the restart reconnects; its lost branch votes no, its repeats are verified
    expect(await before.prepare(open)).toMatchObject({ vote: 'no' });
    expect(await before.commit(toCommit)).toEqual({ alreadyCommitted: true });
    expect(await before.getFile(ns, 'doc')).toMatchObject({ revision: 2 });
  });

  it('a failure just before PREPARE TRANSACTION votes no and leaves nothing behind', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    const db = await inspectDatabase(url);
    const txId = newTxId();
    await store.stageRevision(txId, { namespace: ns, path: 'a', ...fileContent('a') });
    arm('participant.metadata.prepare.before-prepare-transaction', { kind: 'error' });

    expect(await store.prepare(txId)).toEqual({ vote: 'no', reason: expect.stringMatching(/PREPARE TRANSACTION failed: .*failpoint/) });
    expect(await db.counts()).toEqual({ files: 0, revisions: 0, markers: 0, prepared: 0 });
    expect(await store.abort(txId)).toEqual({ alreadyAborted: true });
  });

  it('a failure right after PREPARE TRANSACTION leaves a durable branch that the abort removes', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    const db = await inspectDatabase(url);
    const txId = newTxId();
    await store.stageRevision(txId, { namespace: ns, path: 'a', ...fileContent('a') });
    arm('participant.metadata.prepare.after-prepare-transaction', { kind: 'error' });

    await expect(store.prepare(txId)).rejects.toBeInstanceOf(FailpointError);
    expect(await db.counts()).toMatchObject({ prepared: 1 });
    expect((await store.recover()).prepared.map((b) => b.txId)).toEqual([txId]);
    expect(await store.abort(txId)).toEqual({ alreadyAborted: false });
    expect(await db.counts()).toEqual({ files: 0, revisions: 0, markers: 0, prepared: 0 });
  });

  it('a commit whose ack was lost after COMMIT PREPARED is verified as committed when repeated', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    const txId = newTxId();
    await store.stageRevision(txId, { namespace: ns, path: 'a', ...fileContent('a') });
    await store.prepare(txId);
    arm('participant.metadata.commit.after-commit-prepared', { kind: 'error' });

    await expect(store.commit(txId)).rejects.toBeInstanceOf(FailpointError);
    expect(await store.commit(txId)).toEqual({ alreadyCommitted: true });
    expect(await store.getFile(ns, 'a')).toMatchObject({ revision: 1, txId });
  });

  it('a failure before COMMIT PREPARED or ROLLBACK PREPARED changes nothing, and the retry completes', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    const [committed, aborted] = [newTxId(), newTxId()];
    await store.stageRevision(committed, { namespace: ns, path: 'c', ...fileContent('c') });
    await store.stageRevision(aborted, { namespace: ns, path: 'd', ...fileContent('d') });
    await store.prepare(committed);
    await store.prepare(aborted);
    arm('participant.metadata.commit.before-commit-prepared', { kind: 'error' });
    arm('participant.metadata.abort.before-rollback-prepared', { kind: 'error' });

    await expect(store.commit(committed)).rejects.toBeInstanceOf(FailpointError);
    await expect(store.abort(aborted)).rejects.toBeInstanceOf(FailpointError);
    expect((await store.recover()).prepared).toHaveLength(2);
    disarmAll();
    expect(await store.commit(committed)).toEqual({ alreadyCommitted: false });
    arm('participant.metadata.abort.after-rollback-prepared', { kind: 'error' });
    await expect(store.abort(aborted)).rejects.toBeInstanceOf(FailpointError);
    expect(await store.abort(aborted)).toEqual({ alreadyAborted: true });
    expect((await store.recover()).prepared).toEqual([]);
  });
});
