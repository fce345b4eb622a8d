// Original file: proto/twophase/v1/participant.proto


export interface CommitOnePhaseRequest {
  /**
   * The tx whose branch commits one-phase.
   */
  'txId'?: (string);
  /**
   * Every participant of the tx, this one included: the decision marker records them.
   */
  'participants'?: (string)[];
}

export interface CommitOnePhaseRequest__Output {
  /**
   * The tx whose branch commits one-phase.
   */
  'txId': (string);
  /**
   * Every participant of the tx, this one included: the decision marker records them.
   */
  'participants': (string)[];
}
