import { describe, expect, it } from 'vitest';
import { newTxId } from '../../lib/tx-id/tx-id.js';
import { postgresFixture } from '../support/postgres-fixture.js';
import { fileContent } from './file-content.js';
import { startStore } from './start-store.js';

/** The change feed of the metadata store, on a real PostgreSQL. */
const postgres = postgresFixture();
const ns = 'feed';

describe('the change feed', () => {
  it('orders changes as they became visible: a tx that wrote first and committed last comes after, and a reader already past the other one still sees it', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    const [first, second] = [newTxId(), newTxId()];
    // written in this order, and both prepared (a sequence value taken now would put `first` before `second`)
    await store.stageRevision(first, { namespace: ns, path: 'written-first.txt', ...fileContent('one') });
    await store.stageRevision(second, { namespace: ns, path: 'written-second.txt', ...fileContent('two') });
    expect(await store.prepare(first)).toEqual({ vote: 'yes' });
    expect(await store.prepare(second)).toEqual({ vote: 'yes' });
    // committed in the reverse order
    await store.commit(second);
    await store.sequenceChanges();
    const early = await store.readChanges(ns, 0, 100);
    expect(early.map((c) => c.revision.path)).toEqual(['written-second.txt']);
    const readerAt = early.at(-1)!.cursor;
    await store.commit(first);
    await store.sequenceChanges();
    // the reader resumes from the cursor it had: it meets the late commit, once
    const later = await store.readChanges(ns, readerAt, 100);
    expect(later.map((c) => c.revision.path)).toEqual(['written-first.txt']);
    expect(later[0]!.cursor).toBeGreaterThan(readerAt);
    // from the start, every reader agrees: commit order
    expect((await store.readChanges(ns, 0, 100)).map((c) => c.revision.path)).toEqual(['written-second.txt', 'written-first.txt']);
    expect(await store.readChanges(ns, later[0]!.cursor, 100)).toEqual([]);
  });

  it('a delete is a change; aborted and prepared txs are not; other namespaces are not seen; pages are in cursor order', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    const commit = async (write: (txId: string) => Promise<unknown>): Promise<void> => {
      const txId = newTxId();
      await write(txId);
      await store.prepare(txId);
      await store.commit(txId);
    };
    for (let i = 0; i < 5; i++) await commit((tx) => store.stageRevision(tx, { namespace: ns, path: `f${i}`, ...fileContent(`v${i}`) }));
    await commit((tx) => store.stageRevision(tx, { namespace: 'other', path: 'x', ...fileContent('x') }));
    await commit((tx) => store.deleteFile(tx, { namespace: ns, path: 'f0' }));
    const aborted = newTxId();
    await store.stageRevision(aborted, { namespace: ns, path: 'never', ...fileContent('n') });
    await store.prepare(aborted);
    await store.abort(aborted);
    const pending = newTxId();
    await store.stageRevision(pending, { namespace: ns, path: 'pending', ...fileContent('p') });
    await store.prepare(pending);
    await store.sequenceChanges();
    const all = await store.readChanges(ns, 0, 100);
    expect(all.map((c) => [c.revision.path, c.revision.revision, c.revision.deleted])).toEqual([
      ['f0', 1, false],
      ['f1', 1, false],
      ['f2', 1, false],
      ['f3', 1, false],
      ['f4', 1, false],
      ['f0', 2, true],
    ]);
    const cursors = all.map((c) => c.cursor);
    expect([...cursors].sort((a, b) => a - b)).toEqual(cursors);
    const page = await store.readChanges(ns, cursors[1]!, 2);
    expect(page.map((c) => c.cursor)).toEqual(cursors.slice(2, 4));
    await store.commit(pending);
    await store.sequenceChanges();
    expect((await store.readChanges(ns, cursors.at(-1)!, 100)).map((c) => c.revision.path)).toEqual(['pending']);
  });

  it('many commits racing, each sequenced by its own run: every reader polling meanwhile sees every change exactly once and cursors only grow', async () => {
    const url = await postgres.freshDatabase();
    // two stores on one database: two sequencers taking turns on the one lock
    const [a, b] = [await startStore(url, { participantId: 'metadata' }), await startStore(url, { participantId: 'metadata-b' })];
    const seen: number[] = [];
    let cursor = 0;
    let writing = true;
    const reader = (async () => {
      while (writing || (await a.readChanges(ns, cursor, 1000)).length > 0) {
        for (const c of await a.readChanges(ns, cursor, 1000)) {
          expect(c.cursor).toBeGreaterThan(cursor);
          cursor = c.cursor;
          seen.push(Number(c.revision.path.slice(1)));
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    try {
      // waves of 10 txs at once, half at each store (each branch holds a session until it ends)
      for (let wave = 0; wave < 6; wave++) {
        await Promise.all(
          Array.from({ length: 10 }, async (_, j) => {
            const i = wave * 10 + j;
            const store = i % 2 === 0 ? a : b;
            const txId = newTxId();
            await store.stageRevision(txId, { namespace: ns, path: `p${i}`, ...fileContent(`c${i}`) });
            await store.prepare(txId);
            await store.commit(txId);
          }),
        );
      }
      await Promise.all([a.sequenceChanges(), b.sequenceChanges()]);
    } finally {
      writing = false;
      await reader;
    }
    expect([...seen].sort((x, y) => x - y)).toEqual(Array.from({ length: 60 }, (_, i) => i));
  });
});
