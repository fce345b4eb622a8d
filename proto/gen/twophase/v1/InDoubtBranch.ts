// Original file: proto/twophase/v1/participant.proto

import type { Long } from '@grpc/proto-loader';

export interface InDoubtBranch {
  /**
   * The tx of the in-doubt branch.
   */
  'txId'?: (string);
  /**
   * When the branch voted yes (Unix epoch ms).
   */
  'preparedUnixMs'?: (number | string | Long);
}

export interface InDoubtBranch__Output {
  /**
   * The tx of the in-doubt branch.
   */
  'txId': (string);
  /**
   * When the branch voted yes (Unix epoch ms).
   */
  'preparedUnixMs': (string);
}
