// Original file: proto/twophase/v1/metadata.proto

import type { Long } from '@grpc/proto-loader';

export interface StageRevisionResponse {
  /**
   * The revision this write will have once the tx commits (1 for a new file).
   */
  'revision'?: (number | string | Long);
  /**
   * True when no live file existed at the path (an HTTP PUT answers 201).
   */
  'created'?: (boolean);
}

export interface StageRevisionResponse__Output {
  /**
   * The revision this write will have once the tx commits (1 for a new file).
   */
  'revision': (string);
  /**
   * True when no live file existed at the path (an HTTP PUT answers 201).
   */
  'created': (boolean);
}
