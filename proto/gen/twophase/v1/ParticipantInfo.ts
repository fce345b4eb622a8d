// Original file: proto/twophase/v1/coordinator.proto


export interface ParticipantInfo {
  /**
   * The participant id, e.g. `blob`.
   */
  'participantId'?: (string);
  /**
   * host:port of its gRPC server.
   */
  'address'?: (string);
}

export interface ParticipantInfo__Output {
  /**
   * The participant id, e.g. `blob`.
   */
  'participantId': (string);
  /**
   * host:port of its gRPC server.
   */
  'address': (string);
}
