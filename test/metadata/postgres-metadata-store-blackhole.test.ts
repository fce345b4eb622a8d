import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, onTestFinished } from 'vitest';
import { FaultProxy } from '../../lib/fault-proxy/fault-proxy.js';
import { newTxId } from '../../lib/tx-id/tx-id.js';
import { MetadataUnavailableError } from '../../participant/metadata/metadata-unavailable-error.js';
import type { PostgresMetadataStore } from '../../participant/metadata/postgres-metadata-store.js';
import { postgresFixture } from '../support/postgres-fixture.js';
import { fileContent } from './file-content.js';
import { inspectDatabase, type DatabaseInspector } from './inspect-database.js';
import { startStore } from './start-store.js';

const postgres = postgresFixture();
const ns = 'alice';
const hello = fileContent('hello');
const world = fileContent('world');

/** Short limits, so that a lost answer shows in about a second. */
const queryTimeoutMs = 1_000;
const timeouts = { lockTimeoutMs: 200, statementTimeoutMs: 500, queryTimeoutMs, connectionWaitMs: 1_000 } as const;
/**
 * How long a call may take when its link is blackholed: its statement's query timeout,
 * then a fresh connection (the connection wait) and a statement on it (another query
 * timeout) to settle what the lost one did, with room for a slow machine. Without the
 * timeouts such a call never ends.
 */
const callBoundMs = 4 * (queryTimeoutMs + timeouts.connectionWaitMs);

interface Setup {
  readonly store: PostgresMetadataStore;
  readonly proxy: FaultProxy;
  /** The database seen directly, not through the proxy. */
  readonly db: DatabaseInspector;
}

/** A store whose every PostgreSQL connection goes through a fault proxy. */
async function storeBehindProxy(options: { branchIdleMs?: number } = {}): Promise<Setup> {
  const url = await postgres.freshDatabase();
  const direct = new URL(url);
  const proxy = new FaultProxy({ name: 'metadata->postgres', targetHost: direct.hostname, targetPort: Number(direct.port) });
  const port = await proxy.start();
  onTestFinished(() => proxy.stop());
  const proxied = new URL(url);
  proxied.port = String(port);
  // heal before the store closes (tests finish in reverse order), so that close does not wait out a blackhole
  const store = await startStore(proxied.toString(), { ...timeouts, ...options });
  onTestFinished(() => proxy.heal());
  return { store, proxy, db: await inspectDatabase(url) };
}

/** `promise`, or a rejection once it has not settled within `ms`. */
async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function preparedBranch(store: PostgresMetadataStore, path = 'a'): Promise<string> {
  const txId = newTxId();
  await store.stageRevision(txId, { namespace: ns, path, ...hello });
  expect(await store.prepare(txId)).toEqual({ vote: 'yes' });
  return txId;
}

async function until(what: string, condition: () => Promise<boolean>, timeoutMs = callBoundMs): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(20);
  }
}

const lostAnswer = /no answer from PostgreSQL within the query timeout of 1000 ms|no connection to PostgreSQL within 1000 ms/;

