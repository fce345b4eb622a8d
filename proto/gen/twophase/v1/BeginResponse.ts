// Original file: proto/twophase/v1/coordinator.proto

import type { Long } from '@grpc/proto-loader';

export interface BeginResponse {
  /**
   * Random URL-safe id, 21 or more characters of [A-Za-z0-9_-].
   */
  'txId'?: (string);
  /**
   * Unix epoch milliseconds after which the coordinator aborts the tx if it was
   * not asked to commit.
   */
  'deadlineUnixMs'?: (number | string | Long);
}

export interface BeginResponse__Output {
  /**
   * Random URL-safe id, 21 or more characters of [A-Za-z0-9_-].
   */
  'txId': (string);
  /**
   * Unix epoch milliseconds after which the coordinator aborts the tx if it was
   * not asked to commit.
   */
  'deadlineUnixMs': (string);
}
