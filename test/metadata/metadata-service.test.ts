import * as grpc from '@grpc/grpc-js';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startGrpcServer } from '../../lib/grpc/grpc-server.js';
import { silentLogger } from '../../lib/logger/logger.js';
import { newTxId } from '../../lib/tx-id/tx-id.js';
import { metadataService } from '../../participant/metadata/metadata-service.js';
import type { PostgresMetadataStore } from '../../participant/metadata/postgres-metadata-store.js';
import { TxNotActiveError } from '../../participant/participant-errors.js';
import type { BranchWork } from '../../participant/resource-manager.js';
import type { MetadataClient } from '../../proto/gen/twophase/v1/Metadata.js';
import type { StageRevisionRequest } from '../../proto/gen/twophase/v1/StageRevisionRequest.js';
import { loadProto } from '../../proto/load-proto.js';
import { postgresFixture } from '../support/postgres-fixture.js';
import { fileContent } from './file-content.js';
import { inspectDatabase } from './inspect-database.js';
import { startStore } from './start-store.js';

const postgres = postgresFixture();
const passThrough: BranchWork = { run: (_txId, operation) => operation() };

/** A Metadata server on 127.0.0.1 (port 0) over a store on a fresh database, and a client of it. */
async function startService(work: BranchWork = passThrough): Promise<{ store: PostgresMetadataStore; client: MetadataClient; url: string }> {
  const url = await postgres.freshDatabase();
  const store = await startStore(url, { lockTimeoutMs: 200 });
  const logger = silentLogger();
  const server = await startGrpcServer('127.0.0.1:0', [metadataService(store, work, logger)], logger);
  onTestFinished(() => server.shutdown(1_000));
  const Metadata = loadProto().twophase.v1.Metadata;
  const client = new Metadata(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
  onTestFinished(() => client.close());
  return { store, client, url };
}

type Unary<Req, Res> = (request: Req, callback: grpc.requestCallback<Res>) => grpc.ClientUnaryCall;

/** Calls a unary method and resolves with its answer or rejects with its ServiceError. */
function call<Req, Res>(method: Unary<Req, Res>, client: MetadataClient, request: Req): Promise<Res> {
  return new Promise((resolve, reject) => {
    method.call(client, request, (err, response) => (err !== null ? reject(err) : response !== undefined ? resolve(response) : reject(new Error('no response'))));
  });
}

function stage(client: MetadataClient, request: StageRevisionRequest) {
  return call(client.StageRevision as Unary<StageRevisionRequest, { revision: string; created: boolean }>, client, request);
}

function expectStatus(code: grpc.status, details?: RegExp) {
  return expect.objectContaining({ code, ...(details === undefined ? {} : { details: expect.stringMatching(details) }) });
}

const hello = fileContent('hello');
const helloWire = { sha256: hello.sha256, size: String(hello.size), contentType: hello.contentType };

describe('Metadata service over gRPC', () => {
  it('a staged revision, once committed, is read back through GetFile, ListFiles and ListRevisions', async () => {
    const { store, client } = await startService();
    const txId = newTxId();
    expect(await stage(client, { txId, namespace: 'alice', path: '/docs//a.txt', ...helloWire })).toEqual({ revision: '1', created: true });
    await expect(call(client.GetFile, client, { namespace: 'alice', path: 'docs/a.txt' })).rejects.toEqual(expectStatus(grpc.status.NOT_FOUND));
    expect(await store.prepare(txId)).toEqual({ vote: 'yes' });
    await store.commit(txId);

    const file = await call(client.GetFile, client, { namespace: 'alice', path: 'docs/a.txt' });
    expect(file).toMatchObject({ namespace: 'alice', path: 'docs/a.txt', revision: '1', sha256: hello.sha256, size: '5', contentType: 'text/plain', txId, deleted: false });
    expect(Math.abs(Number(file.createdUnixMs) - Date.now())).toBeLessThan(60_000);
    const listed = await call(client.ListFiles, client, { namespace: 'alice', prefix: 'docs/', pageSize: 0, pageToken: '' });
    expect(listed.files.map((f) => f.path)).toEqual(['docs/a.txt']);
    expect(listed.nextPageToken).toBe('');
    const history = await call(client.ListRevisions, client, { namespace: 'alice', path: 'docs/a.txt' });
    expect(history.revisions.map((r) => r.revision)).toEqual(['1']);
  });

  it('DeleteFile writes a tombstone; deleting what is not there is NOT_FOUND', async () => {
    const { store, client } = await startService();
    const create = newTxId();
    await stage(client, { txId: create, namespace: 'alice', path: 'a', ...helloWire, contentType: '' });
    await store.prepare(create);
    await store.commit(create);
    expect(await call(client.GetFile, client, { namespace: 'alice', path: 'a' })).toMatchObject({ contentType: 'application/octet-stream' });

    const remove = newTxId();
    expect(await call(client.DeleteFile, client, { txId: remove, namespace: 'alice', path: 'a', ifMatchRevision: '1' })).toEqual({ revision: '2' });
    await store.prepare(remove);
    await store.commit(remove);
    await expect(call(client.GetFile, client, { namespace: 'alice', path: 'a' })).rejects.toEqual(expectStatus(grpc.status.NOT_FOUND));
    await expect(call(client.DeleteFile, client, { txId: newTxId(), namespace: 'alice', path: 'a' })).rejects.toEqual(expectStatus(grpc.status.NOT_FOUND));
  });

  it('bad input is INVALID_ARGUMENT, naming the field, before any work is enlisted, and nothing is stored', async () => {
    const enlisted: string[] = [];
    const counting: BranchWork = { run: (txId, operation) => (enlisted.push(txId), operation()) };
    const { client, url } = await startService(counting);
    const good = { txId: newTxId(), namespace: 'alice', path: 'a', ...helloWire };
    const cases: [StageRevisionRequest, RegExp][] = [
      [{ ...good, path: '../etc/passwd' }, /invalid path: .*traversal/],
      [{ ...good, path: 'x'.repeat(1025) }, /invalid path: .*1025 bytes/],
      [{ ...good, path: 'a\u0000b' }, /invalid path: .*control character U\+0000/],
      [{ ...good, txId: "x';DROP TABLE files;--" }, /invalid tx_id: invalid tx id/],
      [{ ...good, txId: '' }, /invalid tx_id/],
      [{ ...good, namespace: '' }, /invalid namespace/],
      [{ ...good, sha256: 'nope' }, /invalid sha256/],
      [{ ...good, size: '-1' }, /invalid size: must not be negative/],
      [{ ...good, contentType: 'a\nb' }, /invalid content_type/],
      [{ ...good, ifMatchRevision: '-2' }, /invalid if_match_revision/],
      [{ ...good, ifMatchRevision: '1', ifNoneMatch: true }, /invalid if_none_match/],
    ];
    for (const [request, details] of cases) {
      await expect(stage(client, request)).rejects.toEqual(expectStatus(grpc.status.INVALID_ARGUMENT, details));
    }
    await expect(call(client.DeleteFile, client, { txId: good.txId, namespace: 'alice', path: 'a/../b' })).rejects.toEqual(
      expectStatus(grpc.status.INVALID_ARGUMENT, /traversal/),
    );
    await expect(call(client.ListFiles, client, { namespace: 'alice', pageSize: 5000 })).rejects.toEqual(expectStatus(grpc.status.INVALID_ARGUMENT, /page_size/));
    await expect(call(client.ListRevisions, client, { namespace: 'alice', path: 'a', pageToken: '!!' })).rejects.toEqual(
      expectStatus(grpc.status.INVALID_ARGUMENT, /page_token/),
    );
    expect(enlisted).toEqual([]);
    expect(await (await inspectDatabase(url)).counts()).toEqual({ files: 0, revisions: 0, markers: 0, prepared: 0 });
  });

  it('a failed If-Match is FAILED_PRECONDITION carrying the current revision; a held file is ABORTED', async () => {
    const { store, client } = await startService();
    const first = newTxId();
    await stage(client, { txId: first, namespace: 'alice', path: 'a', ...helloWire });
    await store.prepare(first);
    await store.commit(first);

    const stale = stage(client, { txId: newTxId(), namespace: 'alice', path: 'a', ...helloWire, ifMatchRevision: '7' });
    await expect(stale).rejects.toEqual(expectStatus(grpc.status.FAILED_PRECONDITION, /current revision 1/));
    const err = (await stale.catch((e: unknown) => e)) as grpc.ServiceError;
    expect(err.metadata.get('current-revision')).toEqual(['1']);

    const holder = newTxId();
    await stage(client, { txId: holder, namespace: 'alice', path: 'a', ...helloWire, ifMatchRevision: '1' });
    await expect(stage(client, { txId: newTxId(), namespace: 'alice', path: 'a', ...helloWire })).rejects.toEqual(
      expectStatus(grpc.status.ABORTED, /write conflict/),
    );
    await store.abort(holder);
  });

  it('a write the participant runtime refuses (tx not active) is FAILED_PRECONDITION and stores nothing', async () => {
    const refusing: BranchWork = { run: (txId) => Promise.reject(new TxNotActiveError(txId, 'refused by the coordinator')) };
    const { client, url } = await startService(refusing);
    await expect(stage(client, { txId: newTxId(), namespace: 'alice', path: 'a', ...helloWire })).rejects.toEqual(
      expectStatus(grpc.status.FAILED_PRECONDITION, /not active/),
    );
    expect(await (await inspectDatabase(url)).counts()).toEqual({ files: 0, revisions: 0, markers: 0, prepared: 0 });
  });
});
