// Original file: proto/twophase/v1/participant.proto


export interface ParticipantAbortResponse {
  /**
   * True when there was nothing left to abort.
   */
  'alreadyAborted'?: (boolean);
}

export interface ParticipantAbortResponse__Output {
  /**
   * True when there was nothing left to abort.
   */
  'alreadyAborted': (boolean);
}
