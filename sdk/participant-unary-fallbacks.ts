import type * as grpc from '@grpc/grpc-js';
import type { UnaryFallback } from '../lib/grpc-link/link-client.js';
import type { BlobStoreClient } from '../proto/gen/twophase/v1/BlobStore.js';
import type { DeleteFileRequest } from '../proto/gen/twophase/v1/DeleteFileRequest.js';
import type { MetadataClient } from '../proto/gen/twophase/v1/Metadata.js';
import type { PutWholeRequest } from '../proto/gen/twophase/v1/PutWholeRequest.js';
import type { StageRevisionRequest } from '../proto/gen/twophase/v1/StageRevisionRequest.js';

/** The unary Metadata methods, for a metadata participant that serves no Link. */
export function metadataUnaryFallback(client: MetadataClient): UnaryFallback {
  return (kind, request, deadline) =>
    new Promise((resolve, reject) => {
      const done = (err: grpc.ServiceError | null, res?: unknown): void => (err !== null ? reject(err) : resolve(res));
      switch (kind) {
        case 'stageRevision':
          return void client.StageRevision(request as StageRevisionRequest, { deadline }, done);
        case 'deleteFile':
          return void client.DeleteFile(request as DeleteFileRequest, { deadline }, done);
        default:
          reject(new Error(`no unary Metadata method for ${kind}`));
      }
    });
}

/** A whole put sent as a Put stream (header, then the bytes as one chunk), for a blob participant that serves no Link. */
export function blobUnaryFallback(client: BlobStoreClient): UnaryFallback {
  return (kind, request, deadline) =>
    new Promise((resolve, reject) => {
      if (kind !== 'put') {
        reject(new Error(`no BlobStore method for ${kind}`));
        return;
      }
      const { header, content } = request as PutWholeRequest;
      const call = client.Put({ deadline }, (err, res) => (err !== null ? reject(err) : resolve(res)));
      call.write({ header });
      if (content !== undefined && content.length > 0) call.write({ chunk: content });
      call.end();
    });
}
