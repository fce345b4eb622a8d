// Original file: proto/twophase/v1/participant.proto


export interface ParticipantAbortRequest {
  /**
   * The tx whose branch is aborted.
   */
  'txId'?: (string);
  /**
   * Why, for the participant's log.
   */
  'reason'?: (string);
}

export interface ParticipantAbortRequest__Output {
  /**
   * The tx whose branch is aborted.
   */
  'txId': (string);
  /**
   * Why, for the participant's log.
   */
  'reason': (string);
}
