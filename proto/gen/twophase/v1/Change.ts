// Original file: proto/twophase/v1/metadata.proto

import type { FileRevision as _twophase_v1_FileRevision, FileRevision__Output as _twophase_v1_FileRevision__Output } from '../../twophase/v1/FileRevision.js';
import type { Long } from '@grpc/proto-loader';

export interface Change {
  /**
   * Position in the feed, increasing: pass the last one handled as after_cursor to resume.
   */
  'cursor'?: (number | string | Long);
  /**
   * The revision that changed the file (deleted: true for a delete).
   */
  'revision'?: (_twophase_v1_FileRevision | null);
}

export interface Change__Output {
  /**
   * Position in the feed, increasing: pass the last one handled as after_cursor to resume.
   */
  'cursor': (string);
  /**
   * The revision that changed the file (deleted: true for a delete).
   */
  'revision': (_twophase_v1_FileRevision__Output | null);
}
