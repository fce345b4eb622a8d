import { once } from 'node:events';
import { readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startGrpcServer } from '../../lib/grpc/grpc-server.js';
import { silentLogger } from '../../lib/logger/logger.js';
import { newTxId } from '../../lib/tx-id/tx-id.js';
import { blobStoreService, type BlobStoreServiceOptions } from '../../participant/blob/blob-store-service.js';
import type { LocalBlobStore } from '../../participant/blob/local/local-blob-store.js';
import { TxNotActiveError } from '../../participant/participant-errors.js';
import type { BranchWork } from '../../participant/resource-manager.js';
import type { BlobStoreClient } from '../../proto/gen/twophase/v1/BlobStore.js';
import type { GetRequest } from '../../proto/gen/twophase/v1/GetRequest.js';
import type { PutRequest } from '../../proto/gen/twophase/v1/PutRequest.js';
import type { PutResponse__Output } from '../../proto/gen/twophase/v1/PutResponse.js';
import { loadProto } from '../../proto/load-proto.js';
import { LinkClient, type LinkStream } from '../../lib/grpc-link/link-client.js';
import { contentOf, openTestStore, sha256Of } from './open-test-store.js';

const passThrough: BranchWork = { run: (_txId, operation) => operation() };

/** A BlobStore server on 127.0.0.1 over a fresh store, and a client of it; both closed when the test finishes. */
async function startService(
  work: BranchWork = passThrough,
  options: BlobStoreServiceOptions = {},
): Promise<{ store: LocalBlobStore; client: BlobStoreClient }> {
  const store = await openTestStore();
  const logger = silentLogger();
  const server = await startGrpcServer('127.0.0.1:0', [blobStoreService(store, work, logger, options)], logger);
  onTestFinished(() => server.shutdown(1_000));
  const BlobStore = loadProto().twophase.v1.BlobStore;
  const client = new BlobStore(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
  onTestFinished(() => client.close());
  return { store, client };
}

/** Sends `messages` as one Put, honouring backpressure, and resolves with the answer. */
async function put(client: BlobStoreClient, messages: readonly PutRequest[]): Promise<PutResponse__Output> {
  let call: grpc.ClientWritableStream<PutRequest> | undefined;
  const answer = new Promise<PutResponse__Output>((resolve, reject) => {
    call = client.Put((err, response) => (err !== null ? reject(err) : response !== undefined ? resolve(response) : reject(new Error('no response'))));
  });
  if (call === undefined) throw new Error('Put did not start');
  for (const message of messages) {
    if (!call.write(message)) await Promise.race([once(call, 'drain'), answer]);
  }
  call.end();
  return answer;
}

function putOf(txId: string, bytes: Buffer, chunkBytes: number, expected: { sha256?: string; size?: number } = {}): PutRequest[] {
  const messages: PutRequest[] = [{ header: { txId, expectedSha256: expected.sha256 ?? '', expectedSize: String(expected.size ?? -1) } }];
  for (let at = 0; at < bytes.length; at += chunkBytes) messages.push({ chunk: bytes.subarray(at, at + chunkBytes) });
  return messages;
}

/** The chunks of a Get, as received. */
function get(client: BlobStoreClient, request: GetRequest): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const call = client.Get(request);
    call.on('data', (message: { chunk: Buffer }) => chunks.push(message.chunk));
    call.on('error', reject);
    call.on('end', () => resolve(chunks));
  });
}

function stat(client: BlobStoreClient, sha256: string): Promise<{ size: string }> {
  return new Promise((resolve, reject) => {
    client.Stat({ sha256 }, (err, response) => (err !== null ? reject(err) : response !== undefined ? resolve(response) : reject(new Error('no response'))));
  });
}

function code(name: keyof typeof grpc.status): { code: number } {
  return { code: grpc.status[name] };
}

/** Puts `bytes` in a new tx and commits it through the store. */
async function publish(client: BlobStoreClient, store: LocalBlobStore, bytes: Buffer): Promise<string> {
  const txId = newTxId();
  const { sha256 } = await put(client, putOf(txId, bytes, 100_000));
  expect(await store.prepare(txId)).toEqual({ vote: 'yes' });
  await store.commit(txId);
  return sha256;
}

