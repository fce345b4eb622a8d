// Original file: proto/twophase/v1/participant.proto


export interface ResolveOutcomeRequest {
  /**
   * The tx whose outcome is settled.
   */
  'txId'?: (string);
}

export interface ResolveOutcomeRequest__Output {
  /**
   * The tx whose outcome is settled.
   */
  'txId': (string);
}
