import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Change as _twophase_v1_Change, Change__Output as _twophase_v1_Change__Output } from './twophase/v1/Change.js';
import type { DeleteFileRequest as _twophase_v1_DeleteFileRequest, DeleteFileRequest__Output as _twophase_v1_DeleteFileRequest__Output } from './twophase/v1/DeleteFileRequest.js';
import type { DeleteFileResponse as _twophase_v1_DeleteFileResponse, DeleteFileResponse__Output as _twophase_v1_DeleteFileResponse__Output } from './twophase/v1/DeleteFileResponse.js';
import type { FileRevision as _twophase_v1_FileRevision, FileRevision__Output as _twophase_v1_FileRevision__Output } from './twophase/v1/FileRevision.js';
import type { GetFileRequest as _twophase_v1_GetFileRequest, GetFileRequest__Output as _twophase_v1_GetFileRequest__Output } from './twophase/v1/GetFileRequest.js';
import type { GetTransactionRevisionRequest as _twophase_v1_GetTransactionRevisionRequest, GetTransactionRevisionRequest__Output as _twophase_v1_GetTransactionRevisionRequest__Output } from './twophase/v1/GetTransactionRevisionRequest.js';
import type { LinkError as _twophase_v1_LinkError, LinkError__Output as _twophase_v1_LinkError__Output } from './twophase/v1/LinkError.js';
import type { ListChangesRequest as _twophase_v1_ListChangesRequest, ListChangesRequest__Output as _twophase_v1_ListChangesRequest__Output } from './twophase/v1/ListChangesRequest.js';
import type { ListChangesResponse as _twophase_v1_ListChangesResponse, ListChangesResponse__Output as _twophase_v1_ListChangesResponse__Output } from './twophase/v1/ListChangesResponse.js';
import type { ListFilesRequest as _twophase_v1_ListFilesRequest, ListFilesRequest__Output as _twophase_v1_ListFilesRequest__Output } from './twophase/v1/ListFilesRequest.js';
import type { ListFilesResponse as _twophase_v1_ListFilesResponse, ListFilesResponse__Output as _twophase_v1_ListFilesResponse__Output } from './twophase/v1/ListFilesResponse.js';
import type { ListRevisionsRequest as _twophase_v1_ListRevisionsRequest, ListRevisionsRequest__Output as _twophase_v1_ListRevisionsRequest__Output } from './twophase/v1/ListRevisionsRequest.js';
import type { ListRevisionsResponse as _twophase_v1_ListRevisionsResponse, ListRevisionsResponse__Output as _twophase_v1_ListRevisionsResponse__Output } from './twophase/v1/ListRevisionsResponse.js';
import type { MetadataClient as _twophase_v1_MetadataClient, MetadataDefinition as _twophase_v1_MetadataDefinition } from './twophase/v1/Metadata.js';
import type { MetadataLinkRequest as _twophase_v1_MetadataLinkRequest, MetadataLinkRequest__Output as _twophase_v1_MetadataLinkRequest__Output } from './twophase/v1/MetadataLinkRequest.js';
import type { MetadataLinkRequests as _twophase_v1_MetadataLinkRequests, MetadataLinkRequests__Output as _twophase_v1_MetadataLinkRequests__Output } from './twophase/v1/MetadataLinkRequests.js';
import type { MetadataLinkResponse as _twophase_v1_MetadataLinkResponse, MetadataLinkResponse__Output as _twophase_v1_MetadataLinkResponse__Output } from './twophase/v1/MetadataLinkResponse.js';
import type { MetadataLinkResponses as _twophase_v1_MetadataLinkResponses, MetadataLinkResponses__Output as _twophase_v1_MetadataLinkResponses__Output } from './twophase/v1/MetadataLinkResponses.js';
import type { StageRevisionRequest as _twophase_v1_StageRevisionRequest, StageRevisionRequest__Output as _twophase_v1_StageRevisionRequest__Output } from './twophase/v1/StageRevisionRequest.js';
import type { StageRevisionResponse as _twophase_v1_StageRevisionResponse, StageRevisionResponse__Output as _twophase_v1_StageRevisionResponse__Output } from './twophase/v1/StageRevisionResponse.js';
import type { WatchChangesRequest as _twophase_v1_WatchChangesRequest, WatchChangesRequest__Output as _twophase_v1_WatchChangesRequest__Output } from './twophase/v1/WatchChangesRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  twophase: {
    v1: {
      AbortCause: EnumTypeDefinition
      Change: MessageTypeDefinition<_twophase_v1_Change, _twophase_v1_Change__Output>
      Decision: EnumTypeDefinition
      DeleteFileRequest: MessageTypeDefinition<_twophase_v1_DeleteFileRequest, _twophase_v1_DeleteFileRequest__Output>
      DeleteFileResponse: MessageTypeDefinition<_twophase_v1_DeleteFileResponse, _twophase_v1_DeleteFileResponse__Output>
      FileRevision: MessageTypeDefinition<_twophase_v1_FileRevision, _twophase_v1_FileRevision__Output>
      GetFileRequest: MessageTypeDefinition<_twophase_v1_GetFileRequest, _twophase_v1_GetFileRequest__Output>
      GetTransactionRevisionRequest: MessageTypeDefinition<_twophase_v1_GetTransactionRevisionRequest, _twophase_v1_GetTransactionRevisionRequest__Output>
      LinkError: MessageTypeDefinition<_twophase_v1_LinkError, _twophase_v1_LinkError__Output>
      ListChangesRequest: MessageTypeDefinition<_twophase_v1_ListChangesRequest, _twophase_v1_ListChangesRequest__Output>
      ListChangesResponse: MessageTypeDefinition<_twophase_v1_ListChangesResponse, _twophase_v1_ListChangesResponse__Output>
      ListFilesRequest: MessageTypeDefinition<_twophase_v1_ListFilesRequest, _twophase_v1_ListFilesRequest__Output>
      ListFilesResponse: MessageTypeDefinition<_twophase_v1_ListFilesResponse, _twophase_v1_ListFilesResponse__Output>
      ListRevisionsRequest: MessageTypeDefinition<_twophase_v1_ListRevisionsRequest, _twophase_v1_ListRevisionsRequest__Output>
      ListRevisionsResponse: MessageTypeDefinition<_twophase_v1_ListRevisionsResponse, _twophase_v1_ListRevisionsResponse__Output>
      /**
       * Writes happen inside a tx and are held by the prepared PostgreSQL transaction until
       * the decision; reads see committed data only.
       */
      Metadata: SubtypeConstructor<typeof grpc.Client, _twophase_v1_MetadataClient> & { service: _twophase_v1_MetadataDefinition }
      MetadataLinkRequest: MessageTypeDefinition<_twophase_v1_MetadataLinkRequest, _twophase_v1_MetadataLinkRequest__Output>
      MetadataLinkRequests: MessageTypeDefinition<_twophase_v1_MetadataLinkRequests, _twophase_v1_MetadataLinkRequests__Output>
      MetadataLinkResponse: MessageTypeDefinition<_twophase_v1_MetadataLinkResponse, _twophase_v1_MetadataLinkResponse__Output>
      MetadataLinkResponses: MessageTypeDefinition<_twophase_v1_MetadataLinkResponses, _twophase_v1_MetadataLinkResponses__Output>
      Outcome: EnumTypeDefinition
      StageRevisionRequest: MessageTypeDefinition<_twophase_v1_StageRevisionRequest, _twophase_v1_StageRevisionRequest__Output>
      StageRevisionResponse: MessageTypeDefinition<_twophase_v1_StageRevisionResponse, _twophase_v1_StageRevisionResponse__Output>
      Vote: EnumTypeDefinition
      WatchChangesRequest: MessageTypeDefinition<_twophase_v1_WatchChangesRequest, _twophase_v1_WatchChangesRequest__Output>
    }
  }
}

