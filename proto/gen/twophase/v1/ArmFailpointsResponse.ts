// Original file: proto/twophase/v1/admin.proto


export interface ArmFailpointsResponse {
  /**
   * The names armed (or disarmed with `off`).
   */
  'names'?: (string)[];
}

export interface ArmFailpointsResponse__Output {
  /**
   * The names armed (or disarmed with `off`).
   */
  'names': (string)[];
}
