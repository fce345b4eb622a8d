// Original file: proto/twophase/v1/participant.proto


export interface ParticipantCommitRequest {
  /**
   * The tx whose branch is committed.
   */
  'txId'?: (string);
}

export interface ParticipantCommitRequest__Output {
  /**
   * The tx whose branch is committed.
   */
  'txId': (string);
}
