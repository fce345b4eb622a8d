import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  type ListObjectsV2CommandOutput,
  paginateListObjectsV2,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { limits } from '../../../lib/limits/limits.js';
import type { Logger } from '../../../lib/logger/logger.js';
import { txIdProblem } from '../../../lib/tx-id/tx-id.js';
import { BranchNotCommittedError, ChecksumMismatchError, InvalidInputError, LimitExceededError, NotFoundError, TxNotActiveError } from '../../participant-errors.js';
import type { PrepareVote, RecoveryResult } from '../../resource-manager.js';
import { BranchAlreadyCommittedError } from '../branch-already-committed-error.js';
import type { BlobRead, BlobStore, ByteRange, PutExpectation, PutResult } from '../blob-store.js';
import { isSha256Hex } from '../is-sha256-hex.js';
import { RangeNotSatisfiableError } from '../range-not-satisfiable-error.js';

export interface S3BlobStoreOptions {
  readonly bucket: string;
  /** Key prefix of everything the store writes (`<prefix>staging/…`, `<prefix>objects/…`); '' for none, else ending in `/`. */
  readonly prefix?: string;
  /** The S3 client's settings (endpoint, region, path-style); credentials come from the standard AWS chain. */
  readonly client: S3ClientConfig;
  readonly logger: Logger;
  readonly participantId?: string;
  readonly objectBytesMax?: number;
  /** The random part of a staged object's key. */
  readonly newObjectId?: () => string;
}

/** A staged object of a branch: its key under `staging/<txId>/`, digest and size. */
interface StagedObject {
  readonly key: string;
  readonly sha256: string;
  readonly size: number;
}

/** The prepared marker, `staging/<txId>/manifest.json`: written last, it is the yes vote. */
interface S3Manifest {
  readonly version: 1;
  readonly txId: string;
  readonly preparedAtMs: number;
  readonly objects: readonly StagedObject[];
}

type OpenBranch = { readonly kind: 'working'; readonly objects: StagedObject[] } | { readonly kind: 'poisoned'; readonly reason: string; readonly objects: StagedObject[] };

/**
 * The blob participant's store on S3 (or any S3 API): a Put streams its bytes to
 * `staging/<txId>/<id>` (multipart past 8 MiB, two parts in memory at most) while they are
 * hashed; prepare writes `staging/<txId>/manifest.json`, which lists them (an S3 write is
 * durable when it returns: the manifest is the yes vote); commit copies each to
 * `objects/<sha256>` — content-addressed, so a copy racing another of the same digest
 * writes the same bytes — writes `committed/<txId>.json`, then deletes the staging; abort
 * deletes the staging; recovery lists `staging/`: a tx with a manifest is in doubt, one
 * without is a leftover and deleted. Reads see only `objects/`.
 */
export class S3BlobStore implements BlobStore {
  readonly participantId: string;
  private readonly s3: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly objectBytesMax: number;
  private readonly newObjectId: () => string;
  private readonly branches = new Map<string, OpenBranch>();
  private readonly prepared = new Map<string, S3Manifest>();

  constructor(private readonly options: S3BlobStoreOptions) {
    this.participantId = options.participantId ?? 'blob';
    // a multipart object's stored CRC32 is a checksum of its parts' checksums; S3 API servers
    // other than AWS (moto, older MinIO) answer it for a ranged or whole read, and the SDK's
    // default check then fails good reads. The SHA-256 the key names is the object's check.
    this.s3 = new S3Client({ responseChecksumValidation: 'WHEN_REQUIRED', ...options.client });
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? '';
    this.objectBytesMax = options.objectBytesMax ?? limits.blobObjectBytesMax;
    this.newObjectId = options.newObjectId ?? (() => randomBytes(16).toString('hex'));
  }

  async recover(): Promise<RecoveryResult> {
    const prepared: { txId: string; preparedAtMs: number }[] = [];
    let abortedLeftovers = 0;
    for (const txId of await this.listTxs(`${this.prefix}staging/`)) {
      const manifest = await this.readManifest(txId);
      if (manifest === undefined) {
        await this.deletePrefix(this.staging(txId));
        abortedLeftovers++;
        continue;
      }
      this.prepared.set(txId, manifest);
      prepared.push({ txId, preparedAtMs: manifest.preparedAtMs });
    }
    this.options.logger.info({ bucket: this.bucket, prefix: this.prefix, inDoubt: prepared.length, abortedLeftovers }, 'S3 blob store recovered');
    return { prepared, abortedLeftovers };
  }

