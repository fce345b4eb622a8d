// Original file: proto/twophase/v1/admin.proto


export interface FailpointInfo {
  /**
   * e.g. `coordinator.log.commit.after-sync`.
   */
  'name'?: (string);
  /**
   * Where in the code it sits.
   */
  'description'?: (string);
}

export interface FailpointInfo__Output {
  /**
   * e.g. `coordinator.log.commit.after-sync`.
   */
  'name': (string);
  /**
   * Where in the code it sits.
   */
  'description': (string);
}
