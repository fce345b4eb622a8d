import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AdoptUploadRequest as _twophase_v1_AdoptUploadRequest, AdoptUploadRequest__Output as _twophase_v1_AdoptUploadRequest__Output } from './twophase/v1/AdoptUploadRequest.js';
import type { AppendUploadHeader as _twophase_v1_AppendUploadHeader, AppendUploadHeader__Output as _twophase_v1_AppendUploadHeader__Output } from './twophase/v1/AppendUploadHeader.js';
import type { AppendUploadRequest as _twophase_v1_AppendUploadRequest, AppendUploadRequest__Output as _twophase_v1_AppendUploadRequest__Output } from './twophase/v1/AppendUploadRequest.js';
import type { BlobLinkRequest as _twophase_v1_BlobLinkRequest, BlobLinkRequest__Output as _twophase_v1_BlobLinkRequest__Output } from './twophase/v1/BlobLinkRequest.js';
import type { BlobLinkRequests as _twophase_v1_BlobLinkRequests, BlobLinkRequests__Output as _twophase_v1_BlobLinkRequests__Output } from './twophase/v1/BlobLinkRequests.js';
import type { BlobLinkResponse as _twophase_v1_BlobLinkResponse, BlobLinkResponse__Output as _twophase_v1_BlobLinkResponse__Output } from './twophase/v1/BlobLinkResponse.js';
import type { BlobLinkResponses as _twophase_v1_BlobLinkResponses, BlobLinkResponses__Output as _twophase_v1_BlobLinkResponses__Output } from './twophase/v1/BlobLinkResponses.js';
import type { BlobStoreClient as _twophase_v1_BlobStoreClient, BlobStoreDefinition as _twophase_v1_BlobStoreDefinition } from './twophase/v1/BlobStore.js';
import type { BlobUploadsClient as _twophase_v1_BlobUploadsClient, BlobUploadsDefinition as _twophase_v1_BlobUploadsDefinition } from './twophase/v1/BlobUploads.js';
import type { CreateUploadRequest as _twophase_v1_CreateUploadRequest, CreateUploadRequest__Output as _twophase_v1_CreateUploadRequest__Output } from './twophase/v1/CreateUploadRequest.js';
import type { DeleteUploadResponse as _twophase_v1_DeleteUploadResponse, DeleteUploadResponse__Output as _twophase_v1_DeleteUploadResponse__Output } from './twophase/v1/DeleteUploadResponse.js';
import type { GetRequest as _twophase_v1_GetRequest, GetRequest__Output as _twophase_v1_GetRequest__Output } from './twophase/v1/GetRequest.js';
import type { GetResponse as _twophase_v1_GetResponse, GetResponse__Output as _twophase_v1_GetResponse__Output } from './twophase/v1/GetResponse.js';
import type { LinkError as _twophase_v1_LinkError, LinkError__Output as _twophase_v1_LinkError__Output } from './twophase/v1/LinkError.js';
import type { PutHeader as _twophase_v1_PutHeader, PutHeader__Output as _twophase_v1_PutHeader__Output } from './twophase/v1/PutHeader.js';
import type { PutRequest as _twophase_v1_PutRequest, PutRequest__Output as _twophase_v1_PutRequest__Output } from './twophase/v1/PutRequest.js';
import type { PutResponse as _twophase_v1_PutResponse, PutResponse__Output as _twophase_v1_PutResponse__Output } from './twophase/v1/PutResponse.js';
import type { PutWholeRequest as _twophase_v1_PutWholeRequest, PutWholeRequest__Output as _twophase_v1_PutWholeRequest__Output } from './twophase/v1/PutWholeRequest.js';
import type { SettleUploadRequest as _twophase_v1_SettleUploadRequest, SettleUploadRequest__Output as _twophase_v1_SettleUploadRequest__Output } from './twophase/v1/SettleUploadRequest.js';
import type { StatRequest as _twophase_v1_StatRequest, StatRequest__Output as _twophase_v1_StatRequest__Output } from './twophase/v1/StatRequest.js';
import type { StatResponse as _twophase_v1_StatResponse, StatResponse__Output as _twophase_v1_StatResponse__Output } from './twophase/v1/StatResponse.js';
import type { UploadInfo as _twophase_v1_UploadInfo, UploadInfo__Output as _twophase_v1_UploadInfo__Output } from './twophase/v1/UploadInfo.js';
import type { UploadRef as _twophase_v1_UploadRef, UploadRef__Output as _twophase_v1_UploadRef__Output } from './twophase/v1/UploadRef.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  twophase: {
    v1: {
      AbortCause: EnumTypeDefinition
      AdoptUploadRequest: MessageTypeDefinition<_twophase_v1_AdoptUploadRequest, _twophase_v1_AdoptUploadRequest__Output>
      AppendUploadHeader: MessageTypeDefinition<_twophase_v1_AppendUploadHeader, _twophase_v1_AppendUploadHeader__Output>
      AppendUploadRequest: MessageTypeDefinition<_twophase_v1_AppendUploadRequest, _twophase_v1_AppendUploadRequest__Output>
      BlobLinkRequest: MessageTypeDefinition<_twophase_v1_BlobLinkRequest, _twophase_v1_BlobLinkRequest__Output>
      BlobLinkRequests: MessageTypeDefinition<_twophase_v1_BlobLinkRequests, _twophase_v1_BlobLinkRequests__Output>
      BlobLinkResponse: MessageTypeDefinition<_twophase_v1_BlobLinkResponse, _twophase_v1_BlobLinkResponse__Output>
      BlobLinkResponses: MessageTypeDefinition<_twophase_v1_BlobLinkResponses, _twophase_v1_BlobLinkResponses__Output>
      /**
       * Uploads stage bytes under a tx; reads see only committed (published) objects.
       */
      BlobStore: SubtypeConstructor<typeof grpc.Client, _twophase_v1_BlobStoreClient> & { service: _twophase_v1_BlobStoreDefinition }
      /**
       * ---- Resumable uploads (the gateway's tus endpoint stands on them) ----
       * 
       * An upload session receives a file's bytes over many appends, before any tx exists,
       * and survives restarts of everyone: of the client, of the gateway, of the blob
       * participant (whose durable offset it resumes from). Once every byte is there, one tx
       * takes the bytes as an object of its blob branch (AdoptUpload) and commits the file's
       * revision with them; SettleUpload records how that tx ended. A session nobody touches
       * for a day is deleted with its bytes.
       * 
       * Errors: NOT_FOUND for an unknown (never created, deleted or expired) upload;
       * ABORTED, with `upload-offset` in the trailing metadata, for an append at another
       * offset than the upload's or while another append is being received;
       * INVALID_ARGUMENT for more bytes than the upload's length (none of that append kept);
       * DATA_LOSS for an append whose checksum does not match (none of it kept) or an upload
       * whose SHA-256 is not the one it was created with; RESOURCE_EXHAUSTED past the number
       * of open uploads or the object size limit.
       * 
       * They are served only by a participant that keeps upload sessions (the CLI's blob
       * participant does); another answers UNIMPLEMENTED.
       */
      BlobUploads: SubtypeConstructor<typeof grpc.Client, _twophase_v1_BlobUploadsClient> & { service: _twophase_v1_BlobUploadsDefinition }
      CreateUploadRequest: MessageTypeDefinition<_twophase_v1_CreateUploadRequest, _twophase_v1_CreateUploadRequest__Output>
      Decision: EnumTypeDefinition
      DeleteUploadResponse: MessageTypeDefinition<_twophase_v1_DeleteUploadResponse, _twophase_v1_DeleteUploadResponse__Output>
      GetRequest: MessageTypeDefinition<_twophase_v1_GetRequest, _twophase_v1_GetRequest__Output>
      GetResponse: MessageTypeDefinition<_twophase_v1_GetResponse, _twophase_v1_GetResponse__Output>
      LinkError: MessageTypeDefinition<_twophase_v1_LinkError, _twophase_v1_LinkError__Output>
      Outcome: EnumTypeDefinition
      PutHeader: MessageTypeDefinition<_twophase_v1_PutHeader, _twophase_v1_PutHeader__Output>
      PutRequest: MessageTypeDefinition<_twophase_v1_PutRequest, _twophase_v1_PutRequest__Output>
      PutResponse: MessageTypeDefinition<_twophase_v1_PutResponse, _twophase_v1_PutResponse__Output>
      PutWholeRequest: MessageTypeDefinition<_twophase_v1_PutWholeRequest, _twophase_v1_PutWholeRequest__Output>
      SettleUploadRequest: MessageTypeDefinition<_twophase_v1_SettleUploadRequest, _twophase_v1_SettleUploadRequest__Output>
      StatRequest: MessageTypeDefinition<_twophase_v1_StatRequest, _twophase_v1_StatRequest__Output>
      StatResponse: MessageTypeDefinition<_twophase_v1_StatResponse, _twophase_v1_StatResponse__Output>
      UploadInfo: MessageTypeDefinition<_twophase_v1_UploadInfo, _twophase_v1_UploadInfo__Output>
      UploadRef: MessageTypeDefinition<_twophase_v1_UploadRef, _twophase_v1_UploadRef__Output>
      Vote: EnumTypeDefinition
    }
  }
}