  async put(txId: string, source: AsyncIterable<Uint8Array>, expected: PutExpectation = {}): Promise<PutResult> {
    checkTxId(txId);
    if (expected.sha256 !== undefined && !isSha256Hex(expected.sha256)) {
      throw new InvalidInputError('expected sha256', `${JSON.stringify(expected.sha256.slice(0, 80))} is not 64 lower-case hex digits`);
    }
    if (expected.size !== undefined) {
      if (!Number.isSafeInteger(expected.size) || expected.size < 0) throw new InvalidInputError('expected size', `${expected.size} is not a byte count`);
      if (expected.size > this.objectBytesMax) throw new LimitExceededError(`an object of ${expected.size} bytes is over the limit of ${this.objectBytesMax}`, { scope: 'request' });
    }
    this.openBranch(txId);
    const key = `${this.staging(txId)}${this.newObjectId()}`;
    let received: PutResult;
    try {
      received = await this.upload(txId, key, source, expected);
    } catch (err) {
      await this.deleteKeys([key]).catch((e: unknown) => this.options.logger.warn({ err: e, key }, 'could not delete a staged object'));
      if (err instanceof ChecksumMismatchError) {
        const before = this.branches.get(txId);
        this.branches.set(txId, { kind: 'poisoned', reason: err.message.slice(0, limits.reasonLengthMax), objects: before?.objects ?? [] });
      }
      throw err;
    }
    const branch = this.branches.get(txId);
    if (branch?.kind !== 'working' || branch.objects.length >= limits.blobObjectsPerTxMax) {
      await this.deleteKeys([key]);
      throw new TxNotActiveError(txId, 'the branch changed while the object was being received');
    }
    branch.objects.push({ key, ...received });
    return received;
  }

