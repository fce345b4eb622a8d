// Original file: proto/twophase/v1/participant.proto

import type { PrepareResponse as _twophase_v1_PrepareResponse, PrepareResponse__Output as _twophase_v1_PrepareResponse__Output } from '../../twophase/v1/PrepareResponse.js';
import type { ParticipantCommitResponse as _twophase_v1_ParticipantCommitResponse, ParticipantCommitResponse__Output as _twophase_v1_ParticipantCommitResponse__Output } from '../../twophase/v1/ParticipantCommitResponse.js';
import type { ParticipantAbortResponse as _twophase_v1_ParticipantAbortResponse, ParticipantAbortResponse__Output as _twophase_v1_ParticipantAbortResponse__Output } from '../../twophase/v1/ParticipantAbortResponse.js';
import type { CommitOnePhaseResponse as _twophase_v1_CommitOnePhaseResponse, CommitOnePhaseResponse__Output as _twophase_v1_CommitOnePhaseResponse__Output } from '../../twophase/v1/CommitOnePhaseResponse.js';
import type { ResolveOutcomeResponse as _twophase_v1_ResolveOutcomeResponse, ResolveOutcomeResponse__Output as _twophase_v1_ResolveOutcomeResponse__Output } from '../../twophase/v1/ResolveOutcomeResponse.js';
import type { LinkError as _twophase_v1_LinkError, LinkError__Output as _twophase_v1_LinkError__Output } from '../../twophase/v1/LinkError.js';
import type { Long } from '@grpc/proto-loader';

export interface ParticipantLinkResponse {
  /**
   * The call this answers.
   */
  'callId'?: (number | string | Long);
  'prepare'?: (_twophase_v1_PrepareResponse | null);
  'commit'?: (_twophase_v1_ParticipantCommitResponse | null);
  'abort'?: (_twophase_v1_ParticipantAbortResponse | null);
  'commitOnePhase'?: (_twophase_v1_CommitOnePhaseResponse | null);
  'resolveOutcome'?: (_twophase_v1_ResolveOutcomeResponse | null);
  'error'?: (_twophase_v1_LinkError | null);
  /**
   * The answer, in the field named as the request's, or why the call failed.
   */
  'result'?: "prepare"|"commit"|"abort"|"commitOnePhase"|"resolveOutcome"|"error";
}

export interface ParticipantLinkResponse__Output {
  /**
   * The call this answers.
   */
  'callId': (string);
  'prepare'?: (_twophase_v1_PrepareResponse__Output | null);
  'commit'?: (_twophase_v1_ParticipantCommitResponse__Output | null);
  'abort'?: (_twophase_v1_ParticipantAbortResponse__Output | null);
  'commitOnePhase'?: (_twophase_v1_CommitOnePhaseResponse__Output | null);
  'resolveOutcome'?: (_twophase_v1_ResolveOutcomeResponse__Output | null);
  'error'?: (_twophase_v1_LinkError__Output | null);
  /**
   * The answer, in the field named as the request's, or why the call failed.
   */
  'result'?: "prepare"|"commit"|"abort"|"commitOnePhase"|"resolveOutcome"|"error";
}
