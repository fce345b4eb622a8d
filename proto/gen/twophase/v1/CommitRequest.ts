// Original file: proto/twophase/v1/coordinator.proto


export interface CommitRequest {
  /**
   * The tx to commit.
   */
  'txId'?: (string);
}

export interface CommitRequest__Output {
  /**
   * The tx to commit.
   */
  'txId': (string);
}
