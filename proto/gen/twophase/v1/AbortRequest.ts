// Original file: proto/twophase/v1/coordinator.proto


export interface AbortRequest {
  /**
   * The tx to abort.
   */
  'txId'?: (string);
  /**
   * Free text recorded as the abort reason.
   */
  'reason'?: (string);
}

export interface AbortRequest__Output {
  /**
   * The tx to abort.
   */
  'txId': (string);
  /**
   * Free text recorded as the abort reason.
   */
  'reason': (string);
}
