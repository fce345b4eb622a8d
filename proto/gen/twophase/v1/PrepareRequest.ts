// Original file: proto/twophase/v1/participant.proto


export interface PrepareRequest {
  /**
   * The tx whose branch is prepared.
   */
  'txId'?: (string);
}

export interface PrepareRequest__Output {
  /**
   * The tx whose branch is prepared.
   */
  'txId': (string);
}
