import { createReadStream } from 'node:fs';
import type * as grpc from '@grpc/grpc-js';
import type { GrpcServiceBinding } from '../../lib/grpc/grpc-server.js';
import { serviceError } from '../../lib/grpc/service-error.js';
import { limits } from '../../lib/limits/limits.js';
import type { Logger } from '../../lib/logger/logger.js';
import { txIdProblem } from '../../lib/tx-id/tx-id.js';
import type { AppendUploadRequest__Output } from '../../proto/gen/twophase/v1/AppendUploadRequest.js';
import type { BlobUploadsHandlers } from '../../proto/gen/twophase/v1/BlobUploads.js';
import type { CreateUploadRequest__Output } from '../../proto/gen/twophase/v1/CreateUploadRequest.js';
import type { UploadInfo as UploadInfoMessage } from '../../proto/gen/twophase/v1/UploadInfo.js';
import { loadProto } from '../../proto/load-proto.js';
import { InvalidInputError, LimitExceededError } from '../participant-errors.js';
import type { BranchWork } from '../resource-manager.js';
import { isExpectedFailure, toServiceError } from '../to-service-error.js';
import type { BlobStore } from './blob-store.js';
import { isSha256Hex } from './is-sha256-hex.js';
import { chunksAfterHeader, InFlight, limitQueuedMessages, stallGuarded } from './stream-guards.js';
import type { AppendChecksum, UploadInfo, UploadSessions } from './upload-sessions.js';

type AppendCall = grpc.ServerReadableStream<AppendUploadRequest__Output, UploadInfoMessage>;

/** The hash names an append's checksum may use, with their digest sizes. */
const checksumDigestBytes: Readonly<Record<string, number>> = { sha1: 20, sha256: 32, md5: 16 };

/**
 * The twophase.v1.BlobUploads service: resumable uploads (UploadSessions) received over
 * many appends, and adopted by the tx that commits them as a staged object of its blob
 * branch. Appends stream with backpressure, as Put does.
 */
export function blobUploadsService(
  uploads: UploadSessions,
  store: BlobStore,
  work: BranchWork,
  logger: Logger,
  options: { readonly appendStallMs?: number; readonly objectBytesMax?: number } = {},
): GrpcServiceBinding {
  const log = logger.child({ service: 'twophase.v1.BlobUploads' });
  const stallMs = options.appendStallMs ?? limits.blobPutStallMsDefault;
  const objectBytesMax = options.objectBytesMax ?? limits.blobObjectBytesMax;
  const appends = new InFlight('AppendUpload', limits.blobPutsInFlightMax);
  const answer = <T>(call: string, operation: () => Promise<T>, callback: grpc.sendUnaryData<T>): void => {
    operation().then(
      (value) => callback(null, value),
      (err: unknown) => {
        if (!isExpectedFailure(err)) log.error({ err, call }, 'blob uploads call failed unexpectedly');
        callback(toServiceError(err));
      },
    );
  };

  const handlers: BlobUploadsHandlers = {
    CreateUpload: (call, callback) =>
      answer(
        'CreateUpload',
        async () => {
          const req = call.request;
          const length = int64(req.length, 'length');
          if (length > objectBytesMax) throw new LimitExceededError(`an upload of ${length} bytes is over the limit of ${objectBytesMax}`, { scope: 'request' });
          return message(await uploads.create(targetOf(req), length));
        },
        callback,
      ),
    GetUpload: (call, callback) => answer('GetUpload', async () => message(await uploads.info(call.request.uploadId)), callback),
    DeleteUpload: (call, callback) =>
      answer(
        'DeleteUpload',
        async () => {
          await uploads.remove(call.request.uploadId);
          return {};
        },
        callback,
      ),
    AppendUpload: (call, callback) => answer('AppendUpload', () => appends.run(() => receiveAppend(call, uploads, stallMs)), callback),
    AdoptUpload: (call, callback) =>
      answer(
        'AdoptUpload',
        async () => {
          const { uploadId, txId } = call.request;
          const problem = txIdProblem(txId);
          if (problem !== undefined) throw serviceError('INVALID_ARGUMENT', problem);
          // the tx is recorded first: from here on, a lost answer is learned from its outcome
          await uploads.beginFinishing(uploadId, txId);
          const result = await work.run(txId, async () => {
            const bytes = await uploads.adoptable(uploadId, txId);
            const expected = { sha256: bytes.sha256, size: bytes.size };
            return store.adopt !== undefined
              ? store.adopt(txId, bytes.file, expected)
              : store.put(txId, createReadStream(bytes.file, { highWaterMark: limits.blobPutChunkBytesMax }), expected);
          });
          return { sha256: result.sha256, size: String(result.size) };
        },
        callback,
      ),
    SettleUpload: (call, callback) =>
      answer(
        'SettleUpload',
        async () => {
          const { uploadId, txId } = call.request;
          const revision = int64(call.request.revision, 'revision');
          if (revision < 0) throw new InvalidInputError('revision', `${revision} is negative`);
          return message(await uploads.settle(uploadId, txId, revision));
        },
        callback,
      ),
  };
  return {
    name: 'twophase.v1.BlobUploads',
    definition: loadProto().twophase.v1.BlobUploads.service,
    implementation: handlers as unknown as grpc.UntypedServiceImplementation,
  };
}