  async prepare(txId: string): Promise<PrepareVote> {
    checkTxId(txId);
    if (this.prepared.has(txId)) return { vote: 'yes' };
    const branch = this.branches.get(txId);
    if (branch === undefined) return this.voteNo(txId, 'unknown branch: nothing is staged for this tx (never staged, aborted, or staged before a restart)');
    if (branch.kind === 'poisoned') return this.voteNo(txId, branch.reason);
    const manifest: S3Manifest = { version: 1, txId, preparedAtMs: Date.now(), objects: [...branch.objects] };
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.manifestKey(txId), Body: JSON.stringify(manifest), ContentType: 'application/json' }));
    this.branches.delete(txId);
    this.prepared.set(txId, manifest);
    return { vote: 'yes' };
  }

  async commit(txId: string): Promise<{ readonly alreadyCommitted: boolean }> {
    checkTxId(txId);
    const manifest = this.prepared.get(txId);
    if (manifest === undefined) {
      if (await this.exists(this.committedKey(txId))) return { alreadyCommitted: true };
      throw new BranchNotCommittedError(txId, this.participantId, this.branches.has(txId) ? 'the branch is open, never prepared' : 'no prepared branch and no commit record of it');
    }
    for (const object of manifest.objects) {
      await this.s3.send(new CopyObjectCommand({ Bucket: this.bucket, Key: this.objectKey(object.sha256), CopySource: `${this.bucket}/${encodeURIComponent(object.key).replace(/%2F/g, '/')}` }));
    }
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.committedKey(txId), Body: JSON.stringify({ txId, committedAtMs: Date.now(), objects: manifest.objects.map((o) => ({ sha256: o.sha256, size: o.size })) }) }));
    await this.deletePrefix(this.staging(txId));
    this.prepared.delete(txId);
    return { alreadyCommitted: false };
  }

  async abort(txId: string): Promise<{ readonly alreadyAborted: boolean }> {
    checkTxId(txId);
    if (!this.prepared.has(txId) && !this.branches.has(txId) && (await this.exists(this.committedKey(txId)))) throw new BranchAlreadyCommittedError(txId, this.participantId);
    const known = this.prepared.has(txId) || this.branches.has(txId);
    this.branches.delete(txId);
    this.prepared.delete(txId);
    const deleted = await this.deletePrefix(this.staging(txId));
    return { alreadyAborted: !known && deleted === 0 };
  }

  async stat(sha256: string): Promise<{ readonly size: number }> {
    checkSha256(sha256);
    try {
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(sha256) }));
      return { size: Number(head.ContentLength ?? 0) };
    } catch (err) {
      if (isNotFound(err)) throw new NotFoundError(`object ${sha256} not found`);
      throw err;
    }
  }

  async get(sha256: string, range: ByteRange = {}): Promise<BlobRead> {
    const offset = range.offset ?? 0;
    if (!Number.isSafeInteger(offset) || offset < 0) throw new InvalidInputError('offset', `${offset} is not a byte offset`);
    if (range.length !== undefined && (!Number.isSafeInteger(range.length) || range.length < 0)) throw new InvalidInputError('length', `${range.length} is not a byte count`);
    const { size } = await this.stat(sha256);
    const length = range.length ?? Math.max(0, size - offset);
    if (offset > size || offset + length > size) throw new RangeNotSatisfiableError(sha256, offset, length, size);
    if (length === 0) return { objectSize: size, offset, length, chunks: Readable.from([]) };
    const res = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(sha256), Range: `bytes=${offset}-${offset + length - 1}` }));
    return { objectSize: size, offset, length, chunks: res.Body as Readable };
  }

  async close(): Promise<void> {
    this.s3.destroy();
  }

  /** Streams `source` to `key` while hashing and counting it; checks what was expected. */
  private async upload(txId: string, key: string, source: AsyncIterable<Uint8Array>, expected: PutExpectation): Promise<PutResult> {
    const hash = createHash('sha256');
    let size = 0;
    const body = new PassThrough({ highWaterMark: limits.s3UploadPartBytes });
    const upload = new Upload({ client: this.s3, params: { Bucket: this.bucket, Key: key, Body: body }, partSize: limits.s3UploadPartBytes, queueSize: limits.s3UploadPartsInFlight });
    const done = upload.done();
    // the upload's failure surfaces from `done`; a write to a failed upload is dropped
    done.catch(() => undefined);
    try {
      for await (const chunk of source) {
        size += chunk.byteLength;
        if (size > this.objectBytesMax) throw new LimitExceededError(`the object passed the limit of ${this.objectBytesMax} bytes`, { scope: 'request' });
        if (expected.size !== undefined && size > expected.size) throw new ChecksumMismatchError(txId, `received more than the expected ${expected.size} bytes`);
        hash.update(chunk);
        if (!body.write(chunk)) await new Promise<void>((resolve) => body.once('drain', resolve));
      }
      body.end();
      await done;
    } catch (err) {
      body.destroy();
      await upload.abort().catch(() => undefined);
      throw err;
    }
    const sha256 = hash.digest('hex');
    if (expected.size !== undefined && size !== expected.size) throw new ChecksumMismatchError(txId, `received ${size} bytes, expected ${expected.size}`);
    if (expected.sha256 !== undefined && sha256 !== expected.sha256) throw new ChecksumMismatchError(txId, `received bytes have sha256 ${sha256}, expected ${expected.sha256}`);
    return { sha256, size };
  }

  private openBranch(txId: string): void {
    if (this.prepared.has(txId)) throw new TxNotActiveError(txId, 'the blob branch is prepared and takes no more work');
    const branch = this.branches.get(txId);
    if (branch === undefined) {
      if (this.branches.size >= limits.blobOpenBranchesMax) throw new LimitExceededError(`${this.branches.size} blob branches are open; the limit is ${limits.blobOpenBranchesMax}`);
      this.branches.set(txId, { kind: 'working', objects: [] });
      return;
    }
    if (branch.kind === 'poisoned') throw new TxNotActiveError(txId, `the blob branch will vote no: ${branch.reason}`);
  }

  private async voteNo(txId: string, reason: string): Promise<PrepareVote> {
    this.branches.delete(txId);
    await this.deletePrefix(this.staging(txId));
    return { vote: 'no', reason };
  }

  private async readManifest(txId: string): Promise<S3Manifest | undefined> {
    try {
      const res = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.manifestKey(txId) }));
      return JSON.parse(await (res.Body as { transformToString(): Promise<string> }).transformToString()) as S3Manifest;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  private async exists(key: string): Promise<boolean> {
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /** The tx ids under `staging/`: the first level of its keys. */
  private async listTxs(prefix: string): Promise<string[]> {
    const txs: string[] = [];
    for await (const page of this.listPages(prefix, '/')) {
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix !== undefined) txs.push(p.Prefix.slice(prefix.length, -1));
    }
    return txs;
  }

  /** Deletes every key under `prefix`, a page at a time; how many there were. */
  private async deletePrefix(prefix: string): Promise<number> {
    let deleted = 0;
    for await (const page of this.listPages(prefix)) {
      const keys = (page.Contents ?? []).map((o) => o.Key).filter((k): k is string => k !== undefined);
      await this.deleteKeys(keys);
      deleted += keys.length;
    }
    return deleted;
  }

  /** Every page of a listing of `prefix` (the SDK's paginator follows the continuation tokens). */
  private listPages(prefix: string, delimiter?: string): AsyncIterable<ListObjectsV2CommandOutput> {
    return paginateListObjectsV2({ client: this.s3 }, { Bucket: this.bucket, Prefix: prefix, ...(delimiter === undefined ? {} : { Delimiter: delimiter }) });
  }

  private async deleteKeys(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.s3.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }));
  }

  private staging(txId: string): string {
    return `${this.prefix}staging/${txId}/`;
  }

  private manifestKey(txId: string): string {
    return `${this.staging(txId)}manifest.json`;
  }

  private objectKey(sha256: string): string {
    return `${this.prefix}objects/${sha256}`;
  }

  private committedKey(txId: string): string {
    return `${this.prefix}committed/${txId}.json`;
  }
}

function checkTxId(txId: string): void {
  const problem = txIdProblem(txId);
  if (problem !== undefined) throw new InvalidInputError('tx id', problem);
}

function checkSha256(sha256: string): void {
  if (!isSha256Hex(sha256)) throw new InvalidInputError('sha256', `${JSON.stringify(sha256.slice(0, 80))} is not 64 lower-case hex digits`);
}

function isNotFound(err: unknown): boolean {
  return err instanceof S3ServiceException && (err.$metadata.httpStatusCode === 404 || err.name === 'NotFound' || err.name === 'NoSuchKey');
}