describe('BlobStore service', () => {
  it('Put stages the bytes and answers their sha256 and size; after commit Stat and Get see them, in chunks of at most 256 KiB', async () => {
    const { store, client } = await startService();
    const txId = newTxId();
    const bytes = contentOf(1_500_000);

    const answer = await put(client, putOf(txId, bytes, 1024 * 1024, { sha256: sha256Of(bytes), size: bytes.length }));
    expect(answer).toEqual({ sha256: sha256Of(bytes), size: String(bytes.length) });
    await expect(stat(client, answer.sha256)).rejects.toMatchObject(code('NOT_FOUND'));

    await store.prepare(txId);
    await store.commit(txId);

    expect(await stat(client, answer.sha256)).toEqual({ size: String(bytes.length) });
    const chunks = await get(client, { sha256: answer.sha256 });
    expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(256 * 1024);
  });

  it('a whole put over the Link stages small bytes as Put does, and fails as Put would (DATA_LOSS, INVALID_ARGUMENT over 256 KiB)', async () => {
    const { store, client } = await startService();
    const link = new LinkClient(() => client.Link() as unknown as LinkStream, async () => Promise.reject(new Error('the server has a Link')));
    onTestFinished(() => link.close());
    const deadline = (): Date => new Date(Date.now() + 5_000);
    const header = (txId: string, sha256 = ''): object => ({ txId, expectedSha256: sha256, expectedSize: '-1' });

    const txId = newTxId();
    const bytes = contentOf(200_000);
    // several at once share stream messages; each gets its own answer
    const [answer, other] = await Promise.all([
      link.call<PutResponse__Output>('put', { header: header(txId, sha256Of(bytes)), content: bytes }, deadline(), bytes.length),
      link.call<PutResponse__Output>('put', { header: header(txId), content: contentOf(10, 2) }, deadline(), 10),
    ]);
    expect(answer).toEqual({ sha256: sha256Of(bytes), size: String(bytes.length) });
    expect(other.size).toBe('10');
    expect(await store.prepare(txId)).toEqual({ vote: 'yes' });
    await store.commit(txId);
    expect(Buffer.concat(await get(client, { sha256: answer.sha256, offset: '0', length: '-1' })).equals(bytes)).toBe(true);

    const mismatch = newTxId();
    await expect(link.call('put', { header: header(mismatch, sha256Of(Buffer.from('else'))), content: bytes }, deadline(), bytes.length)).rejects.toMatchObject(code('DATA_LOSS'));
    expect(await store.prepare(mismatch)).toMatchObject({ vote: 'no' });
    const big = contentOf(256 * 1024 + 1);
    await expect(link.call('put', { header: header(newTxId()), content: big }, deadline(), big.length)).rejects.toMatchObject(code('INVALID_ARGUMENT'));
    await expect(link.call('put', { content: bytes }, deadline(), bytes.length)).rejects.toMatchObject(code('INVALID_ARGUMENT'));
  });

  it('Get returns exactly the requested byte range; length -1, or 0 with offset 0, means to the end', async () => {
    const { store, client } = await startService();
    const bytes = contentOf(700_000);
    const sha256 = await publish(client, store, bytes);

    const range = async (offset: number, length: number): Promise<Buffer> => Buffer.concat(await get(client, { sha256, offset, length }));
    expect((await range(1_000, 300_000)).equals(bytes.subarray(1_000, 301_000))).toBe(true);
    expect((await range(650_000, -1)).equals(bytes.subarray(650_000))).toBe(true);
    expect((await range(0, 0)).equals(bytes)).toBe(true);
    expect((await range(0, -1)).equals(bytes)).toBe(true);
    expect(await range(bytes.length, -1)).toHaveLength(0);
    expect((await range(699_999, 1)).equals(bytes.subarray(699_999))).toBe(true);
  });

  it('Get of a range past the end of the object is OUT_OF_RANGE', async () => {
    const { store, client } = await startService();
    const sha256 = await publish(client, store, contentOf(10_000));

    await expect(get(client, { sha256, offset: 10_001 })).rejects.toMatchObject(code('OUT_OF_RANGE'));
    await expect(get(client, { sha256, offset: 1, length: 10_000 })).rejects.toMatchObject(code('OUT_OF_RANGE'));
  });

  it('Get and Stat of an object that is not published are NOT_FOUND; a malformed sha256 or a negative offset is INVALID_ARGUMENT', async () => {
    const { client } = await startService();
    const absent = sha256Of(Buffer.from('never put'));

    await expect(get(client, { sha256: absent })).rejects.toMatchObject(code('NOT_FOUND'));
    await expect(stat(client, absent)).rejects.toMatchObject(code('NOT_FOUND'));
    await expect(get(client, { sha256: absent.toUpperCase() })).rejects.toMatchObject(code('INVALID_ARGUMENT'));
    await expect(stat(client, '../../etc/passwd')).rejects.toMatchObject(code('INVALID_ARGUMENT'));
    await expect(get(client, { sha256: absent, offset: -1 })).rejects.toMatchObject(code('INVALID_ARGUMENT'));
  });

  it('Put with an expected_sha256 that is not 64 lower-case hex digits is INVALID_ARGUMENT, before any work', async () => {
    let runs = 0;
    const { client } = await startService({ run: (_txId, operation) => (runs++, operation()) });
    const bytes = contentOf(1_000);

    for (const bad of [sha256Of(bytes).toUpperCase(), sha256Of(bytes).slice(1), 'not-a-digest']) {
      await expect(put(client, putOf(newTxId(), bytes, 500, { sha256: bad }))).rejects.toMatchObject(code('INVALID_ARGUMENT'));
    }
    expect(runs).toBe(0);
  });

  it('Put without a header first (or at all) is INVALID_ARGUMENT, and so is a second header', async () => {
    const { client } = await startService();

    await expect(put(client, [{ chunk: Buffer.from('headless') }])).rejects.toMatchObject(code('INVALID_ARGUMENT'));
    await expect(put(client, [])).rejects.toMatchObject(code('INVALID_ARGUMENT'));
    const twice = putOf(newTxId(), Buffer.from('bytes'), 5);
    await expect(put(client, [...twice, ...twice])).rejects.toMatchObject(code('INVALID_ARGUMENT'));
  });

  it('Put with an invalid tx id is INVALID_ARGUMENT, before any work', async () => {
    let runs = 0;
    const { client } = await startService({ run: (_txId, operation) => (runs++, operation()) });

    await expect(put(client, putOf('short', Buffer.from('x'), 1))).rejects.toMatchObject(code('INVALID_ARGUMENT'));
    await expect(put(client, putOf(`${'a'.repeat(30)}/..`, Buffer.from('x'), 1))).rejects.toMatchObject(code('INVALID_ARGUMENT'));
    expect(runs).toBe(0);
  });

  it('Put with a chunk over 1 MiB is INVALID_ARGUMENT', async () => {
    const { client } = await startService();

    await expect(put(client, putOf(newTxId(), contentOf(1024 * 1024 + 1), 1024 * 1024 + 1))).rejects.toMatchObject(code('INVALID_ARGUMENT'));
  });

  it('Put whose bytes do not match the expected sha256 is DATA_LOSS, and the branch votes no', async () => {
    const { store, client } = await startService();
    const txId = newTxId();

    await expect(put(client, putOf(txId, contentOf(5_000), 1_000, { sha256: sha256Of(Buffer.from('other')) }))).rejects.toMatchObject(
      code('DATA_LOSS'),
    );
    expect(await store.prepare(txId)).toMatchObject({ vote: 'no', reason: expect.stringMatching(/sha256/) });
  });

  it('Put for a tx the runtime refuses is FAILED_PRECONDITION and stages nothing', async () => {
    const refuse: BranchWork = {
      run: (txId) => Promise.reject(new TxNotActiveError(txId, 'the coordinator refused the enlist')),
    };
    const { store, client } = await startService(refuse);
    const txId = newTxId();

    await expect(put(client, putOf(txId, contentOf(5_000), 1_000))).rejects.toMatchObject(code('FAILED_PRECONDITION'));
    expect(await store.prepare(txId)).toMatchObject({ vote: 'no' });
  });

  it('a Get cancelled by its client closes the object file', async () => {
    const { store, client } = await startService();
    // large enough that the server is still reading it when the client has its first chunk
    const sha256 = await publish(client, store, contentOf(32 * 1024 * 1024));
    const call = client.Get({ sha256 });
    call.on('error', () => undefined);
    await once(call, 'data');
    expect(await openFilesNamed(sha256)).toBe(1);

    call.cancel();

    await until(async () => (await openFilesNamed(sha256)) === 0);
  });

  it('a Put cancelled by its client keeps nothing of its bytes', async () => {
    const { store, client } = await startService();
    const txId = newTxId();
    const call = client.Put(() => undefined);
    call.write({ header: { txId, expectedSha256: '', expectedSize: '-1' } });
    call.write({ chunk: contentOf(100_000) });
    await until(async () => (await stagedFiles(store, txId)).length === 1);

    call.cancel();

    await until(async () => (await stagedFiles(store, txId)).length === 0);
    expect(await store.prepare(txId)).toEqual({ vote: 'yes' });
  });

  it('a Put over the object size limit, declared or streamed, is RESOURCE_EXHAUSTED with limit-scope request, and keeps nothing', async () => {
    const { store, client } = await startService(passThrough, { objectBytesMax: 10 });
    const declared = newTxId();
    const streamed = newTxId();
    for (const [txId, messages] of [
      [declared, putOf(declared, Buffer.from('12345678901'), 4, { size: 11 })],
      [streamed, putOf(streamed, Buffer.from('12345678901'), 4)],
    ] as const) {
      const err = (await put(client, messages).then(
        () => undefined,
        (e: unknown) => e,
      )) as grpc.ServiceError | undefined;
      expect(err).toMatchObject(code('RESOURCE_EXHAUSTED'));
      expect(err?.metadata.get('limit-scope')).toEqual(['request']);
      expect(await stagedFiles(store, txId)).toEqual([]);
    }
    expect(await put(client, putOf(newTxId(), Buffer.from('1234567890'), 4))).toMatchObject({ size: '10' });
  });

  it('a Put past the limit of Puts in flight is RESOURCE_EXHAUSTED, and is served once one ends', async () => {
    const { store, client } = await startService(passThrough, { putsInFlightMax: 1 });
    const txId = newTxId();
    let answered: PutResponse__Output | undefined;
    const first = client.Put((err, response) => (answered = err === null ? response : undefined));
    first.write({ header: { txId, expectedSha256: '', expectedSize: '-1' } });
    first.write({ chunk: Buffer.from('first') });
    await until(async () => (await stagedFiles(store, txId)).length === 1);

    await expect(put(client, putOf(newTxId(), Buffer.from('second'), 6))).rejects.toMatchObject(code('RESOURCE_EXHAUSTED'));

    first.end();
    await until(async () => answered !== undefined);
    expect(await put(client, putOf(newTxId(), Buffer.from('third'), 5))).toMatchObject({ size: '5' });
  });

  it('a Put whose client goes silent ends with DEADLINE_EXCEEDED after the stall timeout, frees its slot and keeps nothing of its bytes', async () => {
    const { store, client } = await startService(passThrough, { putsInFlightMax: 1, putStallMs: 300 });
    const txId = newTxId();
    let failure: grpc.ServiceError | undefined;
    // a live client that stops sending: the call is never ended, cancelled or timed out by it
    const silent = client.Put((err) => (failure = err ?? undefined));
    silent.write({ header: { txId, expectedSha256: '', expectedSize: '-1' } });
    silent.write({ chunk: contentOf(100_000) });
    await until(async () => (await stagedFiles(store, txId)).length === 1);

    await until(async () => failure !== undefined);
    expect(failure).toMatchObject(code('DEADLINE_EXCEEDED'));
    expect(failure?.details).toMatch(/no Put message for 300 ms/);
    await until(async () => (await stagedFiles(store, txId)).length === 0);
    // the one slot is free again
    expect(await put(client, putOf(newTxId(), Buffer.from('next'), 4))).toMatchObject({ size: '4' });
    silent.end();
  });

  it('a Put whose client sends nothing after opening it, not even the header, ends after the stall timeout', async () => {
    const { client } = await startService(passThrough, { putsInFlightMax: 1, putStallMs: 300 });
    let failure: grpc.ServiceError | undefined;
    const silent = client.Put((err) => (failure = err ?? undefined));
    await until(async () => failure !== undefined);
    expect(failure).toMatchObject(code('DEADLINE_EXCEEDED'));
    expect(await put(client, putOf(newTxId(), Buffer.from('next'), 4))).toMatchObject({ size: '4' });
    silent.end();
  });
});

/** How many descriptors of this process have a file named `name` open. */
async function openFilesNamed(name: string): Promise<number> {
  // all at once: the process holds a few hundred descriptors (the store keeps its directories open)
  const fds = await readdir('/proc/self/fd');
  const targets = await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
  return targets.filter((target) => path.basename(target) === name).length;
}

async function stagedFiles(store: LocalBlobStore, txId: string): Promise<string[]> {
  const dir = (store as unknown as { layout: { stagingRoot: string } }).layout.stagingRoot;
  return (await readdir(dir).catch(() => [])).filter((name) => name.startsWith(`${txId}.`));
}

async function until(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
