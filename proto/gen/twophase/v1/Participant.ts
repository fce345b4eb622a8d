// Original file: proto/twophase/v1/participant.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CommitOnePhaseRequest as _twophase_v1_CommitOnePhaseRequest, CommitOnePhaseRequest__Output as _twophase_v1_CommitOnePhaseRequest__Output } from '../../twophase/v1/CommitOnePhaseRequest.js';
import type { CommitOnePhaseResponse as _twophase_v1_CommitOnePhaseResponse, CommitOnePhaseResponse__Output as _twophase_v1_CommitOnePhaseResponse__Output } from '../../twophase/v1/CommitOnePhaseResponse.js';
import type { ListInDoubtRequest as _twophase_v1_ListInDoubtRequest, ListInDoubtRequest__Output as _twophase_v1_ListInDoubtRequest__Output } from '../../twophase/v1/ListInDoubtRequest.js';
import type { ListInDoubtResponse as _twophase_v1_ListInDoubtResponse, ListInDoubtResponse__Output as _twophase_v1_ListInDoubtResponse__Output } from '../../twophase/v1/ListInDoubtResponse.js';
import type { ParticipantAbortRequest as _twophase_v1_ParticipantAbortRequest, ParticipantAbortRequest__Output as _twophase_v1_ParticipantAbortRequest__Output } from '../../twophase/v1/ParticipantAbortRequest.js';
import type { ParticipantAbortResponse as _twophase_v1_ParticipantAbortResponse, ParticipantAbortResponse__Output as _twophase_v1_ParticipantAbortResponse__Output } from '../../twophase/v1/ParticipantAbortResponse.js';
import type { ParticipantCommitRequest as _twophase_v1_ParticipantCommitRequest, ParticipantCommitRequest__Output as _twophase_v1_ParticipantCommitRequest__Output } from '../../twophase/v1/ParticipantCommitRequest.js';
import type { ParticipantCommitResponse as _twophase_v1_ParticipantCommitResponse, ParticipantCommitResponse__Output as _twophase_v1_ParticipantCommitResponse__Output } from '../../twophase/v1/ParticipantCommitResponse.js';
import type { ParticipantLinkRequests as _twophase_v1_ParticipantLinkRequests, ParticipantLinkRequests__Output as _twophase_v1_ParticipantLinkRequests__Output } from '../../twophase/v1/ParticipantLinkRequests.js';
import type { ParticipantLinkResponses as _twophase_v1_ParticipantLinkResponses, ParticipantLinkResponses__Output as _twophase_v1_ParticipantLinkResponses__Output } from '../../twophase/v1/ParticipantLinkResponses.js';
import type { PrepareRequest as _twophase_v1_PrepareRequest, PrepareRequest__Output as _twophase_v1_PrepareRequest__Output } from '../../twophase/v1/PrepareRequest.js';
import type { PrepareResponse as _twophase_v1_PrepareResponse, PrepareResponse__Output as _twophase_v1_PrepareResponse__Output } from '../../twophase/v1/PrepareResponse.js';
import type { ResolveOutcomeRequest as _twophase_v1_ResolveOutcomeRequest, ResolveOutcomeRequest__Output as _twophase_v1_ResolveOutcomeRequest__Output } from '../../twophase/v1/ResolveOutcomeRequest.js';
import type { ResolveOutcomeResponse as _twophase_v1_ResolveOutcomeResponse, ResolveOutcomeResponse__Output as _twophase_v1_ResolveOutcomeResponse__Output } from '../../twophase/v1/ResolveOutcomeResponse.js';

/**
 * Served by every participant; called by the coordinator (and by operators).
 */
