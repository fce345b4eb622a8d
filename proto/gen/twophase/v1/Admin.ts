// Original file: proto/twophase/v1/admin.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ArmFailpointsRequest as _twophase_v1_ArmFailpointsRequest, ArmFailpointsRequest__Output as _twophase_v1_ArmFailpointsRequest__Output } from '../../twophase/v1/ArmFailpointsRequest.js';
import type { ArmFailpointsResponse as _twophase_v1_ArmFailpointsResponse, ArmFailpointsResponse__Output as _twophase_v1_ArmFailpointsResponse__Output } from '../../twophase/v1/ArmFailpointsResponse.js';
import type { DisarmFailpointsRequest as _twophase_v1_DisarmFailpointsRequest, DisarmFailpointsRequest__Output as _twophase_v1_DisarmFailpointsRequest__Output } from '../../twophase/v1/DisarmFailpointsRequest.js';
import type { DisarmFailpointsResponse as _twophase_v1_DisarmFailpointsResponse, DisarmFailpointsResponse__Output as _twophase_v1_DisarmFailpointsResponse__Output } from '../../twophase/v1/DisarmFailpointsResponse.js';
import type { GetStatsRequest as _twophase_v1_GetStatsRequest, GetStatsRequest__Output as _twophase_v1_GetStatsRequest__Output } from '../../twophase/v1/GetStatsRequest.js';
import type { GetStatsResponse as _twophase_v1_GetStatsResponse, GetStatsResponse__Output as _twophase_v1_GetStatsResponse__Output } from '../../twophase/v1/GetStatsResponse.js';
import type { ListFailpointsRequest as _twophase_v1_ListFailpointsRequest, ListFailpointsRequest__Output as _twophase_v1_ListFailpointsRequest__Output } from '../../twophase/v1/ListFailpointsRequest.js';
import type { ListFailpointsResponse as _twophase_v1_ListFailpointsResponse, ListFailpointsResponse__Output as _twophase_v1_ListFailpointsResponse__Output } from '../../twophase/v1/ListFailpointsResponse.js';
import type { ListTransactionsRequest as _twophase_v1_ListTransactionsRequest, ListTransactionsRequest__Output as _twophase_v1_ListTransactionsRequest__Output } from '../../twophase/v1/ListTransactionsRequest.js';
import type { ListTransactionsResponse as _twophase_v1_ListTransactionsResponse, ListTransactionsResponse__Output as _twophase_v1_ListTransactionsResponse__Output } from '../../twophase/v1/ListTransactionsResponse.js';

