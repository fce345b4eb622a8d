import { describe, expect, it } from 'vitest';
import { newTxId } from '../../lib/tx-id/tx-id.js';
import { BranchNotCommittedError, InvalidInputError } from '../../participant/participant-errors.js';
import type { PostgresMetadataStore } from '../../participant/metadata/postgres-metadata-store.js';
import { postgresFixture } from '../support/postgres-fixture.js';
import { fileContent } from './file-content.js';
import { inspectDatabase, type DatabaseInspector } from './inspect-database.js';
import { startStore } from './start-store.js';

const postgres = postgresFixture();
const content = fileContent('payload');
const injection = "x';DROP TABLE files;--";

async function setUp(): Promise<{ store: PostgresMetadataStore; db: DatabaseInspector }> {
  const url = await postgres.freshDatabase();
  return { store: await startStore(url), db: await inspectDatabase(url) };
}

/** Nothing was stored, no branch was opened or prepared, and every table is still there. */
async function expectNothingStored(store: PostgresMetadataStore, db: DatabaseInspector, txId: string): Promise<void> {
  expect(await db.counts()).toEqual({ files: 0, revisions: 0, markers: 0, prepared: 0 });
  // prepare of a branch that a refused write had opened would vote yes
  expect(await store.prepare(txId)).toMatchObject({ vote: 'no' });
  const tables = await db.rows<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
  expect(tables.map((t) => t.table_name)).toEqual(['feed_sequence', 'files', 'revisions', 'schema_migrations', 'tx_markers']);
}

async function refused(write: Promise<unknown>, field: string, message: RegExp): Promise<void> {
  await expect(write).rejects.toBeInstanceOf(InvalidInputError);
  await expect(write).rejects.toMatchObject({ field, message: expect.stringMatching(message) });
}

describe('PostgresMetadataStore bad input', () => {
  it('path traversal is refused and nothing is stored', async () => {
    const { store, db } = await setUp();
    const txId = newTxId();
    for (const path of ['../etc/passwd', 'docs/../../x', 'a/./b', '..', 'a\\..\\b']) {
      await refused(store.stageRevision(txId, { namespace: 'alice', path, ...content }), 'path', /traversal|backslash/);
      await refused(store.deleteFile(txId, { namespace: 'alice', path }), 'path', /traversal|backslash/);
    }
    await expectNothingStored(store, db, txId);
  });

  it('an over-long path, or segment, is refused and nothing is stored', async () => {
    const { store, db } = await setUp();
    const txId = newTxId();
    const longPath = Array.from({ length: 5 }, () => 'd'.repeat(250)).join('/');
    await refused(store.stageRevision(txId, { namespace: 'alice', path: longPath, ...content }), 'path', /1254 bytes, more than the limit of 1024/);
    await refused(store.stageRevision(txId, { namespace: 'alice', path: 's'.repeat(256), ...content }), 'path', /segment is 256 bytes/);
    await expectNothingStored(store, db, txId);
  });

  it('control characters in a path are refused and nothing is stored', async () => {
    const { store, db } = await setUp();
    const txId = newTxId();
    for (const path of ['a\u0000b', 'line\nbreak', 'tab\there', 'del\u007f']) {
      await refused(store.stageRevision(txId, { namespace: 'alice', path, ...content }), 'path', /control character U\+00/);
    }
    await expectNothingStored(store, db, txId);
  });

  it('a tx id carrying SQL metacharacters is refused by every call and the tables stay intact', async () => {
    const { store, db } = await setUp();
    await refused(store.stageRevision(injection, { namespace: 'alice', path: 'a', ...content }), 'tx_id', /invalid tx id/);
    await refused(store.deleteFile(injection, { namespace: 'alice', path: 'a' }), 'tx_id', /invalid tx id/);
    expect(await store.prepare(injection)).toEqual({ vote: 'no', reason: expect.stringMatching(/unknown branch: invalid tx id/) });
    await refused(store.commit(injection), 'tx_id', /invalid tx id/);
    await refused(store.abort(injection), 'tx_id', /invalid tx id/);
    expect(await store.recover()).toEqual({ prepared: [], abortedLeftovers: 0 });
    await expectNothingStored(store, db, newTxId());
  });

  it('an unknown tx id: prepare votes no, commit is not verified, abort is already done', async () => {
    const { store, db } = await setUp();
    const txId = newTxId();
    expect(await store.prepare(txId)).toMatchObject({ vote: 'no', reason: expect.stringMatching(/unknown branch/) });
    await expect(store.commit(txId)).rejects.toBeInstanceOf(BranchNotCommittedError);
    expect(await store.abort(txId)).toEqual({ alreadyAborted: true });
    await expectNothingStored(store, db, txId);
  });

  it('a bad namespace, checksum, size, content type or condition is refused and nothing is stored', async () => {
    const { store, db } = await setUp();
    const txId = newTxId();
    const good = { namespace: 'alice', path: 'a', ...content };
    await refused(store.stageRevision(txId, { ...good, namespace: '..' }), 'namespace', /reserved/);
    await refused(store.stageRevision(txId, { ...good, namespace: injection }), 'namespace', /expected 1 to 128/);
    await refused(store.stageRevision(txId, { ...good, sha256: content.sha256.toUpperCase() }), 'sha256', /lower-case hex/);
    await refused(store.stageRevision(txId, { ...good, sha256: 'abc' }), 'sha256', /64 lower-case hex/);
    await refused(store.stageRevision(txId, { ...good, size: -1 }), 'size', /negative/);
    await refused(store.stageRevision(txId, { ...good, size: 1.5 }), 'size', /whole number/);
    await refused(store.stageRevision(txId, { ...good, contentType: 'text/plain\r\nX-Evil: 1' }), 'content_type', /printable ASCII/);
    await refused(store.stageRevision(txId, { ...good, contentType: 'x'.repeat(256) }), 'content_type', /longer than 255/);
    await refused(store.stageRevision(txId, { ...good, ifMatchRevision: 1, ifNoneMatch: true }), 'if_none_match', /cannot be combined/);
    await expectNothingStored(store, db, txId);
  });

  it('a bad page size or page token is refused', async () => {
    const { store } = await setUp();
    await refused(store.listFiles('alice', '', 1001, ''), 'page_size', /1 to 1000/);
    await refused(store.listFiles('alice', '', 10, 'not a token!'), 'page_token', /not a token/);
    await refused(store.listFiles('alice', '', 10, Buffer.from('{"kind":"revisions","beforeRevision":3}').toString('base64url')), 'page_token', /files listing/);
    await refused(store.listRevisions('alice', 'a', 10, Buffer.from('{"kind":"revisions","beforeRevision":-3}').toString('base64url')), 'page_token', /not a token/);
    await refused(store.listFiles('alice', 'a\u0000', 10, ''), 'prefix', /control character/);
  });
});
