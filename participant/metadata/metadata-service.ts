import * as grpc from '@grpc/grpc-js';
import type { GrpcServiceBinding } from '../../lib/grpc/grpc-server.js';
import type { Logger } from '../../lib/logger/logger.js';
import type { FileRevision } from '../../proto/gen/twophase/v1/FileRevision.js';
import type { MetadataHandlers } from '../../proto/gen/twophase/v1/Metadata.js';
import type { DeleteFileRequest__Output } from '../../proto/gen/twophase/v1/DeleteFileRequest.js';
import type { DeleteFileResponse } from '../../proto/gen/twophase/v1/DeleteFileResponse.js';
import type { StageRevisionRequest__Output } from '../../proto/gen/twophase/v1/StageRevisionRequest.js';
import type { StageRevisionResponse } from '../../proto/gen/twophase/v1/StageRevisionResponse.js';
import { linkHandler, type LinkMethod } from '../../lib/grpc-link/link-server.js';
import { loadProto } from '../../proto/load-proto.js';
import { isExpectedFailure, toServiceError } from '../to-service-error.js';
import type { BranchWork } from '../resource-manager.js';
import { metadataInput } from './metadata-input.js';
import { limits } from '../../lib/limits/limits.js';
import { writeWithBackpressure } from '../../lib/stream/write-with-backpressure.js';
import type { FileRevisionRecord, MetadataStore } from './metadata-store.js';

/**
 * The twophase.v1.Metadata service over a metadata store. Every input is validated
 * before anything else happens, so a bad request is INVALID_ARGUMENT with nothing
 * enlisted and nothing stored; writes run through `work.run`, which enlists the
 * participant on the first write of a tx and serializes the tx's calls.
 */
