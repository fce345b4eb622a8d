// Original file: proto/twophase/v1/coordinator.proto

import type { BeginRequest as _twophase_v1_BeginRequest, BeginRequest__Output as _twophase_v1_BeginRequest__Output } from '../../twophase/v1/BeginRequest.js';
import type { EnlistRequest as _twophase_v1_EnlistRequest, EnlistRequest__Output as _twophase_v1_EnlistRequest__Output } from '../../twophase/v1/EnlistRequest.js';
import type { CommitRequest as _twophase_v1_CommitRequest, CommitRequest__Output as _twophase_v1_CommitRequest__Output } from '../../twophase/v1/CommitRequest.js';
import type { AbortRequest as _twophase_v1_AbortRequest, AbortRequest__Output as _twophase_v1_AbortRequest__Output } from '../../twophase/v1/AbortRequest.js';
import type { GetOutcomeRequest as _twophase_v1_GetOutcomeRequest, GetOutcomeRequest__Output as _twophase_v1_GetOutcomeRequest__Output } from '../../twophase/v1/GetOutcomeRequest.js';
import type { Long } from '@grpc/proto-loader';

export interface CoordinatorLinkRequest {
  /**
   * Chosen by the client, unique among its calls in flight on this stream; echoed in the answer.
   */
  'callId'?: (number | string | Long);
  'begin'?: (_twophase_v1_BeginRequest | null);
  'enlist'?: (_twophase_v1_EnlistRequest | null);
  'commit'?: (_twophase_v1_CommitRequest | null);
  'abort'?: (_twophase_v1_AbortRequest | null);
  'getOutcome'?: (_twophase_v1_GetOutcomeRequest | null);
  /**
   * The W3C trace context of the caller's span (traceparent), or empty: with tracing
   * on, the server's span of this call is its child.
   */
  'traceparent'?: (string);
  /**
   * The call's deadline (Unix ms; 0 = none), as a unary call would carry it.
   */
  'deadlineUnixMs'?: (number | string | Long);
  'call'?: "begin"|"enlist"|"commit"|"abort"|"getOutcome";
}

export interface CoordinatorLinkRequest__Output {
  /**
   * Chosen by the client, unique among its calls in flight on this stream; echoed in the answer.
   */
  'callId': (string);
  'begin'?: (_twophase_v1_BeginRequest__Output | null);
  'enlist'?: (_twophase_v1_EnlistRequest__Output | null);
  'commit'?: (_twophase_v1_CommitRequest__Output | null);
  'abort'?: (_twophase_v1_AbortRequest__Output | null);
  'getOutcome'?: (_twophase_v1_GetOutcomeRequest__Output | null);
  /**
   * The W3C trace context of the caller's span (traceparent), or empty: with tracing
   * on, the server's span of this call is its child.
   */
  'traceparent': (string);
  /**
   * The call's deadline (Unix ms; 0 = none), as a unary call would carry it.
   */
  'deadlineUnixMs': (string);
  'call'?: "begin"|"enlist"|"commit"|"abort"|"getOutcome";
}
