import type * as grpc from '@grpc/grpc-js';
import type { BlobUploadsClient } from '../proto/gen/twophase/v1/BlobUploads.js';
import type { PutResponse__Output } from '../proto/gen/twophase/v1/PutResponse.js';
import type { UploadInfo__Output } from '../proto/gen/twophase/v1/UploadInfo.js';
import { limits } from '../lib/limits/limits.js';
import { traceMetadata } from '../lib/grpc/trace-metadata.js';
import type { FileRevision } from './file-revision.js';
import { ConflictError, fromGrpcError, TransactionAbortedError, UploadHeldError } from './sdk-errors.js';
import { streamCall, type Content } from './stream-call.js';
import type { Transaction } from './transaction.js';
import { unaryCall, type CallPolicy } from './unary-call.js';

/** A resumable upload as the blob participant keeps it. */
export interface ResumableUpload {
  readonly id: string;
  readonly namespace: string;
  readonly path: string;
  readonly contentType: string;
  /** The revision the file must be at when it is committed; 0 for none. */
  readonly ifMatch: number;
  /** The file must not exist when it is committed. */
  readonly ifNoneMatch: boolean;
  /** The SHA-256 it was created with (checked at the commit); empty for none. */
  readonly sha256: string;
  readonly length: number;
  /** The caller's own description, as given at creation. */
  readonly metadata: string;
  /** Bytes received and durable: where the next append goes. */
  readonly offset: number;
  /** receiving, complete (every byte is here), finishing (a tx is committing it) or committed. */
  readonly phase: 'receiving' | 'complete' | 'finishing' | 'committed';
  /** The tx finishing or having committed it; empty before. */
  readonly txId: string;
  /** The revision committed from it; 0 before. */
  readonly revision: number;
  /** When it is deleted unless touched again. */
  readonly expiresAt: Date;
}

export interface CreateUploadRequest {
  readonly namespace: string;
  readonly path: string;
  /** Total size in bytes. */
  readonly length: number;
  readonly contentType?: string;
  readonly ifMatch?: number;
  readonly ifNoneMatch?: boolean;
  /** Lower-case hex SHA-256 the whole upload must have (checked when it is committed). */
  readonly sha256?: string;
  readonly metadata?: string;
}

/** A checksum the bytes of one append must have: sha1, sha256 or md5, and its raw digest. */
export interface AppendChecksum {
  readonly algorithm: 'sha1' | 'sha256' | 'md5';
  readonly digest: Uint8Array;
}

/** The committed file of a finished upload. */
export interface FinishedUpload {
  readonly upload: ResumableUpload;
  readonly file: FileRevision;
  /** Whether the commit made the file (it did not exist before). */
  readonly created: boolean;
}

/** What the uploads need of the client around them. */
export interface ResumableUploadsContext {
  readonly uploads: () => Promise<BlobUploadsClient>;
  readonly begin: () => Promise<Transaction>;
  readonly getOutcome: (txId: string) => Promise<{ outcome: string }>;
  readonly transactionRevision: (txId: string) => Promise<FileRevision>;
  readonly stat: (req: { namespace: string; path: string; revision: number }) => Promise<FileRevision>;
  readonly callTimeoutMs: number;
  readonly streamTimeoutMs: number;
}

/**
 * Resumable uploads (`client.uploads`): a file's bytes sent in as many appends as it
 * takes, across restarts of the sender and of the services, then committed as the file's
 * new revision in one tx. No tx is open while the bytes travel: they wait in an upload
 * session at the blob participant, and `finish` begins the tx that adopts them.
 *
 *     const up = await client.uploads.create({ namespace: 'alice', path: 'big.iso', length: size });
 *     await client.uploads.append(up.id, 0, createReadStream('big.iso'));
 *     const { file } = await client.uploads.finish(up.id);
 */
export class ResumableUploads {
  constructor(private readonly ctx: ResumableUploadsContext) {}

