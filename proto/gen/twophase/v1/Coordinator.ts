// Original file: proto/twophase/v1/coordinator.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AbortRequest as _twophase_v1_AbortRequest, AbortRequest__Output as _twophase_v1_AbortRequest__Output } from '../../twophase/v1/AbortRequest.js';
import type { AbortResponse as _twophase_v1_AbortResponse, AbortResponse__Output as _twophase_v1_AbortResponse__Output } from '../../twophase/v1/AbortResponse.js';
import type { BeginRequest as _twophase_v1_BeginRequest, BeginRequest__Output as _twophase_v1_BeginRequest__Output } from '../../twophase/v1/BeginRequest.js';
import type { BeginResponse as _twophase_v1_BeginResponse, BeginResponse__Output as _twophase_v1_BeginResponse__Output } from '../../twophase/v1/BeginResponse.js';
import type { CommitRequest as _twophase_v1_CommitRequest, CommitRequest__Output as _twophase_v1_CommitRequest__Output } from '../../twophase/v1/CommitRequest.js';
import type { CommitResponse as _twophase_v1_CommitResponse, CommitResponse__Output as _twophase_v1_CommitResponse__Output } from '../../twophase/v1/CommitResponse.js';
import type { CoordinatorLinkRequests as _twophase_v1_CoordinatorLinkRequests, CoordinatorLinkRequests__Output as _twophase_v1_CoordinatorLinkRequests__Output } from '../../twophase/v1/CoordinatorLinkRequests.js';
import type { CoordinatorLinkResponses as _twophase_v1_CoordinatorLinkResponses, CoordinatorLinkResponses__Output as _twophase_v1_CoordinatorLinkResponses__Output } from '../../twophase/v1/CoordinatorLinkResponses.js';
import type { EnlistRequest as _twophase_v1_EnlistRequest, EnlistRequest__Output as _twophase_v1_EnlistRequest__Output } from '../../twophase/v1/EnlistRequest.js';
import type { EnlistResponse as _twophase_v1_EnlistResponse, EnlistResponse__Output as _twophase_v1_EnlistResponse__Output } from '../../twophase/v1/EnlistResponse.js';
import type { GetOutcomeRequest as _twophase_v1_GetOutcomeRequest, GetOutcomeRequest__Output as _twophase_v1_GetOutcomeRequest__Output } from '../../twophase/v1/GetOutcomeRequest.js';
import type { GetOutcomeResponse as _twophase_v1_GetOutcomeResponse, GetOutcomeResponse__Output as _twophase_v1_GetOutcomeResponse__Output } from '../../twophase/v1/GetOutcomeResponse.js';
import type { ListParticipantsRequest as _twophase_v1_ListParticipantsRequest, ListParticipantsRequest__Output as _twophase_v1_ListParticipantsRequest__Output } from '../../twophase/v1/ListParticipantsRequest.js';
import type { ListParticipantsResponse as _twophase_v1_ListParticipantsResponse, ListParticipantsResponse__Output as _twophase_v1_ListParticipantsResponse__Output } from '../../twophase/v1/ListParticipantsResponse.js';

/**
 * Clients begin and end transactions here; participants enlist here and ask
 * for outcomes after a restart.
 */