async function receiveAppend(call: AppendCall, uploads: UploadSessions, stallMs: number): Promise<UploadInfoMessage> {
  limitQueuedMessages(call);
  const messages = stallGuarded(call.iterator({ destroyOnReturn: false }) as AsyncIterator<AppendUploadRequest__Output>, stallMs, 'AppendUpload');
  const first = await messages.next();
  const header = first.done === true ? undefined : first.value.header;
  if (first.done === true || first.value.part !== 'header' || header === undefined || header === null) {
    throw serviceError('INVALID_ARGUMENT', 'the first message of AppendUpload must carry the header');
  }
  const offset = int64(header.offset, 'offset');
  let checksum: AppendChecksum | undefined;
  if (header.checksumAlgorithm !== '') {
    const bytes = checksumDigestBytes[header.checksumAlgorithm];
    if (bytes === undefined) throw new InvalidInputError('checksum algorithm', `${JSON.stringify(header.checksumAlgorithm.slice(0, 40))} is not one of ${Object.keys(checksumDigestBytes).join(', ')}`);
    if (header.checksumDigest.length !== bytes) throw new InvalidInputError('checksum digest', `a ${header.checksumAlgorithm} digest has ${bytes} bytes, not ${header.checksumDigest.length}`);
    checksum = { algorithm: header.checksumAlgorithm, digest: Buffer.from(header.checksumDigest) };
  }
  return message(await uploads.append(header.uploadId, offset, chunksAfterHeader(call, messages, 'AppendUpload'), checksum));
}


function targetOf(req: CreateUploadRequest__Output): Parameters<UploadSessions['create']>[0] {
  const sha256 = req.sha256.toLowerCase();
  if (sha256 !== '' && !isSha256Hex(sha256)) throw new InvalidInputError('sha256', `${JSON.stringify(req.sha256.slice(0, 80))} is not 64 hex digits`);
  if (req.metadata.length > limits.uploadMetadataLengthMax) throw new InvalidInputError('metadata', `${req.metadata.length} characters is over the limit of ${limits.uploadMetadataLengthMax}`);
  const ifMatchRevision = int64(req.ifMatchRevision, 'if_match_revision');
  if (ifMatchRevision < 0) throw new InvalidInputError('if_match_revision', `${ifMatchRevision} is negative`);
  return { namespace: req.namespace, path: req.path, contentType: req.contentType, ifMatchRevision, ifNoneMatch: req.ifNoneMatch, sha256, metadata: req.metadata };
}

function message(info: UploadInfo): UploadInfoMessage {
  return {
    uploadId: info.id,
    namespace: info.namespace,
    path: info.path,
    contentType: info.contentType,
    ifMatchRevision: String(info.ifMatchRevision),
    ifNoneMatch: info.ifNoneMatch,
    sha256: info.sha256,
    length: String(info.length),
    metadata: info.metadata,
    offset: String(info.offset),
    phase: info.phase,
    txId: info.txId,
    revision: String(info.revision),
    expiresAtUnixMs: String(info.expiresAtMs),
  };
}

function int64(value: string, field: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidInputError(field, `${value} is not a whole number of at least 0`);
  return n;
}
