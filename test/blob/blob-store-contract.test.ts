import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '../../lib/logger/logger.js';
import { newTxId } from '../../lib/tx-id/tx-id.js';
import type { BlobStore } from '../../participant/blob/blob-store.js';
import { BranchAlreadyCommittedError } from '../../participant/blob/branch-already-committed-error.js';
import { LocalBlobStore } from '../../participant/blob/local/local-blob-store.js';
import { RangeNotSatisfiableError } from '../../participant/blob/range-not-satisfiable-error.js';
import { S3BlobStore } from '../../participant/blob/s3/s3-blob-store.js';
import { BranchNotCommittedError, ChecksumMismatchError, NotFoundError, TxNotActiveError } from '../../participant/participant-errors.js';
import { MotoServer } from '../../lib/s3/moto-server.js';
import { chunked } from './open-test-store.js';

/**
 * The resource-manager contract of a blob store, run against each backend: the local
 * directory and S3 (a real S3 API server, moto_server). A "place" is where one store keeps
 * its data (a directory, a key prefix); a second store on the same place is the first one
 * restarted.
 */
interface Backend {
  readonly name: string;
  /** A fresh place for a store. */
  place(): Promise<string>;
  open(place: string): BlobStore;
  /** Keys or files left under the place's staging area. */
  staged(place: string): Promise<string[]>;
}

let moto: MotoServer;
const bucket = 'twophase-contract';

beforeAll(async () => {
  moto = await MotoServer.start();
  await moto.createBucket(bucket);
}, 60_000);
afterAll(async () => {
  await moto?.stop();
});