  async create(req: CreateUploadRequest): Promise<ResumableUpload> {
    const c = await this.ctx.uploads();
    const res = await unaryCall<UploadInfo__Output>(
      c.CreateUpload.bind(c),
      {
        namespace: req.namespace,
        path: req.path,
        contentType: req.contentType ?? '',
        ifMatchRevision: String(req.ifMatch ?? 0),
        ifNoneMatch: req.ifNoneMatch ?? false,
        sha256: req.sha256 ?? '',
        length: String(req.length),
        metadata: req.metadata ?? '',
      },
      this.policy(1),
      `create an upload of ${req.namespace}/${req.path}`,
    );
    return uploadOf(res);
  }

  /** The upload as it is (its offset is where to resume). NotFoundError once deleted or expired. */
  async get(id: string): Promise<ResumableUpload> {
    const c = await this.ctx.uploads();
    return uploadOf(await unaryCall<UploadInfo__Output>(c.GetUpload.bind(c), { uploadId: id }, this.policy(limits.sdkIdempotentCallAttemptsMax), `upload ${id}`));
  }

  /**
   * Appends `content` at `offset` (the upload's offset, or UploadOffsetError with the right
   * one), streamed in constant memory. Resolves once the bytes are durable. When it fails
   * midway, what arrived is kept unless `checksum` was given: `get` tells where to resume.
   */
  async append(id: string, offset: number, content: Content, checksum?: AppendChecksum): Promise<ResumableUpload> {
    const c = await this.ctx.uploads();
    try {
      const res = await streamCall<UploadInfo__Output>(
        (callback) => c.AppendUpload(traceMetadata(), { deadline: new Date(Date.now() + this.ctx.streamTimeoutMs) }, callback) as grpc.ClientWritableStream<unknown>,
        { header: { uploadId: id, offset: String(offset), checksumAlgorithm: checksum?.algorithm ?? '', checksumDigest: checksum?.digest ?? Buffer.alloc(0) } },
        content,
      );
      return uploadOf(res);
    } catch (err) {
      throw fromGrpcError(err, `append to upload ${id} at ${offset}`);
    }
  }

  /** Deletes the upload and its bytes; a file committed from it stays. */
  async delete(id: string): Promise<void> {
    const c = await this.ctx.uploads();
    await unaryCall(c.DeleteUpload.bind(c), { uploadId: id }, this.policy(limits.sdkIdempotentCallAttemptsMax), `delete upload ${id}`);
  }

  /**
   * Commits a complete upload as its file's new revision, in one tx (with the If-Match /
   * If-None-Match it was created with: PreconditionFailedError when they do not hold).
   * Safe to call again, from anywhere, after any failure: an upload a tx is finishing is
   * settled by that tx's outcome — its revision once it committed, another try once it
   * aborted — so an upload is committed at most once. ConflictError while its tx is still
   * undecided (call again); OutcomeUnknownError when its commit could not be learned.
   */
  async finish(id: string): Promise<FinishedUpload> {
    for (let attempt = 1; ; attempt++) {
      const upload = await this.get(id);
      switch (upload.phase) {
        case 'receiving':
          throw new ConflictError(`upload ${id} has ${upload.offset} of its ${upload.length} bytes; append the rest first`);
        case 'committed':
          return { upload, file: await this.ctx.stat({ namespace: upload.namespace, path: upload.path, revision: upload.revision }), created: false };
        case 'finishing': {
          const settled = await this.settleFinishing(upload);
          if (settled !== undefined) return settled;
          break;
        }
        case 'complete': {
          const finished = await this.commit(upload);
          if (finished !== undefined) return finished;
          break;
        }
      }
      // another finish took it, or its tx aborted: look again, a few times
      if (attempt >= limits.uploadFinishAttemptsMax) throw new ConflictError(`upload ${id} kept being taken by other finishes; try again`);
    }
  }

