import { describe, expect, it } from 'vitest';
import { newTxId } from '../../lib/tx-id/tx-id.js';
import { NotFoundError } from '../../participant/participant-errors.js';
import type { PostgresMetadataStore } from '../../participant/metadata/postgres-metadata-store.js';
import type { FileRevisionRecord, Page } from '../../participant/metadata/metadata-store.js';
import { postgresFixture } from '../support/postgres-fixture.js';
import { fileContent } from './file-content.js';
import { startStore } from './start-store.js';

const postgres = postgresFixture();
const ns = 'reader';

/** Commits one tx that writes each path (a fresh revision each time). */
async function commitWrites(store: PostgresMetadataStore, paths: readonly string[], text = 'x'): Promise<string> {
  const txId = newTxId();
  for (const path of paths) await store.stageRevision(txId, { namespace: ns, path, ...fileContent(`${text}:${path}`) });
  expect(await store.prepare(txId)).toEqual({ vote: 'yes' });
  await store.commit(txId);
  return txId;
}

async function allPages(list: (token: string) => Promise<Page<FileRevisionRecord>>): Promise<FileRevisionRecord[][]> {
  const pages: FileRevisionRecord[][] = [];
  let token = '';
  do {
    const page = await list(token);
    pages.push([...page.items]);
    token = page.nextPageToken;
  } while (token !== '' && pages.length < 100);
  return pages;
}

describe('PostgresMetadataStore committed reads', () => {
  it('listFiles pages through the live files under a prefix in byte order of the path', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    await commitWrites(store, ['docs/b', 'docs/a', 'docs/c/d', 'docs/Z', 'docsx', 'other/a', 'docs/e', 'docs/é']);
    const deleteTx = newTxId();
    await store.deleteFile(deleteTx, { namespace: ns, path: 'docs/e' });
    await store.prepare(deleteTx);
    await store.commit(deleteTx);

    const pages = await allPages((token) => store.listFiles(ns, 'docs/', 2, token));
    expect(pages.map((page) => page.map((f) => f.path))).toEqual([['docs/Z', 'docs/a'], ['docs/b', 'docs/c/d'], ['docs/é']]);
    expect(pages.flat().every((f) => f.revision === 1 && !f.deleted)).toBe(true);
    expect((await store.listFiles(ns, '', 100, '')).items).toHaveLength(7);
    expect((await store.listFiles('elsewhere', '', 100, '')).items).toEqual([]);
  });

  it('a listFiles prefix is literal: % and _ match only themselves', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    await commitWrites(store, ['a_b', 'axb', 'a%c', 'abc']);
    expect((await store.listFiles(ns, 'a_', 10, '')).items.map((f) => f.path)).toEqual(['a_b']);
    expect((await store.listFiles(ns, 'a%', 10, '')).items.map((f) => f.path)).toEqual(['a%c']);
  });

  it('listRevisions pages newest first, tombstones included', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    for (let i = 0; i < 4; i++) await commitWrites(store, ['f'], `v${i}`);
    const deleteTx = newTxId();
    await store.deleteFile(deleteTx, { namespace: ns, path: 'f' });
    await store.prepare(deleteTx);
    await store.commit(deleteTx);

    const pages = await allPages((token) => store.listRevisions(ns, 'f', 2, token));
    expect(pages.map((page) => page.map((r) => r.revision))).toEqual([[5, 4], [3, 2], [1]]);
    expect(pages[0]![0]).toMatchObject({ deleted: true, sha256: '', size: 0, txId: deleteTx });
    expect((await store.listRevisions(ns, 'unknown', 10, '')).items).toEqual([]);
  });

  it('getFile returns the latest revision or the one named; a tombstone or a deleted file is not found', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    await commitWrites(store, ['f'], 'one');
    const second = await commitWrites(store, ['f'], 'two');
    expect(await store.getFile(ns, 'f')).toMatchObject({ revision: 2, txId: second, ...fileContent('two:f') });
    expect(await store.getFile(ns, '/f/', 1)).toMatchObject({ revision: 1, ...fileContent('one:f') });
    await expect(store.getFile(ns, 'f', 3)).rejects.toBeInstanceOf(NotFoundError);

    const deleteTx = newTxId();
    await store.deleteFile(deleteTx, { namespace: ns, path: 'f' });
    await store.prepare(deleteTx);
    await store.commit(deleteTx);
    await expect(store.getFile(ns, 'f')).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.getFile(ns, 'f', 3)).rejects.toThrow(/is a deletion/);
    expect(await store.getFile(ns, 'f', 2)).toMatchObject({ revision: 2 });
  });

  it('reads never show uncommitted or prepared revisions, of new files or of existing ones', async () => {
    const url = await postgres.freshDatabase();
    const store = await startStore(url);
    await commitWrites(store, ['existing', 'existing-2'], 'committed');
    const open = newTxId();
    await store.stageRevision(open, { namespace: ns, path: 'existing', ...fileContent('open') });
    await store.stageRevision(open, { namespace: ns, path: 'new-open', ...fileContent('open') });
    const prepared = newTxId();
    await store.stageRevision(prepared, { namespace: ns, path: 'new-prepared', ...fileContent('prepared') });
    await store.deleteFile(prepared, { namespace: ns, path: 'existing-2' });
    expect(await store.prepare(prepared)).toEqual({ vote: 'yes' });

    expect(await store.getFile(ns, 'existing')).toMatchObject({ revision: 1, ...fileContent('committed:existing') });
    expect(await store.getFile(ns, 'existing-2')).toMatchObject({ revision: 1, ...fileContent('committed:existing-2') });
    await expect(store.getFile(ns, 'new-open')).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.getFile(ns, 'new-prepared')).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.getFile(ns, 'existing', 2)).rejects.toBeInstanceOf(NotFoundError);
    expect((await store.listFiles(ns, '', 10, '')).items.map((f) => [f.path, f.revision])).toEqual([
      ['existing', 1],
      ['existing-2', 1],
    ]);
    expect((await store.listRevisions(ns, 'existing', 10, '')).items.map((r) => r.revision)).toEqual([1]);
    expect((await store.listRevisions(ns, 'existing-2', 10, '')).items.map((r) => r.revision)).toEqual([1]);
  });
});
