// Original file: proto/twophase/v1/coordinator.proto


export interface GetOutcomeRequest {
  /**
   * The tx asked about.
   */
  'txId'?: (string);
  /**
   * The participant asking, when a participant asks (for logs and metrics); empty for clients.
   */
  'participantId'?: (string);
}

export interface GetOutcomeRequest__Output {
  /**
   * The tx asked about.
   */
  'txId': (string);
  /**
   * The participant asking, when a participant asks (for logs and metrics); empty for clients.
   */
  'participantId': (string);
}
