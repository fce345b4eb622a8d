import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { BlobLinkRequest as _twophase_v1_BlobLinkRequest, BlobLinkRequest__Output as _twophase_v1_BlobLinkRequest__Output } from './twophase/v1/BlobLinkRequest.js';
import type { BlobLinkRequests as _twophase_v1_BlobLinkRequests, BlobLinkRequests__Output as _twophase_v1_BlobLinkRequests__Output } from './twophase/v1/BlobLinkRequests.js';
import type { BlobLinkResponse as _twophase_v1_BlobLinkResponse, BlobLinkResponse__Output as _twophase_v1_BlobLinkResponse__Output } from './twophase/v1/BlobLinkResponse.js';
import type { BlobLinkResponses as _twophase_v1_BlobLinkResponses, BlobLinkResponses__Output as _twophase_v1_BlobLinkResponses__Output } from './twophase/v1/BlobLinkResponses.js';
import type { BlobStoreClient as _twophase_v1_BlobStoreClient, BlobStoreDefinition as _twophase_v1_BlobStoreDefinition } from './twophase/v1/BlobStore.js';
import type { GetRequest as _twophase_v1_GetRequest, GetRequest__Output as _twophase_v1_GetRequest__Output } from './twophase/v1/GetRequest.js';
import type { GetResponse as _twophase_v1_GetResponse, GetResponse__Output as _twophase_v1_GetResponse__Output } from './twophase/v1/GetResponse.js';
import type { LinkError as _twophase_v1_LinkError, LinkError__Output as _twophase_v1_LinkError__Output } from './twophase/v1/LinkError.js';
import type { PutHeader as _twophase_v1_PutHeader, PutHeader__Output as _twophase_v1_PutHeader__Output } from './twophase/v1/PutHeader.js';
import type { PutRequest as _twophase_v1_PutRequest, PutRequest__Output as _twophase_v1_PutRequest__Output } from './twophase/v1/PutRequest.js';
import type { PutResponse as _twophase_v1_PutResponse, PutResponse__Output as _twophase_v1_PutResponse__Output } from './twophase/v1/PutResponse.js';
import type { PutWholeRequest as _twophase_v1_PutWholeRequest, PutWholeRequest__Output as _twophase_v1_PutWholeRequest__Output } from './twophase/v1/PutWholeRequest.js';
import type { StatRequest as _twophase_v1_StatRequest, StatRequest__Output as _twophase_v1_StatRequest__Output } from './twophase/v1/StatRequest.js';
import type { StatResponse as _twophase_v1_StatResponse, StatResponse__Output as _twophase_v1_StatResponse__Output } from './twophase/v1/StatResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  twophase: {
    v1: {
      AbortCause: EnumTypeDefinition
      BlobLinkRequest: MessageTypeDefinition<_twophase_v1_BlobLinkRequest, _twophase_v1_BlobLinkRequest__Output>
      BlobLinkRequests: MessageTypeDefinition<_twophase_v1_BlobLinkRequests, _twophase_v1_BlobLinkRequests__Output>
      BlobLinkResponse: MessageTypeDefinition<_twophase_v1_BlobLinkResponse, _twophase_v1_BlobLinkResponse__Output>
      BlobLinkResponses: MessageTypeDefinition<_twophase_v1_BlobLinkResponses, _twophase_v1_BlobLinkResponses__Output>
      /**
       * Uploads stage bytes under a tx; reads see only committed (published) objects.
       */
      BlobStore: SubtypeConstructor<typeof grpc.Client, _twophase_v1_BlobStoreClient> & { service: _twophase_v1_BlobStoreDefinition }
      Decision: EnumTypeDefinition
      GetRequest: MessageTypeDefinition<_twophase_v1_GetRequest, _twophase_v1_GetRequest__Output>
      GetResponse: MessageTypeDefinition<_twophase_v1_GetResponse, _twophase_v1_GetResponse__Output>
      LinkError: MessageTypeDefinition<_twophase_v1_LinkError, _twophase_v1_LinkError__Output>
      Outcome: EnumTypeDefinition
      PutHeader: MessageTypeDefinition<_twophase_v1_PutHeader, _twophase_v1_PutHeader__Output>
      PutRequest: MessageTypeDefinition<_twophase_v1_PutRequest, _twophase_v1_PutRequest__Output>
      PutResponse: MessageTypeDefinition<_twophase_v1_PutResponse, _twophase_v1_PutResponse__Output>
      PutWholeRequest: MessageTypeDefinition<_twophase_v1_PutWholeRequest, _twophase_v1_PutWholeRequest__Output>
      StatRequest: MessageTypeDefinition<_twophase_v1_StatRequest, _twophase_v1_StatRequest__Output>
      StatResponse: MessageTypeDefinition<_twophase_v1_StatResponse, _twophase_v1_StatResponse__Output>
      Vote: EnumTypeDefinition
    }
  }
}