  /** An upload a tx is finishing: its revision once that tx committed; undefined once it aborted (settled back to complete). */
  private async settleFinishing(upload: ResumableUpload): Promise<FinishedUpload | undefined> {
    const { outcome } = await this.ctx.getOutcome(upload.txId);
    if (outcome === 'committed') {
      const file = await this.ctx.transactionRevision(upload.txId);
      const settled = await this.settle(upload.id, upload.txId, file.revision);
      return { upload: settled, file, created: false };
    }
    if (outcome === 'aborted') {
      await this.settle(upload.id, upload.txId, 0).catch((err: unknown) => {
        // another finish settled it first
        if (!(err instanceof UploadHeldError)) throw err;
      });
      return undefined;
    }
    throw new ConflictError(`upload ${upload.id} is being finished by tx ${upload.txId} (${outcome}); try again`);
  }

  /** One tx that adopts the complete upload's bytes and commits its revision; undefined when another finish took the upload first. */
  private async commit(upload: ResumableUpload): Promise<FinishedUpload | undefined> {
    const tx = await this.ctx.begin();
    let staged: { revision: number; created: boolean };
    try {
      const c = await this.ctx.uploads();
      const blob = await unaryCall<PutResponse__Output>(c.AdoptUpload.bind(c), { uploadId: upload.id, txId: tx.txId }, { timeoutMs: this.ctx.streamTimeoutMs, attempts: 1 }, `adopt upload ${upload.id}`);
      staged = await tx.stageRevision({
        namespace: upload.namespace,
        path: upload.path,
        sha256: blob.sha256,
        size: Number(blob.size),
        ...(upload.contentType === '' ? {} : { contentType: upload.contentType }),
        ...(upload.ifMatch === 0 ? {} : { ifMatch: upload.ifMatch }),
        ...(upload.ifNoneMatch ? { ifNoneMatch: true } : {}),
      });
    } catch (err) {
      await tx.abort(err instanceof Error ? err.message.slice(0, limits.sdkClientAbortReasonLengthMax) : 'adopting the upload failed').catch(() => undefined);
      if (err instanceof UploadHeldError && err.txId !== tx.txId) return undefined;
      // aborted for sure: the upload is complete again for the next try (a failure to say
      // so here is settled by the next finish, which asks the tx's outcome)
      await this.settle(upload.id, tx.txId, 0).catch(() => undefined);
      throw err;
    }
    try {
      await tx.commit();
    } catch (err) {
      if (err instanceof TransactionAbortedError) await this.settle(upload.id, tx.txId, 0).catch(() => undefined);
      // OutcomeUnknownError: left finishing; the next finish learns the outcome
      throw err;
    }
    const settled = await this.settle(upload.id, tx.txId, staged.revision);
    return { upload: settled, file: await this.ctx.stat({ namespace: upload.namespace, path: upload.path, revision: staged.revision }), created: staged.created };
  }

  private async settle(id: string, txId: string, revision: number): Promise<ResumableUpload> {
    const c = await this.ctx.uploads();
    return uploadOf(
      await unaryCall<UploadInfo__Output>(c.SettleUpload.bind(c), { uploadId: id, txId, revision: String(revision) }, this.policy(limits.sdkIdempotentCallAttemptsMax), `settle upload ${id}`),
    );
  }

  private policy(attempts: number): CallPolicy {
    return { timeoutMs: this.ctx.callTimeoutMs, attempts };
  }
}

function uploadOf(m: UploadInfo__Output): ResumableUpload {
  return {
    id: m.uploadId,
    namespace: m.namespace,
    path: m.path,
    contentType: m.contentType,
    ifMatch: Number(m.ifMatchRevision),
    ifNoneMatch: m.ifNoneMatch,
    sha256: m.sha256,
    length: Number(m.length),
    metadata: m.metadata,
    offset: Number(m.offset),
    phase: m.phase as ResumableUpload['phase'],
    txId: m.txId,
    revision: Number(m.revision),
    expiresAt: new Date(Number(m.expiresAtUnixMs)),
  };
}
