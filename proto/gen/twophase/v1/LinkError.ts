// Original file: proto/twophase/v1/common.proto


/**
 * How a call multiplexed on a Link stream failed: the gRPC status the same call would
 * have failed with as a unary call (FAILED_PRECONDITION, INVALID_ARGUMENT, ...).
 */
export interface LinkError {
  /**
   * A gRPC status code (never 0).
   */
  'code'?: (number);
  /**
   * For humans, as a unary call's status details.
   */
  'message'?: (string);
  /**
   * The trailing metadata the unary call would carry (e.g. `current-revision` of a failed
   * If-Match), ASCII values only.
   */
  'metadata'?: ({[key: string]: string});
}

/**
 * How a call multiplexed on a Link stream failed: the gRPC status the same call would
 * have failed with as a unary call (FAILED_PRECONDITION, INVALID_ARGUMENT, ...).
 */
export interface LinkError__Output {
  /**
   * A gRPC status code (never 0).
   */
  'code': (number);
  /**
   * For humans, as a unary call's status details.
   */
  'message': (string);
  /**
   * The trailing metadata the unary call would carry (e.g. `current-revision` of a failed
   * If-Match), ASCII values only.
   */
  'metadata': ({[key: string]: string});
}