export interface AdminClient extends grpc.Client {
  /**
   * Arms failpoints from a TWOPHASE_FAILPOINTS-style spec (`name=action[trigger],…`).
   * INVALID_ARGUMENT for bad syntax or a name this process does not define; all or nothing.
   */
  ArmFailpoints(argument: _twophase_v1_ArmFailpointsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ArmFailpointsResponse__Output>): grpc.ClientUnaryCall;
  ArmFailpoints(argument: _twophase_v1_ArmFailpointsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_ArmFailpointsResponse__Output>): grpc.ClientUnaryCall;
  ArmFailpoints(argument: _twophase_v1_ArmFailpointsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ArmFailpointsResponse__Output>): grpc.ClientUnaryCall;
  ArmFailpoints(argument: _twophase_v1_ArmFailpointsRequest, callback: grpc.requestCallback<_twophase_v1_ArmFailpointsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Arms failpoints from a TWOPHASE_FAILPOINTS-style spec (`name=action[trigger],…`).
   * INVALID_ARGUMENT for bad syntax or a name this process does not define; all or nothing.
   */
  armFailpoints(argument: _twophase_v1_ArmFailpointsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ArmFailpointsResponse__Output>): grpc.ClientUnaryCall;
  armFailpoints(argument: _twophase_v1_ArmFailpointsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_ArmFailpointsResponse__Output>): grpc.ClientUnaryCall;
  armFailpoints(argument: _twophase_v1_ArmFailpointsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ArmFailpointsResponse__Output>): grpc.ClientUnaryCall;
  armFailpoints(argument: _twophase_v1_ArmFailpointsRequest, callback: grpc.requestCallback<_twophase_v1_ArmFailpointsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Disarms every failpoint of this process.
   */
  DisarmFailpoints(argument: _twophase_v1_DisarmFailpointsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_DisarmFailpointsResponse__Output>): grpc.ClientUnaryCall;
  DisarmFailpoints(argument: _twophase_v1_DisarmFailpointsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_DisarmFailpointsResponse__Output>): grpc.ClientUnaryCall;
  DisarmFailpoints(argument: _twophase_v1_DisarmFailpointsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_DisarmFailpointsResponse__Output>): grpc.ClientUnaryCall;
  DisarmFailpoints(argument: _twophase_v1_DisarmFailpointsRequest, callback: grpc.requestCallback<_twophase_v1_DisarmFailpointsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Disarms every failpoint of this process.
   */
  disarmFailpoints(argument: _twophase_v1_DisarmFailpointsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_DisarmFailpointsResponse__Output>): grpc.ClientUnaryCall;
  disarmFailpoints(argument: _twophase_v1_DisarmFailpointsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_DisarmFailpointsResponse__Output>): grpc.ClientUnaryCall;
  disarmFailpoints(argument: _twophase_v1_DisarmFailpointsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_DisarmFailpointsResponse__Output>): grpc.ClientUnaryCall;
  disarmFailpoints(argument: _twophase_v1_DisarmFailpointsRequest, callback: grpc.requestCallback<_twophase_v1_DisarmFailpointsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Counters of this process: for the coordinator `live_txs`, `commits`, `aborts`;
   * for a participant `branches`, `in_doubt`, `oldest_in_doubt_ms`.
   */
  GetStats(argument: _twophase_v1_GetStatsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_GetStatsResponse__Output>): grpc.ClientUnaryCall;
  GetStats(argument: _twophase_v1_GetStatsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_GetStatsResponse__Output>): grpc.ClientUnaryCall;
  GetStats(argument: _twophase_v1_GetStatsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_GetStatsResponse__Output>): grpc.ClientUnaryCall;
  GetStats(argument: _twophase_v1_GetStatsRequest, callback: grpc.requestCallback<_twophase_v1_GetStatsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Counters of this process: for the coordinator `live_txs`, `commits`, `aborts`;
   * for a participant `branches`, `in_doubt`, `oldest_in_doubt_ms`.
   */
  getStats(argument: _twophase_v1_GetStatsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_GetStatsResponse__Output>): grpc.ClientUnaryCall;
  getStats(argument: _twophase_v1_GetStatsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_GetStatsResponse__Output>): grpc.ClientUnaryCall;
  getStats(argument: _twophase_v1_GetStatsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_GetStatsResponse__Output>): grpc.ClientUnaryCall;
  getStats(argument: _twophase_v1_GetStatsRequest, callback: grpc.requestCallback<_twophase_v1_GetStatsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Every failpoint this process defines.
   */
  ListFailpoints(argument: _twophase_v1_ListFailpointsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ListFailpointsResponse__Output>): grpc.ClientUnaryCall;
  ListFailpoints(argument: _twophase_v1_ListFailpointsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_ListFailpointsResponse__Output>): grpc.ClientUnaryCall;
  ListFailpoints(argument: _twophase_v1_ListFailpointsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ListFailpointsResponse__Output>): grpc.ClientUnaryCall;
  ListFailpoints(argument: _twophase_v1_ListFailpointsRequest, callback: grpc.requestCallback<_twophase_v1_ListFailpointsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Every failpoint this process defines.
   */
  listFailpoints(argument: _twophase_v1_ListFailpointsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ListFailpointsResponse__Output>): grpc.ClientUnaryCall;
  listFailpoints(argument: _twophase_v1_ListFailpointsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_ListFailpointsResponse__Output>): grpc.ClientUnaryCall;
  listFailpoints(argument: _twophase_v1_ListFailpointsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ListFailpointsResponse__Output>): grpc.ClientUnaryCall;
  listFailpoints(argument: _twophase_v1_ListFailpointsRequest, callback: grpc.requestCallback<_twophase_v1_ListFailpointsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The coordinator only: every unfinished tx, oldest first (UNIMPLEMENTED elsewhere).
   */
  ListTransactions(argument: _twophase_v1_ListTransactionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  ListTransactions(argument: _twophase_v1_ListTransactionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  ListTransactions(argument: _twophase_v1_ListTransactionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  ListTransactions(argument: _twophase_v1_ListTransactionsRequest, callback: grpc.requestCallback<_twophase_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The coordinator only: every unfinished tx, oldest first (UNIMPLEMENTED elsewhere).
   */
  listTransactions(argument: _twophase_v1_ListTransactionsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  listTransactions(argument: _twophase_v1_ListTransactionsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  listTransactions(argument: _twophase_v1_ListTransactionsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  listTransactions(argument: _twophase_v1_ListTransactionsRequest, callback: grpc.requestCallback<_twophase_v1_ListTransactionsResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface AdminHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Arms failpoints from a TWOPHASE_FAILPOINTS-style spec (`name=action[trigger],…`).
   * INVALID_ARGUMENT for bad syntax or a name this process does not define; all or nothing.
   */
  ArmFailpoints: grpc.handleUnaryCall<_twophase_v1_ArmFailpointsRequest__Output, _twophase_v1_ArmFailpointsResponse>;
  
  /**
   * Disarms every failpoint of this process.
   */
  DisarmFailpoints: grpc.handleUnaryCall<_twophase_v1_DisarmFailpointsRequest__Output, _twophase_v1_DisarmFailpointsResponse>;
  
  /**
   * Counters of this process: for the coordinator `live_txs`, `commits`, `aborts`;
   * for a participant `branches`, `in_doubt`, `oldest_in_doubt_ms`.
   */
  GetStats: grpc.handleUnaryCall<_twophase_v1_GetStatsRequest__Output, _twophase_v1_GetStatsResponse>;
  
  /**
   * Every failpoint this process defines.
   */
  ListFailpoints: grpc.handleUnaryCall<_twophase_v1_ListFailpointsRequest__Output, _twophase_v1_ListFailpointsResponse>;
  
  /**
   * The coordinator only: every unfinished tx, oldest first (UNIMPLEMENTED elsewhere).
   */
  ListTransactions: grpc.handleUnaryCall<_twophase_v1_ListTransactionsRequest__Output, _twophase_v1_ListTransactionsResponse>;
  
}

export interface AdminDefinition extends grpc.ServiceDefinition {
  ArmFailpoints: MethodDefinition<_twophase_v1_ArmFailpointsRequest, _twophase_v1_ArmFailpointsResponse, _twophase_v1_ArmFailpointsRequest__Output, _twophase_v1_ArmFailpointsResponse__Output>
  DisarmFailpoints: MethodDefinition<_twophase_v1_DisarmFailpointsRequest, _twophase_v1_DisarmFailpointsResponse, _twophase_v1_DisarmFailpointsRequest__Output, _twophase_v1_DisarmFailpointsResponse__Output>
  GetStats: MethodDefinition<_twophase_v1_GetStatsRequest, _twophase_v1_GetStatsResponse, _twophase_v1_GetStatsRequest__Output, _twophase_v1_GetStatsResponse__Output>
  ListFailpoints: MethodDefinition<_twophase_v1_ListFailpointsRequest, _twophase_v1_ListFailpointsResponse, _twophase_v1_ListFailpointsRequest__Output, _twophase_v1_ListFailpointsResponse__Output>
  ListTransactions: MethodDefinition<_twophase_v1_ListTransactionsRequest, _twophase_v1_ListTransactionsResponse, _twophase_v1_ListTransactionsRequest__Output, _twophase_v1_ListTransactionsResponse__Output>
}
