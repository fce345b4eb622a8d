import { setTimeout as sleep } from 'node:timers/promises';
import { pino, type Logger } from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import { newTxId } from '../../lib/tx-id/tx-id.js';
import { MetadataUnavailableError } from '../../participant/metadata/metadata-unavailable-error.js';
import { PostgresMetadataStore } from '../../participant/metadata/postgres-metadata-store.js';
import { postgresFixture } from '../support/postgres-fixture.js';
import { recordUncaughtErrors } from '../support/record-uncaught-errors.js';
import { fileContent } from './file-content.js';
import { inspectDatabase } from './inspect-database.js';
import { startStore } from './start-store.js';

const postgres = postgresFixture();
const ns = 'killed';
/** The migration lock of apply-migrations.ts ('2PCm'): held by another session, it keeps a start waiting on a checked-out connection. */
const migrationLockKey = 0x3250_436d;
/** How long socket events of the killed server's connections are given to arrive after the kill returned. */
const settleMs = 200;

/** A logger at warn that keeps the messages it is given. */
function warnings(): { readonly logger: Logger; readonly messages: string[] } {
  const messages: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void messages.push((JSON.parse(line) as { msg: string }).msg) });
  return { logger, messages };
}

describe('PostgresMetadataStore when PostgreSQL is SIGKILLed', () => {
  it('connections idle, checked out by branches, by a branch being opened and by a start in progress raise no uncaught error, and the store serves again after the restart', async () => {
    const url = await postgres.freshDatabase();
    const storeLog = warnings();
    const store = await startStore(url, { logger: storeLog.logger });
    const [open, prepared] = [newTxId(), newTxId()];
    await store.stageRevision(open, { namespace: ns, path: 'open', ...fileContent('open') });
    await store.stageRevision(prepared, { namespace: ns, path: 'prepared', ...fileContent('prepared') });
    expect(await store.prepare(prepared)).toEqual({ vote: 'yes' });
    // leaves idle connections in both pools
    expect((await store.listFiles(ns, '', 10, '')).items).toEqual([]);

    // a database of its own, because the branches above hold locks on tx_markers
    const busyUrl = await postgres.freshDatabase();
    // a long lock timeout: the opening branch must still be waiting when the server dies
    const busyLog = warnings();
    const busyStore = await startStore(busyUrl, { logger: busyLog.logger, lockTimeoutMs: 60_000 });
    const blocker = await inspectDatabase(busyUrl);
    await blocker.rows('BEGIN');
    // the opening branch's check of tx_markers waits on its checked-out connection, before the branch exists
    await blocker.rows('LOCK TABLE tx_markers IN ACCESS EXCLUSIVE MODE');
    const opening = newTxId();
    const stageWhileOpening = busyStore.stageRevision(opening, { namespace: ns, path: 'opening', ...fileContent('opening') });
    stageWhileOpening.catch(() => undefined);
    // and another participant's start waits for the migration lock on its checked-out connection
    await blocker.rows('SELECT pg_advisory_xact_lock($1)', [migrationLockKey]);
    const startingLog = warnings();
    const starting = new PostgresMetadataStore({ databaseUrl: busyUrl, logger: startingLog.logger });
    onTestFinished(() => starting.close());
    const start = starting.start();
    start.catch(() => undefined);
    // pg_stat_activity is read once per transaction: the blocker's own would never change
    await (await inspectDatabase(busyUrl)).waitForLockWaiters(2);

    const uncaught = recordUncaughtErrors();
    await postgres.server.kill();
    await expect(stageWhileOpening).rejects.toBeInstanceOf(MetadataUnavailableError);
    await expect(start).rejects.toBeInstanceOf(MetadataUnavailableError);
    await sleep(settleMs);
    await postgres.server.start();
    expect(uncaught).toEqual([]);
    // each failed session is logged at warn, whatever its connection was doing
    expect(storeLog.messages).toContain('metadata branch lost its PostgreSQL session; it can only vote no');
    expect(busyLog.messages).toContainEqual(expect.stringMatching(/metadata branch/));
    expect(startingLog.messages).toContain('the PostgreSQL session of a schema migration failed');

    // the lost branches vote no; the prepared one survived the crash and commits
    expect(await store.prepare(open)).toMatchObject({ vote: 'no' });
    expect(await store.commit(prepared)).toEqual({ alreadyCommitted: false });
    expect(await busyStore.prepare(opening)).toMatchObject({ vote: 'no' });
    for (const serving of [store, busyStore]) {
      const later = newTxId();
      expect(await serving.stageRevision(later, { namespace: ns, path: 'later', ...fileContent('later') })).toEqual({ revision: 1, created: true });
      expect(await serving.prepare(later)).toEqual({ vote: 'yes' });
      expect(await serving.commit(later)).toEqual({ alreadyCommitted: false });
    }
    expect((await store.listFiles(ns, '', 10, '')).items.map((f) => f.path)).toEqual(['later', 'prepared']);
    expect((await busyStore.listFiles(ns, '', 10, '')).items.map((f) => f.path)).toEqual(['later']);
    expect(uncaught).toEqual([]);
  });
});
