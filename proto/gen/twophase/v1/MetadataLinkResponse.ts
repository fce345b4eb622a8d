// Original file: proto/twophase/v1/metadata.proto

import type { StageRevisionResponse as _twophase_v1_StageRevisionResponse, StageRevisionResponse__Output as _twophase_v1_StageRevisionResponse__Output } from '../../twophase/v1/StageRevisionResponse.js';
import type { DeleteFileResponse as _twophase_v1_DeleteFileResponse, DeleteFileResponse__Output as _twophase_v1_DeleteFileResponse__Output } from '../../twophase/v1/DeleteFileResponse.js';
import type { LinkError as _twophase_v1_LinkError, LinkError__Output as _twophase_v1_LinkError__Output } from '../../twophase/v1/LinkError.js';
import type { Long } from '@grpc/proto-loader';

export interface MetadataLinkResponse {
  /**
   * The call this answers.
   */
  'callId'?: (number | string | Long);
  'stageRevision'?: (_twophase_v1_StageRevisionResponse | null);
  'deleteFile'?: (_twophase_v1_DeleteFileResponse | null);
  'error'?: (_twophase_v1_LinkError | null);
  'result'?: "stageRevision"|"deleteFile"|"error";
}

export interface MetadataLinkResponse__Output {
  /**
   * The call this answers.
   */
  'callId': (string);
  'stageRevision'?: (_twophase_v1_StageRevisionResponse__Output | null);
  'deleteFile'?: (_twophase_v1_DeleteFileResponse__Output | null);
  'error'?: (_twophase_v1_LinkError__Output | null);
  'result'?: "stageRevision"|"deleteFile"|"error";
}
