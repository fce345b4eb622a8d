// Original file: proto/twophase/v1/coordinator.proto

import type { BeginResponse as _twophase_v1_BeginResponse, BeginResponse__Output as _twophase_v1_BeginResponse__Output } from '../../twophase/v1/BeginResponse.js';
import type { EnlistResponse as _twophase_v1_EnlistResponse, EnlistResponse__Output as _twophase_v1_EnlistResponse__Output } from '../../twophase/v1/EnlistResponse.js';
import type { CommitResponse as _twophase_v1_CommitResponse, CommitResponse__Output as _twophase_v1_CommitResponse__Output } from '../../twophase/v1/CommitResponse.js';
import type { AbortResponse as _twophase_v1_AbortResponse, AbortResponse__Output as _twophase_v1_AbortResponse__Output } from '../../twophase/v1/AbortResponse.js';
import type { GetOutcomeResponse as _twophase_v1_GetOutcomeResponse, GetOutcomeResponse__Output as _twophase_v1_GetOutcomeResponse__Output } from '../../twophase/v1/GetOutcomeResponse.js';
import type { LinkError as _twophase_v1_LinkError, LinkError__Output as _twophase_v1_LinkError__Output } from '../../twophase/v1/LinkError.js';
import type { Long } from '@grpc/proto-loader';

export interface CoordinatorLinkResponse {
  /**
   * The call this answers.
   */
  'callId'?: (number | string | Long);
  'begin'?: (_twophase_v1_BeginResponse | null);
  'enlist'?: (_twophase_v1_EnlistResponse | null);
  'commit'?: (_twophase_v1_CommitResponse | null);
  'abort'?: (_twophase_v1_AbortResponse | null);
  'getOutcome'?: (_twophase_v1_GetOutcomeResponse | null);
  'error'?: (_twophase_v1_LinkError | null);
  /**
   * The answer, in the field named as the request's, or why the call failed.
   */
  'result'?: "begin"|"enlist"|"commit"|"abort"|"getOutcome"|"error";
}

export interface CoordinatorLinkResponse__Output {
  /**
   * The call this answers.
   */
  'callId': (string);
  'begin'?: (_twophase_v1_BeginResponse__Output | null);
  'enlist'?: (_twophase_v1_EnlistResponse__Output | null);
  'commit'?: (_twophase_v1_CommitResponse__Output | null);
  'abort'?: (_twophase_v1_AbortResponse__Output | null);
  'getOutcome'?: (_twophase_v1_GetOutcomeResponse__Output | null);
  'error'?: (_twophase_v1_LinkError__Output | null);
  /**
   * The answer, in the field named as the request's, or why the call failed.
   */
  'result'?: "begin"|"enlist"|"commit"|"abort"|"getOutcome"|"error";
}
