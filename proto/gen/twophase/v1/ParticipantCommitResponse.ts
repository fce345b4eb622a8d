// Original file: proto/twophase/v1/participant.proto


export interface ParticipantCommitResponse {
  /**
   * True when this call found the branch already committed (a repeat, or
   * verified after the branch was forgotten).
   */
  'alreadyCommitted'?: (boolean);
}

export interface ParticipantCommitResponse__Output {
  /**
   * True when this call found the branch already committed (a repeat, or
   * verified after the branch was forgotten).
   */
  'alreadyCommitted': (boolean);
}
