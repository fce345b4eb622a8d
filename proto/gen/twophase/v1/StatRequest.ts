// Original file: proto/twophase/v1/blob.proto


export interface StatRequest {
  /**
   * Lower-case hex SHA-256 of the object.
   */
  'sha256'?: (string);
}

export interface StatRequest__Output {
  /**
   * Lower-case hex SHA-256 of the object.
   */
  'sha256': (string);
}