describe('PostgresMetadataStore over a blackholed PostgreSQL link', () => {
  it('a commit and a read fail within the timeouts with a clear error instead of hanging, and the prepared branch commits once the link heals: nothing is lost', async () => {
    const { store, proxy, db } = await storeBehindProxy();
    const txId = await preparedBranch(store);

    proxy.blackhole();
    const commit = await within(callBoundMs, store.commit(txId).then(() => undefined, (err: unknown) => err));
    expect(commit).toBeInstanceOf(MetadataUnavailableError);
    expect((commit as Error).message).toMatch(lostAnswer);
    const read = await within(callBoundMs, store.getFile(ns, 'a').then(() => undefined, (err: unknown) => err));
    expect(read).toBeInstanceOf(MetadataUnavailableError);
    expect((read as Error).message).toMatch(lostAnswer);
    // the COMMIT PREPARED never reached the server: the branch is still prepared, its write invisible
    expect(await db.counts()).toEqual({ files: 0, revisions: 0, markers: 0, prepared: 1 });

    proxy.heal();
    expect(await within(callBoundMs, store.commit(txId))).toEqual({ alreadyCommitted: false });
    expect(await store.getFile(ns, 'a')).toMatchObject({ revision: 1, ...hello, txId });
    expect(await db.counts()).toEqual({ files: 1, revisions: 1, markers: 1, prepared: 0 });
  });

  it('a COMMIT PREPARED carried out whose answer was lost is re-checked on a fresh connection: its session ended, the marker shows it committed', async () => {
    const { store, proxy, db } = await storeBehindProxy();
    const txId = await preparedBranch(store);
    // the shared pool's idle connections are the ones open now; only their answers are lost
    proxy.blackhole({ direction: 'backward', scope: 'open' });

    expect(await within(callBoundMs, store.commit(txId))).toEqual({ alreadyCommitted: false });
    expect(proxy.stats().backward.bytesDropped).toBeGreaterThan(0);
    expect(await db.counts()).toEqual({ files: 1, revisions: 1, markers: 1, prepared: 0 });
    // the repeat after a lost ack is verified as before (on whichever connection: the pool's
    // other idle ones lost their answers too, and each is settled on a fresh one)
    expect(await within(callBoundMs, store.commit(txId))).toEqual({ alreadyCommitted: expect.any(Boolean) });
  });

  it('a COMMIT PREPARED that never reached PostgreSQL is re-checked on a fresh connection and carried out there', async () => {
    const { store, proxy, db } = await storeBehindProxy();
    const txId = await preparedBranch(store);
    proxy.blackhole({ scope: 'open' });

    expect(await within(callBoundMs, store.commit(txId))).toEqual({ alreadyCommitted: false });
    expect(proxy.stats().forward.bytesDropped).toBeGreaterThan(0);
    expect(await db.counts()).toEqual({ files: 1, revisions: 1, markers: 1, prepared: 0 });
  });

  it('a ROLLBACK PREPARED whose answer was lost is re-checked on a fresh connection: the branch is aborted, nothing of it is left', async () => {
    const { store, proxy, db } = await storeBehindProxy();
    const txId = await preparedBranch(store);
    proxy.blackhole({ direction: 'backward', scope: 'open' });

    expect(await within(callBoundMs, store.abort(txId))).toEqual({ alreadyAborted: false });
    expect(await db.counts()).toEqual({ files: 0, revisions: 0, markers: 0, prepared: 0 });
  });

  it('a PREPARE TRANSACTION carried out whose answer was lost votes no within the timeouts and leaves no prepared transaction behind', async () => {
    const { store, proxy, db } = await storeBehindProxy();
    const txId = newTxId();
    await store.stageRevision(txId, { namespace: ns, path: 'a', ...hello });
    // the branch's own connection is open now: its PREPARE reaches the server, the answer does not come back
    proxy.blackhole({ direction: 'backward', scope: 'open' });

    const vote = await within(callBoundMs, store.prepare(txId));
    expect(vote).toEqual({ vote: 'no', reason: expect.stringMatching(/no answer from PostgreSQL within the query timeout/) });
    expect(await db.counts()).toEqual({ files: 0, revisions: 0, markers: 0, prepared: 0 });
    expect(await within(callBoundMs, store.abort(txId))).toEqual({ alreadyAborted: expect.any(Boolean) });
    expect(await db.counts()).toEqual({ files: 0, revisions: 0, markers: 0, prepared: 0 });
  });

  it('a PREPARE TRANSACTION on a link blackholed for good votes no; once it heals, the abort ends the old session first, and nothing is left', async () => {
    const { store, proxy, db } = await storeBehindProxy();
    const txId = newTxId();
    await store.stageRevision(txId, { namespace: ns, path: 'a', ...hello });
    proxy.blackhole();

    const vote = await within(callBoundMs, store.prepare(txId));
    expect(vote).toMatchObject({ vote: 'no' });
    await expect(within(callBoundMs, store.abort(txId))).rejects.toBeInstanceOf(MetadataUnavailableError);

    proxy.heal();
    await within(callBoundMs, store.abort(txId));
    expect(await db.counts()).toEqual({ files: 0, revisions: 0, markers: 0, prepared: 0 });
    // the old session, and the row lock it held, are gone: another tx writes the path at once
    const next = newTxId();
    expect(await store.stageRevision(next, { namespace: ns, path: 'a', ...world })).toEqual({ revision: 1, created: true });
  });

  it('a one-phase COMMIT carried out whose answer was lost throws within the timeouts, and the resolve once the link heals says committed', async () => {
    const { store, proxy, db } = await storeBehindProxy();
    const txId = newTxId();
    await store.stageRevision(txId, { namespace: ns, path: 'a', ...hello });
    // the branch's own connection is open now: its COMMIT reaches the server, the answer does not come back
    proxy.blackhole({ direction: 'backward', scope: 'open' });

    const commit = await within(callBoundMs, store.commitOnePhase(txId, ['metadata']).then(() => undefined, (err: unknown) => err));
    expect(commit).toBeInstanceOf(MetadataUnavailableError);
    expect((commit as Error).message).toMatch(/answer to the one-phase COMMIT .* was lost/);
    expect(await db.rows('SELECT outcome FROM tx_markers WHERE tx_id = $1', [txId])).toEqual([{ outcome: 'committed' }]);

    proxy.heal();
    expect(await within(callBoundMs, store.resolveOutcome(txId))).toBe('committed');
    expect(await store.getFile(ns, 'a')).toMatchObject({ revision: 1, txId });
  });

  it('a one-phase COMMIT that never reached PostgreSQL throws within the timeouts, and the resolve once the link heals says aborted: the branch can no longer commit', async () => {
    const { store, proxy, db } = await storeBehindProxy();
    const txId = newTxId();
    await store.stageRevision(txId, { namespace: ns, path: 'a', ...hello });
    proxy.blackhole({ scope: 'open' });

    const commit = await within(callBoundMs, store.commitOnePhase(txId, ['metadata']).then(() => undefined, (err: unknown) => err));
    expect(commit).toBeInstanceOf(MetadataUnavailableError);
    expect(proxy.stats().forward.bytesDropped).toBeGreaterThan(0);

    proxy.heal();
    expect(await within(callBoundMs, store.resolveOutcome(txId))).toBe('aborted');
    expect(await db.counts()).toEqual({ files: 0, revisions: 0, markers: 1, prepared: 0 });
    expect(await db.rows("SELECT 1 FROM pg_stat_activity WHERE state = 'idle in transaction'")).toEqual([]);
  });

  it('a write whose answer is lost fails within the timeouts, and its session is ended so that its row locks go at once', async () => {
    const { store, proxy, db } = await storeBehindProxy();
    const first = newTxId();
    await store.stageRevision(first, { namespace: ns, path: 'a', ...hello });
    proxy.blackhole({ scope: 'open' });

    const write = await within(callBoundMs, store.stageRevision(first, { namespace: ns, path: 'b', ...hello }).then(() => undefined, (err: unknown) => err));
    expect(write).toBeInstanceOf(MetadataUnavailableError);
    expect((write as Error).message).toMatch(lostAnswer);
    await until('the lost session is ended', async () => (await db.rows("SELECT 1 FROM pg_stat_activity WHERE state = 'idle in transaction'")).length === 0);
    const second = newTxId();
    expect(await store.stageRevision(second, { namespace: ns, path: 'a', ...world })).toEqual({ revision: 1, created: true });
    expect(await store.prepare(first)).toMatchObject({ vote: 'no' });
  });

  it('PostgreSQL ends an open branch idle a little past the branch idle limit, not after an hour', async () => {
    const branchIdleMs = 1_000;
    const { store, db } = await storeBehindProxy({ branchIdleMs });
    const txId = newTxId();
    await store.stageRevision(txId, { namespace: ns, path: 'a', ...hello });
    expect(await db.rows("SELECT 1 FROM pg_stat_activity WHERE state = 'idle in transaction'")).toHaveLength(1);
    await until(
      'the server ended the idle branch',
      async () => (await db.rows("SELECT 1 FROM pg_stat_activity WHERE state = 'idle in transaction'")).length === 0,
      3 * (branchIdleMs + 5_000),
    );
    expect(await store.prepare(txId)).toMatchObject({ vote: 'no' });
  });

  it('a read that PostgreSQL cannot finish within the statement timeout fails with a clear, retryable error', async () => {
    const { store, db } = await storeBehindProxy();
    const txId = await preparedBranch(store);
    await store.commit(txId);
    // a session of the test's own holds the table: the read waits for it
    await db.rows('BEGIN');
    await db.rows('LOCK TABLE revisions IN ACCESS EXCLUSIVE MODE');
    try {
      const read = await within(callBoundMs, store.getFile(ns, 'a').then(() => undefined, (err: unknown) => err));
      expect(read).toBeInstanceOf(MetadataUnavailableError);
      expect((read as Error).message).toMatch(/statement timeout of 500 ms/);
    } finally {
      await db.rows('ROLLBACK');
    }
    expect(await store.getFile(ns, 'a')).toMatchObject({ revision: 1 });
  });
});