export interface ParticipantClient extends grpc.Client {
  /**
   * Phase 2, decision abort (or an abort of unprepared work). Idempotent; an
   * unknown branch is already aborted.
   */
  Abort(argument: _twophase_v1_ParticipantAbortRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ParticipantAbortResponse__Output>): grpc.ClientUnaryCall;
  Abort(argument: _twophase_v1_ParticipantAbortRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_ParticipantAbortResponse__Output>): grpc.ClientUnaryCall;
  Abort(argument: _twophase_v1_ParticipantAbortRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ParticipantAbortResponse__Output>): grpc.ClientUnaryCall;
  Abort(argument: _twophase_v1_ParticipantAbortRequest, callback: grpc.requestCallback<_twophase_v1_ParticipantAbortResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Phase 2, decision abort (or an abort of unprepared work). Idempotent; an
   * unknown branch is already aborted.
   */
  abort(argument: _twophase_v1_ParticipantAbortRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ParticipantAbortResponse__Output>): grpc.ClientUnaryCall;
  abort(argument: _twophase_v1_ParticipantAbortRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_ParticipantAbortResponse__Output>): grpc.ClientUnaryCall;
  abort(argument: _twophase_v1_ParticipantAbortRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ParticipantAbortResponse__Output>): grpc.ClientUnaryCall;
  abort(argument: _twophase_v1_ParticipantAbortRequest, callback: grpc.requestCallback<_twophase_v1_ParticipantAbortResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Phase 2, decision commit. Idempotent. A branch no longer present is
   * verified as committed; if it cannot be, the call fails with DATA_LOSS or
   * FAILED_PRECONDITION, never a false success.
   */
  Commit(argument: _twophase_v1_ParticipantCommitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ParticipantCommitResponse__Output>): grpc.ClientUnaryCall;
  Commit(argument: _twophase_v1_ParticipantCommitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_ParticipantCommitResponse__Output>): grpc.ClientUnaryCall;
  Commit(argument: _twophase_v1_ParticipantCommitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ParticipantCommitResponse__Output>): grpc.ClientUnaryCall;
  Commit(argument: _twophase_v1_ParticipantCommitRequest, callback: grpc.requestCallback<_twophase_v1_ParticipantCommitResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Phase 2, decision commit. Idempotent. A branch no longer present is
   * verified as committed; if it cannot be, the call fails with DATA_LOSS or
   * FAILED_PRECONDITION, never a false success.
   */
  commit(argument: _twophase_v1_ParticipantCommitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ParticipantCommitResponse__Output>): grpc.ClientUnaryCall;
  commit(argument: _twophase_v1_ParticipantCommitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_ParticipantCommitResponse__Output>): grpc.ClientUnaryCall;
  commit(argument: _twophase_v1_ParticipantCommitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ParticipantCommitResponse__Output>): grpc.ClientUnaryCall;
  commit(argument: _twophase_v1_ParticipantCommitRequest, callback: grpc.requestCallback<_twophase_v1_ParticipantCommitResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Last-resource mode (`--commit-mode last-resource`), only at the last resource:
   * commits the open branch one-phase, with the decision marker inside that same
   * transaction, so its COMMIT is the commit point of the tx; the others are all
   * prepared already. With no open branch here (a repeat, or a branch lost in a
   * restart) it answers as ResolveOutcome. COMMITTED or ABORTED are the truth;
   * any failed status (UNAVAILABLE when the COMMIT's answer was lost, INTERNAL,
   * DEADLINE_EXCEEDED, ...) means either may have happened, and the caller asks
   * ResolveOutcome. UNIMPLEMENTED: this participant cannot be the last resource (its
   * storage has no one-phase commit with a marker, or it predates this method), and
   * nothing was done; FAILED_PRECONDITION: the branch is prepared under two-phase
   * commit, whose outcome is the coordinator's decision.
   */
  CommitOnePhase(argument: _twophase_v1_CommitOnePhaseRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_CommitOnePhaseResponse__Output>): grpc.ClientUnaryCall;
  CommitOnePhase(argument: _twophase_v1_CommitOnePhaseRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_CommitOnePhaseResponse__Output>): grpc.ClientUnaryCall;
  CommitOnePhase(argument: _twophase_v1_CommitOnePhaseRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_CommitOnePhaseResponse__Output>): grpc.ClientUnaryCall;
  CommitOnePhase(argument: _twophase_v1_CommitOnePhaseRequest, callback: grpc.requestCallback<_twophase_v1_CommitOnePhaseResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Last-resource mode (`--commit-mode last-resource`), only at the last resource:
   * commits the open branch one-phase, with the decision marker inside that same
   * transaction, so its COMMIT is the commit point of the tx; the others are all
   * prepared already. With no open branch here (a repeat, or a branch lost in a
   * restart) it answers as ResolveOutcome. COMMITTED or ABORTED are the truth;
   * any failed status (UNAVAILABLE when the COMMIT's answer was lost, INTERNAL,
   * DEADLINE_EXCEEDED, ...) means either may have happened, and the caller asks
   * ResolveOutcome. UNIMPLEMENTED: this participant cannot be the last resource (its
   * storage has no one-phase commit with a marker, or it predates this method), and
   * nothing was done; FAILED_PRECONDITION: the branch is prepared under two-phase
   * commit, whose outcome is the coordinator's decision.
   */
  commitOnePhase(argument: _twophase_v1_CommitOnePhaseRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_CommitOnePhaseResponse__Output>): grpc.ClientUnaryCall;
  commitOnePhase(argument: _twophase_v1_CommitOnePhaseRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_CommitOnePhaseResponse__Output>): grpc.ClientUnaryCall;
  commitOnePhase(argument: _twophase_v1_CommitOnePhaseRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_CommitOnePhaseResponse__Output>): grpc.ClientUnaryCall;
  commitOnePhase(argument: _twophase_v1_CommitOnePhaseRequest, callback: grpc.requestCallback<_twophase_v1_CommitOnePhaseResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Prepare, Commit, Abort, CommitOnePhase and ResolveOutcome multiplexed over one
   * long-lived stream, as Coordinator.Link does for its methods: the same requests,
   * answers and status codes, tagged with call ids. The coordinator uses it, and falls
   * back to the unary methods when a participant answers UNIMPLEMENTED.
   */
  Link(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_twophase_v1_ParticipantLinkRequests, _twophase_v1_ParticipantLinkResponses__Output>;
  Link(options?: grpc.CallOptions): grpc.ClientDuplexStream<_twophase_v1_ParticipantLinkRequests, _twophase_v1_ParticipantLinkResponses__Output>;
  /**
   * Prepare, Commit, Abort, CommitOnePhase and ResolveOutcome multiplexed over one
   * long-lived stream, as Coordinator.Link does for its methods: the same requests,
   * answers and status codes, tagged with call ids. The coordinator uses it, and falls
   * back to the unary methods when a participant answers UNIMPLEMENTED.
   */
  link(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_twophase_v1_ParticipantLinkRequests, _twophase_v1_ParticipantLinkResponses__Output>;
  link(options?: grpc.CallOptions): grpc.ClientDuplexStream<_twophase_v1_ParticipantLinkRequests, _twophase_v1_ParticipantLinkResponses__Output>;
  
  /**
   * Branches that voted yes and have not yet learned the decision.
   */
  ListInDoubt(argument: _twophase_v1_ListInDoubtRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ListInDoubtResponse__Output>): grpc.ClientUnaryCall;
  ListInDoubt(argument: _twophase_v1_ListInDoubtRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_ListInDoubtResponse__Output>): grpc.ClientUnaryCall;
  ListInDoubt(argument: _twophase_v1_ListInDoubtRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ListInDoubtResponse__Output>): grpc.ClientUnaryCall;
  ListInDoubt(argument: _twophase_v1_ListInDoubtRequest, callback: grpc.requestCallback<_twophase_v1_ListInDoubtResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Branches that voted yes and have not yet learned the decision.
   */
  listInDoubt(argument: _twophase_v1_ListInDoubtRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ListInDoubtResponse__Output>): grpc.ClientUnaryCall;
  listInDoubt(argument: _twophase_v1_ListInDoubtRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_ListInDoubtResponse__Output>): grpc.ClientUnaryCall;
  listInDoubt(argument: _twophase_v1_ListInDoubtRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ListInDoubtResponse__Output>): grpc.ClientUnaryCall;
  listInDoubt(argument: _twophase_v1_ListInDoubtRequest, callback: grpc.requestCallback<_twophase_v1_ListInDoubtResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Phase 1. Makes the branch durable and votes. A `yes` is a promise to commit
   * if told to, whatever crashes. A branch the participant does not know votes
   * `no`. Idempotent: a prepared branch votes `yes` again.
   */
  Prepare(argument: _twophase_v1_PrepareRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_PrepareResponse__Output>): grpc.ClientUnaryCall;
  Prepare(argument: _twophase_v1_PrepareRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_PrepareResponse__Output>): grpc.ClientUnaryCall;
  Prepare(argument: _twophase_v1_PrepareRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_PrepareResponse__Output>): grpc.ClientUnaryCall;
  Prepare(argument: _twophase_v1_PrepareRequest, callback: grpc.requestCallback<_twophase_v1_PrepareResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Phase 1. Makes the branch durable and votes. A `yes` is a promise to commit
   * if told to, whatever crashes. A branch the participant does not know votes
   * `no`. Idempotent: a prepared branch votes `yes` again.
   */
  prepare(argument: _twophase_v1_PrepareRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_PrepareResponse__Output>): grpc.ClientUnaryCall;
  prepare(argument: _twophase_v1_PrepareRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_PrepareResponse__Output>): grpc.ClientUnaryCall;
  prepare(argument: _twophase_v1_PrepareRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_PrepareResponse__Output>): grpc.ClientUnaryCall;
  prepare(argument: _twophase_v1_PrepareRequest, callback: grpc.requestCallback<_twophase_v1_PrepareResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Last-resource mode, only at the last resource: the outcome of the tx, settled by a
   * compare-and-set on its marker key (aborted unless a one-phase COMMIT of it landed,
   * waiting for one still in flight); once it says ABORTED, the tx can never commit
   * here. Status codes as CommitOnePhase; a failed call decides nothing.
   */
  ResolveOutcome(argument: _twophase_v1_ResolveOutcomeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ResolveOutcomeResponse__Output>): grpc.ClientUnaryCall;
  ResolveOutcome(argument: _twophase_v1_ResolveOutcomeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_ResolveOutcomeResponse__Output>): grpc.ClientUnaryCall;
  ResolveOutcome(argument: _twophase_v1_ResolveOutcomeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ResolveOutcomeResponse__Output>): grpc.ClientUnaryCall;
  ResolveOutcome(argument: _twophase_v1_ResolveOutcomeRequest, callback: grpc.requestCallback<_twophase_v1_ResolveOutcomeResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Last-resource mode, only at the last resource: the outcome of the tx, settled by a
   * compare-and-set on its marker key (aborted unless a one-phase COMMIT of it landed,
   * waiting for one still in flight); once it says ABORTED, the tx can never commit
   * here. Status codes as CommitOnePhase; a failed call decides nothing.
   */
  resolveOutcome(argument: _twophase_v1_ResolveOutcomeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ResolveOutcomeResponse__Output>): grpc.ClientUnaryCall;
  resolveOutcome(argument: _twophase_v1_ResolveOutcomeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_twophase_v1_ResolveOutcomeResponse__Output>): grpc.ClientUnaryCall;
  resolveOutcome(argument: _twophase_v1_ResolveOutcomeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_twophase_v1_ResolveOutcomeResponse__Output>): grpc.ClientUnaryCall;
  resolveOutcome(argument: _twophase_v1_ResolveOutcomeRequest, callback: grpc.requestCallback<_twophase_v1_ResolveOutcomeResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * Served by every participant; called by the coordinator (and by operators).
 */
export interface ParticipantHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Phase 2, decision abort (or an abort of unprepared work). Idempotent; an
   * unknown branch is already aborted.
   */
  Abort: grpc.handleUnaryCall<_twophase_v1_ParticipantAbortRequest__Output, _twophase_v1_ParticipantAbortResponse>;
  
  /**
   * Phase 2, decision commit. Idempotent. A branch no longer present is
   * verified as committed; if it cannot be, the call fails with DATA_LOSS or
   * FAILED_PRECONDITION, never a false success.
   */
  Commit: grpc.handleUnaryCall<_twophase_v1_ParticipantCommitRequest__Output, _twophase_v1_ParticipantCommitResponse>;
  
  /**
   * Last-resource mode (`--commit-mode last-resource`), only at the last resource:
   * commits the open branch one-phase, with the decision marker inside that same
   * transaction, so its COMMIT is the commit point of the tx; the others are all
   * prepared already. With no open branch here (a repeat, or a branch lost in a
   * restart) it answers as ResolveOutcome. COMMITTED or ABORTED are the truth;
   * any failed status (UNAVAILABLE when the COMMIT's answer was lost, INTERNAL,
   * DEADLINE_EXCEEDED, ...) means either may have happened, and the caller asks
   * ResolveOutcome. UNIMPLEMENTED: this participant cannot be the last resource (its
   * storage has no one-phase commit with a marker, or it predates this method), and
   * nothing was done; FAILED_PRECONDITION: the branch is prepared under two-phase
   * commit, whose outcome is the coordinator's decision.
   */
  CommitOnePhase: grpc.handleUnaryCall<_twophase_v1_CommitOnePhaseRequest__Output, _twophase_v1_CommitOnePhaseResponse>;
  
  /**
   * Prepare, Commit, Abort, CommitOnePhase and ResolveOutcome multiplexed over one
   * long-lived stream, as Coordinator.Link does for its methods: the same requests,
   * answers and status codes, tagged with call ids. The coordinator uses it, and falls
   * back to the unary methods when a participant answers UNIMPLEMENTED.
   */
  Link: grpc.handleBidiStreamingCall<_twophase_v1_ParticipantLinkRequests__Output, _twophase_v1_ParticipantLinkResponses>;
  
  /**
   * Branches that voted yes and have not yet learned the decision.
   */
  ListInDoubt: grpc.handleUnaryCall<_twophase_v1_ListInDoubtRequest__Output, _twophase_v1_ListInDoubtResponse>;
  
  /**
   * Phase 1. Makes the branch durable and votes. A `yes` is a promise to commit
   * if told to, whatever crashes. A branch the participant does not know votes
   * `no`. Idempotent: a prepared branch votes `yes` again.
   */
  Prepare: grpc.handleUnaryCall<_twophase_v1_PrepareRequest__Output, _twophase_v1_PrepareResponse>;
  
  /**
   * Last-resource mode, only at the last resource: the outcome of the tx, settled by a
   * compare-and-set on its marker key (aborted unless a one-phase COMMIT of it landed,
   * waiting for one still in flight); once it says ABORTED, the tx can never commit
   * here. Status codes as CommitOnePhase; a failed call decides nothing.
   */
  ResolveOutcome: grpc.handleUnaryCall<_twophase_v1_ResolveOutcomeRequest__Output, _twophase_v1_ResolveOutcomeResponse>;
  
}

export interface ParticipantDefinition extends grpc.ServiceDefinition {
  Abort: MethodDefinition<_twophase_v1_ParticipantAbortRequest, _twophase_v1_ParticipantAbortResponse, _twophase_v1_ParticipantAbortRequest__Output, _twophase_v1_ParticipantAbortResponse__Output>
  Commit: MethodDefinition<_twophase_v1_ParticipantCommitRequest, _twophase_v1_ParticipantCommitResponse, _twophase_v1_ParticipantCommitRequest__Output, _twophase_v1_ParticipantCommitResponse__Output>
  CommitOnePhase: MethodDefinition<_twophase_v1_CommitOnePhaseRequest, _twophase_v1_CommitOnePhaseResponse, _twophase_v1_CommitOnePhaseRequest__Output, _twophase_v1_CommitOnePhaseResponse__Output>
  Link: MethodDefinition<_twophase_v1_ParticipantLinkRequests, _twophase_v1_ParticipantLinkResponses, _twophase_v1_ParticipantLinkRequests__Output, _twophase_v1_ParticipantLinkResponses__Output>
  ListInDoubt: MethodDefinition<_twophase_v1_ListInDoubtRequest, _twophase_v1_ListInDoubtResponse, _twophase_v1_ListInDoubtRequest__Output, _twophase_v1_ListInDoubtResponse__Output>
  Prepare: MethodDefinition<_twophase_v1_PrepareRequest, _twophase_v1_PrepareResponse, _twophase_v1_PrepareRequest__Output, _twophase_v1_PrepareResponse__Output>
  ResolveOutcome: MethodDefinition<_twophase_v1_ResolveOutcomeRequest, _twophase_v1_ResolveOutcomeResponse, _twophase_v1_ResolveOutcomeRequest__Output, _twophase_v1_ResolveOutcomeResponse__Output>
}