const backends: Backend[] = [
  {
    name: 'local directory',
    async place() {
      const dir = await mkdtemp(join(tmpdir(), 'twophase-contract-'));
      onTestFinished(() => rm(dir, { recursive: true, force: true }));
      return dir;
    },
    open: (dataDir) => new LocalBlobStore({ dataDir, logger: silentLogger() }),
    async staged(dataDir) {
      const { readdir } = await import('node:fs/promises');
      return (await readdir(join(dataDir, 'staging'), { recursive: true }).catch(() => [])).filter((n) => !n.endsWith('/'));
    },
  },
  {
    name: 'S3 (moto_server)',
    place: async () => `t-${randomBytes(6).toString('hex')}/`,
    open: (prefix) => new S3BlobStore({ bucket, prefix, client: moto.clientConfig, logger: silentLogger() }),
    async staged(prefix) {
      const client = new S3Client(moto.clientConfig);
      try {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}staging/` }));
        return (page.Contents ?? []).map((o) => o.Key ?? '');
      } finally {
        client.destroy();
      }
    },
  },
];

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

async function read(store: BlobStore, digest: string, range?: { offset?: number; length?: number }): Promise<Buffer> {
  const { chunks } = await store.get(digest, range);
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(parts);
}

describe.each(backends)('blob store contract: $name', (backend) => {
  const opened = async (place?: string): Promise<{ store: BlobStore; place: string; recovery: Awaited<ReturnType<BlobStore['recover']>> }> => {
    const where = place ?? (await backend.place());
    const store = backend.open(where);
    const recovery = await store.recover();
    onTestFinished(() => store.close());
    return { store, place: where, recovery };
  };

  it('put, prepare, commit: the object is readable by its digest, whole and by range, and nothing stays staged', async () => {
    const { store, place } = await opened();
    const tx = newTxId();
    const content = randomBytes(100_000);
    expect(await store.put(tx, chunked(content), { sha256: sha(content), size: content.length })).toEqual({ sha256: sha(content), size: content.length });
    expect(await store.prepare(tx)).toEqual({ vote: 'yes' });
    expect(await store.prepare(tx)).toEqual({ vote: 'yes' });
    expect(await store.commit(tx)).toEqual({ alreadyCommitted: false });
    expect(await store.stat(sha(content))).toEqual({ size: content.length });
    expect((await read(store, sha(content))).equals(content)).toBe(true);
    expect((await read(store, sha(content), { offset: 10, length: 20 })).equals(content.subarray(10, 30))).toBe(true);
    await expect(store.get(sha(content), { offset: 99_990, length: 20 })).rejects.toBeInstanceOf(RangeNotSatisfiableError);
    // the local store retires a committed object's staged name in the background
    await expect.poll(() => backend.staged(place), { timeout: 5_000 }).toEqual([]);
  });

  it('bytes that do not match their declared digest or size are refused, and the branch votes no and leaves nothing', async () => {
    const { store, place } = await opened();
    const tx = newTxId();
    const content = randomBytes(5_000);
    await expect(store.put(tx, chunked(content), { sha256: '0'.repeat(64) })).rejects.toBeInstanceOf(ChecksumMismatchError);
    await expect(store.put(newTxId(), chunked(content), { size: 4_999 })).rejects.toBeInstanceOf(ChecksumMismatchError);
    expect((await store.prepare(tx)).vote).toBe('no');
    await expect(store.stat(sha(content))).rejects.toBeInstanceOf(NotFoundError);
    // the local store retires a committed object's staged name in the background
    await expect.poll(() => backend.staged(place), { timeout: 5_000 }).toEqual([]);
  });

  it('abort removes what a branch staged; an unknown branch votes no and aborts as already aborted', async () => {
    const { store, place } = await opened();
    const tx = newTxId();
    await store.put(tx, chunked(randomBytes(3_000)));
    expect(await store.abort(tx)).toEqual({ alreadyAborted: false });
    // the local store retires a committed object's staged name in the background
    await expect.poll(() => backend.staged(place), { timeout: 5_000 }).toEqual([]);
    expect((await store.prepare(tx)).vote).toBe('no');
    expect(await store.abort(newTxId())).toEqual({ alreadyAborted: true });
  });

  it('a prepared branch survives a restart in doubt, and commits after it; an unprepared one is deleted by recovery', async () => {
    const { store, place } = await opened();
    const prepared = newTxId();
    const unprepared = newTxId();
    const content = randomBytes(20_000);
    await store.put(prepared, chunked(content));
    await store.prepare(prepared);
    await store.put(unprepared, chunked(randomBytes(1_000)));
    await store.close();

    const again = await opened(place);
    expect(again.recovery.prepared.map((p) => p.txId)).toEqual([prepared]);
    expect(again.recovery.abortedLeftovers).toBeGreaterThanOrEqual(1);
    expect((await again.store.prepare(unprepared)).vote).toBe('no');
    expect(await again.store.commit(prepared)).toEqual({ alreadyCommitted: false });
    expect((await read(again.store, sha(content))).equals(content)).toBe(true);
    // the local store retires a committed object's staged name in the background
    await expect.poll(() => backend.staged(place), { timeout: 5_000 }).toEqual([]);
  });

  it('a repeated commit is answered from what is durable, across a restart; a commit of what never prepared is refused', async () => {
    const { store, place } = await opened();
    const tx = newTxId();
    await store.put(tx, chunked(randomBytes(2_000)));
    await store.prepare(tx);
    await store.commit(tx);
    expect(await store.commit(tx)).toEqual({ alreadyCommitted: true });
    await store.close();
    const again = await opened(place);
    expect(await again.store.commit(tx)).toEqual({ alreadyCommitted: true });
    await expect(again.store.commit(newTxId())).rejects.toBeInstanceOf(BranchNotCommittedError);
    await expect(again.store.abort(tx)).rejects.toBeInstanceOf(BranchAlreadyCommittedError);
  });

  it('a prepared branch takes no more bytes; the same content committed by two txs is one object', async () => {
    const { store } = await opened();
    const content = randomBytes(4_000);
    const [a, b] = [newTxId(), newTxId()];
    await store.put(a, chunked(content));
    await store.put(b, chunked(content));
    await store.prepare(a);
    await expect(store.put(a, chunked(content))).rejects.toBeInstanceOf(TxNotActiveError);
    await store.prepare(b);
    await store.commit(a);
    await store.commit(b);
    expect((await read(store, sha(content))).equals(content)).toBe(true);
  });

  it('a 20 MiB object streams through (multipart on S3) and reads back identical', { timeout: 120_000 }, async () => {
    const { store } = await opened();
    const tx = newTxId();
    const content = randomBytes(20 * 1024 * 1024);
    expect((await store.put(tx, chunked(content, 1024 * 1024))).sha256).toBe(sha(content));
    await store.prepare(tx);
    await store.commit(tx);
    expect((await read(store, sha(content))).equals(content)).toBe(true);
  });
});
