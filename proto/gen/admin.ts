import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AdminClient as _twophase_v1_AdminClient, AdminDefinition as _twophase_v1_AdminDefinition } from './twophase/v1/Admin.js';
import type { ArmFailpointsRequest as _twophase_v1_ArmFailpointsRequest, ArmFailpointsRequest__Output as _twophase_v1_ArmFailpointsRequest__Output } from './twophase/v1/ArmFailpointsRequest.js';
import type { ArmFailpointsResponse as _twophase_v1_ArmFailpointsResponse, ArmFailpointsResponse__Output as _twophase_v1_ArmFailpointsResponse__Output } from './twophase/v1/ArmFailpointsResponse.js';
import type { DisarmFailpointsRequest as _twophase_v1_DisarmFailpointsRequest, DisarmFailpointsRequest__Output as _twophase_v1_DisarmFailpointsRequest__Output } from './twophase/v1/DisarmFailpointsRequest.js';
import type { DisarmFailpointsResponse as _twophase_v1_DisarmFailpointsResponse, DisarmFailpointsResponse__Output as _twophase_v1_DisarmFailpointsResponse__Output } from './twophase/v1/DisarmFailpointsResponse.js';
import type { FailpointInfo as _twophase_v1_FailpointInfo, FailpointInfo__Output as _twophase_v1_FailpointInfo__Output } from './twophase/v1/FailpointInfo.js';
import type { GetStatsRequest as _twophase_v1_GetStatsRequest, GetStatsRequest__Output as _twophase_v1_GetStatsRequest__Output } from './twophase/v1/GetStatsRequest.js';
import type { GetStatsResponse as _twophase_v1_GetStatsResponse, GetStatsResponse__Output as _twophase_v1_GetStatsResponse__Output } from './twophase/v1/GetStatsResponse.js';
import type { ListFailpointsRequest as _twophase_v1_ListFailpointsRequest, ListFailpointsRequest__Output as _twophase_v1_ListFailpointsRequest__Output } from './twophase/v1/ListFailpointsRequest.js';
import type { ListFailpointsResponse as _twophase_v1_ListFailpointsResponse, ListFailpointsResponse__Output as _twophase_v1_ListFailpointsResponse__Output } from './twophase/v1/ListFailpointsResponse.js';
import type { ListTransactionsRequest as _twophase_v1_ListTransactionsRequest, ListTransactionsRequest__Output as _twophase_v1_ListTransactionsRequest__Output } from './twophase/v1/ListTransactionsRequest.js';
import type { ListTransactionsResponse as _twophase_v1_ListTransactionsResponse, ListTransactionsResponse__Output as _twophase_v1_ListTransactionsResponse__Output } from './twophase/v1/ListTransactionsResponse.js';
import type { TransactionInfo as _twophase_v1_TransactionInfo, TransactionInfo__Output as _twophase_v1_TransactionInfo__Output } from './twophase/v1/TransactionInfo.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  twophase: {
    v1: {
      Admin: SubtypeConstructor<typeof grpc.Client, _twophase_v1_AdminClient> & { service: _twophase_v1_AdminDefinition }
      ArmFailpointsRequest: MessageTypeDefinition<_twophase_v1_ArmFailpointsRequest, _twophase_v1_ArmFailpointsRequest__Output>
      ArmFailpointsResponse: MessageTypeDefinition<_twophase_v1_ArmFailpointsResponse, _twophase_v1_ArmFailpointsResponse__Output>
      DisarmFailpointsRequest: MessageTypeDefinition<_twophase_v1_DisarmFailpointsRequest, _twophase_v1_DisarmFailpointsRequest__Output>
      DisarmFailpointsResponse: MessageTypeDefinition<_twophase_v1_DisarmFailpointsResponse, _twophase_v1_DisarmFailpointsResponse__Output>
      FailpointInfo: MessageTypeDefinition<_twophase_v1_FailpointInfo, _twophase_v1_FailpointInfo__Output>
      GetStatsRequest: MessageTypeDefinition<_twophase_v1_GetStatsRequest, _twophase_v1_GetStatsRequest__Output>
      GetStatsResponse: MessageTypeDefinition<_twophase_v1_GetStatsResponse, _twophase_v1_GetStatsResponse__Output>
      ListFailpointsRequest: MessageTypeDefinition<_twophase_v1_ListFailpointsRequest, _twophase_v1_ListFailpointsRequest__Output>
      ListFailpointsResponse: MessageTypeDefinition<_twophase_v1_ListFailpointsResponse, _twophase_v1_ListFailpointsResponse__Output>
      ListTransactionsRequest: MessageTypeDefinition<_twophase_v1_ListTransactionsRequest, _twophase_v1_ListTransactionsRequest__Output>
      ListTransactionsResponse: MessageTypeDefinition<_twophase_v1_ListTransactionsResponse, _twophase_v1_ListTransactionsResponse__Output>
      TransactionInfo: MessageTypeDefinition<_twophase_v1_TransactionInfo, _twophase_v1_TransactionInfo__Output>
    }
  }
}