export function metadataService(store: MetadataStore, work: BranchWork, logger: Logger): GrpcServiceBinding {
  const log = logger.child({ service: 'twophase.v1.Metadata' });
  const failure = (err: unknown, call: string): grpc.ServiceError => {
    if (!isExpectedFailure(err)) log.error({ err, call }, 'metadata call failed unexpectedly');
    return toServiceError(err);
  };
  const unary =
    <Req, Res>(call: string, handle: (request: Req) => Promise<Res>): grpc.handleUnaryCall<Req, Res> =>
    (serverCall, callback) => {
      handle(serverCall.request).then(
        (response) => callback(null, response),
        (err: unknown) => callback(failure(err, call)),
      );
    };

  const stageRevision = async (req: StageRevisionRequest__Output): Promise<StageRevisionResponse> => {
      const txId = metadataInput.txId(req.txId);
      const input = {
        namespace: metadataInput.namespace(req.namespace),
        path: metadataInput.path(req.path),
        sha256: metadataInput.sha256(req.sha256),
        size: metadataInput.count('size', req.size),
        contentType: metadataInput.contentType(req.contentType),
        ifMatchRevision: metadataInput.ifMatchRevision(req.ifMatchRevision),
        ifNoneMatch: req.ifNoneMatch,
      };
      metadataInput.conditions(input.ifMatchRevision, input.ifNoneMatch);
      const result = await work.run(txId, () => store.stageRevision(txId, input));
      return { revision: String(result.revision), created: result.created };
  };
  const deleteFile = async (req: DeleteFileRequest__Output): Promise<DeleteFileResponse> => {
      const txId = metadataInput.txId(req.txId);
      const input = {
        namespace: metadataInput.namespace(req.namespace),
        path: metadataInput.path(req.path),
        ifMatchRevision: metadataInput.ifMatchRevision(req.ifMatchRevision),
      };
      const result = await work.run(txId, () => store.deleteFile(txId, input));
      return { revision: String(result.revision) };
  };
  // the Link answers as the unary methods do: the same functions, the same status errors
  const viaLink =
    <Req, Res>(call: string, handle: (request: Req) => Promise<Res>) =>
    (request: Req): Promise<Res> =>
      handle(request).catch((err: unknown) => {
        throw failure(err, call);
      });
  const link = linkHandler(
    { stageRevision: viaLink('StageRevision', stageRevision) as LinkMethod, deleteFile: viaLink('DeleteFile', deleteFile) as LinkMethod },
    (err) => log.error({ err }, 'metadata link call failed unexpectedly'),
  );

  const watches = new Set<AbortController>();
  const handlers: MetadataHandlers = {
    StageRevision: unary('StageRevision', stageRevision),
    DeleteFile: unary('DeleteFile', deleteFile),
    Link: link.handle as unknown as MetadataHandlers['Link'],
    GetFile: unary('GetFile', async (req) => {
      const revision = metadataInput.count('revision', req.revision);
      const file = await store.getFile(metadataInput.namespace(req.namespace), metadataInput.path(req.path), revision === 0 ? undefined : revision);
      return toWire(file);
    }),
    ListRevisions: unary('ListRevisions', async (req) => {
      const page = await store.listRevisions(
        metadataInput.namespace(req.namespace),
        metadataInput.path(req.path),
        metadataInput.pageSize(req.pageSize),
        req.pageToken,
      );
      return { revisions: page.items.map(toWire), nextPageToken: page.nextPageToken };
    }),
    GetTransactionRevision: unary('GetTransactionRevision', async (req) => toWire(await store.getTransactionRevision(req.txId))),
    ListFiles: unary('ListFiles', async (req) => {
      const page = await store.listFiles(metadataInput.namespace(req.namespace), metadataInput.prefix(req.prefix), metadataInput.pageSize(req.pageSize), req.pageToken);
      return { files: page.items.map(toWire), nextPageToken: page.nextPageToken };
    }),
    ListChanges: unary('ListChanges', async (req) => {
      const changes = await store.readChanges(metadataInput.namespace(req.namespace), metadataInput.count('after_cursor', req.afterCursor), metadataInput.pageSize(req.pageSize));
      return { changes: changes.map((c) => ({ cursor: String(c.cursor), revision: toWire(c.revision) })) };
    }),
    // every change after the cursor, then each new one, until the caller cancels or its deadline passes
    WatchChanges: (call) => {
      const ended = new AbortController();
      call.on('cancelled', () => ended.abort());
      call.on('close', () => ended.abort());
      watches.add(ended);
      ended.signal.addEventListener('abort', () => watches.delete(ended));
      void (async () => {
        const namespace = metadataInput.namespace(call.request.namespace);
        let after = metadataInput.count('after_cursor', call.request.afterCursor);
        // the request is valid: the response headers go at once, so a reader knows its watch stands before any change comes
        call.sendMetadata(new grpc.Metadata());
        while (!ended.signal.aborted) {
          const changes = await store.readChanges(namespace, after, limits.feedReadBatchMax);
          for (const change of changes) {
            if (ended.signal.aborted) return;
            after = change.cursor;
            // backpressure: a slow reader is sent no more until it drains (or goes away)
            await writeWithBackpressure(call, { cursor: String(change.cursor), revision: toWire(change.revision) }, ended.signal);
          }
          if (changes.length < limits.feedReadBatchMax) await store.waitForChanges(ended.signal);
        }
      })().then(
        () => {
          watches.delete(ended);
          call.end();
        },
        (err: unknown) => {
          if (!ended.signal.aborted) call.emit('error', failure(err, 'WatchChanges'));
        },
      );
    },
  };
  return {
    name: 'twophase.v1.Metadata',
    definition: loadProto().twophase.v1.Metadata.service,
    implementation: handlers as unknown as grpc.UntypedServiceImplementation,
    // open watches end (their readers resume from their cursor elsewhere or later)
    onShutdown: () => {
      link.close();
      for (const watch of [...watches]) watch.abort();
    },
  };
}

function toWire(record: FileRevisionRecord): FileRevision {
  return {
    namespace: record.namespace,
    path: record.path,
    revision: String(record.revision),
    sha256: record.sha256,
    size: String(record.size),
    contentType: record.contentType,
    createdUnixMs: String(record.createdAtMs),
    txId: record.txId,
    deleted: record.deleted,
  };
}
