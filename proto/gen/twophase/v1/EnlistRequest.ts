// Original file: proto/twophase/v1/coordinator.proto


export interface EnlistRequest {
  /**
   * The tx the participant is doing work for.
   */
  'txId'?: (string);
  /**
   * The participant's configured id, e.g. `blob` or `metadata`.
   */
  'participantId'?: (string);
  /**
   * A random id of the participant process, new at every start. A different one for a
   * participant already enlisted in the tx means it restarted and lost the tx's
   * unprepared work: the enlist is refused and the tx aborted. Empty skips the check.
   */
  'incarnation'?: (string);
}

export interface EnlistRequest__Output {
  /**
   * The tx the participant is doing work for.
   */
  'txId': (string);
  /**
   * The participant's configured id, e.g. `blob` or `metadata`.
   */
  'participantId': (string);
  /**
   * A random id of the participant process, new at every start. A different one for a
   * participant already enlisted in the tx means it restarted and lost the tx's
   * unprepared work: the enlist is refused and the tx aborted. Empty skips the check.
   */
  'incarnation': (string);
}
