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
}
