// Original file: proto/twophase/v1/participant.proto

import type { PrepareRequest as _twophase_v1_PrepareRequest, PrepareRequest__Output as _twophase_v1_PrepareRequest__Output } from '../../twophase/v1/PrepareRequest.js';
import type { ParticipantCommitRequest as _twophase_v1_ParticipantCommitRequest, ParticipantCommitRequest__Output as _twophase_v1_ParticipantCommitRequest__Output } from '../../twophase/v1/ParticipantCommitRequest.js';
import type { ParticipantAbortRequest as _twophase_v1_ParticipantAbortRequest, ParticipantAbortRequest__Output as _twophase_v1_ParticipantAbortRequest__Output } from '../../twophase/v1/ParticipantAbortRequest.js';
import type { CommitOnePhaseRequest as _twophase_v1_CommitOnePhaseRequest, CommitOnePhaseRequest__Output as _twophase_v1_CommitOnePhaseRequest__Output } from '../../twophase/v1/CommitOnePhaseRequest.js';
import type { ResolveOutcomeRequest as _twophase_v1_ResolveOutcomeRequest, ResolveOutcomeRequest__Output as _twophase_v1_ResolveOutcomeRequest__Output } from '../../twophase/v1/ResolveOutcomeRequest.js';
import type { Long } from '@grpc/proto-loader';

export interface ParticipantLinkRequest {
  /**
   * Chosen by the client, unique among its calls in flight on this stream; echoed in the answer.
   */
  'callId'?: (number | string | Long);
  'prepare'?: (_twophase_v1_PrepareRequest | null);
  'commit'?: (_twophase_v1_ParticipantCommitRequest | null);
  'abort'?: (_twophase_v1_ParticipantAbortRequest | null);
  'commitOnePhase'?: (_twophase_v1_CommitOnePhaseRequest | null);
  'resolveOutcome'?: (_twophase_v1_ResolveOutcomeRequest | null);
  /**
   * The W3C trace context of the caller's span (traceparent), or empty: with tracing
   * on, the server's span of this call is its child.
   */
  'traceparent'?: (string);
  /**
   * The call's deadline (Unix ms; 0 = none), as a unary call would carry it: past it the
   * server stops waiting to run the call (e.g. behind a hung call of the same tx).
   */
  'deadlineUnixMs'?: (number | string | Long);
  'call'?: "prepare"|"commit"|"abort"|"commitOnePhase"|"resolveOutcome";
}

export interface ParticipantLinkRequest__Output {
  /**
   * Chosen by the client, unique among its calls in flight on this stream; echoed in the answer.
   */
  'callId': (string);
  'prepare'?: (_twophase_v1_PrepareRequest__Output | null);
  'commit'?: (_twophase_v1_ParticipantCommitRequest__Output | null);
  'abort'?: (_twophase_v1_ParticipantAbortRequest__Output | null);
  'commitOnePhase'?: (_twophase_v1_CommitOnePhaseRequest__Output | null);
  'resolveOutcome'?: (_twophase_v1_ResolveOutcomeRequest__Output | null);
  /**
   * The W3C trace context of the caller's span (traceparent), or empty: with tracing
   * on, the server's span of this call is its child.
   */
  'traceparent': (string);
  /**
   * The call's deadline (Unix ms; 0 = none), as a unary call would carry it: past it the
   * server stops waiting to run the call (e.g. behind a hung call of the same tx).
   */
  'deadlineUnixMs': (string);
  'call'?: "prepare"|"commit"|"abort"|"commitOnePhase"|"resolveOutcome";
}
