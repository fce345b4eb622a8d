// Original file: proto/twophase/v1/blob.proto


export interface GetResponse {
  /**
   * The next bytes of the object, in order.
   */
  'chunk'?: (Buffer | Uint8Array | string);
}

export interface GetResponse__Output {
  /**
   * The next bytes of the object, in order.
   */
  'chunk': (Buffer);
}
