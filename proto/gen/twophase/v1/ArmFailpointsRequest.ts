// Original file: proto/twophase/v1/admin.proto


export interface ArmFailpointsRequest {
  /**
   * `name=action[trigger],…`; see `twophase failpoints` for the grammar.
   */
  'spec'?: (string);
}

export interface ArmFailpointsRequest__Output {
  /**
   * `name=action[trigger],…`; see `twophase failpoints` for the grammar.
   */
  'spec': (string);
}
