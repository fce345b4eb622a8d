// Original file: proto/twophase/v1/coordinator.proto


export interface BeginRequest {
  /**
   * Requested lifetime of the tx in milliseconds; 0 takes the coordinator's
   * default. Clamped to the coordinator's maximum. Past it the tx is aborted.
   */
  'timeoutMs'?: (number);
}

export interface BeginRequest__Output {
  /**
   * Requested lifetime of the tx in milliseconds; 0 takes the coordinator's
   * default. Clamped to the coordinator's maximum. Past it the tx is aborted.
   */
  'timeoutMs': (number);
}
