// Original file: proto/twophase/v1/blob.proto

import type { PutHeader as _twophase_v1_PutHeader, PutHeader__Output as _twophase_v1_PutHeader__Output } from '../../twophase/v1/PutHeader.js';

/**
 * One object in one message: Put's header and every byte.
 */
export interface PutWholeRequest {
  'header'?: (_twophase_v1_PutHeader | null);
  /**
   * At most 256 KiB.
   */
  'content'?: (Buffer | Uint8Array | string);
}

/**
 * One object in one message: Put's header and every byte.
 */
export interface PutWholeRequest__Output {
  'header': (_twophase_v1_PutHeader__Output | null);
  /**
   * At most 256 KiB.
   */
  'content': (Buffer);
}