export interface CoordinatorClient extends grpc.Client {
  /**
   * Aborts an active or preparing tx. Idempotent; on a committed tx it returns
   * `committed` (the first outcome wins).
   */
  Abort(argument: _twophase_v1_AbortRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_AbortResponse__Output>): grpc.ClientUnaryCall;
  Abort(argument: _twophase_v1_AbortRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_AbortResponse__Output>): grpc.ClientUnaryCall;
  Abort(argument: _twophase_v1_AbortRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_AbortResponse__Output>): grpc.ClientUnaryCall;
  Abort(argument: _twophase_v1_AbortRequest, callback: grpc.requestCallback<_twophase_v1_AbortResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Aborts an active or preparing tx. Idempotent; on a committed tx it returns
   * `committed` (the first outcome wins).
   */
  abort(argument: _twophase_v1_AbortRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_AbortResponse__Output>): grpc.ClientUnaryCall;
  abort(argument: _twophase_v1_AbortRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_AbortResponse__Output>): grpc.ClientUnaryCall;
  abort(argument: _twophase_v1_AbortRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_AbortResponse__Output>): grpc.ClientUnaryCall;
  abort(argument: _twophase_v1_AbortRequest, callback: grpc.requestCallback<_twophase_v1_AbortResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Starts a transaction. Nothing is logged: an unfinished tx is presumed aborted.
   * RESOURCE_EXHAUSTED when the coordinator holds its maximum of in-flight txs.
   */
  Begin(argument: _twophase_v1_BeginRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_BeginResponse__Output>): grpc.ClientUnaryCall;
  Begin(argument: _twophase_v1_BeginRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_BeginResponse__Output>): grpc.ClientUnaryCall;
  Begin(argument: _twophase_v1_BeginRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_BeginResponse__Output>): grpc.ClientUnaryCall;
  Begin(argument: _twophase_v1_BeginRequest, callback: grpc.requestCallback<_twophase_v1_BeginResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Starts a transaction. Nothing is logged: an unfinished tx is presumed aborted.
   * RESOURCE_EXHAUSTED when the coordinator holds its maximum of in-flight txs.
   */
  begin(argument: _twophase_v1_BeginRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_BeginResponse__Output>): grpc.ClientUnaryCall;
  begin(argument: _twophase_v1_BeginRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_BeginResponse__Output>): grpc.ClientUnaryCall;
  begin(argument: _twophase_v1_BeginRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_BeginResponse__Output>): grpc.ClientUnaryCall;
  begin(argument: _twophase_v1_BeginRequest, callback: grpc.requestCallback<_twophase_v1_BeginResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Runs two-phase commit over every enlisted participant. Idempotent: a repeated
   * call returns the first outcome. Returns `committed` once every participant
   * acked, or, past the phase-2 wait, once the decision is durable (with the
   * participants still pending).
   */
  Commit(argument: _twophase_v1_CommitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_CommitResponse__Output>): grpc.ClientUnaryCall;
  Commit(argument: _twophase_v1_CommitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_CommitResponse__Output>): grpc.ClientUnaryCall;
  Commit(argument: _twophase_v1_CommitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_CommitResponse__Output>): grpc.ClientUnaryCall;
  Commit(argument: _twophase_v1_CommitRequest, callback: grpc.requestCallback<_twophase_v1_CommitResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Runs two-phase commit over every enlisted participant. Idempotent: a repeated
   * call returns the first outcome. Returns `committed` once every participant
   * acked, or, past the phase-2 wait, once the decision is durable (with the
   * participants still pending).
   */
  commit(argument: _twophase_v1_CommitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_CommitResponse__Output>): grpc.ClientUnaryCall;
  commit(argument: _twophase_v1_CommitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_CommitResponse__Output>): grpc.ClientUnaryCall;
  commit(argument: _twophase_v1_CommitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_CommitResponse__Output>): grpc.ClientUnaryCall;
  commit(argument: _twophase_v1_CommitRequest, callback: grpc.requestCallback<_twophase_v1_CommitResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Called by a participant on its first operation for a tx. Refused with
   * FAILED_PRECONDITION once the tx is no longer active (the participant must
   * undo the operation), NOT_FOUND for an unknown tx, RESOURCE_EXHAUSTED past
   * the per-tx participant limit. Idempotent.
   */
  Enlist(argument: _twophase_v1_EnlistRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_EnlistResponse__Output>): grpc.ClientUnaryCall;
  Enlist(argument: _twophase_v1_EnlistRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_EnlistResponse__Output>): grpc.ClientUnaryCall;
  Enlist(argument: _twophase_v1_EnlistRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_EnlistResponse__Output>): grpc.ClientUnaryCall;
  Enlist(argument: _twophase_v1_EnlistRequest, callback: grpc.requestCallback<_twophase_v1_EnlistResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Called by a participant on its first operation for a tx. Refused with
   * FAILED_PRECONDITION once the tx is no longer active (the participant must
   * undo the operation), NOT_FOUND for an unknown tx, RESOURCE_EXHAUSTED past
   * the per-tx participant limit. Idempotent.
   */
  enlist(argument: _twophase_v1_EnlistRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_EnlistResponse__Output>): grpc.ClientUnaryCall;
  enlist(argument: _twophase_v1_EnlistRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_EnlistResponse__Output>): grpc.ClientUnaryCall;
  enlist(argument: _twophase_v1_EnlistRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_EnlistResponse__Output>): grpc.ClientUnaryCall;
  enlist(argument: _twophase_v1_EnlistRequest, callback: grpc.requestCallback<_twophase_v1_EnlistResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The outcome of a tx. Unknown txs are reported aborted with `presumed` set.
   */
  GetOutcome(argument: _twophase_v1_GetOutcomeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_GetOutcomeResponse__Output>): grpc.ClientUnaryCall;
  GetOutcome(argument: _twophase_v1_GetOutcomeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_GetOutcomeResponse__Output>): grpc.ClientUnaryCall;
  GetOutcome(argument: _twophase_v1_GetOutcomeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_GetOutcomeResponse__Output>): grpc.ClientUnaryCall;
  GetOutcome(argument: _twophase_v1_GetOutcomeRequest, callback: grpc.requestCallback<_twophase_v1_GetOutcomeResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The outcome of a tx. Unknown txs are reported aborted with `presumed` set.
   */
  getOutcome(argument: _twophase_v1_GetOutcomeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_GetOutcomeResponse__Output>): grpc.ClientUnaryCall;
  getOutcome(argument: _twophase_v1_GetOutcomeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_GetOutcomeResponse__Output>): grpc.ClientUnaryCall;
  getOutcome(argument: _twophase_v1_GetOutcomeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_GetOutcomeResponse__Output>): grpc.ClientUnaryCall;
  getOutcome(argument: _twophase_v1_GetOutcomeRequest, callback: grpc.requestCallback<_twophase_v1_GetOutcomeResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Begin, Enlist, Commit, Abort and GetOutcome multiplexed over one long-lived stream:
   * the same requests, answers and status codes as the unary methods above, each tagged
   * with a call id the client chooses; answers come in any order. A message on an open
   * stream costs a fraction of a unary call, so the SDK and the participants use this.
   * A call's deadline is kept by the client (a late answer is dropped); a call in flight
   * when the stream breaks has an unknown fate, as a unary call whose connection broke.
   */
  Link(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_twophase_v1_CoordinatorLinkRequests, _twophase_v1_CoordinatorLinkResponses__Output>;
  Link(options?: grpc.CallOptions): grpc.ClientDuplexStream<_twophase_v1_CoordinatorLinkRequests, _twophase_v1_CoordinatorLinkResponses__Output>;
  /**
   * Begin, Enlist, Commit, Abort and GetOutcome multiplexed over one long-lived stream:
   * the same requests, answers and status codes as the unary methods above, each tagged
   * with a call id the client chooses; answers come in any order. A message on an open
   * stream costs a fraction of a unary call, so the SDK and the participants use this.
   * A call's deadline is kept by the client (a late answer is dropped); a call in flight
   * when the stream breaks has an unknown fate, as a unary call whose connection broke.
   */
  link(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_twophase_v1_CoordinatorLinkRequests, _twophase_v1_CoordinatorLinkResponses__Output>;
  link(options?: grpc.CallOptions): grpc.ClientDuplexStream<_twophase_v1_CoordinatorLinkRequests, _twophase_v1_CoordinatorLinkResponses__Output>;
  
  /**
   * The participants this coordinator knows, so clients can find them.
   */
  ListParticipants(argument: _twophase_v1_ListParticipantsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ListParticipantsResponse__Output>): grpc.ClientUnaryCall;
  ListParticipants(argument: _twophase_v1_ListParticipantsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_ListParticipantsResponse__Output>): grpc.ClientUnaryCall;
  ListParticipants(argument: _twophase_v1_ListParticipantsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ListParticipantsResponse__Output>): grpc.ClientUnaryCall;
  ListParticipants(argument: _twophase_v1_ListParticipantsRequest, callback: grpc.requestCallback<_twophase_v1_ListParticipantsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The participants this coordinator knows, so clients can find them.
   */
  listParticipants(argument: _twophase_v1_ListParticipantsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ListParticipantsResponse__Output>): grpc.ClientUnaryCall;
  listParticipants(argument: _twophase_v1_ListParticipantsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_ListParticipantsResponse__Output>): grpc.ClientUnaryCall;
  listParticipants(argument: _twophase_v1_ListParticipantsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ListParticipantsResponse__Output>): grpc.ClientUnaryCall;
  listParticipants(argument: _twophase_v1_ListParticipantsRequest, callback: grpc.requestCallback<_twophase_v1_ListParticipantsResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Clients begin and end transactions here; participants enlist here and ask
 * for outcomes after a restart.
 */
export interface CoordinatorHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Aborts an active or preparing tx. Idempotent; on a committed tx it returns
   * `committed` (the first outcome wins).
   */
  Abort: grpc.handleUnaryCall<_twophase_v1_AbortRequest__Output, _twophase_v1_AbortResponse>;
  
  /**
   * Starts a transaction. Nothing is logged: an unfinished tx is presumed aborted.
   * RESOURCE_EXHAUSTED when the coordinator holds its maximum of in-flight txs.
   */
  Begin: grpc.handleUnaryCall<_twophase_v1_BeginRequest__Output, _twophase_v1_BeginResponse>;
  
  /**
   * Runs two-phase commit over every enlisted participant. Idempotent: a repeated
   * call returns the first outcome. Returns `committed` once every participant
   * acked, or, past the phase-2 wait, once the decision is durable (with the
   * participants still pending).
   */
  Commit: grpc.handleUnaryCall<_twophase_v1_CommitRequest__Output, _twophase_v1_CommitResponse>;
  
  /**
   * Called by a participant on its first operation for a tx. Refused with
   * FAILED_PRECONDITION once the tx is no longer active (the participant must
   * undo the operation), NOT_FOUND for an unknown tx, RESOURCE_EXHAUSTED past
   * the per-tx participant limit. Idempotent.
   */
  Enlist: grpc.handleUnaryCall<_twophase_v1_EnlistRequest__Output, _twophase_v1_EnlistResponse>;
  
  /**
   * The outcome of a tx. Unknown txs are reported aborted with `presumed` set.
   */
  GetOutcome: grpc.handleUnaryCall<_twophase_v1_GetOutcomeRequest__Output, _twophase_v1_GetOutcomeResponse>;
  
  /**
   * Begin, Enlist, Commit, Abort and GetOutcome multiplexed over one long-lived stream:
   * the same requests, answers and status codes as the unary methods above, each tagged
   * with a call id the client chooses; answers come in any order. A message on an open
   * stream costs a fraction of a unary call, so the SDK and the participants use this.
   * A call's deadline is kept by the client (a late answer is dropped); a call in flight
   * when the stream breaks has an unknown fate, as a unary call whose connection broke.
   */
  Link: grpc.handleBidiStreamingCall<_twophase_v1_CoordinatorLinkRequests__Output, _twophase_v1_CoordinatorLinkResponses>;
  
  /**
   * The participants this coordinator knows, so clients can find them.
   */
  ListParticipants: grpc.handleUnaryCall<_twophase_v1_ListParticipantsRequest__Output, _twophase_v1_ListParticipantsResponse>;
  
}

export interface CoordinatorDefinition extends grpc.ServiceDefinition {
  Abort: MethodDefinition<_twophase_v1_AbortRequest, _twophase_v1_AbortResponse, _twophase_v1_AbortRequest__Output, _twophase_v1_AbortResponse__Output>
  Begin: MethodDefinition<_twophase_v1_BeginRequest, _twophase_v1_BeginResponse, _twophase_v1_BeginRequest__Output, _twophase_v1_BeginResponse__Output>
  Commit: MethodDefinition<_twophase_v1_CommitRequest, _twophase_v1_CommitResponse, _twophase_v1_CommitRequest__Output, _twophase_v1_CommitResponse__Output>
  Enlist: MethodDefinition<_twophase_v1_EnlistRequest, _twophase_v1_EnlistResponse, _twophase_v1_EnlistRequest__Output, _twophase_v1_EnlistResponse__Output>
  GetOutcome: MethodDefinition<_twophase_v1_GetOutcomeRequest, _twophase_v1_GetOutcomeResponse, _twophase_v1_GetOutcomeRequest__Output, _twophase_v1_GetOutcomeResponse__Output>
  Link: MethodDefinition<_twophase_v1_CoordinatorLinkRequests, _twophase_v1_CoordinatorLinkResponses, _twophase_v1_CoordinatorLinkRequests__Output, _twophase_v1_CoordinatorLinkResponses__Output>
  ListParticipants: MethodDefinition<_twophase_v1_ListParticipantsRequest, _twophase_v1_ListParticipantsResponse, _twophase_v1_ListParticipantsRequest__Output, _twophase_v1_ListParticipantsResponse__Output>
}
